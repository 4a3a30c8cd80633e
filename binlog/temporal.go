package binlog

// Temporal storage formats (MySQL sql/field.cc, mysys/my_time.cc):
//
//	DATE        3 bytes LE: day | month<<5 | year<<9
//	DATETIME    8 bytes LE: the decimal number YYYYMMDDhhmmss
//	DATETIME2   5 bytes BE (ymd<<17 | hms, offset 0x8000000000) + fsp bytes
//	TIME        3 bytes LE signed: the decimal number [-]hhmmss
//	TIME2       3 bytes BE (hms, offset 0x800000) + fsp bytes, or 6 bytes
//	            BE with the fraction inside for fsp 5 and 6
//	TIMESTAMP   4 bytes LE seconds
//	TIMESTAMP2  4 bytes BE seconds + fsp bytes (big-endian)
//
// fsp bytes = (fsp+1)/2: 1 byte of hundredths, 2 of ten-thousandths or 3
// of microseconds.

func fspBytes(fsp int) int { return (fsp + 1) / 2 }

func beUint(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

// decodeDate returns the packed date of a 3-byte DATE.
func decodeDate(b []byte) uint64 {
	v := uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16
	return uint64(v>>9)<<46 | uint64(v>>5&15)<<42 | uint64(v&31)<<37
}

// decodeDateTime returns the packed value of an old 8-byte DATETIME.
func decodeDateTime(v uint64) (uint64, error) {
	d, t := v/1000000, v%1000000
	year, month, day := d/10000, d/100%100, d%100
	hour, min, sec := t/10000, t/100%100, t%100
	if year > 9999 || month > 12 || day > 31 || hour > 23 || min > 59 || sec > 59 {
		return 0, corruptf("datetime %d out of range", v)
	}
	return year<<46 | month<<42 | day<<37 | hour<<32 | min<<26 | sec<<20, nil
}

// fraction returns microseconds from the fsp bytes of DATETIME2,
// TIMESTAMP2 and TIME2 (fsp <= 4).
func fracMicros(b []byte, fsp int) uint64 {
	switch fspBytes(fsp) {
	case 1:
		return uint64(b[0]) * 10000
	case 2:
		return (uint64(b[0])<<8 | uint64(b[1])) * 100
	case 3:
		return uint64(b[0])<<16 | uint64(b[1])<<8 | uint64(b[2])
	}
	return 0
}

// decodeDateTime2 returns the packed value of a DATETIME2 (5 + fsp bytes).
func decodeDateTime2(b []byte, fsp int) (uint64, error) {
	ip := int64(beUint(b[:5])) - 0x8000000000
	if ip < 0 {
		return 0, corruptf("negative datetime")
	}
	us := fracMicros(b[5:], fsp)
	if us > 999999 {
		return 0, corruptf("datetime fraction %d out of range", us)
	}
	ymdhms := uint64(ip)
	ymd, hms := ymdhms>>17, ymdhms&(1<<17-1)
	ym := ymd >> 5
	year, month, day := ym/13, ym%13, ymd&31
	hour, min, sec := hms>>12, hms>>6&63, hms&63
	if year > 9999 || hour > 23 {
		return 0, corruptf("datetime out of range")
	}
	return year<<46 | month<<42 | day<<37 | hour<<32 | min<<26 | sec<<20 | us, nil
}

// decodeTime returns the packed value of an old 3-byte TIME.
func decodeTime(b []byte) uint64 {
	v := int32(uint32(b[0])|uint32(b[1])<<8|uint32(b[2])<<16) << 8 >> 8
	var neg uint64
	if v < 0 {
		neg, v = 1, -v
	}
	h, m, s := uint64(v/10000), uint64(v/100%100), uint64(v%100)
	return neg<<63 | h<<40 | m<<32 | s<<24
}

// decodeTime2 returns the packed value of a TIME2 (3 + fsp bytes), applying
// MySQL's correction for negative values with a fraction.
func decodeTime2(b []byte, fsp int) uint64 {
	var packed int64 // MySQL's packed time: hms<<24 | microseconds
	switch fspBytes(fsp) {
	case 0:
		packed = (int64(beUint(b[:3])) - 0x800000) << 24
	case 1:
		ip := int64(beUint(b[:3])) - 0x800000
		frac := int64(b[3])
		if ip < 0 && frac != 0 {
			ip++
			frac -= 0x100
		}
		packed = ip<<24 + frac*10000
	case 2:
		ip := int64(beUint(b[:3])) - 0x800000
		frac := int64(b[3])<<8 | int64(b[4])
		if ip < 0 && frac != 0 {
			ip++
			frac -= 0x10000
		}
		packed = ip<<24 + frac*100
	default:
		packed = int64(beUint(b[:6])) - 0x800000000000
	}
	var neg uint64
	if packed < 0 {
		neg, packed = 1, -packed
	}
	hms, us := uint64(packed)>>24, uint64(packed)&(1<<24-1)
	h, m, s := hms>>12&1023, hms>>6&63, hms&63
	return neg<<63 | h<<40 | m<<32 | s<<24 | us
}

// decodeTimestamp2 returns the packed value of a TIMESTAMP2 (4 + fsp bytes).
func decodeTimestamp2(b []byte, fsp int) (uint64, error) {
	sec := beUint(b[:4])
	us := fracMicros(b[4:], fsp)
	if us > 999999 {
		return 0, corruptf("timestamp fraction %d out of range", us)
	}
	return sec<<20 | us, nil
}
