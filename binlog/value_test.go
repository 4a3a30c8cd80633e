package binlog

import (
	"slices"
	"testing"
	"time"
	"unsafe"
)

// Rows events hold one Value per column per image; its size is most of the
// decoder's allocation.
func TestValueSize(t *testing.T) {
	if n := unsafe.Sizeof(Value{}); n > 56 {
		t.Errorf("Value is %d bytes, want <= 56", n)
	}
}

func TestValueConstructors(t *testing.T) {
	names := []string{"a", "b", "c"}
	if v := EnumValue(2, names); v.Kind() != KindEnum || v.Int() != 2 || len(v.Names()) != 3 {
		t.Errorf("EnumValue: %v %d %v", v.Kind(), v.Int(), v.Names())
	}
	if v := IntValue(-5); v.Bytes() != nil || v.Collation() != 0 || v.Precision() != 0 {
		t.Errorf("IntValue has bytes, collation or precision")
	}
	dt := DateTime{2024, 2, 29, 23, 59, 58, 999999}
	if got := DateTimeValue(dt, 6).DateTime(); got != dt {
		t.Errorf("DateTime round trip: %+v", got)
	}
	tm := Time{Negative: true, Hours: 838, Minutes: 59, Seconds: 59, Microseconds: 500000}
	if got := TimeValue(tm, 6).Time(); got != tm {
		t.Errorf("Time round trip: %+v", got)
	}
}

func TestValueMarshalJSONYear(t *testing.T) {
	for y, want := range map[int]string{0: "0", 1901: "1901", 2155: "2155"} {
		got, err := YearValue(y).MarshalJSON()
		if err != nil || string(got) != want {
			t.Errorf("YEAR %d: %s, %v; want %s", y, got, err, want)
		}
	}
}

func TestTemporalFormat(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{Date{}.String(), "0000-00-00"},
		{Date{2024, 2, 29}.String(), "2024-02-29"},
		{DateTime{1000, 1, 1, 0, 0, 0, 1}.Format(6), "1000-01-01 00:00:00.000001"},
		{DateTime{9999, 12, 31, 23, 59, 59, 999999}.Format(3), "9999-12-31 23:59:59.999"},
		{DateTime{2024, 0, 0, 0, 0, 0, 0}.Format(0), "2024-00-00 00:00:00"},
		{Time{Negative: true, Hours: 838, Minutes: 59, Seconds: 59}.Format(0), "-838:59:59"},
		{Time{Negative: true, Seconds: 1, Microseconds: 500000}.Format(1), "-00:00:01.5"},
		{Time{Hours: 12, Minutes: 34, Seconds: 56, Microseconds: 123456}.Format(6), "12:34:56.123456"},
		{TimestampValue(time.Unix(0, 0), 3).String(), "0.000"},
		{string(TimestampValue(time.Date(2038, 1, 19, 3, 14, 7, 999999000, time.UTC), 6).AppendText(nil)), "2038-01-19 03:14:07.999999"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() {
		var b [32]byte
		_ = DateTime{2024, 2, 29, 1, 2, 3, 4}.AppendFormat(b[:0], 6)
	}); n != 0 {
		t.Errorf("DateTime.AppendFormat allocates %v times", n)
	}
}

// TestGetterKinds checks that each typed getter answers for the kinds it
// documents and panics on every other kind, so that a wrong-kind call never
// passes a zero off as data.
func TestGetterKinds(t *testing.T) {
	d := DateTime{2024, 5, 1, 12, 0, 0, 0}
	values := map[Kind]Value{
		KindAbsent: {}, KindNull: NullValue(), KindInt: IntValue(1), KindUint: UintValue(1),
		KindFloat: FloatValue(1), KindDouble: DoubleValue(1), KindDecimal: DecimalValue("1.0"),
		KindBit: BitValue(1, 1), KindYear: YearValue(2024), KindDate: DateValue(Date{2024, 5, 1}),
		KindDateTime: DateTimeValue(d, 0), KindTime: TimeValue(Time{Hours: 1}, 0),
		KindTimestamp: TimestampValue(time.Unix(1, 0), 0), KindString: StringValue([]byte("a"), 45),
		KindBytes: BytesValue([]byte("a")), KindEnum: EnumValue(1, []string{"a"}),
		KindSet: SetValue(1, []string{"a"}), KindJSON: JSONValue([]byte("1")),
		KindJSONDiff: JSONDiffValue(nil), KindGeometry: GeometryValue(make([]byte, 9)),
		KindVector: {kind: KindVector}, KindUndecodable: {kind: KindUndecodable},
	}
	getters := []struct {
		name  string
		f     func(Value)
		kinds []Kind
	}{
		{"Int", func(v Value) { v.Int() }, []Kind{KindInt, KindYear, KindEnum}},
		{"Uint", func(v Value) { v.Uint() }, []Kind{KindUint, KindBit, KindSet}},
		{"Float64", func(v Value) { v.Float64() }, []Kind{KindFloat, KindDouble}},
		{"Float32", func(v Value) { v.Float32() }, []Kind{KindFloat}},
		{"Date", func(v Value) { v.Date() }, []Kind{KindDate, KindDateTime, KindTimestamp}},
		{"DateTime", func(v Value) { v.DateTime() }, []Kind{KindDate, KindDateTime, KindTimestamp}},
		{"Time", func(v Value) { v.Time() }, []Kind{KindTime}},
		{"Timestamp", func(v Value) { v.Timestamp() }, []Kind{KindTimestamp}},
		{"Names", func(v Value) { v.Names() }, []Kind{KindEnum, KindSet}},
		{"JSONDiffs", func(v Value) { v.JSONDiffs() }, []Kind{KindJSONDiff}},
		{"SRID", func(v Value) { v.SRID() }, []Kind{KindGeometry}},
		{"WKB", func(v Value) { v.WKB() }, []Kind{KindGeometry}},
	}
	for _, g := range getters {
		for k := KindAbsent; k <= KindUndecodable; k++ {
			v, ok := values[k]
			if !ok {
				t.Fatalf("no test value of kind %v", k)
			}
			want := slices.Contains(g.kinds, k)
			got := func() (ok bool) {
				defer func() {
					if r := recover(); r != nil {
						ok = false
					}
				}()
				g.f(v)
				return true
			}()
			if got != want {
				t.Errorf("%s on a %v value: answered %v, want %v", g.name, k, got, want)
			}
		}
	}
}
