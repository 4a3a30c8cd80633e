package eventfmt

import (
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/google/go-cmp/cmp"
)

// withCRC returns a fake raw event: n header/body bytes and a valid CRC32.
func withCRC(n int) []byte {
	b := make([]byte, n, n+4)
	for i := range b {
		b[i] = byte(i)
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

func testTable() *binlog.TableMap {
	return &binlog.TableMap{
		TableID: 42, Schema: "shop", Table: "or`ders",
		Columns: []binlog.Column{
			{Name: "id", Type: binlog.TypeLongLong, Unsigned: true},
			{Name: "", Type: binlog.TypeVarchar, Meta: 80, Nullable: true, Collation: 45},
			{Name: "price", Type: binlog.TypeNewDecimal, Meta: 10<<8 | 2},
			{Name: "f", Type: binlog.TypeFloat, Meta: 4},
			{Name: "blob", Type: binlog.TypeBlob, Meta: 2, Collation: 63},
			{Name: "ts", Type: binlog.TypeTimestamp2, Meta: 3},
			{Name: "dt", Type: binlog.TypeDateTime2, Meta: 6},
			{Name: "t", Type: binlog.TypeTime2},
			{Name: "d", Type: binlog.TypeDate},
			{Name: "e", Type: binlog.TypeEnum},
			{Name: "s", Type: binlog.TypeSet},
			{Name: "b", Type: binlog.TypeBit, Meta: 0<<8 | 5},
			{Name: "j", Type: binlog.TypeJSON},
			{Name: "n", Type: binlog.TypeLong, Nullable: true},
		},
	}
}

func testRow() []binlog.Value {
	return []binlog.Value{
		binlog.UintValue(math.MaxUint64),
		binlog.StringValue([]byte("it's\n\"é\""), 45),
		binlog.DecimalValue("-12.30"),
		binlog.FloatValue(0.1),
		binlog.BytesValue([]byte{0, 'a', 0x80}),
		binlog.TimestampValue(time.Unix(1700000000, 120000000), 3),
		binlog.DateTimeValue(binlog.DateTime{Year: 2024, Month: 1, Day: 31, Hour: 12, Microsecond: 5}, 6),
		binlog.TimeValue(binlog.Time{Negative: true, Hours: 838, Minutes: 59, Seconds: 59}, 0),
		binlog.DateValue(binlog.Date{Year: 0, Month: 0, Day: 0}),
		binlog.EnumValue(2, []string{"a", "b"}),
		binlog.SetValue(5, []string{"x", "y", "z"}),
		binlog.BitValue(5, 5),
		binlog.JSONValue([]byte(`{"a": [1, 2.5, "x"]}`)),
		binlog.NullValue(),
	}
}

func TestAppendTextRows(t *testing.T) {
	tm := testTable()
	before := testRow()
	after := testRow()
	after[0] = binlog.UintValue(7)
	after[2] = binlog.Value{} // absent from the after image
	ev := &binlog.Event{
		Header: binlog.Header{Timestamp: 1700000000, Type: binlog.UpdateRowsEventV2, ServerID: 1, LogPos: 900},
		File:   "mysql-bin.000001", Offset: 800, NextPos: 900, Raw: withCRC(96),
		Payload: &binlog.Rows{Kind: binlog.Update, TableID: 42, Table: tm, Flags: 1,
			Rows: []binlog.Row{{Before: before, After: after}}},
	}
	got := string(AppendText(nil, ev, nil))
	want := "# at 800\n" +
		"#231114 22:13:20 server id 1  end_log_pos 900 CRC32 0x" + crcHex(ev.Raw) + " \tUpdate_rows: table id 42 flags: STMT_END_F\n" +
		"### UPDATE `shop`.`or``ders`\n" +
		"### WHERE\n" +
		"###   @1=18446744073709551615 /* `id` LONGINT UNSIGNED meta=0 nullable=0 is_null=0 */\n" +
		"###   @2='it\\'s\\n\"é\"' /* VARSTRING(80) meta=80 nullable=1 is_null=0 */\n" +
		"###   @3=-12.30 /* `price` DECIMAL(10,2) meta=2562 nullable=0 is_null=0 */\n" +
		"###   @4=0.1 /* `f` FLOAT meta=4 nullable=0 is_null=0 */\n" +
		"###   @5='\\0a\\x80' /* `blob` BLOB/TEXT meta=2 nullable=0 is_null=0 */\n" +
		"###   @6=1700000000.120 /* `ts` TIMESTAMP(3) meta=3 nullable=0 is_null=0 */\n" +
		"###   @7='2024-01-31 12:00:00.000005' /* `dt` DATETIME(6) meta=6 nullable=0 is_null=0 */\n" +
		"###   @8='-838:59:59' /* `t` TIME(0) meta=0 nullable=0 is_null=0 */\n" +
		"###   @9='0000-00-00' /* `d` DATE meta=0 nullable=0 is_null=0 */\n" +
		"###   @10='b' /* `e` ENUM meta=0 nullable=0 is_null=0 */\n" +
		"###   @11='x,z' /* `s` SET meta=0 nullable=0 is_null=0 */\n" +
		"###   @12=b'00101' /* `b` BIT(5) meta=5 nullable=0 is_null=0 */\n" +
		"###   @13='{\"a\": [1, 2.5, \"x\"]}' /* `j` JSON meta=0 nullable=0 is_null=0 */\n" +
		"###   @14=NULL /* `n` INT meta=0 nullable=1 is_null=1 */\n" +
		"### SET\n" +
		"###   @1=7 /* `id` LONGINT UNSIGNED meta=0 nullable=0 is_null=0 */\n"
	// The after image: @1 changed, @3 absent, the rest as before.
	lines := strings.SplitAfter(want, "\n")
	for _, l := range lines[4:18] {
		if !strings.HasPrefix(l, "###   @1=") && !strings.HasPrefix(l, "###   @3=") {
			want += l
		}
	}
	want += "# Number of rows: 1\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AppendText mismatch (-want +got):\n%s", diff)
	}

	got = string(AppendText(nil, ev, &TextOptions{ColumnNames: true, NoTypeComments: true}))
	if !strings.Contains(got, "###   `id`=7\n###   @2='it") {
		t.Errorf("ColumnNames: got\n%s", got)
	}
}

