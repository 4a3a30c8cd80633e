package binlog

import (
	"strings"
	"testing"
)

// encDecimal encodes the decimal text s as a stored DECIMAL(prec, scale)
// (MySQL decimal2bin), for tests. s must fit.
func encDecimal(s string, prec, scale int) []byte {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	ip, fp, _ := strings.Cut(s, ".")
	ip = strings.TrimLeft(ip, "0")
	intg := prec - scale
	ip = strings.Repeat("0", intg-len(ip)) + ip
	fp += strings.Repeat("0", scale-len(fp))
	var out []byte
	put := func(digits string) {
		n := dig2bytes[len(digits)]
		if len(digits) == 9 {
			n = 4
		}
		var v uint32
		for _, c := range digits {
			v = v*10 + uint32(c-'0')
		}
		for i := n - 1; i >= 0; i-- {
			out = append(out, byte(v>>(8*i)))
		}
	}
	if x := intg % 9; x > 0 {
		put(ip[:x])
		ip = ip[x:]
	}
	for len(ip) > 0 {
		put(ip[:9])
		ip = ip[9:]
	}
	for len(fp) >= 9 {
		put(fp[:9])
		fp = fp[9:]
	}
	if len(fp) > 0 {
		put(fp)
	}
	out[0] ^= 0x80
	if neg {
		for i := range out {
			out[i] ^= 0xff
		}
	}
	return out
}

func TestDecimal(t *testing.T) {
	max65 := strings.Repeat("9", 35) + "." + strings.Repeat("9", 30)
	for _, tc := range []struct {
		in         string
		prec, scal int
		want       string
	}{
		{"1234567890.1234", 14, 4, "1234567890.1234"},
		{"-1234567890.1234", 14, 4, "-1234567890.1234"},
		{"0", 10, 2, "0.00"},
		{"0.5", 10, 2, "0.50"},
		{"-0.05", 10, 2, "-0.05"},
		{"7", 1, 0, "7"},
		{"0", 1, 0, "0"},
		{"123", 10, 0, "123"},
		{"0.000000000000000000000000000001", 65, 30, "0.000000000000000000000000000001"},
		{max65, 65, 30, max65},
		{"-" + max65, 65, 30, "-" + max65},
		{"0.999999999", 9, 9, "0.999999999"},
		{"1000000000", 10, 0, "1000000000"},
		{"1000000000.000000001", 19, 9, "1000000000.000000001"},
		{"-99.9", 3, 1, "-99.9"},
	} {
		b := encDecimal(tc.in, tc.prec, tc.scal)
		if len(b) != decimalSize(tc.prec, tc.scal) {
			t.Fatalf("%s: encoded %d bytes, size %d", tc.in, len(b), decimalSize(tc.prec, tc.scal))
		}
		got, err := appendDecimal(nil, b, tc.prec, tc.scal)
		if err != nil || string(got) != tc.want {
			t.Errorf("decimal(%d,%d) %s: got %q, %v; want %q", tc.prec, tc.scal, tc.in, got, err, tc.want)
		}
	}
	// Known bytes from the MySQL documentation.
	got, _ := appendDecimal(nil, []byte{0x7E, 0xF2, 0x04, 0xC7, 0x2D, 0xFB, 0x2D}, 14, 4)
	if string(got) != "-1234567890.1234" {
		t.Errorf("got %q", got)
	}
	if _, err := appendDecimal(nil, []byte{0xff, 0xff}, 3, 1); err == nil {
		t.Error("out-of-range digit group: no error")
	}
}

func BenchmarkDecimal(b *testing.B) {
	enc := encDecimal("-12345678901234567890.123456789", 40, 10)
	var dst []byte
	for i := 0; i < b.N; i++ {
		dst, _ = appendDecimal(dst[:0], enc, 40, 10)
	}
}
