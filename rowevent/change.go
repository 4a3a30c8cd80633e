package rowevent

import (
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/binlogkit/binlogkit/internal/jsonstr"

	"github.com/binlogkit/binlogkit/binlog"
)

// Change locates one row change for AppendChangeJSON: the parts of a
// change record that do not come from the rows event itself. A CDC loop
// fills it from the transaction (binlog.Tx) and the event holding the rows.
//
// A change record is one JSON object on one line:
//
//	{"op":"update","database":"shop","table":"orders",
//	 "pk":{"id":42},
//	 "before":{"id":42,"amount":"10.00","status":"new"},
//	 "after":{"id":42,"amount":"12.50","status":"paid"},
//	 "commit_time":"2024-05-01T10:00:00Z",
//	 "source":{"file":"binlog.000012","pos":1234,"gtid":"0-1-77","server_id":1},
//	 "transaction":{"id":"0-1-77","index":3}}
//
// Keys always appear, in this order:
//
//   - op: "insert", "update" or "delete" (Debezium's "c", "u", "d").
//   - database, table: from the table map.
//   - pk: the primary key columns, name to value, in key order: from the
//     after image for inserts and updates (an update that changes the key
//     has the old key in before), from the before image for deletes; null
//     when the primary key is unknown (no binlog_row_metadata=FULL and no
//     schema), when the table has none, or when the image lacks a key
//     column.
//   - before, after: the row images, column name to value in table order;
//     before is null for inserts, after for deletes. A column that the
//     image does not hold (binlog_row_image=MINIMAL or NOBLOB) is left out,
//     which differs from a column holding SQL NULL (null).
//   - commit_time: when the transaction committed (Change.CommitTime), RFC
//     3339 in UTC with microseconds when not whole; null when unknown.
//   - source: where the rows event is: file, pos (the event's offset),
//     gtid (null when the transaction has none), server_id.
//   - transaction: id (the GTID, or "file:pos" of the transaction's first
//     event when it has none) and index, the position of this row change
//     among the transaction's row changes, from 0: (id, index) identifies
//     a change, so a consumer can drop duplicates after a replay.
//
// Values are typed as binlog.Value.MarshalJSON documents: integers as JSON
// numbers (an UNSIGNED BIGINT stays unsigned and exact in the text; readers
// that parse numbers as float64 lose precision above 2^53), DECIMAL as a
// string with the column's scale ("12.50"), FLOAT and DOUBLE as numbers
// (null for NaN and infinities), strings decoded to UTF-8 from the column's
// charset, binary strings and BLOBs as base64, DATE "2024-05-01", DATETIME
// "2024-05-01 10:00:00.123456" (civil, no zone), TIME "-838:59:59",
// TIMESTAMP "2024-05-01T10:00:00.123Z" (an instant, in UTC), YEAR and BIT
// as numbers, ENUM and SET as their member names (the index or bitmask
// when unknown), JSON columns embedded as JSON, partial JSON updates as an
// array of {"op","path","value"}, GEOMETRY as base64 of SRID + WKB.
type Change struct {
	// File and Offset locate the rows event (Event.File, Event.Offset).
	File   string
	Offset int64
	// GTID is the transaction's GTID in server notation, "" when none.
	GTID string
	// ServerID is the id of the server that wrote the transaction.
	ServerID uint32
	// CommitTime is the transaction's commit time (binlog.Tx.CommitTime);
	// the zero time writes null.
	CommitTime time.Time
	// TxID identifies the transaction: written as is when not "", else the
	// GTID is used.
	TxID string
	// Index is the row change's index among the transaction's row changes,
	// from 0.
	Index int
}

// ChangeOptions tunes change records. The zero value (or nil) requires
// column names.
type ChangeOptions struct {
	// PositionalNames names columns "@1", "@2", … when the table map does
	// not know their names, instead of failing with ErrNoColumnNames. Zero
	// means an event without column names fails with ErrNoColumnNames.
	PositionalNames bool
}

