package cliflag

import (
	"testing"
	"time"
)

func TestParseZone(t *testing.T) {
	for _, c := range []struct {
		in     string
		offset int // seconds east of UTC at 2024-01-01
	}{
		{"UTC", 0}, {"utc", 0}, {"+08:00", 8 * 3600}, {"-0330", -(3*3600 + 1800)}, {"+05", 5 * 3600}, {"Asia/Tokyo", 9 * 3600},
	} {
		loc, err := ParseZone(c.in, nil)
		if err != nil {
			t.Errorf("ParseZone(%q): %v", c.in, err)
			continue
		}
		if _, off := time.Date(2024, 1, 1, 0, 0, 0, 0, loc).Zone(); off != c.offset {
			t.Errorf("ParseZone(%q): offset %d, want %d", c.in, off, c.offset)
		}
	}
	if loc, _ := ParseZone("local", time.UTC); loc != time.Local {
		t.Errorf("ParseZone(local) = %v, want Local", loc)
	}
	if loc, _ := ParseZone("", time.UTC); loc != time.UTC {
		t.Errorf(`ParseZone("", UTC) = %v, want UTC`, loc)
	}
	for _, bad := range []string{"+8:0x", "Nowhere/Atlantis"} {
		if _, err := ParseZone(bad, nil); err == nil {
			t.Errorf("ParseZone(%q): no error", bad)
		}
	}
}

func TestParseTime(t *testing.T) {
	loc := time.FixedZone("+02:00", 2*3600)
	want := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)
	for _, in := range []string{"2024-05-01 10:00:00", "2024-05-01T10:00:00", "2024-05-01T08:00:00Z", "2024-05-01T10:00:00+02:00"} {
		got, err := ParseTime(in, loc)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if got, err := ParseTime("2024-05-01 10:00:00.25", loc); err != nil || got.Nanosecond() != 250e6 {
		t.Errorf("fractional seconds: %v, %v", got, err)
	}
	if got, err := ParseTime("2024-05-01", loc); err != nil || !got.Equal(want.Add(-10*time.Hour)) {
		t.Errorf("date only: %v, %v", got, err)
	}
	if got, err := ParseTime("", loc); err != nil || !got.IsZero() {
		t.Errorf(`ParseTime("") = %v, %v; want the zero time`, got, err)
	}
	if _, err := ParseTime("yesterday", loc); err == nil {
		t.Error("ParseTime(yesterday): no error")
	}
}
