package binlog

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// testFD returns a format description of a server of version v with
// CRC32 checksums.
func testFD(v string) *FormatDescription {
	lens := make([]byte, 41)
	lens[QueryEvent-1] = 13
	lens[RotateEvent-1] = 8
	lens[TableMapEvent-1] = 8
	for _, t := range []EventType{WriteRowsEventV1, UpdateRowsEventV1, DeleteRowsEventV1} {
		lens[t-1] = 8
	}
	for _, t := range []EventType{WriteRowsEventV2, UpdateRowsEventV2, DeleteRowsEventV2, PartialUpdateRowsEvent} {
		lens[t-1] = 10
	}
	lens[GTIDEvent-1] = 42
	return &FormatDescription{BinlogVersion: 4, ServerVersion: v, HeaderLength: 19, PostHeaderLens: lens, ChecksumAlg: ChecksumCRC32}
}

// allTypesTable is a table with a column of every type and width the row
// encoder handles.
func allTypesTable() *TableMap {
	c := func(t ColumnType, meta uint16, unsigned bool, coll uint16) Column {
		bt := t
		if t == TypeEnum || t == TypeSet {
			bt = TypeString
		}
		return Column{Type: t, BinlogType: bt, Meta: meta, Nullable: true, Unsigned: unsigned, SignednessKnown: true, Collation: coll, Visible: true}
	}
	cols := []Column{
		c(TypeTiny, 0, false, 0), c(TypeTiny, 0, true, 0), c(TypeShort, 0, false, 0), c(TypeInt24, 0, false, 0),
		c(TypeInt24, 0, true, 0), c(TypeLong, 0, false, 0), c(TypeLongLong, 0, true, 0), c(TypeLongLong, 0, false, 0),
		c(TypeFloat, 4, false, 0), c(TypeDouble, 8, false, 0),
		c(TypeNewDecimal, 65<<8|30, false, 0), c(TypeNewDecimal, 10<<8|2, false, 0), c(TypeNewDecimal, 5<<8|5, false, 0),
		c(TypeBit, 1, false, 0), c(TypeBit, 8<<8, false, 0), c(TypeBit, 1<<8|2, false, 0),
		c(TypeYear, 0, false, 0), c(TypeDate, 0, false, 0), c(TypeTime, 0, false, 0), c(TypeDateTime, 0, false, 0),
		c(TypeTimestamp, 0, false, 0),
		c(TypeTime2, 0, false, 0), c(TypeTime2, 2, false, 0), c(TypeTime2, 3, false, 0), c(TypeTime2, 6, false, 0),
		c(TypeDateTime2, 0, false, 0), c(TypeDateTime2, 1, false, 0), c(TypeDateTime2, 4, false, 0), c(TypeDateTime2, 6, false, 0),
		c(TypeTimestamp2, 0, false, 0), c(TypeTimestamp2, 3, false, 0), c(TypeTimestamp2, 6, false, 0),
		c(TypeVarchar, 40, false, 45), c(TypeVarchar, 1000, false, 63),
		c(TypeString, uint16(TypeString)<<8|10, false, 45), c(TypeString, uint16(TypeString)<<8|8, false, 63),
		c(TypeString, uint16(TypeString)<<8|0x2c, false, 45), // CHAR of 300 bytes: the length's high bits in the type byte
		c(TypeBlob, 2, false, 63), c(TypeBlob, 1, false, 45), c(TypeBlob, 4, false, 63),
		c(TypeEnum, uint16(TypeEnum)<<8|1, false, 0), c(TypeEnum, uint16(TypeEnum)<<8|2, false, 0),
		c(TypeSet, uint16(TypeSet)<<8|1, false, 0), c(TypeSet, uint16(TypeSet)<<8|8, false, 0),
		c(TypeGeometry, 4, false, 0), c(TypeJSON, 4, false, 0), c(TypeVector, 4, false, 0),
	}
	// The CHAR(300) column: real type byte with the high length bits.
	cols[36].Meta = uint16(byte(TypeString)&^0x10)<<8 | 0x2c
	return &TableMap{TableID: 77, Schema: "db", Table: "t", Columns: cols}
}

