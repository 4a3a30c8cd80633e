package binlog

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Row images from Values: the exact inverse of rowsdecode.go.

// appendRows appends a rows event body of type t.
func (s *encodeState) appendRows(dst []byte, t EventType, r *Rows) ([]byte, error) {
	kind, defPHL, compressed := rowsEventInfo(t)
	if kind != r.Kind {
		return dst, encodeErrorf("a %v rows payload cannot be encoded as a %v event", r.Kind, t)
	}
	if r.Partial != (t == PartialUpdateRowsEvent) {
		return dst, encodeErrorf("Rows.Partial is %v for a %v event", r.Partial, t)
	}
	tm := r.Table
	if tm == nil && s.tables != nil {
		tm = s.tables[r.TableID]
	}
	if tm == nil {
		return dst, fmt.Errorf("%w: %w: table id %d (Rows.Table is nil)", ErrEncode, ErrMissingTableMap, r.TableID)
	}
	cols := tm.Columns
	phl := postHeaderLen(s.fd, t, defPHL)
	dst = appendTableID(dst, r.TableID, phl)
	dst = binary.LittleEndian.AppendUint16(dst, r.Flags)
	if phl == 10 {
		if len(r.ExtraData) > 0xffff-2 {
			return dst, encodeErrorf("rows: extra data of %d bytes", len(r.ExtraData))
		}
		dst = binary.LittleEndian.AppendUint16(dst, uint16(len(r.ExtraData)+2))
		dst = append(dst, r.ExtraData...)
	} else {
		dst = appendZeros(dst, phl-8)
	}
	dst = appendPacked(dst, uint64(len(cols)))
	present := r.Present
	if present == nil {
		present = allPresent(len(cols))
	}
	presentAfter := r.PresentAfter
	if kind == Update && presentAfter == nil {
		presentAfter = allPresent(len(cols))
	}
	if len(present) != len(cols) || kind == Update && len(presentAfter) != len(cols) {
		return dst, encodeErrorf("rows of %s.%s: column bitmaps of %d and %d columns for a table of %d",
			tm.Schema, tm.Table, len(present), len(presentAfter), len(cols))
	}
	colPad, nullPad := bitmapPadding(s.fd)
	if r.padKnown {
		colPad, nullPad = r.colPad, r.nullPad
	}
	dst = appendBitmapPad(dst, present, colPad)
	if kind == Update {
		dst = appendBitmapPad(dst, presentAfter, colPad)
	}
	e := rowsEncoder{tm: tm, partial: r.Partial, nullPad: nullPad}
	var data []byte
	if compressed {
		data = make([]byte, 0, 64)
	} else {
		data = dst
	}
	var err error
	for i := range r.Rows {
		row := &r.Rows[i]
		switch kind {
		case Insert:
			if row.Before != nil {
				return dst, encodeErrorf("row %d of an insert has a before image", i+1)
			}
			data, err = e.image(data, row.After, present, false)
		case Delete:
			if row.After != nil {
				return dst, encodeErrorf("row %d of a delete has an after image", i+1)
			}
			data, err = e.image(data, row.Before, present, false)
		default:
			if data, err = e.image(data, row.Before, present, false); err == nil {
				data, err = e.image(data, row.After, presentAfter, r.Partial)
			}
		}
		if err != nil {
			return dst, fmt.Errorf("row %d: %w", i+1, err)
		}
	}
	if compressed {
		return mariaCompress(dst, data)
	}
	return data, nil
}

func allPresent(n int) []bool {
	p := make([]bool, n)
	for i := range p {
		p[i] = true
	}
	return p
}

func appendBitmap(dst []byte, bits []bool) []byte {
	start := len(dst)
	dst = appendZeros(dst, (len(bits)+7)/8)
	for i, b := range bits {
		if b {
			dst[start+i/8] |= 1 << (i % 8)
		}
	}
	return dst
}

// appendBitmapPad appends a bitmap, with the unused bits of its last byte
// taken from pad.
func appendBitmapPad(dst []byte, bits []bool, pad uint8) []byte {
	dst = appendBitmap(dst, bits)
	if n := len(bits) % 8; n != 0 {
		dst[len(dst)-1] |= pad &^ (1<<n - 1)
	}
	return dst
}