func crcHex(raw []byte) string {
	const digits = "0123456789abcdef"
	c := binary.LittleEndian.Uint32(raw[len(raw)-4:])
	var b []byte
	for i := 28; i >= 0; i -= 4 {
		b = append(b, digits[c>>uint(i)&15])
	}
	return string(b)
}

func TestAppendJSONRows(t *testing.T) {
	tm := testTable()
	after := testRow()
	after[5] = binlog.TimestampValue(time.Unix(0, 0), 0) // zero TIMESTAMP
	ev := &binlog.Event{
		Header: binlog.Header{Timestamp: 1700000000, Type: binlog.WriteRowsEventV2, ServerID: 1, LogPos: 900},
		File:   "mysql-bin.000001", Offset: 800, NextPos: 900,
		Payload: &binlog.Rows{Kind: binlog.Insert, TableID: 42, Table: tm, Flags: 1,
			Rows: []binlog.Row{{After: after}}},
	}
	got := string(AppendJSON(nil, ev))
	want := `{"file":"mysql-bin.000001","offset":800,"next_pos":900,"type":"Write_rows","type_code":30,` +
		`"time":"2023-11-14T22:13:20Z","server_id":1,"log_pos":900,"flags":0,` +
		`"table":"shop.or` + "`" + `ders","table_id":42,"kind":"insert","rows_flags":1,"rows":[{"after":{` +
		`"id":18446744073709551615,"@2":"it's\n\"é\"","price":"-12.30","f":0.1,` +
		`"blob":{"base64":"AGGA"},"ts":"0000-00-00T00:00:00Z","dt":"2024-01-31 12:00:00.000005",` +
		`"t":"-838:59:59","d":"0000-00-00","e":"b","s":["x","z"],"b":5,"j":{"a":[1,2.5,"x"]},"n":null}}]}`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AppendJSON mismatch (-want +got):\n%s", diff)
	}
	if !json.Valid([]byte(got)) {
		t.Errorf("AppendJSON output is not valid JSON: %s", got)
	}
}

func TestAppendJSONStrings(t *testing.T) {
	for _, tc := range []struct {
		v    binlog.Value
		want string
	}{
		{binlog.StringValue([]byte("a\"b\\\x01\u2028é"), 45), `"a\"b\\\u0001\u2028é"`},
		{binlog.TimestampValue(time.Unix(1700000000, 123456000), 6), `"2023-11-14T22:13:20.123456Z"`},
		{binlog.IntValue(math.MinInt64), "-9223372036854775808"},
		{binlog.DoubleValue(1e300), "1e+300"},
		{binlog.JSONValue([]byte("not json")), `"not json"`},
		{binlog.EnumValue(0, []string{"a"}), `""`},
		{binlog.EnumValue(3, nil), `3`},
		{binlog.SetValue(9, nil), `9`},
		{binlog.StringValue([]byte("a\xff"), 45), `{"base64":"Yf8="}`},
		{binlog.GeometryValue([]byte{1, 0, 0, 0, 1, 2}), `{"srid":1,"wkb":"AQI="}`},
	} {
		got := string(appendJSONValue(nil, tc.v))
		if got != tc.want {
			t.Errorf("appendJSONValue(%v) = %s, want %s", tc.v.Kind(), got, tc.want)
		}
		if !json.Valid([]byte(got)) {
			t.Errorf("appendJSONValue(%v) = %s: invalid JSON", tc.v.Kind(), got)
		}
	}
}