func allTypesRow(tm *TableMap) []Value {
	ts := time.Unix(1700000000, 123456000)
	return []Value{
		IntValue(-128), UintValue(255), IntValue(-32768), IntValue(-8388608),
		UintValue(16777215), IntValue(-2147483648), UintValue(1<<64 - 1), IntValue(-1 << 63),
		FloatValue(-1.5), DoubleValue(1e-300),
		DecimalValue("-12345678901234567890123456789012345.123456789012345678901234567890"), DecimalValue("12345678.90"), DecimalValue("0.00001"),
		BitValue(1, 1), BitValue(0xff, 64), BitValue(0x3ff, 10),
		YearValue(2155), DateValue(Date{0, 0, 0}), TimeValue(Time{Negative: true, Hours: 838, Minutes: 59, Seconds: 59}, 0),
		DateTimeValue(DateTime{9999, 12, 31, 23, 59, 59, 0}, 0),
		TimestampValue(time.Unix(1700000000, 0), 0),
		TimeValue(Time{Negative: true, Hours: 1, Minutes: 2, Seconds: 3}, 0),
		TimeValue(Time{Negative: true, Hours: 0, Minutes: 0, Seconds: 1, Microseconds: 500000}, 2),
		TimeValue(Time{Negative: true, Hours: 12, Minutes: 0, Seconds: 0, Microseconds: 1200}, 3),
		TimeValue(Time{Negative: true, Hours: 838, Minutes: 59, Seconds: 58, Microseconds: 999999}, 6),
		DateTimeValue(DateTime{2024, 2, 29, 1, 2, 3, 0}, 0), DateTimeValue(DateTime{1000, 1, 1, 0, 0, 0, 100000}, 1),
		DateTimeValue(DateTime{0, 0, 0, 0, 0, 0, 0}, 4), DateTimeValue(DateTime{2038, 1, 19, 3, 14, 8, 999999}, 6),
		TimestampValue(time.Unix(0, 0), 0), TimestampValue(time.Unix(1700000000, 123000000), 3), TimestampValue(ts, 6),
		StringValue([]byte("héllo"), 45), BytesValue(make([]byte, 1000)),
		StringValue([]byte("ab  "), 45), BytesValue([]byte{1, 0, 2, 0, 0, 0, 0, 0}),
		StringValue([]byte("x"), 45),
		BytesValue([]byte{0, 1, 2}), StringValue([]byte("tiny text"), 45), BytesValue(nil),
		EnumValue(3, nil), EnumValue(300, nil), SetValue(5, nil), SetValue(1<<63|1, nil),
		GeometryValue([]byte{0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0x40}),
		JSONValue([]byte(`{"a": [1, -2, 3.5, "x\ny", null, true, false, 70000, -5000000000, 18446744073709551615], "bb": {}}`)),
		Value{kind: KindVector, b: []byte{0, 0, 0x80, 0x3f}},
	}
}