// bitmapPadding returns the unused bits of the last byte of the column
// bitmaps and of the null bitmaps of row images that the server of the
// format writes (readers ignore them), for rows not decoded from an event:
// MySQL 8.0 sets them in column bitmaps and clears them in null bitmaps,
// older servers and MariaDB do the opposite.
func bitmapPadding(fd *FormatDescription) (cols, nulls uint8) {
	if fd == nil || !fd.MariaDB() && serverVersion(fd.ServerVersion) >= 80000 {
		return 0xff, 0
	}
	return 0, 0xff
}

// rowsEncoder encodes the row images of one event.
type rowsEncoder struct {
	tm      *TableMap
	partial bool
	nullPad uint8
}

// image appends one row image: for a partial update's after image the
// value options and the partial-JSON bitmap, then the null bitmap over the
// present columns and the values of the present non-NULL ones.
func (e *rowsEncoder) image(dst []byte, img []Value, present []bool, after bool) ([]byte, error) {
	cols := e.tm.Columns
	if len(img) != len(cols) {
		return dst, encodeErrorf("row image of %d values for table %s.%s of %d columns", len(img), e.tm.Schema, e.tm.Table, len(cols))
	}
	if after {
		dst = append(dst, 1) // PARTIAL_JSON_UPDATES
		var pb []bool
		for i := range cols {
			if cols[i].BinlogType == TypeJSON {
				pb = append(pb, img[i].kind == KindJSONDiff)
			}
		}
		dst = appendBitmap(dst, pb)
	}
	start := len(dst)
	n := 0
	for i, p := range present {
		v := &img[i]
		switch {
		case !p && v.kind != KindAbsent:
			return dst, e.colErr(i, fmt.Errorf("a %v value for a column not in the image", v.kind))
		case p && v.kind == KindAbsent:
			return dst, e.colErr(i, fmt.Errorf("no value for a column in the image"))
		case p:
			if n%8 == 0 {
				dst = append(dst, 0)
			}
			if v.kind == KindNull {
				dst[start+n/8] |= 1 << (n % 8)
			}
			n++
		}
	}
	if n%8 != 0 {
		dst[len(dst)-1] |= e.nullPad &^ (1<<(n%8) - 1)
	}
	for i, p := range present {
		if !p || img[i].kind == KindNull {
			continue
		}
		var err error
		if dst, err = appendValue(dst, &cols[i], img[i], after); err != nil {
			return dst, e.colErr(i, err)
		}
	}
	return dst, nil
}

func (e *rowsEncoder) colErr(i int, err error) error {
	c := &e.tm.Columns[i]
	name := c.Name
	if name == "" {
		name = fmt.Sprintf("@%d", i+1)
	}
	return fmt.Errorf("%w: %s.%s column %d (%s): %w", ErrEncode, e.tm.Schema, e.tm.Table, i+1, name, err)
}

