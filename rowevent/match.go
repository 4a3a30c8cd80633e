package rowevent

import (
	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/sqlquote"
)

// AppendMatch appends to dst the condition that the column called name
// meets only when it holds v, the value of a row image, exactly: the
// condition that UPDATE and DELETE use to locate a row by every column
// (see "Locating rows" in the package documentation). NULL gives
// `c` IS NULL; character strings are compared byte for byte,
// CAST(`c` AS BINARY)='émile'; FLOAT and DOUBLE by their exact value and,
// for a zero, `c`=0e0 AND ATAN2(`c`,-1)>0 (a -0 matches 0 too: MariaDB
// stores -0 as 0); MySQL JSON (KindJSON) as `c`=CAST('…' AS JSON) with
// Options.JSONCast, else by its bytes, CAST(`c` AS BINARY)='…'; other
// values by =. The condition may hold AND: put it in parentheses to
// combine it. Like every SQL condition it is NULL, not false, when the
// column is NULL and v is not: write (…) IS TRUE for a 0 or 1.
//
// Only Options.HexStrings and Options.JSONCast apply; opts may be nil. The
// condition is exact in the session that Header sets. A value the image
// lacks (KindAbsent) gives ErrIncompleteImage, one with no literal (a
// partial JSON update, a NaN) an error wrapping ErrNoLiteral, both in an
// *Error whose Column is name; dst is then returned unchanged.
func AppendMatch(dst []byte, name string, v binlog.Value, opts *Options) ([]byte, error) {
	vopts := valueOptions(opts)
	start := len(dst)
	dst, err := appendMatch(dst, name, v, &vopts)
	if err != nil {
		return dst[:start], err
	}
	return dst, nil
}

// AppendKeyMatch appends to dst the condition that UPDATE and DELETE use on
// a primary key column called name: `c`=literal, or `c` IS NULL, FLOAT and
// DOUBLE literals being exact (as in AppendMatch). Strings are compared in
// the column's collation, so that an index on the column serves the
// condition; a key finds at most one row only because the server keeps
// keys unique in that collation. Options and errors are those of
// AppendMatch.
func AppendKeyMatch(dst []byte, name string, v binlog.Value, opts *Options) ([]byte, error) {
	vopts := valueOptions(opts)
	start := len(dst)
	dst, err := appendKeyMatch(dst, name, v, &vopts)
	if err != nil {
		return dst[:start], err
	}
	return dst, nil
}

// valueOptions returns the literal options that opts asks for.
func valueOptions(opts *Options) sqlquote.ValueOptions {
	vopts := sqlquote.ValueOptions{TextLiterals: true}
	if opts != nil {
		vopts.JSONCast = opts.JSONCast
		vopts.TextLiterals = !opts.HexStrings
	}
	return vopts
}

// appendMatch is AppendMatch with the literal options made.
func appendMatch(dst []byte, name string, v binlog.Value, vopts *sqlquote.ValueOptions) ([]byte, error) {
	switch v.Kind() {
	case binlog.KindAbsent:
		return dst, columnErr(name, ErrIncompleteImage)
	case binlog.KindJSON:
		return appendJSONMatch(dst, name, v, vopts), nil
	case binlog.KindString:
		// Compare bytes, not characters: under the column's collation 'a'
		// may equal 'A', 'à' or 'a ', and LIMIT 1 could pick another row.
		// (MariaDB compares `v`=X'20' in the column's collation; the CAST
		// makes it binary.)
		dst = append(dst, "CAST("...)
		dst = sqlquote.AppendIdent(dst, name)
		dst = append(dst, " AS BINARY)="...)
		c := binlog.Column{Collation: v.Collation()}
		return sqlquote.AppendBinaryOperand(dst, v.Bytes(), c.Charset(), vopts), nil
	case binlog.KindFloat, binlog.KindDouble:
		dst, err := appendKeyMatch(dst, name, v, vopts)
		if err != nil || !isZero(v) || isNegZero(v) {
			return dst, err
		}
		// = finds -0 too, which MySQL stores (MariaDB stores 0); the
		// statements prefer a -0 in ORDER BY instead (where).
		dst = append(dst, " AND "...)
		dst = appendAtan2(dst, name)
		return append(dst, ">0"...), nil
	}
	return appendKeyMatch(dst, name, v, vopts)
}

// appendKeyMatch is AppendKeyMatch with the literal options made.
func appendKeyMatch(dst []byte, name string, v binlog.Value, vopts *sqlquote.ValueOptions) ([]byte, error) {
	if v.Kind() == binlog.KindAbsent {
		return dst, columnErr(name, ErrIncompleteImage)
	}
	dst = sqlquote.AppendIdent(dst, name)
	if v.Kind() == binlog.KindNull {
		return append(dst, " IS NULL"...), nil
	}
	dst = append(dst, '=')
	var err error
	if k := v.Kind(); k == binlog.KindFloat || k == binlog.KindDouble {
		dst, err = appendCompared(dst, v, vopts)
	} else {
		dst, err = appendValue(dst, v, vopts)
	}
	if err != nil {
		return dst, columnErr(name, err)
	}
	return dst, nil
}

// appendJSONMatch writes the comparison of the column with v, a MySQL JSON
// value: `col`=CAST('…' AS JSON) with JSONCast (MySQL compares JSON
// values), else CAST(`col` AS BINARY)='…' (the text, as MariaDB stores
// it).
func appendJSONMatch(dst []byte, name string, v binlog.Value, vopts *sqlquote.ValueOptions) []byte {
	if vopts.JSONCast {
		dst = sqlquote.AppendIdent(dst, name)
		dst = append(dst, "=CAST("...)
		dst = appendUTF8(dst, v.Bytes(), vopts)
		return append(dst, " AS JSON)"...)
	}
	dst = append(dst, "CAST("...)
	dst = sqlquote.AppendIdent(dst, name)
	dst = append(dst, " AS BINARY)="...)
	return sqlquote.AppendBinaryOperand(dst, v.Bytes(), "utf8mb4", vopts)
}

// appendUTF8 appends s, UTF-8 text, as a literal: text with TextLiterals
// (when sqlquote.AppendText can), else as sqlquote.AppendCharsetString.
func appendUTF8(dst, s []byte, vopts *sqlquote.ValueOptions) []byte {
	if vopts.TextLiterals {
		if d, ok := sqlquote.AppendText(dst, s, "utf8mb4"); ok {
			return d
		}
	}
	return sqlquote.AppendCharsetString(dst, s, "utf8mb4")
}

// appendAtan2 writes ATAN2(`col`,-1): pi for 0, -pi for -0.
func appendAtan2(dst []byte, name string) []byte {
	dst = append(dst, "ATAN2("...)
	dst = sqlquote.AppendIdent(dst, name)
	return append(dst, ",-1)"...)
}