// AppendChangeJSON appends the change record of row i of rows, located by
// c, to dst, without a trailing newline. See Change for the record's keys
// and value types. It fails with an *Error wrapping ErrNoTable when rows
// has no table map, ErrNoColumnNames when column names are unknown (see
// ChangeOptions), ErrBadRows when i is out of range or an image does not
// match the table, and binlog.ErrUndecodable (with the column) when a value
// could not be decoded.
//
// It is pure: no I/O, no clock; everything it uses is an argument.
func AppendChangeJSON(dst []byte, c *Change, rows *binlog.Rows, i int, opts *ChangeOptions) ([]byte, error) {
	if rows == nil || rows.Table == nil {
		return dst, &Error{Row: i, Err: ErrNoTable}
	}
	tm := rows.Table
	fail := func(col string, err error) *Error {
		return &Error{Schema: tm.Schema, Table: tm.Table, Row: i, Column: col, Err: err}
	}
	if i < 0 || i >= len(rows.Rows) {
		return dst, fail("", fmt.Errorf("%w: row %d of a rows event with %d rows", ErrBadRows, i, len(rows.Rows)))
	}
	positional := opts != nil && opts.PositionalNames
	if !tm.HasNames && !positional {
		return dst, fail("", ErrNoColumnNames)
	}
	row := &rows.Rows[i]
	for _, img := range [][]binlog.Value{row.Before, row.After} {
		if img != nil && len(img) != len(tm.Columns) {
			return dst, fail("", fmt.Errorf("%w: row image has %d columns, table map %d", ErrBadRows, len(img), len(tm.Columns)))
		}
		for j := range img {
			if img[j].Kind() == binlog.KindUndecodable {
				// Never a record with a made-up value (null) in its place.
				name := tm.Columns[j].Name
				if name == "" {
					name = "@" + strconv.Itoa(j+1)
				}
				return dst, fail(name, binlog.ErrUndecodable)
			}
		}
	}

	start := len(dst)
	dst = append(dst, `{"op":`...)
	var keyImg []binlog.Value
	switch rows.Kind {
	case binlog.Insert:
		dst = append(dst, `"insert"`...)
		keyImg = row.After
	case binlog.Update:
		dst = append(dst, `"update"`...)
		keyImg = row.After
	case binlog.Delete:
		dst = append(dst, `"delete"`...)
		keyImg = row.Before
	default:
		return dst[:start], fail("", fmt.Errorf("%w: unknown rows kind %d", ErrBadRows, rows.Kind))
	}
	dst = append(dst, `,"database":`...)
	dst = jsonstr.Append(dst, tm.Schema)
	dst = append(dst, `,"table":`...)
	dst = jsonstr.Append(dst, tm.Table)

	dst = append(dst, `,"pk":`...)
	dst = appendKey(dst, tm, keyImg)
	dst = append(dst, `,"before":`...)
	dst = appendImage(dst, tm, row.Before)
	dst = append(dst, `,"after":`...)
	dst = appendImage(dst, tm, row.After)

	dst = append(dst, `,"commit_time":`...)
	if c.CommitTime.IsZero() {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '"')
		dst = c.CommitTime.UTC().AppendFormat(dst, "2006-01-02T15:04:05.999999Z07:00")
		dst = append(dst, '"')
	}
	dst = append(dst, `,"source":{"file":`...)
	dst = jsonstr.Append(dst, c.File)
	dst = append(dst, `,"pos":`...)
	dst = strconv.AppendInt(dst, c.Offset, 10)
	dst = append(dst, `,"gtid":`...)
	if c.GTID == "" {
		dst = append(dst, "null"...)
	} else {
		dst = jsonstr.Append(dst, c.GTID)
	}
	dst = append(dst, `,"server_id":`...)
	dst = strconv.AppendUint(dst, uint64(c.ServerID), 10)
	dst = append(dst, `},"transaction":{"id":`...)
	id := c.TxID
	if id == "" {
		id = c.GTID
	}
	dst = jsonstr.Append(dst, id)
	dst = append(dst, `,"index":`...)
	dst = strconv.AppendInt(dst, int64(c.Index), 10)
	return append(dst, "}}"...), nil
}

