package sqlquote

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/binlogkit/binlogkit/binlog"
)

// ErrNoLiteral is returned for a value that has no SQL literal: an absent
// column, a partial JSON update, a NaN or infinite float.
var ErrNoLiteral = errors.New("sqlquote: value has no SQL literal")

// ValueOptions tunes AppendValue. The zero value suits MariaDB.
type ValueOptions struct {
	// JSONCast writes JSON values as CAST(_utf8mb4 X'…' AS JSON), as MySQL's
	// JSON type wants when comparing; by default they are string literals
	// (MariaDB's JSON is LONGTEXT).
	JSONCast bool
}

// AppendValue appends the SQL literal of v:
//
//   - NULL for KindNull;
//   - integers, DECIMAL and YEAR in decimal; FLOAT as the shortest text that
//     reads back as the same float32, DOUBLE as the shortest that reads back
//     as the same float64 (e-notation when long);
//   - BIT as b'…' with the column's width;
//   - DATE, DATETIME, TIME (negative TIME and zero dates included) and
//     TIMESTAMP as quoted text with the value's fractional digits;
//     TIMESTAMP in UTC, so the session needs time_zone='+00:00';
//   - character strings as 'text' or _charset X'…' (see
//     AppendCharsetString), binary strings, geometry and vectors as X'…';
//   - ENUM and SET by member name when the names are known and plain ASCII,
//     else by index or bitmask (the server reads a number as the index or
//     bitmask, both when storing and when comparing);
//   - JSON as a utf8mb4 string, or CAST(… AS JSON) with opts.JSONCast.
//
// KindAbsent, KindJSONDiff, NaN and infinities give an error wrapping
// ErrNoLiteral. opts may be nil.
func AppendValue(dst []byte, v binlog.Value, opts *ValueOptions) ([]byte, error) {
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
		return AppendCharsetString(dst, v.Bytes(), c.Charset()), nil
	case binlog.KindBytes, binlog.KindGeometry, binlog.KindVector:
		return AppendHex(dst, v.Bytes()), nil
	case binlog.KindEnum:
		names, i := v.Names(), v.Int()
		if i >= 1 && int(i) <= len(names) && IsPlain([]byte(names[i-1])) {
			return AppendQuoted(dst, []byte(names[i-1])), nil
		}
		return strconv.AppendInt(dst, i, 10), nil
	case binlog.KindSet:
		if s, ok := setNames(v.Uint(), v.Names()); ok {
			return AppendQuoted(dst, []byte(s)), nil
		}
		return strconv.AppendUint(dst, v.Uint(), 10), nil
	case binlog.KindJSON:
		if opts != nil && opts.JSONCast {
			dst = append(dst, "CAST("...)
			dst = AppendCharsetString(dst, v.Bytes(), "utf8mb4")
			return append(dst, " AS JSON)"...), nil
		}
		return AppendCharsetString(dst, v.Bytes(), "utf8mb4"), nil
	}
	return dst, fmt.Errorf("%w: kind %v", ErrNoLiteral, v.Kind())
}

// Value returns the literal of v (see AppendValue).
func Value(v binlog.Value, opts *ValueOptions) (string, error) {
	b, err := AppendValue(nil, v, opts)
	return string(b), err
}

// appendFloat writes the shortest round-trip text of f at bitSize. Go
// writes exponents as e+06 / e-07, which MySQL reads.
func appendFloat(dst []byte, f float64, bitSize int) []byte {
	return strconv.AppendFloat(dst, f, 'g', -1, bitSize)
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
		if i >= len(names) || !IsPlain([]byte(names[i])) || strings.Contains(names[i], ",") {
			return "", false
		}
		if sb.Len() > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(names[i])
	}
	return sb.String(), true
}
