package binlog

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tmCol describes a column for buildTableMap: logged type, metadata bytes
// as logged.
type tmCol struct {
	t    ColumnType
	meta []byte
}

// buildTableMap returns a TABLE_MAP body (6-byte table id) with optional
// metadata opt appended.
func buildTableMap(id uint64, db, table string, cols []tmCol, opt []byte) []byte {
	b := make([]byte, 6, 64)
	binary.LittleEndian.PutUint32(b, uint32(id))
	b[4], b[5] = byte(id>>32), byte(id>>40)
	b = append(b, 1, 0)
	b = append(b, byte(len(db)))
	b = append(b, db...)
	b = append(b, 0, byte(len(table)))
	b = append(b, table...)
	b = append(b, 0, byte(len(cols)))
	var meta []byte
	for _, c := range cols {
		b = append(b, byte(c.t))
		meta = append(meta, c.meta...)
	}
	b = append(b, byte(len(meta)))
	b = append(b, meta...)
	nb := make([]byte, (len(cols)+7)/8)
	for i := range nb {
		nb[i] = 0xff
	}
	b = append(b, nb...)
	return append(b, opt...)
}

// tlv returns one optional metadata field.
func tlv(typ byte, v ...byte) []byte { return append([]byte{typ, byte(len(v))}, v...) }

// buildRows returns a v2 rows body for table id with all ncol columns
// present; rows is the raw row data.
func buildRows(id uint64, ncol int, update bool, rows []byte) []byte {
	b := make([]byte, 6, 64)
	binary.LittleEndian.PutUint32(b, uint32(id))
	b = append(b, 1, 0, 2, 0, byte(ncol))
	bm := make([]byte, (ncol+7)/8)
	for i := 0; i < ncol; i++ {
		bm[i/8] |= 1 << (i % 8)
	}
	b = append(b, bm...)
	if update {
		b = append(b, bm...)
	}
	return append(b, rows...)
}

func newState(t *testing.T, tmBody []byte) *decodeState {
	t.Helper()
	st := &decodeState{tables: map[uint64]*TableMap{}, opts: &ReaderOptions{}}
	tm, err := decodeTableMap(tmBody, st)
	if err != nil {
		t.Fatalf("decodeTableMap: %v", err)
	}
	st.tables[tm.TableID] = tm
	return st
}

