package binlog

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"

	"github.com/binlogkit/binlogkit/internal/mysqlesc"

	"github.com/binlogkit/binlogkit/internal/jsonstr"
)

// Text returns the value as text: numbers in decimal, DECIMAL and JSON as
// their exact text, strings decoded to UTF-8 from the column's charset,
// bytes as they are, ENUM and SET as member names (the number when the
// names are unknown), temporal values in MySQL's format (TIMESTAMP in UTC),
// "NULL" for SQL NULL and "" for an absent column or an undecodable value.
func (v Value) Text() string { return string(v.AppendText(nil)) }

// AppendText appends the Text form of v to dst. It does not allocate
// except to grow dst (and to decode non-UTF-8 charsets).
func (v Value) AppendText(dst []byte) []byte {
	switch v.kind {
	case KindAbsent:
		return dst
	case KindNull:
		return append(dst, "NULL"...)
	case KindInt:
		return strconv.AppendInt(dst, int64(v.num), 10)
	case KindUint:
		return strconv.AppendUint(dst, v.num, 10)
	case KindYear:
		if v.num < 1000 {
			return appendPadded(dst, uint32(v.num), 4)
		}
		return strconv.AppendUint(dst, v.num, 10)
	case KindFloat:
		return strconv.AppendFloat(dst, float64(math.Float32frombits(uint32(v.num))), 'g', -1, 32)
	case KindDouble:
		return strconv.AppendFloat(dst, math.Float64frombits(v.num), 'g', -1, 64)
	case KindDecimal, KindJSON, KindBytes, KindGeometry:
		return append(dst, v.b...)
	case KindBit:
		return appendBits(dst, v.num, int(v.prec))
	case KindDate:
		return v.Date().AppendFormat(dst)
	case KindDateTime, KindTimestamp:
		return v.DateTime().AppendFormat(dst, int(v.prec))
	case KindTime:
		return v.Time().AppendFormat(dst, int(v.prec))
	case KindString:
		return appendUTF8(dst, v.b, v.coll)
	case KindEnum:
		names := v.Names()
		if v.num >= 1 && v.num <= uint64(len(names)) {
			return append(dst, names[v.num-1]...)
		}
		if v.num == 0 && names != nil {
			return dst // the '' error value
		}
		return strconv.AppendUint(dst, v.num, 10)
	case KindSet:
		if v.num>>len(v.Names()) != 0 || (len(v.Names()) < 64 && v.num >= 1<<len(v.Names())) {
			return strconv.AppendUint(dst, v.num, 10)
		}
		first := true
		for i := 0; i < len(v.Names()) && i < 64; i++ {
			if v.num&(1<<i) != 0 {
				if !first {
					dst = append(dst, ',')
				}
				first = false
				dst = append(dst, v.Names()[i]...)
			}
		}
		return dst
	case KindJSONDiff:
		for i, df := range v.JSONDiffs() {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = append(dst, df.Op.String()...)
			dst = append(dst, '(')
			dst = strconv.AppendQuote(dst, df.Path)
			if df.Op != JSONRemove {
				dst = append(dst, ", "...)
				dst = append(dst, df.Value...)
			}
			dst = append(dst, ')')
		}
		return dst
	case KindVector:
		dst = append(dst, '[')
		for i := 0; i+4 <= len(v.b); i += 4 {
			if i > 0 {
				dst = append(dst, ',')
			}
			u := uint32(v.b[i]) | uint32(v.b[i+1])<<8 | uint32(v.b[i+2])<<16 | uint32(v.b[i+3])<<24
			dst = strconv.AppendFloat(dst, float64(math.Float32frombits(u)), 'g', -1, 32)
		}
		return append(dst, ']')
	}
	return dst
}

// String returns v in its listing form; see AppendListing.
func (v Value) String() string { return string(v.AppendListing(nil)) }

