package binlog

// Binary DECIMAL (MySQL strings/decimal.cc decimal2bin/bin2decimal), the
// form of DECIMAL columns in row images and of DECIMAL values inside binary
// JSON.
//
// A DECIMAL(precision, scale) has intg = precision-scale integer digits and
// scale fraction digits. Each side is cut into groups of 9 digits, stored as
// 4-byte big-endian integers; the leftover digits of a side (intg%9 leading
// integer digits, scale%9 trailing fraction digits) take binDecDigBytes[n] bytes:
//
//	[leading int digits][int groups ...][frac groups ...][trailing frac digits]
//
// The sign is folded in: the first byte has its high bit flipped (set for a
// non-negative number), and a negative number has every byte inverted.

// binDecDigBytes[n] is the number of bytes that hold n decimal digits.
var binDecDigBytes = [10]int{0, 1, 1, 2, 2, 3, 3, 4, 4, 4}

var binDecPow10 = [10]uint32{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000}

// binDecMaxPrecision is the largest DECIMAL precision of MySQL and MariaDB.
const binDecMaxPrecision = 65

// binaryDecimalSize returns the size in bytes of a binary
// DECIMAL(precision, scale); the arguments must be valid.
func binaryDecimalSize(precision, scale int) int {
	intg := precision - scale
	return intg/9*4 + binDecDigBytes[intg%9] + scale/9*4 + binDecDigBytes[scale%9]
}

// appendBinaryDecimal appends the exact decimal text of the binary
// DECIMAL(precision, scale) at the start of data to dst and returns the
// number of bytes of data it used. The text has no leading zeros (but at
// least one integer digit) and exactly scale fraction digits, like MySQL's
// decimal2string: "-12.340", "0.000", "7". Zero is never negative. It fails
// with ErrCorrupt when precision or scale are out of range
// (0 <= scale <= precision <= 65), data is short, or a digit group is out of
// range.
func appendBinaryDecimal(dst, data []byte, precision, scale int) ([]byte, int, error) {
	if precision < 0 || precision > binDecMaxPrecision || scale < 0 || scale > precision {
		return dst, 0, corruptf("DECIMAL(%d,%d) out of range", precision, scale)
	}
	size := binaryDecimalSize(precision, scale)
	if len(data) < size {
		return dst, 0, corruptf("DECIMAL(%d,%d) needs %d bytes, have %d", precision, scale, size, len(data))
	}
	if size == 0 {
		return append(dst, '0'), 0, nil
	}
	var b [32]byte // size <= 30 for precision <= 65
	copy(b[:], data[:size])
	neg := b[0]&0x80 == 0
	b[0] ^= 0x80
	if neg {
		for i := range size {
			b[i] = ^b[i]
		}
	}

	// Decode to digits: at most 65 integer digits plus 65 fraction digits.
	var digits [2 * binDecMaxPrecision]byte
	n := 0
	p := 0
	group := func(ndig int) bool {
		nb := binDecDigBytes[ndig]
		var v uint32
		for _, c := range b[p : p+nb] {
			v = v<<8 | uint32(c)
		}
		p += nb
		if v >= binDecPow10[ndig] {
			return false
		}
		for i := ndig - 1; i >= 0; i-- {
			digits[n+i] = byte('0' + v%10)
			v /= 10
		}
		n += ndig
		return true
	}
	intg := precision - scale
	ok := true
	if intg%9 > 0 {
		ok = group(intg % 9)
	}
	for i := 0; ok && i < intg/9; i++ {
		ok = group(9)
	}
	for i := 0; ok && i < scale/9; i++ {
		ok = group(9)
	}
	if ok && scale%9 > 0 {
		ok = group(scale % 9)
	}
	if !ok {
		return dst, 0, corruptf("DECIMAL(%d,%d) digit group out of range", precision, scale)
	}

	intDigits := digits[:intg]
	for len(intDigits) > 0 && intDigits[0] == '0' {
		intDigits = intDigits[1:]
	}
	fracDigits := digits[intg:n]
	zero := len(intDigits) == 0
	for _, c := range fracDigits {
		if c != '0' {
			zero = false
			break
		}
	}
	if neg && !zero {
		dst = append(dst, '-')
	}
	if len(intDigits) == 0 {
		dst = append(dst, '0')
	} else {
		dst = append(dst, intDigits...)
	}
	if len(fracDigits) > 0 {
		dst = append(dst, '.')
		dst = append(dst, fracDigits...)
	}
	return dst, size, nil
}