func TestDecodeRowsTypes(t *testing.T) {
	cols := []tmCol{
		{TypeTiny, nil}, {TypeTiny, nil}, // signed, unsigned
		{TypeShort, nil}, {TypeInt24, nil}, {TypeInt24, nil}, {TypeLong, nil}, {TypeLongLong, nil}, {TypeLongLong, nil},
		{TypeFloat, []byte{4}}, {TypeDouble, []byte{8}},
		{TypeNewDecimal, []byte{14, 4}},
		{TypeBit, []byte{0, 8}}, // BIT(64)
		{TypeYear, nil}, {TypeDate, nil}, {TypeDateTime2, []byte{0}}, {TypeTime2, []byte{3}}, {TypeTimestamp2, []byte{6}},
		{TypeVarchar, []byte{40, 0}}, {TypeString, []byte{0xfe, 4}}, {TypeBlob, []byte{2}},
		{TypeString, []byte{0xf7, 1}}, {TypeString, []byte{0xf8, 1}},
		{TypeLong, nil},
	}
	// signedness: numeric columns in order: tiny, tiny, short, int24, int24, long, longlong, longlong, float, double, decimal, year, long = 13
	// unsigned: #2 (tiny), #5 (int24), #8 (longlong)
	sign := tlv(tmSignedness, 0b01001001, 0)
	// charsets of char columns (varchar, string, blob): utf8mb4, binary, latin1
	cs := tlv(tmColumnCharset, 45, 63, 8)
	enum := tlv(tmEnumStrValue, 2, 1, 'a', 1, 'b')
	set := tlv(tmSetStrValue, 2, 1, 'x', 1, 'y')
	opt := append(append(append(sign, cs...), enum...), set...)
	st := newState(t, buildTableMap(7, "db", "t", cols, opt))

	var row []byte
	row = append(row, 0, 0, 0x40)       // null bitmap: 23 columns, #23 NULL
	row = append(row, 0x80)             // tiny -128
	row = append(row, 0xff)             // tiny unsigned 255
	row = append(row, 0x00, 0x80)       // short -32768
	row = append(row, 0xff, 0xff, 0xff) // int24 -1
	row = append(row, 0xff, 0xff, 0xff) // int24 unsigned 16777215
	row = append(row, 0xff, 0xff, 0xff, 0x7f)
	row = binary.LittleEndian.AppendUint64(row, 1<<63)      // bigint min
	row = binary.LittleEndian.AppendUint64(row, ^uint64(0)) // bigint unsigned max
	row = binary.LittleEndian.AppendUint32(row, 0x3fc00000) // 1.5
	row = binary.LittleEndian.AppendUint64(row, 0xbff8000000000000)
	row = append(row, 0x81, 0x0D, 0xFB, 0x38, 0xD2, 0x04, 0xD2) // 1234567890.1234
	row = append(row, 0x80, 0, 0, 0, 0, 0, 0, 1)                // bit(64)
	row = append(row, 0)                                        // year 0
	row = append(row, 0, 0, 0)                                  // date 0000-00-00
	row = append(row, 0x80, 0, 0, 0, 0)                         // datetime2 zero
	// time2(3) -00:00:01.5 : ip = -1 -> stored with frac correction:
	// packed = -(1<<24 + 500000) ; MySQL stores intpart -2+... computed below.
	row = append(row, encodeTime2(true, 0, 0, 1, 500000, 3)...)
	row = append(row, 0x7f, 0xff, 0xff, 0xff, 0x0f, 0x42, 0x3f) // timestamp2(6) 2038-01-19 03:14:07.999999
	row = append(row, 3, 'a', 0xc3, 0xa9)                       // varchar utf8mb4 "aé"
	row = append(row, 2, 'h', 'i')                              // binary(4) -> padded
	row = append(row, 2, 0, 0xe9, 't')                          // blob latin1
	row = append(row, 2)                                        // enum 'b'
	row = append(row, 3)                                        // set x,y
	rows, err := decodeRows(WriteRowsEventV2, buildRows(7, len(cols), false, row), st)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows.Rows) != 1 {
		t.Fatalf("got %d rows", len(rows.Rows))
	}
	var got []string
	for _, v := range rows.Rows[0].After {
		got = append(got, v.Kind().String()+" "+v.String())
	}
	want := []string{
		"int -128", "uint 255", "int -32768", "int -1", "uint 16777215", "int 2147483647",
		"int -9223372036854775808", "uint 18446744073709551615", "float 1.5", "double -1.5",
		"decimal 1234567890.1234", "bit b'1000000000000000000000000000000000000000000000000000000000000001'",
		"year 0000", "date '0000-00-00'", "datetime '0000-00-00 00:00:00'", "time '-00:00:01.500'",
		"timestamp 2147483647.999999", "string 'aé'", `bytes 'hi\0\0'`, "string 'ét'", "enum 'b'", "set 'x,y'",
		"null NULL",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if got := rows.Rows[0].After[16].Timestamp().Format("2006-01-02 15:04:05.000000"); got != "2038-01-19 03:14:07.999999" {
		t.Errorf("timestamp = %s", got)
	}
	if got := rows.Rows[0].After[19].Text(); got != "ét" {
		t.Errorf("latin1 text = %q", got)
	}
}

