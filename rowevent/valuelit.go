package rowevent

// The SQL literals of binlog values: the one implementation behind
// AppendLiteral, the WHERE matches and the statements of this package.
// (It lived in internal/sqlquote, which is below binlog and must not
// import it.)

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/sqlquote"
)

// appendValue appends the SQL literal of v:
//
//   - NULL for KindNull;
//   - integers, DECIMAL and YEAR in decimal; FLOAT as the shortest text that
//     the server, reading it as a DOUBLE and rounding that to FLOAT, turns
//     into the same float32; DOUBLE as the shortest that reads back as the
//     same float64 (e-notation, 1e300, when long); -0 as -0e0 (not the
//     integer -0, which is 0);
//   - BIT as b'…' with the column's width;
//   - DATE, DATETIME, TIME (negative TIME and zero dates included) and
//     TIMESTAMP as quoted text with the value's fractional digits;
//     TIMESTAMP in UTC, so the session needs time_zone='+00:00';
//   - character strings as 'text' or _charset X'…' (see
//     AppendCharsetString; with opts.TextLiterals, AppendText when it can),
//     binary strings, geometry and vectors as X'…';
//   - ENUM and SET by member name when the names are known and plain ASCII,
//     else by index or bitmask (the server reads a number as the index or
//     bitmask, both when storing and when comparing);
//   - JSON as a utf8mb4 string (text with opts.TextLiterals when it can),
//     inside CAST(… AS JSON) with opts.JSONCast.
//
// KindAbsent, KindJSONDiff, KindUndecodable (and any other kind), NaN and
// infinities give an error wrapping ErrNoLiteral. opts may be nil.
func appendValue(dst []byte, v binlog.Value, opts *sqlquote.ValueOptions) ([]byte, error) {
	switch v.Kind() {
	case binlog.KindNull:
		return append(dst, "NULL"...), nil
	case binlog.KindInt, binlog.KindYear:
		return strconv.AppendInt(dst, v.Int(), 10), nil
	case binlog.KindUint:
		return strconv.AppendUint(dst, v.Uint(), 10), nil
	case binlog.KindFloat:
		f := v.Float32()
		if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
			return dst, fmt.Errorf("%w: FLOAT %v", ErrNoLiteral, f)
		}
		return appendFloat(dst, float64(f), 32), nil
	case binlog.KindDouble:
		f := v.Float64()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return dst, fmt.Errorf("%w: DOUBLE %v", ErrNoLiteral, f)
		}
		return appendFloat(dst, f, 64), nil
	case binlog.KindDecimal:
		b := v.Bytes()
		if !isDecimal(b) {
			return dst, fmt.Errorf("%w: bad DECIMAL text %q", ErrNoLiteral, b)
		}
		return append(dst, b...), nil
	case binlog.KindBit:
		return appendBit(dst, v.Uint(), v.Precision()), nil
	case binlog.KindDate:
		dst = append(dst, '\'')
		dst = v.Date().AppendFormat(dst)
		return append(dst, '\''), nil
	case binlog.KindDateTime, binlog.KindTimestamp:
		// TIMESTAMP as its UTC civil time: the SQL header sets time_zone.
		dst = append(dst, '\'')
		dst = v.DateTime().AppendFormat(dst, v.Precision())
		return append(dst, '\''), nil
	case binlog.KindTime:
		dst = append(dst, '\'')
		dst = v.Time().AppendFormat(dst, v.Precision())
		return append(dst, '\''), nil
	case binlog.KindString:
		c := binlog.Column{Collation: v.Collation()}
		return appendCharsetText(dst, v.Bytes(), c.Charset(), opts), nil
	case binlog.KindBytes, binlog.KindGeometry, binlog.KindVector:
		return sqlquote.AppendHex(dst, v.Bytes()), nil
	case binlog.KindEnum:
		names, i := v.Names(), v.Int()
		if i >= 1 && int(i) <= len(names) && sqlquote.IsPlain([]byte(names[i-1])) {
			return sqlquote.AppendQuoted(dst, []byte(names[i-1])), nil
		}
		return strconv.AppendInt(dst, i, 10), nil
	case binlog.KindSet:
		if s, ok := setNames(v.Uint(), v.Names()); ok {
			return sqlquote.AppendQuoted(dst, []byte(s)), nil
		}
		return strconv.AppendUint(dst, v.Uint(), 10), nil
	case binlog.KindJSON:
		if opts != nil && opts.JSONCast {
			dst = append(dst, "CAST("...)
			dst = appendCharsetText(dst, v.Bytes(), "utf8mb4", opts)
			return append(dst, " AS JSON)"...), nil
		}
		return appendCharsetText(dst, v.Bytes(), "utf8mb4", opts), nil
	}
	return dst, fmt.Errorf("%w: kind %v", ErrNoLiteral, v.Kind())
}

