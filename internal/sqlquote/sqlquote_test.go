package sqlquote

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
)

func TestIdent(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a", "`a`"},
		{"a`b", "`a``b`"},
		{"", "``"},
		{"ünï", "`ünï`"},
	} {
		if got := Ident(tc.in); got != tc.want {
			t.Errorf("Ident(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	if got := string(AppendQualified(nil, "d`b", "t")); got != "`d``b`.`t`" {
		t.Errorf("AppendQualified = %s", got)
	}
}

func TestCharsetString(t *testing.T) {
	for _, tc := range []struct {
		in, cs, want string
	}{
		{"abc", "utf8mb4", "'abc'"},
		{"it's", "latin1", "'it''s'"},
		{`a\b`, "utf8mb4", "_utf8mb4 X'615C62'"},
		{"a\x00b", "utf8mb4", "_utf8mb4 X'610062'"},
		{"é", "utf8mb3", "_utf8 X'C3A9'"},
		{"\xe9", "latin1", "_latin1 X'E9'"},
		{"AB", "ucs2", "_ucs2 X'4142'"},
		{"", "utf8mb4", "''"},
		{"ab", "binary", "X'6162'"},
		{"ab", "", "X'6162'"},
	} {
		if got := string(AppendCharsetString(nil, []byte(tc.in), tc.cs)); got != tc.want {
			t.Errorf("AppendCharsetString(%q, %s) = %s, want %s", tc.in, tc.cs, got, tc.want)
		}
	}
}

func TestValue(t *testing.T) {
	ts := time.Date(2024, 2, 29, 23, 59, 58, 123456000, time.UTC)
	enum := []string{"a", "b'c", "d\\e"}
	for _, tc := range []struct {
		v    binlog.Value
		want string
	}{
		{binlog.NullValue(), "NULL"},
		{binlog.IntValue(math.MinInt64), "-9223372036854775808"},
		{binlog.UintValue(math.MaxUint64), "18446744073709551615"},
		{binlog.FloatValue(0.1), "0.1"},
		{binlog.FloatValue(math.MaxFloat32), "3.4028235e38"},
		{binlog.FloatValue(float32(math.Copysign(0, -1))), "-0e0"},
		{binlog.DoubleValue(0.1), "0.1"},
		{binlog.DoubleValue(1e300), "1e300"},
		{binlog.DoubleValue(-2.5e-310), "-2.5e-310"},
		{binlog.DoubleValue(123456789012), "1.23456789012e11"},
		{binlog.DecimalValue("-12.340"), "-12.340"},
		{binlog.DecimalValue("99999999999999999999999999999999999.999999999999999999999999999999"), "99999999999999999999999999999999999.999999999999999999999999999999"},
		{binlog.BitValue(5, 4), "b'0101'"},
		{binlog.BitValue(0, 1), "b'0'"},
		{binlog.BitValue(math.MaxUint64, 64), "b'1111111111111111111111111111111111111111111111111111111111111111'"},
		{binlog.YearValue(0), "0"},
		{binlog.YearValue(2155), "2155"},
		{binlog.DateValue(binlog.Date{}), "'0000-00-00'"},
		{binlog.DateValue(binlog.Date{Year: 5, Month: 1, Day: 2}), "'0005-01-02'"},
		{binlog.DateTimeValue(binlog.DateTime{Year: 9999, Month: 12, Day: 31, Hour: 23, Minute: 59, Second: 59, Microsecond: 999999}, 6), "'9999-12-31 23:59:59.999999'"},
		{binlog.DateTimeValue(binlog.DateTime{Year: 2000, Month: 1, Day: 1, Microsecond: 120000}, 2), "'2000-01-01 00:00:00.12'"},
		{binlog.TimeValue(binlog.Time{Negative: true, Hours: 838, Minutes: 59, Seconds: 59}, 0), "'-838:59:59'"},
		{binlog.TimeValue(binlog.Time{Hours: 1, Minutes: 2, Seconds: 3, Microseconds: 4}, 6), "'01:02:03.000004'"},
		{binlog.TimestampValue(ts, 3), "'2024-02-29 23:59:58.123'"},
		{binlog.TimestampValue(time.Unix(0, 0), 0), "'0000-00-00 00:00:00'"},
		{binlog.StringValue([]byte("x'y"), 45), "'x''y'"},
		{binlog.StringValue([]byte("\xd6\xd0"), 28), "_gbk X'D6D0'"},
		{binlog.BytesValue([]byte("a\x00'\\")), "X'6100275C'"},
		{binlog.BytesValue(nil), "X''"},
		{binlog.EnumValue(1, enum), "'a'"},
		{binlog.EnumValue(2, enum), "'b''c'"},
		{binlog.EnumValue(3, enum), "3"},
		{binlog.EnumValue(0, enum), "0"},
		{binlog.EnumValue(2, nil), "2"},
		{binlog.SetValue(3, enum), "'a,b''c'"},
		{binlog.SetValue(0, enum), "''"},
		{binlog.SetValue(4, enum), "4"},
		{binlog.SetValue(9, nil), "9"},
		{binlog.JSONValue([]byte(`{"a": "é"}`)), "_utf8mb4 X'7B2261223A2022C3A9227D'"},
		{binlog.JSONValue([]byte(`[1, 2]`)), "'[1, 2]'"},
		{binlog.GeometryValue([]byte{0, 0, 0, 0, 1}), "X'0000000001'"},
	} {
		got, err := Value(tc.v, nil)
		if err != nil || got != tc.want {
			t.Errorf("Value(%v %v) = %s, %v; want %s", tc.v.Kind(), tc.v, got, err, tc.want)
		}
	}
	if got, _ := Value(binlog.JSONValue([]byte(`[1]`)), &ValueOptions{JSONCast: true}); got != "CAST('[1]' AS JSON)" {
		t.Errorf("JSONCast: got %s", got)
	}
	for _, v := range []binlog.Value{{}, binlog.DoubleValue(math.NaN()), binlog.FloatValue(float32(math.Inf(1))), binlog.DecimalValue("1e5")} {
		if _, err := Value(v, nil); !errors.Is(err, ErrNoLiteral) {
			t.Errorf("Value(%v): err = %v, want ErrNoLiteral", v.Kind(), err)
		}
	}
}