// TestEncodeRowsAllTypes encodes rows of every column type, in every rows
// event version and both flavors, and decodes them back.
func TestEncodeRowsAllTypes(t *testing.T) {
	for _, version := range []string{"8.0.32", "10.11.6-MariaDB-log"} {
		fd := testFD(version)
		tm := allTypesTable()
		row := allTypesRow(tm)
		nulls := make([]Value, len(row))
		for i := range nulls {
			nulls[i] = NullValue()
		}
		minimal := make([]Value, len(row))
		minimal[0] = IntValue(7)
		for _, typ := range []EventType{WriteRowsEventV1, UpdateRowsEventV1, DeleteRowsEventV1, WriteRowsEventV2,
			UpdateRowsEventV2, DeleteRowsEventV2, MariaWriteRowsCompressedEventV1, MariaUpdateRowsCompressedEvent} {
			kind, _, _ := rowsEventInfo(typ)
			r := &Rows{Kind: kind, TableID: tm.TableID, Table: tm, Flags: 1}
			switch kind {
			case Insert:
				r.Rows = []Row{{After: row}, {After: nulls}}
			case Delete:
				r.Rows = []Row{{Before: row}, {Before: nulls}}
			default:
				r.Rows = []Row{{Before: row, After: minimal}, {Before: nulls, After: minimal}}
				r.PresentAfter = make([]bool, len(row))
				r.PresentAfter[0] = true
				r.Present = allPresent(len(row))
			}
			evs := []*Event{
				{Header: Header{Type: FormatDescriptionEvent, Timestamp: 1}, Payload: fd},
				{Header: Header{Type: TableMapEvent, Timestamp: 1}, Payload: tm},
				{Header: Header{Type: typ, Timestamp: 1}, Payload: r},
			}
			// The table map has no optional metadata: signedness and
			// collations come from a Schema.
			info := &TableInfo{}
			for _, c := range tm.Columns {
				info.Columns = append(info.Columns, ColumnInfo{Unsigned: c.Unsigned, Collation: c.Collation})
			}
			d := NewDecoder(&ReaderOptions{Schema: StaticSchema{"db.t": info}})
			var got *Event
			off := int64(4)
			for _, ev := range evs {
				raw, err := AppendEvent(nil, ev, fd, off)
				if err != nil {
					t.Fatalf("%s %v: %v", version, typ, err)
				}
				off += int64(len(raw))
				if got, err = d.Decode(raw); err != nil {
					t.Fatalf("%s %v: decoding %v: %v", version, typ, ev.Type(), err)
				}
			}
			gr := got.Payload.(*Rows)
			if len(gr.Rows) != len(r.Rows) {
				t.Fatalf("%s %v: %d rows, want %d", version, typ, len(gr.Rows), len(r.Rows))
			}
			for i := range r.Rows {
				for _, pair := range [][2][]Value{{r.Rows[i].Before, gr.Rows[i].Before}, {r.Rows[i].After, gr.Rows[i].After}} {
					want, have := pair[0], pair[1]
					for j := range want {
						w, g := want[j], have[j]
						if w.kind == KindEnum || w.kind == KindSet {
							g.names, w.names = nil, nil
						}
						if w.kind == KindBytes && j == 35 { // BINARY(8): re-padded
							w.b = []byte{1, 0, 2, 0, 0, 0, 0, 0}
						}
						if !cmp.Equal(w, g, payloadCmp...) {
							t.Errorf("%s %v row %d column %d: got %v (%s), want %v (%s)", version, typ, i+1, j+1, g.kind, g.String(), w.kind, w.String())
						}
					}
				}
			}
		}
	}
}

// TestEncodeValueErrors checks that a value that does not fit its column
// is an error naming the column, never a panic.
func TestEncodeValueErrors(t *testing.T) {
	fd := testFD("8.0.32")
	tm := allTypesTable()
	tm.Columns[0].Name = "tiny"
	bad := []struct {
		col int
		v   Value
	}{
		{0, IntValue(128)}, {1, IntValue(-1)}, {6, DoubleValue(1)}, {8, DoubleValue(1)},
		{10, DecimalValue("1e5")}, {11, DecimalValue("123456789.1")}, {11, DecimalValue("1.234")},
		{13, BitValue(2, 2)}, {16, YearValue(1900)}, {18, TimeValue(Time{Hours: 1, Microseconds: 1}, 0)},
		{21, TimeValue(Time{Seconds: 1, Microseconds: 5}, 0)}, {22, TimeValue(Time{Microseconds: 5}, 2)},
		{32, StringValue(make([]byte, 41), 45)}, {34, StringValue(make([]byte, 11), 45)},
		{38, BytesValue(make([]byte, 256))}, {40, EnumValue(256, nil)}, {42, SetValue(256, nil)},
		{45, JSONValue([]byte(`{"a":`))}, {45, IntValue(1)}, {32, IntValue(1)}, {0, Value{}},
	}
	for _, b := range bad {
		row := allTypesRow(tm)
		row[b.col] = b.v
		r := &Rows{Kind: Insert, TableID: tm.TableID, Table: tm, Rows: []Row{{After: row}}}
		_, err := AppendEvent(nil, &Event{Header: Header{Type: WriteRowsEventV2}, Payload: r}, fd, 4)
		if err == nil {
			t.Errorf("column %d: %v value %s encoded without error", b.col+1, b.v.kind, b.v.String())
			continue
		}
		if !errors.Is(err, ErrEncode) {
			t.Errorf("column %d: error %v does not wrap ErrEncode", b.col+1, err)
		}
		var ee *EventError
		if !errors.As(err, &ee) || ee.Type != WriteRowsEventV2 {
			t.Errorf("column %d: error %v is not an *EventError of the rows event", b.col+1, err)
		}
	}
}

