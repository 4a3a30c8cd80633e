package rowevent

import (
	"github.com/binlogkit/binlogkit/binlog"
)

// AppendLiteral appends the SQL literal of v to dst, as the statements of
// this package write it (see "Literals" in the package documentation):
// NULL; integers, DECIMAL and YEAR in decimal; FLOAT and DOUBLE as the
// shortest text that reads back as the same value; BIT as b'…'; DATE,
// DATETIME and TIME quoted, TIMESTAMP quoted in UTC; character strings as
// text ('émile', 'a\nb') or _charset X'…'; binary strings, geometry and
// vectors as X'…'; ENUM and SET by name when the names are known and plain
// ASCII, else by index or bitmask; JSON as a utf8mb4 string, inside
// CAST(… AS JSON) with Options.JSONCast.
//
// The literal is exact in the session that Header sets (time_zone
// '+00:00', utf8mb4 connection, backslash escapes on). With
// Options.HexStrings, strings that are not plain printable ASCII are
// written as _charset X'…', which means the same in any session; TIMESTAMP
// still needs time_zone='+00:00'. Other Options fields do not apply. opts
// may be nil.
//
// A value with no SQL literal (absent, a partial JSON update, an
// undecodable value, a NaN or infinite float) gives an error wrapping
// ErrNoLiteral, inside an *Error, and dst unchanged.
func AppendLiteral(dst []byte, v binlog.Value, opts *Options) ([]byte, error) {
	vopts := valueOptions(opts)
	start := len(dst)
	dst, err := appendValue(dst, v, &vopts)
	if err != nil {
		return dst[:start], &Error{Row: -1, Err: err}
	}
	return dst, nil
}

// Literal returns the SQL literal of v (see AppendLiteral).
func Literal(v binlog.Value, opts *Options) (string, error) {
	b, err := AppendLiteral(nil, v, opts)
	return string(b), err
}
