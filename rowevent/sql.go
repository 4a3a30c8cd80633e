package rowevent

import (
	"bytes"
	"fmt"
	"math"
	"strconv"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/sqlquote"
	"github.com/binlogkit/binlogkit/internal/sqlscript"
)

// Header is the SQL to run before the statements of this package: it sets
// the session so that the literals mean what they say (see the package
// documentation).
const Header = "SET NAMES utf8mb4;\n" +
	"SET time_zone='+00:00';\n" +
	"SET SESSION sql_mode='NO_AUTO_VALUE_ON_ZERO';\n"

// AppendHeader appends Header to dst.
func AppendHeader(dst []byte) []byte { return append(dst, Header...) }

// AppendForward appends to dst the statements that redo rows: one INSERT per
// row (or per Options.InsertBatch rows) of a WRITE_ROWS event, one UPDATE
// per row of an UPDATE_ROWS event, one DELETE per row of a DELETE_ROWS
// event, in the event's row order. Each statement ends with ";\n". On error
// dst is returned unchanged. opts may be nil.
func AppendForward(dst []byte, rows *binlog.Rows, opts *Options) ([]byte, error) {
	return appendSQL(dst, rows, opts, false)
}

// AppendInverse appends to dst the statements that undo rows, in reverse
// row order: a DELETE per inserted row, an UPDATE back to the before image
// per updated row, an INSERT per deleted row. Applying the inverse of the
// events of a binlog in reverse event order restores the state before them.
// On error dst is returned unchanged. opts may be nil.
func AppendInverse(dst []byte, rows *binlog.Rows, opts *Options) ([]byte, error) {
	return appendSQL(dst, rows, opts, true)
}

// Forward returns the statements of AppendForward.
func Forward(rows *binlog.Rows, opts *Options) (string, error) {
	b, err := AppendForward(nil, rows, opts)
	return string(b), err
}

// Inverse returns the statements of AppendInverse.
func Inverse(rows *binlog.Rows, opts *Options) (string, error) {
	b, err := AppendInverse(nil, rows, opts)
	return string(b), err
}

// builder holds what every statement of one event needs.
type builder struct {
	opts  Options
	vopts sqlquote.ValueOptions
	tm    *binlog.TableMap
	table []byte // quoted table name
	names []string
	isKey []bool
	tail  []byte // statement end, made by end on first use
}

func appendSQL(dst []byte, rows *binlog.Rows, opts *Options, inverse bool) ([]byte, error) {
	if rows == nil || rows.Table == nil {
		return dst, &Error{Row: -1, Err: ErrNoTable}
	}
	b := &builder{tm: rows.Table}
	if opts != nil {
		b.opts = *opts
	}
	b.vopts = valueOptions(&b.opts)
	if err := b.init(); err != nil {
		return dst, err
	}
	start := len(dst)
	var err error
	n := len(rows.Rows)
	switch {
	case rows.Kind == binlog.Insert && !inverse:
		dst, err = b.inserts(dst, rows, func(i int) (int, []binlog.Value) { return i, rows.Rows[i].After }, false)
	case rows.Kind == binlog.Delete && inverse:
		dst, err = b.inserts(dst, rows, func(i int) (int, []binlog.Value) { return n - 1 - i, rows.Rows[n-1-i].Before }, true)
	case rows.Kind == binlog.Delete && !inverse:
		for i := 0; i < n && err == nil; i++ {
			if dst, err = b.delete(dst, rows.Rows[i].Before, nil); err != nil {
				err = b.fail(i, err)
			}
		}
	case rows.Kind == binlog.Insert && inverse:
		for i := n - 1; i >= 0 && err == nil; i-- {
			if dst, err = b.delete(dst, rows.Rows[i].After, nil); err != nil {
				err = b.fail(i, err)
			}
		}
	case rows.Kind == binlog.Update && !inverse:
		for i := 0; i < n && err == nil; i++ {
			r := rows.Rows[i]
			if dst, err = b.update(dst, r.Before, r.After, r.Before, nil); err != nil {
				err = b.fail(i, err)
			}
		}
	case rows.Kind == binlog.Update && inverse:
		for i := n - 1; i >= 0 && err == nil; i-- {
			r := rows.Rows[i]
			// SET the before image on the columns the after image holds;
			// locate the row by the after image (the key may have changed).
			if dst, err = b.update(dst, r.After, r.Before, r.After, r.Before); err != nil {
				err = b.fail(i, err)
			}
		}
	default:
		err = b.fail(-1, fmt.Errorf("%w: unknown rows kind %v", ErrBadRows, rows.Kind))
	}
	if err != nil {
		return dst[:start], err
	}
	return dst, nil
}

