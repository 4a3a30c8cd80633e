package binlog

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
)

// MySQL binary JSON (sql/json_binary.cc), the form of JSON columns in MySQL
// row images. A document is one value: a type byte, then the value.
//
//	type  value
//	0x00  small object   count, size (uint16 each), key entries, value entries, keys, values
//	0x01  large object   same with uint32 count, size and offsets
//	0x02  small array    count, size (uint16 each), value entries, values
//	0x03  large array    same with uint32 count, size and offsets
//	0x04  literal        1 byte: 0 null, 1 true, 2 false
//	0x05  int16          0x06 uint16, 0x07 int32, 0x08 uint32, 0x09 int64, 0x0a uint64 (little-endian)
//	0x0b  double         8 bytes, IEEE 754 little-endian
//	0x0c  string         variable length (7 bits a byte, low first, high bit = more), UTF-8 bytes
//	0x0f  opaque         MySQL field type byte, variable length, data
//
// All integers are little-endian. In a container, offsets count from the
// start of the container (its count field) and size is the container's
// length in bytes. A key entry is (key offset, uint16 key length); a value
// entry is (type byte, offset), except that literals, int16 and uint16 (and
// in large containers int32 and uint32) are stored in the offset field
// itself ("inlined").
//
// Opaque values carry a MySQL field type: NEWDECIMAL (246) holds precision,
// scale and a binary DECIMAL; DATE (10), TIME (11), DATETIME (12) and
// TIMESTAMP (7) hold an 8-byte packed temporal; any other type holds raw
// bytes.
//
// Text output follows MySQL's Json_wrapper::to_string (what SELECT and
// mysqlbinlog -v print):
//
//   - ", " between elements and ": " after keys: {"a": 1, "b": [1, 2]};
//     object keys in stored order (MySQL stores them sorted by length, then
//     bytes).
//   - strings quoted, with \" \\ \b \f \n \r \t and \u00XX (lower-case hex)
//     for the other bytes below 0x20; other bytes are copied unchanged
//     (MySQL stores valid utf8mb4).
//   - doubles as my_gcvt prints them (shortest round-trip digits; plain
//     notation for decimal exponents -14..15, else "1.5e300", "1e-16"), with
//     ".0" appended when the text has neither '.' nor 'e': 3.0, -0.0, 1e15
//     (MySQL 8.0 and later; 5.7 printed 3).
//     NaN and infinities cannot be stored and are rejected as corrupt.
//   - DECIMAL as the exact number with its scale: 1.50, -0.001.
//   - DATE, TIME, DATETIME, TIMESTAMP quoted with 6 fraction digits:
//     "2015-01-15", "23:24:25.000000", "2015-01-15 23:24:25.000000".
//   - other opaque values as "base64:typeN:DATA", DATA in standard base64 with
//     a newline (printed \n) after every 76 characters, as MySQL does.
//
// An empty document (length 0) is JSON null, as in MySQL (a NOT NULL JSON
// column filled in non-strict mode).

const (
	jsonbSmallObject = 0x00
	jsonbLargeObject = 0x01
	jsonbSmallArray  = 0x02
	jsonbLargeArray  = 0x03
	jsonbLiteral     = 0x04
	jsonbInt16       = 0x05
	jsonbUint16      = 0x06
	jsonbInt32       = 0x07
	jsonbUint32      = 0x08
	jsonbInt64       = 0x09
	jsonbUint64      = 0x0a
	jsonbDouble      = 0x0b
	jsonbString      = 0x0c
	jsonbOpaque      = 0x0f

	jsonbNull  = 0x00
	jsonbTrue  = 0x01
	jsonbFalse = 0x02
)

// maxJSONDepth is MySQL's JSON_DOCUMENT_MAX_DEPTH: containers nested deeper
// are rejected.
const maxJSONDepth = 100

// appendJSON appends the canonical JSON text of the MySQL binary JSON
// document data to dst (see the format notes above). It appends at most
// 8*len(data)+64 bytes. On error it returns dst (its bytes unchanged) and an
// error wrapping ErrCorrupt.
func appendJSON(dst, data []byte) ([]byte, error) {
	if len(data) == 0 {
		return append(dst, "null"...), nil
	}
	w := jsonWriter{out: dst, limit: len(dst) + 8*len(data) + 64}
	if err := w.value(data[0], data[1:], 0); err != nil {
		return dst, err
	}
	if len(w.out) > w.limit {
		return dst, errJSONTooLarge
	}
	return w.out, nil
}