func TestAppendTextEvents(t *testing.T) {
	var sid [16]byte
	for i := range sid {
		sid[i] = byte(i * 17)
	}
	hdr := func(typ binlog.EventType) binlog.Header {
		return binlog.Header{Timestamp: 1700000000, Type: typ, ServerID: 7, LogPos: 200}
	}
	for _, tc := range []struct {
		name string
		ev   binlog.Event
		want string
	}{
		{"query", binlog.Event{Header: hdr(binlog.QueryEvent), Offset: 100,
			Payload: &binlog.Query{ThreadID: 5, Schema: "db", Query: "CREATE TABLE t (a INT)"}},
			"# at 100\n#231114 22:13:20 server id 7  end_log_pos 200 \tQuery\tthread_id=5\texec_time=0\terror_code=0\n" +
				"use `db`/*!*/;\nSET TIMESTAMP=1700000000/*!*/;\nCREATE TABLE t (a INT)\n/*!*/;\n"},
		{"mariadb gtid", binlog.Event{Header: hdr(binlog.MariaGTIDEvent), Offset: 4,
			Payload: &binlog.GTID{MariaDB: true, Domain: 0, ServerID: 7, Sequence: 5, Flags: 1}},
			"# at 4\n#231114 22:13:20 server id 7  end_log_pos 200 \tGTID 0-7-5 ddl\n"},
		{"mysql gtid", binlog.Event{Header: hdr(binlog.GTIDEvent), Offset: 4, PayloadIndex: 2,
			Payload: &binlog.GTID{SID: sid, GNO: 9, LastCommitted: 1, SequenceNumber: 2}},
			"# at 4 [payload 2]\n#231114 22:13:20 server id 7  end_log_pos 200 \tGTID\tlast_committed=1\tsequence_number=2\n" +
				"SET @@SESSION.GTID_NEXT= '00112233-4455-6677-8899-aabbccddeeff:9'/*!*/;\n"},
		{"xid", binlog.Event{Header: hdr(binlog.XIDEvent), Offset: 4, Payload: &binlog.XID{XID: 33}},
			"# at 4\n#231114 22:13:20 server id 7  end_log_pos 200 \tXid = 33\nCOMMIT/*!*/;\n"},
		{"previous gtids", binlog.Event{Header: hdr(binlog.PreviousGTIDsEvent), Offset: 4,
			Payload: &binlog.PreviousGTIDs{Sets: []binlog.UUIDSet{{SID: sid, Intervals: []binlog.GTIDInterval{{Start: 1, End: 6}, {Start: 7, End: 8}}}}}},
			"# at 4\n#231114 22:13:20 server id 7  end_log_pos 200 \tPrevious-GTIDs\n# 00112233-4455-6677-8899-aabbccddeeff:1-5:7\n"},
		{"table map", binlog.Event{Header: hdr(binlog.TableMapEvent), Offset: 4, Payload: testTable()},
			"# at 4\n#231114 22:13:20 server id 7  end_log_pos 200 \tTable_map: `shop`.`or``ders` mapped to number 42\n"},
		{"annotate", binlog.Event{Header: hdr(binlog.MariaAnnotateRowsEvent), Offset: 4,
			Payload: &binlog.RowsQuery{Query: "insert into t\nvalues (1)"}},
			"# at 4\n#231114 22:13:20 server id 7  end_log_pos 200 \tAnnotate_rows:\n#Q> insert into t\n#Q> values (1)\n"},
		{"unknown", binlog.Event{Header: hdr(binlog.EventType(99)), Offset: 4, Payload: &binlog.Unknown{Body: []byte{1, 2}}},
			"# at 4\n#231114 22:13:20 server id 7  end_log_pos 200 \tType_99: 2 bytes not decoded\n# 0102\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(AppendText(nil, &tc.ev, nil))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			if j := AppendJSON(nil, &tc.ev); !json.Valid(j) {
				t.Errorf("AppendJSON: invalid JSON: %s", j)
			}
		})
	}
}

func TestAppendTextValue(t *testing.T) {
	for _, tc := range []struct {
		v    binlog.Value
		want string
	}{
		// Invalid UTF-8 in a utf8mb4 column: every non-ASCII byte escaped.
		{binlog.StringValue([]byte("é\xff"), 45), `'\xc3\xa9\xff'`},
		{binlog.StringValue([]byte("a'\\"), 45), `'a\'\\'`},
		{binlog.GeometryValue([]byte{1, 0, 0, 0, 0xab}), `x'01000000ab'`},
		{binlog.UintValue(math.MaxUint64), "18446744073709551615"},
		{binlog.NullValue(), "NULL"},
	} {
		if got := string(appendTextValue(nil, tc.v, 1)); got != tc.want {
			t.Errorf("appendTextValue(%v) = %s, want %s", tc.v.Kind(), got, tc.want)
		}
	}
}