// AppendListing appends v to dst in mysqlbinlog's listing form, the text
// mysqlbinlog -v prints after "@N=" in its "### SET" lines: numbers bare;
// strings, temporal values, JSON and ENUM/SET names quoted with backslash
// escapes; BIT as b'0101'; TIMESTAMP as Unix seconds; NULL; an absent value
// as nothing; an undecodable value as a comment,
// /* undecodable: 3 bytes X'0a0b0c' */.
//
// The listing form is for people and for comparing with mysqlbinlog. It is
// not SQL: bytes are not decoded from the column's charset, TIMESTAMP is a
// number, and nothing is said about the session's sql_mode or character
// set. For SQL literals use rowevent.AppendLiteral.
func (v Value) AppendListing(dst []byte) []byte {
	switch v.kind {
	case KindAbsent:
		return dst
	case KindNull:
		return append(dst, "NULL"...)
	case KindInt, KindUint, KindFloat, KindDouble, KindDecimal, KindYear:
		return v.AppendText(dst)
	case KindBit:
		dst = append(dst, "b'"...)
		dst = appendBits(dst, v.num, int(v.prec))
		return append(dst, '\'')
	case KindTimestamp:
		dst = strconv.AppendUint(dst, v.num>>20, 10)
		return appendFrac(dst, int(v.num&(1<<20-1)), int(v.prec))
	case KindEnum, KindSet:
		if v.Names() == nil {
			return v.AppendText(dst)
		}
	case KindBytes, KindGeometry, KindVector:
		return mysqlesc.AppendQuoted(dst, v.b, true)
	case KindUndecodable:
		dst = append(dst, "/* undecodable: "...)
		dst = strconv.AppendInt(dst, int64(len(v.b)), 10)
		dst = append(dst, " bytes X'"...)
		dst = hex.AppendEncode(dst, v.b)
		return append(dst, "' */"...)
	}
	// Quote the text form. Build it after dst to avoid a second buffer.
	start := len(dst)
	dst = v.AppendText(dst)
	n := len(dst) - start
	// Escaping may need more room; copy the text out once.
	var small [128]byte
	var text []byte
	if n <= len(small) {
		text = small[:n]
	} else {
		text = make([]byte, n)
	}
	copy(text, dst[start:])
	return mysqlesc.AppendQuoted(dst[:start], text, true)
}

// MarshalJSON encodes v for JSON output: NULL and absent as null, integers
// and floats as numbers, DECIMAL as a string (exact), JSON embedded as is,
// strings as UTF-8 strings, bytes, geometry as base64 strings, VECTOR as
// an array of numbers, ENUM/SET as their Text, temporal values as strings
// (TIMESTAMP in RFC 3339 UTC), JSON diffs as an array of
// {"op","path","value"} objects. An undecodable value has no JSON form:
// it fails with an error wrapping ErrUndecodable.
func (v Value) MarshalJSON() ([]byte, error) {
	var dst []byte
	switch v.kind {
	case KindUndecodable:
		return nil, fmt.Errorf("%w: %d bytes have no JSON form", ErrUndecodable, len(v.b))
	case KindAbsent, KindNull:
		return []byte("null"), nil
	case KindUint, KindYear, KindBit:
		return strconv.AppendUint(dst, v.num, 10), nil // YEAR 0 is 0, not "0000"
	case KindInt:
		return v.AppendText(dst), nil
	case KindFloat, KindDouble:
		f := v.Float64()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return []byte("null"), nil
		}
		return v.AppendText(dst), nil
	case KindJSON:
		if len(v.b) == 0 {
			return []byte("null"), nil
		}
		return append(dst, v.b...), nil
	case KindBytes, KindGeometry:
		dst = append(dst, '"')
		dst = base64.StdEncoding.AppendEncode(dst, v.b)
		return append(dst, '"'), nil
	case KindTimestamp:
		t := v.Timestamp()
		return jsonstr.Append(dst, t.AppendFormat(nil, "2006-01-02T15:04:05.999999Z07:00")), nil
	case KindJSONDiff:
		dst = append(dst, '[')
		for i, df := range v.JSONDiffs() {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"op":`...)
			dst = jsonstr.Append(dst, []byte(df.Op.String()))
			dst = append(dst, `,"path":`...)
			dst = jsonstr.Append(dst, []byte(df.Path))
			if df.Op != JSONRemove {
				dst = append(dst, `,"value":`...)
				if len(df.Value) == 0 {
					dst = append(dst, "null"...)
				} else {
					dst = append(dst, df.Value...)
				}
			}
			dst = append(dst, '}')
		}
		return append(dst, ']'), nil
	case KindVector:
		return v.AppendText(dst), nil
	}
	return jsonstr.Append(dst, v.AppendText(nil)), nil
}

func digits(n int) int {
	d := 1
	for n >= 10 {
		n /= 10
		d++
	}
	return d
}

func appendBits(dst []byte, x uint64, width int) []byte {
	if width <= 0 {
		width = 1
	}
	for i := width - 1; i >= 0; i-- {
		dst = append(dst, byte('0'+(x>>i)&1))
	}
	return dst
}

func appendFrac(dst []byte, us, prec int) []byte {
	if prec <= 0 {
		return dst
	}
	if prec > 6 {
		prec = 6
	}
	var buf [6]byte
	appendPadded(buf[:0], uint32(us%1000000), 6)
	dst = append(dst, '.')
	return append(dst, buf[:prec]...)
}

// timestampCivil returns a KindTimestamp value as a UTC civil time; the
// zero timestamp gives 0000-00-00 00:00:00.
func (v Value) timestampCivil() DateTime {
	if v.num>>20 == 0 {
		return DateTime{Microsecond: int(v.num & (1<<20 - 1))}
	}
	t := v.Timestamp()
	y, m, d := t.Date()
	return DateTime{Year: y, Month: int(m), Day: d, Hour: t.Hour(), Minute: t.Minute(),
		Second: t.Second(), Microsecond: t.Nanosecond() / 1000}
}
