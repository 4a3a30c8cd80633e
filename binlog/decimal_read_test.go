package binlog

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// encBinaryDecimal encodes the decimal text s ([-]digits[.digits], at most
// precision-scale integer and scale fraction digits) as MySQL's
// decimal2bin does.
func encBinaryDecimal(t testing.TB, s string, precision, scale int) []byte {
	t.Helper()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	ip, fp, _ := strings.Cut(s, ".")
	ip = strings.TrimLeft(ip, "0")
	intg := precision - scale
	if len(ip) > intg || len(fp) > scale {
		t.Fatalf("encBinaryDecimal(%q, %d, %d): too many digits", s, precision, scale)
	}
	ip = strings.Repeat("0", intg-len(ip)) + ip
	fp += strings.Repeat("0", scale-len(fp))
	var out []byte
	put := func(digits string) {
		var v uint32
		for _, c := range digits {
			v = v*10 + uint32(c-'0')
		}
		nb := dig2bytes[len(digits)]
		for i := nb - 1; i >= 0; i-- {
			out = append(out, byte(v>>(8*i)))
		}
	}
	if lead := intg % 9; lead > 0 {
		put(ip[:lead])
		ip = ip[lead:]
	}
	for ; len(ip) > 0; ip = ip[9:] {
		put(ip[:9])
	}
	for ; len(fp) >= 9; fp = fp[9:] {
		put(fp[:9])
	}
	if len(fp) > 0 {
		put(fp)
	}
	if len(out) == 0 {
		return out
	}
	if neg {
		for i := range out {
			out[i] = ^out[i]
		}
	}
	out[0] ^= 0x80
	return out
}

func TestAppendBinaryDecimal(t *testing.T) {
	// The example in MySQL's strings/decimal.cc (decimal2bin).
	pos := []byte{0x81, 0x0D, 0xFB, 0x38, 0xD2, 0x04, 0xD2}
	negb := []byte{0x7E, 0xF2, 0x04, 0xC7, 0x2D, 0xFB, 0x2D}
	for _, c := range []struct {
		b    []byte
		want string
	}{{pos, "1234567890.1234"}, {negb, "-1234567890.1234"}} {
		got, n, err := readDecimal([]byte("x="), append(c.b, 0xee), 14, 4)
		if err != nil || n != 7 {
			t.Fatalf("readDecimal(% x) = %q, %d, %v", c.b, got, n, err)
		}
		if diff := cmp.Diff("x="+c.want, string(got)); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(c.b, encBinaryDecimal(t, c.want, 14, 4)); diff != "" {
			t.Errorf("encoder mismatch (-want +got):\n%s", diff)
		}
	}

	tests := []struct {
		in               string
		precision, scale int
		want             string
	}{
		{"0", 1, 0, "0"},
		{"0", 10, 2, "0.00"},
		{"-0.00", 10, 2, "0.00"},
		{"7", 1, 0, "7"},
		{"-12.34", 4, 2, "-12.34"},
		{"-12.340", 10, 3, "-12.340"},
		{"0.000001", 7, 6, "0.000001"},
		{".5", 1, 1, "0.5"},
		{"-.5", 1, 1, "-0.5"},
		{"123456789", 9, 0, "123456789"},
		{"1234567890", 10, 0, "1234567890"},
		{"999999999999999999", 18, 0, "999999999999999999"},
		{"1.000000001", 19, 9, "1.000000001"},
		{"0.1234567891", 12, 10, "0.1234567891"},
		{strings.Repeat("9", 35) + "." + strings.Repeat("9", 30), 65, 30, strings.Repeat("9", 35) + "." + strings.Repeat("9", 30)},
		{"-" + strings.Repeat("1", 65), 65, 0, "-" + strings.Repeat("1", 65)},
	}
	for _, tt := range tests {
		b := encBinaryDecimal(t, tt.in, tt.precision, tt.scale)
		if len(b) != decimalSize(tt.precision, tt.scale) {
			t.Errorf("DECIMAL(%d,%d): size %d, want %d", tt.precision, tt.scale, len(b), decimalSize(tt.precision, tt.scale))
		}
		got, n, err := readDecimal(nil, b, tt.precision, tt.scale)
		if err != nil || n != len(b) {
			t.Errorf("readDecimal(%q as DECIMAL(%d,%d)) = %q, %d, %v", tt.in, tt.precision, tt.scale, got, n, err)
			continue
		}
		if string(got) != tt.want {
			t.Errorf("readDecimal(%q as DECIMAL(%d,%d)) = %s, want %s", tt.in, tt.precision, tt.scale, got, tt.want)
		}
	}
}

func TestAppendBinaryDecimalRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		precision := 1 + r.IntN(65)
		scale := r.IntN(min(precision, 30) + 1)
		intg := precision - scale
		var sb strings.Builder
		if r.IntN(2) == 0 {
			sb.WriteByte('-')
		}
		nint := r.IntN(intg + 1)
		first := true
		for range nint {
			d := r.IntN(10)
			if first && d == 0 {
				d = 1
			}
			first = false
			sb.WriteByte(byte('0' + d))
		}
		if nint == 0 {
			sb.WriteByte('0')
		}
		if scale > 0 {
			sb.WriteByte('.')
			for range scale {
				sb.WriteByte(byte('0' + r.IntN(10)))
			}
		}
		in := sb.String()
		want := in
		if strings.Trim(in, "-0.") == "" {
			want = strings.TrimPrefix(in, "-")
		}
		b := encBinaryDecimal(t, in, precision, scale)
		got, _, err := readDecimal(nil, b, precision, scale)
		if err != nil || string(got) != want {
			t.Fatalf("DECIMAL(%d,%d) %s: got %q, %v", precision, scale, want, got, err)
		}
	}
}

func TestAppendBinaryDecimalErrors(t *testing.T) {
	tests := []struct {
		b                []byte
		precision, scale int
	}{
		{[]byte{0x80}, 66, 0},
		{[]byte{0x80}, 1, 2},
		{[]byte{0x80}, -1, 0},
		{[]byte{0x80}, 1, -1},
		{nil, 1, 0},
		{[]byte{0x80, 0, 0}, 10, 0},            // needs 5 bytes
		{[]byte{0x80 | 10}, 1, 0},              // digit 10
		{[]byte{0xbb, 0x9a, 0xca, 0x00}, 9, 0}, // 10^9 in a 9-digit group
	}
	for _, tt := range tests {
		got, n, err := readDecimal([]byte("k"), tt.b, tt.precision, tt.scale)
		if !errors.Is(err, ErrCorrupt) || string(got) != "k" || n != 0 {
			t.Errorf("readDecimal(% x, %d, %d) = %q, %d, %v; want ErrCorrupt", tt.b, tt.precision, tt.scale, got, n, err)
		}
	}
}