// TestEncodeJSONText checks that JSON text encoded as MySQL binary JSON
// decodes to the canonical text, large documents included.
func TestEncodeJSONText(t *testing.T) {
	big := make([]byte, 0, 70000)
	big = append(big, `{"k": "`...)
	for range 70000 {
		big = append(big, 'x')
	}
	big = append(big, `", "a": [1, 2]}`...)
	wantBig := append([]byte(`{"a": [1, 2], "k": "`), big[7:7+70000]...)
	wantBig = append(wantBig, `"}`...)
	for _, tc := range []struct{ in, want string }{
		{`null`, `null`}, {`true`, `true`}, {`-0.0`, `-0.0`}, {`1e300`, `1e300`}, {` 3 `, `3`},
		{`"\u00e9\ud83d\ude00\u0001"`, "\"é😀\\u0001\""},
		{`{"b":1,"a":2,"aa":3,"b":4}`, `{"a": 2, "b": 4, "aa": 3}`},
		{`[[[]],{}]`, `[[[]], {}]`},
		{`[32767, 32768, -32769, 2147483648, 4294967296, -9223372036854775808]`, `[32767, 32768, -32769, 2147483648, 4294967296, -9223372036854775808]`},
		{string(big), string(wantBig)},
	} {
		bin, err := appendJSONBinary(nil, []byte(tc.in))
		if err != nil {
			t.Errorf("%.40s: %v", tc.in, err)
			continue
		}
		got, err := appendJSON(nil, bin)
		if err != nil {
			t.Errorf("%.40s: decoding: %v", tc.in, err)
			continue
		}
		if string(got) != tc.want {
			t.Errorf("%.40s: got %.80s, want %.80s", tc.in, got, tc.want)
		}
	}
}

// BenchmarkEncodeRows measures encoding a rows event of 100 rows of every
// column type, with a MySQL JSON document in each row and without.
func BenchmarkEncodeRows(b *testing.B) {
	b.Run("json", func(b *testing.B) { benchEncodeRows(b, true) })
	b.Run("nojson", func(b *testing.B) { benchEncodeRows(b, false) })
}

func benchEncodeRows(b *testing.B, json bool) {
	fd := testFD("8.0.32")
	tm := allTypesTable()
	row := allTypesRow(tm)
	if !json {
		row[45] = NullValue()
	}
	r := &Rows{Kind: Insert, TableID: tm.TableID, Table: tm, Flags: 1}
	for range 100 {
		r.Rows = append(r.Rows, Row{After: row})
	}
	ev := &Event{Header: Header{Type: WriteRowsEventV2}, Payload: r}
	buf, err := AppendEvent(nil, ev, fd, 4)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		if buf, err = AppendEvent(buf[:0], ev, fd, 4); err != nil {
			b.Fatal(err)
		}
	}
}

// encodedSeeds returns small binlogs written by the Encoder: a table of
// every column type, rows in every version, for both flavors (fuzz seeds).
func encodedSeeds(tb testing.TB) [][]byte {
	var seeds [][]byte
	for _, version := range []string{"8.0.32", "10.11.6-MariaDB-log"} {
		var buf bytes.Buffer
		fd := testFD(version)
		tm := allTypesTable()
		row := allTypesRow(tm)
		enc := NewEncoder(&buf, nil)
		evs := []*Event{{Payload: fd}, {Payload: &Query{Schema: "db", Query: "BEGIN"}}, {Payload: tm},
			{Payload: &Rows{Kind: Insert, TableID: tm.TableID, Table: tm, Rows: []Row{{After: row}}}},
			{Payload: &Rows{Kind: Update, TableID: tm.TableID, Table: tm, Flags: 1, Rows: []Row{{Before: row, After: row}}}},
			{Payload: &XID{XID: 9}}}
		for _, ev := range evs {
			if err := enc.WriteEvent(ev); err != nil {
				tb.Fatal(err)
			}
		}
		if err := enc.Flush(); err != nil {
			tb.Fatal(err)
		}
		seeds = append(seeds, buf.Bytes())
	}
	return seeds
}