// jsonWriter writes the text of a binary JSON document.
//
// Well-formed binary JSON is a tree, and its text is at most about six times
// its size (a string of control characters). Corrupt or hostile data can
// point many value entries at one subtree and make the text exponentially
// large, so the text is limited to limit bytes; each value visited writes at
// least one byte, which bounds the work too.
type jsonWriter struct {
	out   []byte
	limit int
}

// value writes the value of type t whose bytes start at data; data extends
// to the end of the enclosing container or document. depth is the number of
// enclosing containers.
func (w *jsonWriter) value(t byte, data []byte, depth int) error {
	if len(w.out) > w.limit {
		return errJSONTooLarge
	}
	switch t {
	case jsonbSmallObject, jsonbLargeObject, jsonbSmallArray, jsonbLargeArray:
		return w.container(t, data, depth+1)
	case jsonbLiteral:
		if len(data) < 1 {
			return jsonShort("literal")
		}
		switch data[0] {
		case jsonbNull:
			w.out = append(w.out, "null"...)
		case jsonbTrue:
			w.out = append(w.out, "true"...)
		case jsonbFalse:
			w.out = append(w.out, "false"...)
		default:
			return corruptf("JSON: bad literal %#x", data[0])
		}
	case jsonbInt16:
		if len(data) < 2 {
			return jsonShort("int16")
		}
		w.out = strconv.AppendInt(w.out, int64(int16(binary.LittleEndian.Uint16(data))), 10)
	case jsonbUint16:
		if len(data) < 2 {
			return jsonShort("uint16")
		}
		w.out = strconv.AppendUint(w.out, uint64(binary.LittleEndian.Uint16(data)), 10)
	case jsonbInt32:
		if len(data) < 4 {
			return jsonShort("int32")
		}
		w.out = strconv.AppendInt(w.out, int64(int32(binary.LittleEndian.Uint32(data))), 10)
	case jsonbUint32:
		if len(data) < 4 {
			return jsonShort("uint32")
		}
		w.out = strconv.AppendUint(w.out, uint64(binary.LittleEndian.Uint32(data)), 10)
	case jsonbInt64:
		if len(data) < 8 {
			return jsonShort("int64")
		}
		w.out = strconv.AppendInt(w.out, int64(binary.LittleEndian.Uint64(data)), 10)
	case jsonbUint64:
		if len(data) < 8 {
			return jsonShort("uint64")
		}
		w.out = strconv.AppendUint(w.out, binary.LittleEndian.Uint64(data), 10)
	case jsonbDouble:
		if len(data) < 8 {
			return jsonShort("double")
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64(data))
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return corruptf("JSON: double %v", f)
		}
		w.out = appendJSONDouble(w.out, f)
	case jsonbString:
		s, _, err := jsonVarBytes(data, "string")
		if err != nil {
			return err
		}
		w.out = appendJSONString(w.out, s)
	case jsonbOpaque:
		if len(data) < 1 {
			return jsonShort("opaque")
		}
		b, _, err := jsonVarBytes(data[1:], "opaque")
		if err != nil {
			return err
		}
		return w.opaque(data[0], b)
	default:
		return corruptf("JSON: unknown value type %#x", t)
	}
	return nil
}

// container writes the object or array of type t at data. depth counts t.
func (w *jsonWriter) container(t byte, data []byte, depth int) error {
	if depth > maxJSONDepth {
		return corruptf("JSON: nested deeper than %d", maxJSONDepth)
	}
	large := t == jsonbLargeObject || t == jsonbLargeArray
	object := t == jsonbSmallObject || t == jsonbLargeObject
	osz := 2 // offset and size fields
	if large {
		osz = 4
	}
	if len(data) < 2*osz {
		return jsonShort("container header")
	}
	count := uint64(jsonOffset(data, large))
	size := uint64(jsonOffset(data[osz:], large))
	if size > uint64(len(data)) {
		return corruptf("JSON: container size %d exceeds the %d bytes available", size, len(data))
	}
	data = data[:size]
	keyEntry := uint64(osz + 2)
	valueEntry := uint64(1 + osz)
	header := uint64(2*osz) + count*valueEntry
	if object {
		header += count * keyEntry
	}
	if header > size {
		return corruptf("JSON: %d elements do not fit in a container of %d bytes", count, size)
	}
	valueEntries := uint64(2 * osz)
	open, closing := byte('['), byte(']')
	if object {
		valueEntries += count * keyEntry
		open, closing = '{', '}'
	}
	w.out = append(w.out, open)
	for i := range count {
		if i > 0 {
			w.out = append(w.out, ", "...)
		}
		if object {
			e := data[uint64(2*osz)+i*keyEntry:]
			off := uint64(jsonOffset(e, large))
			n := uint64(binary.LittleEndian.Uint16(e[osz:]))
			if off+n > size {
				return corruptf("JSON: key %d (offset %d, length %d) outside its object of %d bytes", i, off, n, size)
			}
			w.out = appendJSONString(w.out, data[off:off+n])
			w.out = append(w.out, ": "...)
		}
		e := data[valueEntries+i*valueEntry:]
		vt := e[0]
		if jsonInlined(vt, large) {
			if err := w.value(vt, e[1:1+osz], depth); err != nil {
				return err
			}
			continue
		}
		off := uint64(jsonOffset(e[1:], large))
		if off >= size {
			return corruptf("JSON: value %d offset %d outside its container of %d bytes", i, off, size)
		}
		if err := w.value(vt, data[off:], depth); err != nil {
			return err
		}
	}
	w.out = append(w.out, closing)
	return nil
}