// encodeTime2 encodes a TIME2 value as MySQL does (my_time_packed_to_binary).
func encodeTime2(neg bool, h, m, s, us, fsp int) []byte {
	packed := int64((h<<12|m<<6|s))<<24 + int64(us)
	if neg {
		packed = -packed
	}
	var b []byte
	switch (fsp + 1) / 2 {
	case 0:
		v := uint64(packed>>24 + 0x800000)
		return []byte{byte(v >> 16), byte(v >> 8), byte(v)}
	case 1, 2:
		ip := packed >> 24
		frac := packed & (1<<24 - 1)
		if packed < 0 {
			ip = -((-packed) >> 24)
			frac = -((-packed) & (1<<24 - 1))
		}
		if frac < 0 {
			ip--
		}
		v := uint64(ip + 0x800000)
		b = []byte{byte(v >> 16), byte(v >> 8), byte(v)}
		if (fsp+1)/2 == 1 {
			return append(b, byte(int8(frac/10000)))
		}
		f := uint16(int16(frac / 100))
		return append(b, byte(f>>8), byte(f))
	}
	v := uint64(packed + 0x800000000000)
	return []byte{byte(v >> 40), byte(v >> 32), byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
}

func TestTime2(t *testing.T) {
	for _, tc := range []struct {
		neg     bool
		h, m, s int
		us, fsp int
		want    string
	}{
		{false, 0, 0, 0, 0, 0, "00:00:00"},
		{true, 838, 59, 59, 0, 0, "-838:59:59"},
		{false, 838, 59, 59, 0, 0, "838:59:59"},
		{true, 0, 0, 0, 10000, 1, "-00:00:00.0"},
		{true, 0, 0, 1, 990000, 2, "-00:00:01.99"},
		{true, 12, 34, 56, 123400, 4, "-12:34:56.1234"},
		{true, 1, 0, 0, 1, 6, "-01:00:00.000001"},
		{false, 1, 2, 3, 999999, 6, "01:02:03.999999"},
		{true, 0, 0, 1, 500000, 1, "-00:00:01.5"},
	} {
		b := encodeTime2(tc.neg, tc.h, tc.m, tc.s, tc.us, tc.fsp)
		v := Value{kind: KindTime, num: decodeTime2(b, tc.fsp), prec: uint8(tc.fsp)}
		want := tc.want
		if tc.fsp == 1 && tc.us == 10000 {
			want = "-00:00:00.0" // 10000us is .01, not shown at fsp 1
		}
		if got := v.Text(); got != want {
			t.Errorf("time2 %+v: got %q, want %q", tc, got, want)
		}
	}
}

func TestDecodeRowsUpdateMinimal(t *testing.T) {
	cols := []tmCol{{TypeLong, nil}, {TypeVarchar, []byte{10, 0}}, {TypeLong, nil}}
	st := newState(t, buildTableMap(1, "d", "t", cols, tlv(tmDefaultCharset, 33)))
	// before image: columns 0 only (bitmap 0b001); after: columns 1,2 (0b110)
	body := []byte{1, 0, 0, 0, 0, 0, 1, 0, 2, 0, 3, 0x01, 0x06}
	// two rows: before{0:5} after{1:'x', 2:NULL}
	for i := 0; i < 2; i++ {
		body = append(body, 0, 5, 0, 0, 0)
		body = append(body, 0x02, 1, 'x')
	}
	r, err := decodeRows(UpdateRowsEventV2, body, st)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]bool{true, false, false}, r.Present); diff != "" {
		t.Errorf("Present mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]bool{false, true, true}, r.PresentAfter); diff != "" {
		t.Errorf("PresentAfter mismatch (-want +got):\n%s", diff)
	}
	if len(r.Rows) != 2 {
		t.Fatalf("rows = %d", len(r.Rows))
	}
	for _, row := range r.Rows {
		got := []Kind{row.Before[0].Kind(), row.Before[1].Kind(), row.Before[2].Kind(), row.After[0].Kind(), row.After[1].Kind(), row.After[2].Kind()}
		want := []Kind{KindInt, KindAbsent, KindAbsent, KindAbsent, KindString, KindNull}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("kinds mismatch (-want +got):\n%s", diff)
		}
		if row.Before[0].Int() != 5 || row.After[1].Text() != "x" || row.After[1].Collation() != 33 {
			t.Errorf("values: %v %v", row.Before[0], row.After[1])
		}
	}
}

