package binlog

import (
	"testing"
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