// appendValue appends the stored form of the non-NULL value v of column
// col.
func appendValue(dst []byte, col *Column, v Value, partial bool) ([]byte, error) {
	le := binary.LittleEndian
	meta := int(col.Meta)
	wrong := func() ([]byte, error) {
		return dst, fmt.Errorf("a %v value for a column of type %d", v.kind, col.Type)
	}
	if v.kind == KindUndecodable {
		return appendUndecodable(dst, col, v.b)
	}
	switch col.Type {
	case TypeTiny, TypeShort, TypeInt24, TypeLong, TypeLongLong:
		size := intSize(col.Type)
		u, err := intBits(v, size, col.Unsigned)
		if err != nil {
			return dst, err
		}
		for i := 0; i < size; i++ {
			dst = append(dst, byte(u>>(8*i)))
		}
		return dst, nil
	case TypeFloat:
		if v.kind != KindFloat {
			return wrong()
		}
		return le.AppendUint32(dst, uint32(v.num)), nil
	case TypeDouble:
		switch v.kind {
		case KindDouble:
			return le.AppendUint64(dst, v.num), nil
		case KindFloat:
			return le.AppendUint64(dst, math.Float64bits(float64(math.Float32frombits(uint32(v.num))))), nil
		}
		return wrong()
	case TypeYear:
		if v.kind != KindYear && v.kind != KindInt && v.kind != KindUint {
			return wrong()
		}
		y := int64(v.num)
		switch {
		case y == 0:
			return append(dst, 0), nil
		case y >= 1901 && y <= 2155:
			return append(dst, byte(y-1900)), nil
		}
		return dst, fmt.Errorf("year %d out of range (0, 1901..2155)", y)
	case TypeNull:
		return dst, nil
	case TypeNewDecimal:
		if v.kind != KindDecimal {
			return wrong()
		}
		return appendDecimalBinary(dst, v.b, meta>>8, meta&0xff)
	case TypeBit:
		if v.kind != KindBit && v.kind != KindUint {
			return wrong()
		}
		nbits := (meta>>8)*8 + meta&0xff
		n := (nbits + 7) / 8
		if n > 8 || nbits < 64 && v.num>>nbits != 0 {
			return dst, fmt.Errorf("bits %#x do not fit in BIT(%d)", v.num, nbits)
		}
		for i := n - 1; i >= 0; i-- {
			dst = append(dst, byte(v.num>>(8*i)))
		}
		return dst, nil
	case TypeDate, TypeNewDate:
		if v.kind != KindDate && v.kind != KindDateTime {
			return wrong()
		}
		d := v.DateTime()
		if v.kind == KindDateTime && (d.Hour|d.Minute|d.Second|d.Microsecond) != 0 {
			return dst, fmt.Errorf("datetime %s has a time of day for a DATE column", d.Format(6))
		}
		if d.Year > 9999 || d.Month > 15 || d.Day > 31 {
			return dst, fmt.Errorf("date %s out of range", Date{d.Year, d.Month, d.Day})
		}
		x := uint32(d.Day) | uint32(d.Month)<<5 | uint32(d.Year)<<9
		return append(dst, byte(x), byte(x>>8), byte(x>>16)), nil
	case TypeTime:
		if v.kind != KindTime {
			return wrong()
		}
		t := v.Time()
		if t.Microseconds != 0 || t.Hours > 838 || t.Minutes > 59 || t.Seconds > 59 {
			return dst, fmt.Errorf("time %s does not fit an old TIME column", t.Format(6))
		}
		x := int32(t.Hours*10000 + t.Minutes*100 + t.Seconds)
		if t.Negative {
			x = -x
		}
		return append(dst, byte(x), byte(x>>8), byte(x>>16)), nil
	case TypeDateTime:
		if v.kind != KindDateTime && v.kind != KindDate {
			return wrong()
		}
		d := v.DateTime()
		if d.Microsecond != 0 || d.Year > 9999 || d.Month > 12 || d.Day > 31 || d.Hour > 23 || d.Minute > 59 || d.Second > 59 {
			return dst, fmt.Errorf("datetime %s does not fit an old DATETIME column", d.Format(6))
		}
		x := uint64(d.Year)*10000000000 + uint64(d.Month)*100000000 + uint64(d.Day)*1000000 +
			uint64(d.Hour)*10000 + uint64(d.Minute)*100 + uint64(d.Second)
		return le.AppendUint64(dst, x), nil
	case TypeTimestamp:
		if v.kind != KindTimestamp {
			return wrong()
		}
		if v.num&(1<<20-1) != 0 || v.num>>52 != 0 {
			return dst, fmt.Errorf("timestamp %d.%06d does not fit an old TIMESTAMP column", v.num>>20, v.num&(1<<20-1))
		}
		return le.AppendUint32(dst, uint32(v.num>>20)), nil
	case TypeTime2:
		if v.kind != KindTime {
			return wrong()
		}
		if meta > 6 {
			return dst, fmt.Errorf("time(%d): bad precision", meta)
		}
		return appendTime2(dst, v.Time(), meta)
	case TypeDateTime2:
		if v.kind != KindDateTime && v.kind != KindDate {
			return wrong()
		}
		if meta > 6 {
			return dst, fmt.Errorf("datetime(%d): bad precision", meta)
		}
		d := v.DateTime()
		if d.Year > 9999 || d.Month > 12 || d.Day > 31 || d.Hour > 23 || d.Minute > 59 || d.Second > 59 {
			return dst, fmt.Errorf("datetime %s out of range", d.Format(6))
		}
		ymd := (uint64(d.Year)*13+uint64(d.Month))<<5 | uint64(d.Day)
		hms := uint64(d.Hour)<<12 | uint64(d.Minute)<<6 | uint64(d.Second)
		ip := ymd<<17 | hms + 0x8000000000
		dst = append(dst, byte(ip>>32), byte(ip>>24), byte(ip>>16), byte(ip>>8), byte(ip))
		return appendFracBytes(dst, int64(d.Microsecond), meta)
	case TypeTimestamp2:
		if v.kind != KindTimestamp {
			return wrong()
		}
		if meta > 6 {
			return dst, fmt.Errorf("timestamp(%d): bad precision", meta)
		}
		sec := v.num >> 20
		if sec > math.MaxUint32 {
			return dst, fmt.Errorf("timestamp %d out of range", sec)
		}
		dst = binary.BigEndian.AppendUint32(dst, uint32(sec))
		return appendFracBytes(dst, int64(v.num&(1<<20-1)), meta)
	case TypeVarchar, TypeVarString:
		b, err := strBytes(v)
		if err != nil {
			return dst, err
		}
		if len(b) > meta {
			return dst, fmt.Errorf("%d bytes for a column of at most %d", len(b), meta)
		}
		return appendLenPrefixed(dst, b, lenBytes(meta))
	case TypeString:
		b, err := strBytes(v)
		if err != nil {
			return dst, err
		}
		_, maxLen := stringMeta(col.Meta)
		if col.Collation == 63 {
			// The server strips the trailing zeros of BINARY(n); the
			// decoder puts them back.
			for len(b) > 0 && b[len(b)-1] == 0 {
				b = b[:len(b)-1]
			}
		}
		if len(b) > maxLen {
			return dst, fmt.Errorf("%d bytes for a column of at most %d", len(b), maxLen)
		}
		return appendLenPrefixed(dst, b, lenBytes(maxLen))
	case TypeEnum:
		if v.kind != KindEnum {
			return wrong()
		}
		switch n := meta & 0xff; {
		case n == 1 && v.num < 1<<8:
			return append(dst, byte(v.num)), nil
		case n == 2 && v.num < 1<<16:
			return append(dst, byte(v.num), byte(v.num>>8)), nil
		}
		return dst, fmt.Errorf("enum index %d does not fit %d bytes", v.num, meta&0xff)
	case TypeSet:
		if v.kind != KindSet {
			return wrong()
		}
		n := meta & 0xff
		if n < 1 || n > 8 || n < 8 && v.num>>(8*n) != 0 {
			return dst, fmt.Errorf("set mask %#x does not fit %d bytes", v.num, n)
		}
		for i := 0; i < n; i++ {
			dst = append(dst, byte(v.num>>(8*i)))
		}
		return dst, nil
	case TypeBlob, TypeTinyBlob, TypeMediumBlob, TypeLongBlob, TypeGeometry, TypeJSON, TypeVector:
		lp := meta
		if lp < 1 || lp > 4 {
			return dst, fmt.Errorf("blob length-prefix size %d", lp)
		}
		var b []byte
		switch col.Type {
		case TypeGeometry:
			if v.kind != KindGeometry && v.kind != KindBytes {
				return wrong()
			}
			b = v.b
		case TypeVector:
			if v.kind != KindVector && v.kind != KindBytes {
				return wrong()
			}
			b = v.b
		case TypeJSON:
			var err error
			switch {
			case v.kind == KindJSONDiff && partial:
				b, err = appendJSONDiffs(nil, v.JSONDiffs())
			case v.kind == KindJSON:
				b, err = appendJSONBinary(nil, v.b)
			default:
				return wrong()
			}
			if err != nil {
				return dst, err
			}
		default:
			var err error
			if b, err = strBytes(v); err != nil {
				return dst, err
			}
		}
		return appendLenPrefixed(dst, b, lp)
	case TypeDecimal:
		return dst, fmt.Errorf("%w: old DECIMAL column type", ErrUnsupported)
	}
	return dst, fmt.Errorf("%w: column type %d in rows", ErrUnsupported, col.Type)
}