// fail returns err, an error about row (-1: the whole event), as an *Error
// placed in the event's table and row. A column's *Error keeps its column.
func (b *builder) fail(row int, err error) *Error {
	e, ok := err.(*Error)
	if !ok {
		e = &Error{Err: err}
	}
	e.Schema, e.Table, e.Row = b.tm.Schema, b.tm.Table, row
	return e
}

func (b *builder) init() error {
	tm := b.tm
	if b.opts.NoSchemaName {
		b.table = sqlquote.AppendIdent(nil, tm.Table)
	} else {
		b.table = sqlquote.AppendQualified(nil, tm.Schema, tm.Table)
	}
	b.names = make([]string, len(tm.Columns))
	for i := range tm.Columns {
		name := tm.Columns[i].Name
		if name == "" {
			if !b.opts.PositionalNames {
				return b.fail(-1, ErrNoColumnNames)
			}
			name = "@" + strconv.Itoa(i+1)
		}
		b.names[i] = name
	}
	b.isKey = make([]bool, len(tm.Columns))
	for _, k := range tm.PrimaryKey {
		if k < 0 || k >= len(tm.Columns) {
			return b.fail(-1, fmt.Errorf("%w: primary key column %d out of range", ErrBadRows, k))
		}
		b.isKey[k] = true
	}
	return nil
}

// value appends the literal of v.
func (b *builder) value(dst []byte, v binlog.Value, col int) ([]byte, error) {
	if v.Kind() == binlog.KindJSONDiff {
		return b.jsonDiff(dst, v, col), nil
	}
	dst, err := appendValue(dst, v, &b.vopts)
	if err != nil {
		return dst, columnErr(b.names[col], err)
	}
	return dst, nil
}

// jsonDiff appends the expression that applies the partial JSON update v
// (MySQL PARTIAL_UPDATE_ROWS) to the column's current value, the first
// diff innermost: JSON_REPLACE(JSON_INSERT(`col`, '$.a', CAST('1' AS JSON)), ...).
// Values are JSON, so they are cast: partial updates exist only on MySQL.
func (b *builder) jsonDiff(dst []byte, v binlog.Value, col int) []byte {
	diffs := v.JSONDiffs()
	for i := len(diffs) - 1; i >= 0; i-- {
		dst = append(dst, diffs[i].Op.String()...)
		dst = append(dst, '(')
	}
	dst = sqlquote.AppendIdent(dst, b.names[col])
	for _, d := range diffs {
		dst = append(dst, ", "...)
		dst = b.text(dst, []byte(d.Path))
		if d.Op != binlog.JSONRemove {
			dst = append(dst, ", CAST("...)
			dst = b.text(dst, d.Value)
			dst = append(dst, " AS JSON)"...)
		}
		dst = append(dst, ')')
	}
	return dst
}

// text appends s, UTF-8 text, as a literal (appendUTF8).
func (b *builder) text(dst, s []byte) []byte { return appendUTF8(dst, s, &b.vopts) }

// end closes a statement, with the position comment when asked.
func (b *builder) end(dst []byte) []byte {
	if b.tail == nil {
		b.tail = b.appendTail(nil)
	}
	return append(dst, b.tail...)
}