// opaque writes an opaque value of MySQL field type ft.
func (w *jsonWriter) opaque(ft byte, b []byte) error {
	switch ColumnType(ft) {
	case TypeNewDecimal:
		if len(b) < 2 {
			return jsonShort("DECIMAL")
		}
		precision, scale := int(b[0]), int(b[1])
		out, n, err := readDecimal(w.out, b[2:], precision, scale)
		if err != nil {
			return err
		}
		if n != len(b)-2 {
			return corruptf("JSON: DECIMAL(%d,%d) of %d bytes, want %d", precision, scale, len(b)-2, n)
		}
		w.out = out
		return nil
	case TypeDate, TypeTime, TypeDateTime, TypeTimestamp:
		if len(b) != 8 {
			return corruptf("JSON: temporal value of %d bytes, want 8", len(b))
		}
		out, err := appendJSONTemporal(w.out, ColumnType(ft), int64(binary.LittleEndian.Uint64(b)))
		if err != nil {
			return err
		}
		w.out = out
		return nil
	}
	// "base64:typeN:..." with MySQL's base64_encode line breaks.
	w.out = append(w.out, `"base64:type`...)
	w.out = strconv.AppendUint(w.out, uint64(ft), 10)
	w.out = append(w.out, ':')
	w.out = appendMySQLBase64(w.out, b)
	w.out = append(w.out, '"')
	return nil
}

// appendJSONTemporal appends a packed DATE, TIME, DATETIME or TIMESTAMP
// (MySQL's TIME_to_longlong_*_packed) as MySQL's my_TIME_to_str with 6
// fraction digits prints it, in double quotes.
func appendJSONTemporal(dst []byte, ft ColumnType, packed int64) ([]byte, error) {
	neg := packed < 0
	u := uint64(packed)
	if neg {
		u = -u
	}
	frac := u % (1 << 24)
	intPart := u >> 24
	if frac > 999999 {
		return dst, corruptf("JSON: temporal fraction %d out of range", frac)
	}
	if ft == TypeTime {
		hour := (intPart >> 12) % (1 << 10)
		minute := (intPart >> 6) % (1 << 6)
		second := intPart % (1 << 6)
		sign := ""
		if neg {
			sign = "-"
		}
		return fmt.Appendf(dst, `"%s%02d:%02d:%02d.%06d"`, sign, hour, minute, second, frac), nil
	}
	ymd := intPart >> 17
	ym := ymd >> 5
	hms := intPart % (1 << 17)
	day := ymd % (1 << 5)
	month := ym % 13
	year := ym / 13
	if ft == TypeDate {
		return fmt.Appendf(dst, `"%04d-%02d-%02d"`, year, month, day), nil
	}
	second := hms % (1 << 6)
	minute := (hms >> 6) % (1 << 6)
	hour := hms >> 12
	return fmt.Appendf(dst, `"%04d-%02d-%02d %02d:%02d:%02d.%06d"`, year, month, day, hour, minute, second, frac), nil
}

// jsonInlined reports whether a value of type t is stored in its value
// entry.
func jsonInlined(t byte, large bool) bool {
	switch t {
	case jsonbLiteral, jsonbInt16, jsonbUint16:
		return true
	case jsonbInt32, jsonbUint32:
		return large
	}
	return false
}

// jsonOffset reads a 2-byte (small) or 4-byte (large) offset or size; b
// must be long enough.
func jsonOffset(b []byte, large bool) uint32 {
	if large {
		return binary.LittleEndian.Uint32(b)
	}
	return uint32(binary.LittleEndian.Uint16(b))
}