// intSize returns the stored size of an integer column type.
func intSize(t ColumnType) int {
	switch t {
	case TypeTiny:
		return 1
	case TypeShort:
		return 2
	case TypeInt24:
		return 3
	case TypeLong:
		return 4
	}
	return 8
}

// lenBytes returns the size of the length prefix of a string column of at
// most max bytes.
func lenBytes(max int) int {
	if max > 255 {
		return 2
	}
	return 1
}

// appendUndecodable writes back the stored bytes of a value kept
// undecodable (the decoder keeps JSON without its length prefix).
func appendUndecodable(dst []byte, col *Column, b []byte) ([]byte, error) {
	switch col.Type {
	case TypeBlob, TypeTinyBlob, TypeMediumBlob, TypeLongBlob, TypeGeometry, TypeJSON, TypeVector:
		return appendLenPrefixed(dst, b, int(col.Meta))
	}
	return append(dst, b...), nil
}

// intBits returns the low size bytes of an integer value, checking that it
// fits a column of size bytes, signed or not.
func intBits(v Value, size int, unsigned bool) (uint64, error) {
	bits := uint(8 * size)
	switch v.kind {
	case KindInt:
		i := int64(v.num)
		lo, hi := -int64(1)<<(bits-1), int64(1)<<(bits-1)-1
		if unsigned {
			lo = 0
			if bits < 64 {
				hi = int64(1)<<bits - 1
			} else {
				hi = math.MaxInt64
			}
		}
		if i < lo || i > hi {
			return 0, fmt.Errorf("%d does not fit a %d-byte integer column (unsigned %v)", i, size, unsigned)
		}
	case KindUint:
		hi := uint64(1)<<(bits-1) - 1
		if unsigned {
			hi = math.MaxUint64 >> (64 - bits)
		}
		if v.num > hi {
			return 0, fmt.Errorf("%d does not fit a %d-byte integer column (unsigned %v)", v.num, size, unsigned)
		}
	default:
		return 0, fmt.Errorf("a %v value for an integer column", v.kind)
	}
	return v.num, nil
}