// appendTail appends what ends every statement of the event: ';', the
// position comment when asked, '\n'. (Formatted once per event: the time
// formatting is costly.) The GTID is caller's text, and the comment runs to
// the end of the line: a line break in it would end the comment and make
// the rest of the GTID a statement, so it is escaped (sqlscript.AppendComment).
func (b *builder) appendTail(dst []byte) []byte {
	dst = append(dst, ';')
	if p := b.opts.Origin; p != nil {
		dst = append(dst, " #start "...)
		dst = strconv.AppendInt(dst, p.Start, 10)
		dst = append(dst, " end "...)
		dst = strconv.AppendInt(dst, p.End, 10)
		if !p.Time.IsZero() {
			dst = append(dst, " time "...)
			dst = p.Time.AppendFormat(dst, "2006-01-02 15:04:05")
		}
		if p.GTID != "" {
			dst = append(dst, " gtid "...)
			dst = sqlscript.AppendComment(dst, p.GTID)
		}
	}
	return append(dst, '\n')
}

// inserts writes INSERTs for the images img(0..len(rows.Rows)-1), batched;
// img also returns the index of the image's row in rows.Rows.
func (b *builder) inserts(dst []byte, rows *binlog.Rows, img func(int) (int, []binlog.Value), inverse bool) ([]byte, error) {
	n := len(rows.Rows)
	if n == 0 {
		return dst, nil
	}
	batch := max(b.opts.InsertBatch, 1)
	omitKey := b.opts.OmitPrimaryKey && !inverse
	// The column list comes from the first row; rows whose present columns
	// differ start a new statement.
	cols := make([]int, 0, len(b.names))
	rc := make([]int, 0, len(b.names))
	var prefix []byte // INSERT INTO t (cols) VALUES (
	inStmt := 0
	for i := 0; i < n; i++ {
		row, vals := img(i)
		if len(vals) != len(b.names) {
			return dst, b.fail(row, fmt.Errorf("%w: row has %d values, table has %d columns", ErrBadRows, len(vals), len(b.names)))
		}
		rc = b.insertCols(rc[:0], vals, omitKey)
		if inStmt > 0 && (inStmt == batch || !sameInts(rc, cols)) {
			dst = b.end(dst)
			inStmt = 0
		}
		if inStmt == 0 {
			if prefix == nil || !sameInts(rc, cols) {
				// Made once per column list: rows of an event
				// usually share it.
				cols = append(cols[:0], rc...)
				prefix = b.insertPrefix(prefix[:0], cols)
			}
			dst = append(dst, prefix...)
		} else {
			dst = append(dst, ", ("...)
		}
		for j, c := range cols {
			if j > 0 {
				dst = append(dst, ", "...)
			}
			var err error
			if dst, err = b.value(dst, vals[c], c); err != nil {
				return dst, b.fail(row, err)
			}
		}
		dst = append(dst, ')')
		inStmt++
	}
	return b.end(dst), nil
}

// insertPrefix appends "INSERT INTO t (cols) VALUES (".
func (b *builder) insertPrefix(dst []byte, cols []int) []byte {
	switch b.opts.InsertVerb {
	case VerbInsertIgnore:
		dst = append(dst, "INSERT IGNORE INTO "...)
	case VerbReplace:
		dst = append(dst, "REPLACE INTO "...)
	default:
		dst = append(dst, "INSERT INTO "...)
	}
	dst = append(dst, b.table...)
	dst = append(dst, " ("...)
	for j, c := range cols {
		if j > 0 {
			dst = append(dst, ", "...)
		}
		dst = sqlquote.AppendIdent(dst, b.names[c])
	}
	return append(dst, ") VALUES ("...)
}