// Value returns the literal of v (see appendValue).
func valueLiteral(v binlog.Value, opts *sqlquote.ValueOptions) (string, error) {
	b, err := appendValue(nil, v, opts)
	return string(b), err
}

// appendCompared appends the literal to compare a column with v by =:
// FLOAT and DOUBLE as a DOUBLE literal, with an exponent so that the
// server does not read it as a DECIMAL, whose value is exactly the stored
// one (1e-1, 1.0000000149011612e-1 for the FLOAT 0.1: the server compares a
// FLOAT column with a DOUBLE after widening the float32 to double, which is
// exact); other kinds as appendValue. A zero is 0e0 or -0e0, which = does
// not tell apart.
func appendCompared(dst []byte, v binlog.Value, opts *sqlquote.ValueOptions) ([]byte, error) {
	var f float64
	switch v.Kind() {
	case binlog.KindFloat:
		f = float64(v.Float32())
	case binlog.KindDouble:
		f = v.Float64()
	default:
		return appendValue(dst, v, opts)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return dst, fmt.Errorf("%w: %v %v", ErrNoLiteral, v.Kind(), f)
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'e', -1, 64)
	return compactExponent(dst, start), nil
}

// appendFloat writes the shortest text of f that the server reads back as
// the same value at bitSize (see appendValue).
func appendFloat(dst []byte, f float64, bitSize int) []byte {
	if f == 0 && math.Signbit(f) {
		return append(dst, "-0e0"...)
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'g', -1, bitSize)
	if bitSize == 32 {
		// The server reads the text as a DOUBLE (or a DECIMAL, which it
		// converts to DOUBLE) and rounds that to FLOAT: rounded twice, the
		// shortest text of one float32 pair (±7.038531e-26, found by
		// trying every float32) gives its neighbour. Then write the exact
		// value of the float32 as a DOUBLE.
		if d, err := strconv.ParseFloat(string(dst[start:]), 64); err != nil || float32(d) != float32(f) {
			dst = strconv.AppendFloat(dst[:start], f, 'g', -1, 64)
		}
	}
	return compactExponent(dst, start)
}

// compactExponent rewrites the exponent of the number in dst[start:], as
// strconv writes it (e+06, e-07), the short way (e6, e-7).
func compactExponent(dst []byte, start int) []byte {
	e := start
	for e < len(dst) && dst[e] != 'e' {
		e++
	}
	if e+2 >= len(dst) {
		return dst
	}
	out := e + 1
	if dst[out] == '-' {
		out++
	}
	digits := dst[e+2:]
	for len(digits) > 1 && digits[0] == '0' {
		digits = digits[1:]
	}
	out += copy(dst[out:], digits)
	return dst[:out]
}

// appendCharsetText writes text with AppendText when opts.TextLiterals
// and it can, else as AppendCharsetString.
func appendCharsetText(dst, b []byte, charset string, opts *sqlquote.ValueOptions) []byte {
	if opts != nil && opts.TextLiterals {
		if d, ok := sqlquote.AppendText(dst, b, charset); ok {
			return d
		}
	}
	return sqlquote.AppendCharsetString(dst, b, charset)
}

func isDecimal(b []byte) bool {
	if len(b) > 0 && b[0] == '-' {
		b = b[1:]
	}
	digits, dot := 0, false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// appendBit writes b'…' with width digits (at least the significant ones).
func appendBit(dst []byte, u uint64, width int) []byte {
	n := 64
	for n > 1 && u>>(n-1)&1 == 0 {
		n--
	}
	if width > n && width <= 64 {
		n = width
	}
	dst = append(dst, 'b', '\'')
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, byte('0'+u>>i&1))
	}
	return append(dst, '\'')
}

// setNames joins the members of mask, or reports false when a bit has no
// known plain name.
func setNames(mask uint64, names []string) (string, bool) {
	if names == nil {
		return "", false
	}
	var sb strings.Builder
	for i := 0; i < 64; i++ {
		if mask>>i&1 == 0 {
			continue
		}
		if i >= len(names) || !sqlquote.IsPlain([]byte(names[i])) || strings.Contains(names[i], ",") {
			return "", false
		}
		if sb.Len() > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(names[i])
	}
	return sb.String(), true
}