// ChangeJSON returns the change record of row i of rows as a string. See
// AppendChangeJSON.
func ChangeJSON(c *Change, rows *binlog.Rows, i int, opts *ChangeOptions) (string, error) {
	b, err := AppendChangeJSON(nil, c, rows, i, opts)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// appendColumnName appends the JSON key for column i.
func appendColumnName(dst []byte, tm *binlog.TableMap, i int) []byte {
	if name := tm.Columns[i].Name; name != "" {
		return jsonstr.Append(dst, name)
	}
	dst = append(dst, `"@`...)
	dst = strconv.AppendInt(dst, int64(i+1), 10)
	return append(dst, '"')
}

func appendImage(dst []byte, tm *binlog.TableMap, img []binlog.Value) []byte {
	if img == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '{')
	first := true
	for i, v := range img {
		if v.Kind() == binlog.KindAbsent {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = appendColumnName(dst, tm, i)
		dst = append(dst, ':')
		dst = appendValueJSON(dst, v)
	}
	return append(dst, '}')
}

func appendKey(dst []byte, tm *binlog.TableMap, img []binlog.Value) []byte {
	if len(tm.PrimaryKey) == 0 || img == nil {
		return append(dst, "null"...)
	}
	for _, k := range tm.PrimaryKey {
		if k < 0 || k >= len(img) || img[k].Kind() == binlog.KindAbsent {
			return append(dst, "null"...)
		}
	}
	dst = append(dst, '{')
	for j, k := range tm.PrimaryKey {
		if j > 0 {
			dst = append(dst, ',')
		}
		dst = appendColumnName(dst, tm, k)
		dst = append(dst, ':')
		dst = appendValueJSON(dst, img[k])
	}
	return append(dst, '}')
}

// appendValueJSON appends v as binlog.Value.MarshalJSON encodes it, without
// allocating for the common kinds.
func appendValueJSON(dst []byte, v binlog.Value) []byte {
	switch v.Kind() {
	case binlog.KindAbsent, binlog.KindNull:
		return append(dst, "null"...)
	case binlog.KindInt:
		return strconv.AppendInt(dst, v.Int(), 10)
	case binlog.KindUint, binlog.KindBit:
		return strconv.AppendUint(dst, v.Uint(), 10)
	case binlog.KindYear:
		// A number: MarshalJSON writes the zero year as "0000", which is
		// not valid JSON.
		return strconv.AppendInt(dst, v.Int(), 10)
	case binlog.KindDecimal, binlog.KindDate, binlog.KindDateTime, binlog.KindTime:
		// Digits, signs, dots, dashes, colons and spaces: nothing to escape.
		dst = append(dst, '"')
		dst = v.AppendText(dst)
		return append(dst, '"')
	case binlog.KindString, binlog.KindEnum, binlog.KindSet:
		return appendTextJSON(dst, v)
	}
	b, err := v.MarshalJSON()
	if err != nil {
		return append(dst, "null"...)
	}
	return append(dst, b...)
}

// appendTextJSON appends v's Text as a JSON string: it writes the text in
// place after an opening quote and escapes it only when needed.
func appendTextJSON(dst []byte, v binlog.Value) []byte {
	dst = append(dst, '"')
	start := len(dst)
	dst = v.AppendText(dst)
	if !needsEscape(dst[start:]) {
		return append(dst, '"')
	}
	text := append([]byte(nil), dst[start:]...)
	return jsonstr.Append(dst[:start-1], string(text))
}

// needsEscape reports whether s is not already a valid JSON string body in
// the form appendJSONString writes.
func needsEscape(s []byte) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && n == 1 || r == '\u2028' || r == '\u2029' {
			return true
		}
		i += n
	}
	return false
}