func strBytes(v Value) ([]byte, error) {
	switch v.kind {
	case KindString, KindBytes:
		return v.b, nil
	}
	return nil, fmt.Errorf("a %v value for a string column", v.kind)
}

// appendLenPrefixed appends b after its length in lp little-endian bytes.
func appendLenPrefixed(dst, b []byte, lp int) ([]byte, error) {
	if lp < 4 && uint64(len(b)) >= 1<<(8*lp) || uint64(len(b)) > math.MaxUint32 {
		return dst, fmt.Errorf("%d bytes do not fit a %d-byte length", len(b), lp)
	}
	for i := 0; i < lp; i++ {
		dst = append(dst, byte(len(b)>>(8*i)))
	}
	return append(dst, b...), nil
}

// appendFracBytes appends the fractional-second bytes of DATETIME2, TIMESTAMP2
// (and TIME2 with fsp <= 4) for precision fsp, refusing digits that the
// precision cannot hold.
func appendFracBytes(dst []byte, us int64, fsp int) ([]byte, error) {
	if us < 0 || us > 999999 {
		return dst, fmt.Errorf("fraction %d out of range", us)
	}
	switch fspBytes(fsp) {
	case 0:
		if us != 0 {
			return dst, fmt.Errorf("fraction .%06d for a column without fractional seconds", us)
		}
		return dst, nil
	case 1:
		if us%10000 != 0 {
			return dst, fmt.Errorf("fraction .%06d does not fit %d digits", us, fsp)
		}
		return append(dst, byte(us/10000)), nil
	case 2:
		if us%100 != 0 {
			return dst, fmt.Errorf("fraction .%06d does not fit %d digits", us, fsp)
		}
		return append(dst, byte(us/100>>8), byte(us/100)), nil
	}
	return append(dst, byte(us>>16), byte(us>>8), byte(us)), nil
}