func TestDecodeRowsErrors(t *testing.T) {
	st := newState(t, buildTableMap(1, "d", "t", []tmCol{{TypeLong, nil}}, nil))
	_, err := decodeRows(WriteRowsEventV2, buildRows(2, 1, false, []byte{0, 1, 2, 3, 4}), st)
	if !errors.Is(err, ErrMissingTableMap) {
		t.Errorf("missing table: err = %v", err)
	}
	_, err = decodeRows(WriteRowsEventV2, buildRows(1, 1, false, []byte{0, 1, 2}), st)
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("short value: err = %v", err)
	}
	st.opts.SkipRowValues = true
	r, err := decodeRows(WriteRowsEventV2, buildRows(1, 1, false, []byte{0, 1, 2}), st)
	if err != nil || r.Rows != nil || !r.Present[0] {
		t.Errorf("SkipRowValues: %v %+v", err, r)
	}
}

func TestTableMapMetadata(t *testing.T) {
	cols := []tmCol{{TypeLong, nil}, {TypeString, []byte{0xf7, 1}}, {TypeVarchar, []byte{0x10, 0}}, {TypeString, []byte{0xce, 0xfc}}}
	opt := tlv(tmColumnName, 2, 'i', 'd', 1, 'e', 1, 'v', 1, 'c')
	opt = append(opt, tlv(tmSignedness, 0x80)...)
	opt = append(opt, tlv(tmDefaultCharset, 45, 1, 63)...)
	opt = append(opt, tlv(tmSimplePrimaryKey, 0)...)
	opt = append(opt, tlv(tmColumnVisibility, 0xd0)...)
	opt = append(opt, tlv(tmEnumSetDefaultCharset, 8)...)
	st := &decodeState{tables: map[uint64]*TableMap{}, opts: &ReaderOptions{Schema: StaticSchema{
		"db.t": {Columns: []ColumnInfo{{}, {EnumValues: []string{"p", "q"}}, {}, {}}},
	}}}
	tm, err := decodeTableMap(buildTableMap(0x123456789a, "db", "t", cols, opt), st)
	if err != nil {
		t.Fatal(err)
	}
	// A schema that disagrees on the column count is an error naming the table.
	bad := &decodeState{tables: map[uint64]*TableMap{}, opts: &ReaderOptions{Schema: StaticSchema{
		"db.t": {Columns: []ColumnInfo{{Name: "id"}}},
	}}}
	if _, err := decodeTableMap(buildTableMap(1, "db", "t", cols, opt), bad); !errors.Is(err, ErrSchemaMismatch) || !strings.Contains(err.Error(), "db.t") {
		t.Errorf("schema mismatch: err = %v", err)
	}
	want := &TableMap{TableID: 0x123456789a, Flags: 1, Schema: "db", Table: "t", PrimaryKey: []int{0}, HasNames: true, OptionalMetadata: opt,
		Columns: []Column{
			{Name: "id", Type: TypeLong, BinlogType: TypeLong, Nullable: true, Unsigned: true, SignednessKnown: true, Visible: true},
			{Name: "e", Type: TypeEnum, BinlogType: TypeString, Meta: 0xf701, Nullable: true, Collation: 8, EnumValues: []string{"p", "q"}, Visible: true},
			{Name: "v", Type: TypeVarchar, BinlogType: TypeVarchar, Meta: 16, Nullable: true, Collation: 45},
			{Name: "c", Type: TypeString, BinlogType: TypeString, Meta: 0xcefc, Nullable: true, Collation: 63, Visible: true},
		}}
	if diff := cmp.Diff(want, tm); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if _, n := stringMeta(tm.Columns[3].Meta); n != 1020 {
		t.Errorf("CHAR length = %d, want 1020", n)
	}
}

func TestCompressedRows(t *testing.T) {
	st := newState(t, buildTableMap(1, "d", "t", []tmCol{{TypeLong, nil}}, nil))
	raw := []byte{0, 42, 0, 0, 0}
	var zb []byte
	{
		var buf bytesBuffer
		zw := newZlibWriter(&buf)
		zw.Write(raw)
		zw.Close()
		zb = buf.b
	}
	body := []byte{1, 0, 0, 0, 0, 0, 1, 0, 1, 1}
	body = append(body, 0x81, byte(len(raw)))
	body = append(body, zb...)
	r, err := decodeRows(MariaWriteRowsCompressedEventV1, body, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Rows) != 1 || r.Rows[0].After[0].Int() != 42 {
		t.Errorf("rows = %+v", r.Rows)
	}
}