// insertCols appends to cols the columns an INSERT of vals names.
func (b *builder) insertCols(cols []int, vals []binlog.Value, omitKey bool) []int {
	for i := range vals {
		if vals[i].Kind() == binlog.KindAbsent || (omitKey && b.isKey[i]) {
			continue
		}
		cols = append(cols, i)
	}
	return cols
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// delete writes DELETE FROM t WHERE <row located by img, falling back to
// alt for absent columns>.
func (b *builder) delete(dst []byte, img, alt []binlog.Value) ([]byte, error) {
	dst = append(dst, "DELETE FROM "...)
	dst = append(dst, b.table...)
	dst, err := b.where(dst, img, alt)
	if err != nil {
		return dst, err
	}
	return b.end(dst), nil
}

// update writes UPDATE t SET <newImg (newAlt for absent), changed columns
// relative to oldImg> WHERE <row located by oldImg, oldAlt for absent
// columns>. Forward: newImg = After, oldImg = Before. Inverse: SET the Before
// values on the columns After holds, locate by After.
func (b *builder) update(dst []byte, oldImg, newImg, whereImg, whereAlt []binlog.Value) ([]byte, error) {
	if len(oldImg) != len(b.names) || len(newImg) != len(b.names) {
		return dst, fmt.Errorf("%w: row images have %d and %d values, table has %d columns", ErrBadRows, len(oldImg), len(newImg), len(b.names))
	}
	start := len(dst)
	dst = append(dst, "UPDATE "...)
	dst = append(dst, b.table...)
	dst = append(dst, " SET "...)
	nset := 0
	for i := range newImg {
		nv, ov := &newImg[i], &oldImg[i]
		if nv.Kind() == binlog.KindAbsent {
			if whereAlt != nil && ov.Kind() != binlog.KindAbsent {
				// Inverse: the after image changed a column whose old
				// value the before image lacks (binlog_row_image=MINIMAL).
				return dst[:start], columnErr(b.names[i], fmt.Errorf("%w: no before value to restore", ErrIncompleteImage))
			}
			continue
		}
		if !b.opts.UpdateAllColumns && sameValue(ov, nv) {
			continue
		}
		if nset > 0 {
			dst = append(dst, ", "...)
		}
		dst = sqlquote.AppendIdent(dst, b.names[i])
		dst = append(dst, '=')
		var err error
		if dst, err = b.value(dst, *nv, i); err != nil {
			return dst, err
		}
		nset++
	}
	if nset == 0 {
		// Nothing changed: no statement.
		return dst[:start], nil
	}
	dst, err := b.where(dst, whereImg, whereAlt)
	if err != nil {
		return dst, err
	}
	return b.end(dst), nil
}

// sameValue reports whether two values are the same bytes-for-bytes: same
// kind, same number (floats by their bits, so -0 differs from 0), same
// bytes and collation. Absent values and partial JSON updates are never
// the same.
func sameValue(a, b *binlog.Value) bool {
	k := a.Kind()
	if k != b.Kind() || a.Collation() != b.Collation() || !bytes.Equal(a.Bytes(), b.Bytes()) {
		return false
	}
	switch k {
	case binlog.KindAbsent, binlog.KindJSONDiff:
		return false
	case binlog.KindInt, binlog.KindYear, binlog.KindEnum:
		return a.Int() == b.Int()
	case binlog.KindUint, binlog.KindBit, binlog.KindSet:
		return a.Uint() == b.Uint()
	case binlog.KindFloat:
		return math.Float32bits(a.Float32()) == math.Float32bits(b.Float32())
	case binlog.KindDouble:
		return math.Float64bits(a.Float64()) == math.Float64bits(b.Float64())
	case binlog.KindDate, binlog.KindDateTime:
		return a.DateTime() == b.DateTime()
	case binlog.KindTime:
		return a.Time() == b.Time()
	case binlog.KindTimestamp:
		return a.Timestamp().Equal(b.Timestamp())
	}
	return true // NULL, or a kind held entirely in its bytes
}

// pick returns img[i], or alt[i] when img lacks column i.
func pick(img, alt []binlog.Value, i int) binlog.Value {
	v := img[i]
	if v.Kind() == binlog.KindAbsent && alt != nil {
		v = alt[i]
	}
	return v
}

// where writes " WHERE …" locating the row of img (alt fills absent
// columns): by primary key when known, present and not disabled, else by
// every column with LIMIT 1, so that only a row identical to the image (in
// every column the server can compare exactly) can be the one changed. See
// the package documentation for how each kind of column is compared.
func (b *builder) where(dst []byte, img, alt []binlog.Value) ([]byte, error) {
	if len(img) != len(b.names) || (alt != nil && len(alt) != len(b.names)) {
		return dst, fmt.Errorf("%w: row has %d values, table has %d columns", ErrBadRows, len(img), len(b.names))
	}
	dst = append(dst, " WHERE "...)
	if pk := b.tm.PrimaryKey; len(pk) > 0 && !b.opts.WhereAllColumns {
		ok := true
		for _, k := range pk {
			if pick(img, alt, k).Kind() == binlog.KindAbsent {
				ok = false
				break
			}
		}
		if ok {
			for j, k := range pk {
				if j > 0 {
					dst = append(dst, " AND "...)
				}
				var err error
				if dst, err = b.cond(dst, pick(img, alt, k), k); err != nil {
					return dst, err
				}
			}
			return dst, nil
		}
	}
	n, json, negZero := 0, false, false
	for i := range img {
		v := pick(img, alt, i)
		switch v.Kind() {
		case binlog.KindAbsent, binlog.KindJSONDiff:
			continue
		case binlog.KindJSON:
			json = true
			continue
		case binlog.KindFloat, binlog.KindDouble:
			negZero = negZero || isNegZero(v)
		}
		if n > 0 {
			dst = append(dst, " AND "...)
		}
		var err error
		if dst, err = b.match(dst, v, i); err != nil {
			return dst, err
		}
		n++
	}
	// MySQL JSON is matched in ORDER BY (see jsonMatch), unless nothing
	// else locates the row.
	jsonWhere := json && n == 0
	if jsonWhere {
		for i := range img {
			if v := pick(img, alt, i); v.Kind() == binlog.KindJSON {
				if n > 0 {
					dst = append(dst, " AND "...)
				}
				dst = b.jsonMatch(dst, v, i)
				n++
			}
		}
	}
	if n == 0 {
		return dst, ErrIncompleteImage
	}
	np := 0
	for i := 0; i < len(img) && ((json && !jsonWhere) || negZero); i++ {
		v := pick(img, alt, i)
		switch {
		case v.Kind() == binlog.KindJSON && !jsonWhere:
		case isNegZero(v):
		default:
			continue
		}
		if np == 0 {
			dst = append(dst, " ORDER BY "...)
		} else {
			dst = append(dst, ", "...)
		}
		dst = append(dst, '(')
		if v.Kind() == binlog.KindJSON {
			dst = b.jsonMatch(dst, v, i)
		} else {
			dst = b.atan2(dst, i)
			dst = append(dst, "<0"...)
		}
		dst = append(dst, ") DESC"...)
		np++
	}
	return append(dst, " LIMIT 1"...), nil
}

// match writes the condition on column i that only the stored value v
// meets (AppendMatch).
func (b *builder) match(dst []byte, v binlog.Value, i int) ([]byte, error) {
	return appendMatch(dst, b.names[i], v, &b.vopts)
}

// atan2 writes ATAN2(`col`,-1): pi for 0, -pi for -0.
func (b *builder) atan2(dst []byte, i int) []byte { return appendAtan2(dst, b.names[i]) }

// jsonMatch writes the comparison of column i with v, a MySQL JSON value
// (appendJSONMatch).
func (b *builder) jsonMatch(dst []byte, v binlog.Value, i int) []byte {
	return appendJSONMatch(dst, b.names[i], v, &b.vopts)
}

func isZero(v binlog.Value) bool {
	if v.Kind() == binlog.KindFloat {
		return v.Float32() == 0
	}
	return v.Kind() == binlog.KindDouble && v.Float64() == 0
}

func isNegZero(v binlog.Value) bool {
	if v.Kind() == binlog.KindFloat {
		return v.Float32() == 0 && math.Signbit(float64(v.Float32()))
	}
	return v.Kind() == binlog.KindDouble && v.Float64() == 0 && math.Signbit(v.Float64())
}

// cond writes `col`=literal or `col` IS NULL; FLOAT and DOUBLE literals
// are exact (AppendKeyMatch).
func (b *builder) cond(dst []byte, v binlog.Value, i int) ([]byte, error) {
	return appendKeyMatch(dst, b.names[i], v, &b.vopts)
}