// appendTime2 appends a TIME2 of precision fsp (my_time_packed_to_binary).
func appendTime2(dst []byte, t Time, fsp int) ([]byte, error) {
	if t.Hours > 1023 || t.Minutes > 59 || t.Seconds > 59 || t.Microseconds > 999999 {
		return dst, fmt.Errorf("time %s out of range", t.Format(6))
	}
	hms := int64(t.Hours)<<12 | int64(t.Minutes)<<6 | int64(t.Seconds)
	packed := hms<<24 | int64(t.Microseconds)
	if t.Negative {
		packed = -packed
	}
	switch fspBytes(fsp) {
	case 0:
		if t.Microseconds != 0 {
			return dst, fmt.Errorf("time %s for a column without fractional seconds", t.Format(6))
		}
		ip := packed>>24 + 0x800000
		return append(dst, byte(ip>>16), byte(ip>>8), byte(ip)), nil
	case 1, 2:
		div := int64(10000)
		if fspBytes(fsp) == 2 {
			div = 100
		}
		if t.Microseconds%int(div) != 0 {
			return dst, fmt.Errorf("time %s does not fit %d fractional digits", t.Format(6), fsp)
		}
		ip := packed>>24 + 0x800000
		fp := packed % (1 << 24) / div // C remainder: the sign of packed
		dst = append(dst, byte(ip>>16), byte(ip>>8), byte(ip))
		if div == 10000 {
			return append(dst, byte(int8(fp))), nil
		}
		return append(dst, byte(uint16(int16(fp))>>8), byte(int16(fp))), nil
	}
	x := uint64(packed + 0x800000000000)
	return append(dst, byte(x>>40), byte(x>>32), byte(x>>24), byte(x>>16), byte(x>>8), byte(x)), nil
}

// appendDecimalBinary appends the stored form of the DECIMAL(prec, scale)
// whose text is s ("-12.340"; no exponent), the inverse of appendDecimal.
func appendDecimalBinary(dst, s []byte, prec, scale int) ([]byte, error) {
	if prec < 1 || prec > 65 || scale < 0 || scale > prec || scale > 38 {
		return dst, fmt.Errorf("decimal(%d,%d): bad precision or scale", prec, scale)
	}
	bad := func() ([]byte, error) {
		return dst, fmt.Errorf("%q is not a DECIMAL(%d,%d)", s, prec, scale)
	}
	neg := false
	t := s
	if len(t) > 0 && (t[0] == '-' || t[0] == '+') {
		neg = t[0] == '-'
		t = t[1:]
	}
	ip, fp := t, []byte(nil)
	for i, c := range t {
		if c == '.' {
			ip, fp = t[:i], t[i+1:]
			break
		}
	}
	if len(ip) == 0 && len(fp) == 0 {
		return bad()
	}
	for len(ip) > 0 && ip[0] == '0' {
		ip = ip[1:]
	}
	intg := prec - scale
	if len(ip) > intg || len(fp) > scale {
		return bad()
	}
	var digitBuf [65]byte
	digits := digitBuf[:0]
	for i := len(ip); i < intg; i++ {
		digits = append(digits, 0)
	}
	zero := true
	for _, part := range [][]byte{ip, fp} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return bad()
			}
			if c != '0' {
				zero = false
			}
			digits = append(digits, c-'0')
		}
	}
	for len(digits) < prec {
		digits = append(digits, 0)
	}
	if zero {
		neg = false // the server never stores a negative zero
	}
	start := len(dst)
	group := func(d []byte) uint32 {
		var v uint32
		for _, x := range d {
			v = v*10 + uint32(x)
		}
		return v
	}
	put := func(v uint32, n int) {
		for i := n - 1; i >= 0; i-- {
			dst = append(dst, byte(v>>(8*i)))
		}
	}
	intg0x := intg % 9
	p := 0
	if intg0x > 0 {
		put(group(digits[:intg0x]), dig2bytes[intg0x])
		p = intg0x
	}
	for ; p < intg; p += 9 {
		put(group(digits[p:p+9]), 4)
	}
	f := digits[intg:]
	for ; len(f) >= 9; f = f[9:] {
		put(group(f[:9]), 4)
	}
	if len(f) > 0 {
		put(group(f), dig2bytes[len(f)])
	}
	dst[start] ^= 0x80
	if neg {
		for i := start; i < len(dst); i++ {
			dst[i] = ^dst[i]
		}
	}
	return dst, nil
}
