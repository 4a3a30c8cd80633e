package binlog

// NEWDECIMAL binary layout (MySQL strings/decimal.cc, bin2decimal): the
// integer part then the fraction, each in groups of 9 decimal digits stored
// as 4-byte big-endian integers, with a leftover group of fewer digits
// (dig2bytes bytes) at the far left of the integer part and at the right of
// the fraction. The first byte's high bit is set for non-negative numbers;
// negative numbers have every byte inverted.

var dig2bytes = [10]int{0, 1, 1, 2, 2, 3, 3, 4, 4, 4}

var pow10u32 = [10]uint32{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000}

// decimalSize returns the stored size of a DECIMAL(prec, scale).
func decimalSize(prec, scale int) int {
	intg := prec - scale
	return intg/9*4 + dig2bytes[intg%9] + scale/9*4 + dig2bytes[scale%9]
}

// appendDecimal appends the exact text of the stored DECIMAL(prec, scale)
// value b (len(b) == decimalSize(prec, scale)) to dst: an optional '-', the
// integer part without leading zeros ("0" when zero), then when scale > 0
// a '.' and exactly scale digits. A negative zero is written without its sign.
func appendDecimal(dst, b []byte, prec, scale int) ([]byte, error) {
	if prec < 1 || prec > 65 || scale < 0 || scale > prec || scale > 38 {
		return dst, corruptf("decimal(%d,%d): bad precision or scale", prec, scale)
	}
	size := decimalSize(prec, scale)
	if len(b) != size {
		return dst, corruptf("decimal(%d,%d): %d bytes, want %d", prec, scale, len(b), size)
	}
	intg := prec - scale
	intg0, intg0x := intg/9, intg%9
	frac0, frac0x := scale/9, scale%9
	var mask byte
	neg := b[0]&0x80 == 0
	if neg {
		mask = 0xff
		dst = append(dst, '-')
	}
	start := len(dst)
	// rd reads n bytes big-endian, unmasking and clearing the sign bit of
	// the first byte of the value.
	pos := 0
	rd := func(n int) uint32 {
		var v uint32
		for i := 0; i < n; i++ {
			c := b[pos] ^ mask
			if pos == 0 {
				c ^= 0x80
			}
			v = v<<8 | uint32(c)
			pos++
		}
		return v
	}
	leading := true // no nonzero integer digit written yet
	putInt := func(v uint32, digits int) bool {
		if v >= pow10u32[digits] {
			return false
		}
		if leading {
			if v == 0 {
				return true
			}
			dst = appendUint32(dst, v)
			leading = false
			return true
		}
		dst = appendPadded(dst, v, digits)
		return true
	}
	if intg0x > 0 {
		if !putInt(rd(dig2bytes[intg0x]), intg0x) {
			return dst[:start], corruptf("decimal(%d,%d): digit group out of range", prec, scale)
		}
	}
	for i := 0; i < intg0; i++ {
		if !putInt(rd(4), 9) {
			return dst[:start], corruptf("decimal(%d,%d): digit group out of range", prec, scale)
		}
	}
	if leading {
		dst = append(dst, '0')
	}
	if scale > 0 {
		dst = append(dst, '.')
		for i := 0; i < frac0; i++ {
			v := rd(4)
			if v >= pow10u32[9] {
				return dst[:start], corruptf("decimal(%d,%d): digit group out of range", prec, scale)
			}
			dst = appendPadded(dst, v, 9)
		}
		if frac0x > 0 {
			v := rd(dig2bytes[frac0x])
			if v >= pow10u32[frac0x] {
				return dst[:start], corruptf("decimal(%d,%d): digit group out of range", prec, scale)
			}
			dst = appendPadded(dst, v, frac0x)
		}
	}
	if neg && isZeroDecimal(dst[start:]) {
		// A zero with the sign bit clear: the server never writes one,
		// and it means 0.
		dst = append(dst[:start-1], dst[start:]...)
	}
	return dst, nil
}

func isZeroDecimal(s []byte) bool {
	for _, c := range s {
		if c != '0' && c != '.' {
			return false
		}
	}
	return true
}

// appendUint32 appends v in decimal without allocating.
func appendUint32(dst []byte, v uint32) []byte {
	var buf [10]byte
	i := len(buf)
	for {
		i--
		buf[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return append(dst, buf[i:]...)
}

// appendPadded appends v in decimal, zero-padded to digits digits.
func appendPadded(dst []byte, v uint32, digits int) []byte {
	var buf [10]byte
	i := digits
	for ; i >= 2; i -= 2 {
		r := v % 100
		v /= 100
		buf[i-2], buf[i-1] = digitPairs[2*r], digitPairs[2*r+1]
	}
	if i == 1 {
		buf[0] = byte('0' + v%10)
	}
	return append(dst, buf[:digits]...)
}

const digitPairs = "00010203040506070809" + "10111213141516171819" + "20212223242526272829" +
	"30313233343536373839" + "40414243444546474849" + "50515253545556575859" + "60616263646566676869" +
	"70717273747576777879" + "80818283848586878889" + "90919293949596979899"

// readDecimal decodes the DECIMAL(prec, scale) stored at the start of b and
// returns its text appended to dst and the count of bytes it used.
func readDecimal(dst, b []byte, prec, scale int) ([]byte, int, error) {
	if prec < 1 || prec > 65 || scale < 0 || scale > prec || scale > 38 {
		return dst, 0, corruptf("decimal(%d,%d): bad precision or scale", prec, scale)
	}
	n := decimalSize(prec, scale)
	if len(b) < n {
		return dst, 0, corruptf("decimal(%d,%d): %d bytes, want %d", prec, scale, len(b), n)
	}
	out, err := appendDecimal(dst, b[:n], prec, scale)
	if err != nil {
		return dst, 0, err
	}
	return out, n, nil
}
