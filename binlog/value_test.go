package binlog

import (
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
	if v := IntValue(-5); v.Names() != nil || v.JSONDiffs() != nil {
		t.Errorf("IntValue has names or diffs")
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