// TestEncoderStream writes a short binlog with default event types and
// reads it back.
func TestEncoderStream(t *testing.T) {
	var buf bytes.Buffer
	enc := NewEncoder(&buf, &EncoderOptions{BufferSize: -1})
	if err := enc.WriteEvent(&Event{Payload: &XID{XID: 1}}); !errors.Is(err, ErrNoFormatDescription) {
		t.Fatalf("first event not a format description: err = %v", err)
	}
	fd := testFD("10.11.6-MariaDB-log")
	sid := uint32(7)
	evs := []*Event{
		{Header: Header{ServerID: sid, Flags: FlagBinlogInUse}, Payload: fd},
		{Header: Header{ServerID: sid}, Payload: &GTIDList{GTIDs: []MariaGTID{{Domain: 0, ServerID: 7, Sequence: 41}}}},
		{Header: Header{ServerID: sid}, Payload: &BinlogCheckpoint{File: "bin.000001"}},
		{Header: Header{ServerID: sid}, Payload: &GTID{MariaDB: true, Domain: 0, Sequence: 42, Flags: 2, CommitID: 5}},
		{Header: Header{ServerID: sid}, Payload: &Query{Schema: "db", Query: "BEGIN", SQLMode: 1 << 30, Charset: &QueryCharset{33, 33, 8}}},
		{Header: Header{ServerID: sid}, Payload: &RowsQuery{Query: "INSERT INTO t VALUES (1)"}},
		{Header: Header{ServerID: sid}, Payload: &IntVar{Type: 2, Value: 9}},
		{Header: Header{ServerID: sid}, Payload: &XID{XID: 12}},
		{Header: Header{ServerID: sid}, Payload: &Rotate{Position: 4, NextFile: "bin.000002"}},
	}
	for _, ev := range evs {
		before := enc.Offset()
		if err := enc.WriteEvent(ev); err != nil {
			t.Fatalf("%T: %v", ev.Payload, err)
		}
		if enc.Offset() <= before {
			t.Fatalf("%T: offset %d after %d", ev.Payload, enc.Offset(), before)
		}
	}
	if int64(buf.Len()) != enc.Offset() {
		t.Fatalf("%d bytes written, Offset %d", buf.Len(), enc.Offset())
	}
	r := NewReader(bytes.NewReader(buf.Bytes()), nil)
	for i, want := range evs {
		ev, err := r.Next()
		if err != nil {
			t.Fatalf("event %d: %v", i+1, err)
		}
		if ev.Type() != DefaultType(want.Payload, fd) || int64(ev.Header.LogPos) != ev.NextPos || ev.Header.Flags != want.Header.Flags {
			t.Errorf("event %d: type %v, LogPos %d (next %d), flags %#x", i+1, ev.Type(), ev.Header.LogPos, ev.NextPos, ev.Header.Flags)
		}
		got := ev.Payload
		if q, ok := got.(*Query); ok {
			q.StatusVars = nil
		}
		if g, ok := got.(*GTID); ok {
			g.ServerID = 0
		}
		if d := cmp.Diff(want.Payload, got, payloadCmp...); d != "" {
			t.Errorf("event %d: mismatch (-want +got):\n%s", i+1, d)
		}
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("after the last event: %v", err)
	}
}

// TestEncodeAnyValueNoPanic encodes a value of every kind, with extreme
// contents, into a column of every type: errors are fine, panics are not.
func TestEncodeAnyValueNoPanic(t *testing.T) {
	fd := testFD("8.0.32")
	tm := allTypesTable()
	var vals []Value
	for k := KindAbsent; k <= KindUndecodable+1; k++ {
		for _, num := range []uint64{0, 1, 1<<63 | 1<<40 | 77, ^uint64(0)} {
			for _, b := range [][]byte{nil, []byte("-"), []byte("1.5e3"), []byte(`{"a":[`), make([]byte, 70000)} {
				v := Value{kind: k, num: num, b: b, prec: uint8(num)}
				if k == KindJSONDiff {
					d := []JSONDiff{{Op: JSONDiffOp(num), Path: "$.a", Value: b}}
					v.diffs = &d
				}
				vals = append(vals, v)
			}
		}
	}
	for col := range tm.Columns {
		for _, v := range vals {
			row := make([]Value, len(tm.Columns))
			for i := range row {
				row[i] = NullValue()
			}
			row[col] = v
			for _, typ := range []EventType{WriteRowsEventV2, PartialUpdateRowsEvent} {
				kind, _, _ := rowsEventInfo(typ)
				r := &Rows{Kind: kind, TableID: tm.TableID, Table: tm, Partial: typ == PartialUpdateRowsEvent, Rows: []Row{{After: row}}}
				if kind == Update {
					r.Rows[0].Before = row
				}
				func() {
					defer func() {
						if p := recover(); p != nil {
							t.Fatalf("column %d, %v value (num %#x, %d bytes), %v: panic: %v", col+1, v.kind, v.num, len(v.b), typ, p)
						}
					}()
					AppendEvent(nil, &Event{Header: Header{Type: typ}, Payload: r}, fd, 4)
				}()
			}
		}
	}
}