// jsonVarBytes reads a variable-length length (at most 5 bytes, at most
// 2^32-1) and the bytes it counts. It returns them and the total bytes
// used.
func jsonVarBytes(data []byte, what string) ([]byte, int, error) {
	var n uint64
	for i := 0; i < 5 && i < len(data); i++ {
		n |= uint64(data[i]&0x7f) << (7 * i)
		if data[i]&0x80 == 0 {
			if n > math.MaxUint32 {
				return nil, 0, corruptf("JSON: %s length %d too large", what, n)
			}
			start := uint64(i + 1)
			if n > uint64(len(data))-start {
				return nil, 0, corruptf("JSON: %s of %d bytes exceeds the %d bytes available", what, n, uint64(len(data))-start)
			}
			return data[start : start+n], int(start + n), nil
		}
	}
	return nil, 0, corruptf("JSON: bad %s length", what)
}

var errJSONTooLarge = corruptf("JSON: text too large for the size of the binary value (shared subtrees?)")

func jsonShort(what string) error { return corruptf("JSON: truncated %s", what) }

// appendJSONString appends s as a JSON string, escaped as MySQL's
// double_quote does.
func appendJSONString(dst, s []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i, c := range s {
		var esc byte
		switch c {
		case '"', '\\':
			esc = c
		case '\b':
			esc = 'b'
		case '\f':
			esc = 'f'
		case '\n':
			esc = 'n'
		case '\r':
			esc = 'r'
		case '\t':
			esc = 't'
		default:
			if c >= 0x20 {
				continue
			}
		}
		dst = append(dst, s[start:i]...)
		if esc != 0 {
			dst = append(dst, '\\', esc)
		} else {
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendJSONDouble appends f (finite) as MySQL prints a JSON double: my_gcvt
// with MY_GCVT_MAX_FIELD_WIDTH (34) characters, then ".0" when the result
// has neither '.' nor 'e'.
//
// my_gcvt takes the shortest round-trip digits (dtoa mode 4 with more digits
// than a double needs), which strconv also gives. With 34 (33 when negative)
// characters all those digits always fit, and my_gcvt then uses plain
// notation when the decimal exponent decpt (value = 0.DIGITS * 10^decpt)
// satisfies -14 <= decpt and (decpt <= 15 or the number has digits after the
// point); otherwise it uses "D.DDDeX" with the exponent unpadded and no '+'.
func appendJSONDouble(dst []byte, f float64) []byte {
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, 64) // [-]D[.DDD]e±XX
	neg := e[0] == '-'
	if neg {
		e = e[1:]
	}
	var digitBuf [24]byte
	digits := digitBuf[:0]
	i := 0
	for ; i < len(e) && e[i] != 'e'; i++ {
		if e[i] != '.' {
			digits = append(digits, e[i])
		}
	}
	exp, _ := strconv.Atoi(string(e[i+1:]))
	decpt := exp + 1
	n := len(digits)
	if neg {
		dst = append(dst, '-')
	}
	if decpt >= -14 && (decpt <= 15 || n > decpt) {
		switch {
		case decpt <= 0:
			dst = append(dst, '0', '.')
			for range -decpt {
				dst = append(dst, '0')
			}
			dst = append(dst, digits...)
		case decpt < n:
			dst = append(dst, digits[:decpt]...)
			dst = append(dst, '.')
			dst = append(dst, digits[decpt:]...)
		default:
			dst = append(dst, digits...)
			for range decpt - n {
				dst = append(dst, '0')
			}
			dst = append(dst, '.', '0')
		}
		return dst
	}
	dst = append(dst, digits[0])
	if n > 1 {
		dst = append(dst, '.')
		dst = append(dst, digits[1:]...)
	}
	dst = append(dst, 'e')
	return strconv.AppendInt(dst, int64(decpt-1), 10)
}

// appendMySQLBase64 appends b in standard padded base64 with a newline
// before every 77th, 153rd, ... character, like MySQL's base64_encode.
func appendMySQLBase64(dst, b []byte) []byte {
	const table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	line := 0
	for i := 0; i < len(b); i += 3 {
		if line == 76 {
			line = 0
			dst = append(dst, '\\', 'n') // a newline, JSON-escaped
		}
		line += 4
		c := uint32(b[i]) << 16
		if i+1 < len(b) {
			c |= uint32(b[i+1]) << 8
		}
		if i+2 < len(b) {
			c |= uint32(b[i+2])
		}
		dst = append(dst, table[c>>18&0x3f], table[c>>12&0x3f])
		if i+1 < len(b) {
			dst = append(dst, table[c>>6&0x3f])
		} else {
			dst = append(dst, '=')
		}
		if i+2 < len(b) {
			dst = append(dst, table[c&0x3f])
		} else {
			dst = append(dst, '=')
		}
	}
	return dst
}
