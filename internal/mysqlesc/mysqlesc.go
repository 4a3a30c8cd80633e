// Package mysqlesc writes values in the display form of mysqlbinlog -v: a
// single-quoted string with backslash escapes. It is for reading, not for
// SQL that a server runs (that is internal/sqlquote, whose literals do not
// depend on sql_mode). One implementation for binlog's Value.String and the
// event listings.
package mysqlesc

import "unicode/utf8"

const hex = "0123456789abcdef"

// AppendQuoted appends s in single quotes, escaping quote, backslash, NUL,
// newline, carriage return, tab and ^Z with a backslash, and every other
// byte outside printable ASCII as \xNN, except that when utf8OK is true
// valid UTF-8 sequences are kept as they are.
func AppendQuoted(dst, s []byte, utf8OK bool) []byte {
	dst = append(dst, '\'')
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '\'':
			dst = append(dst, '\\', '\'')
		case '\\':
			dst = append(dst, '\\', '\\')
		case 0:
			dst = append(dst, '\\', '0')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		case 0x1a:
			dst = append(dst, '\\', 'Z')
		default:
			if c >= 0x20 && c < 0x7f {
				dst = append(dst, c)
				break
			}
			if utf8OK && c >= utf8.RuneSelf {
				if r, n := utf8.DecodeRune(s[i:]); r != utf8.RuneError || n > 1 {
					dst = append(dst, s[i:i+n]...)
					i += n
					continue
				}
			}
			dst = append(dst, '\\', 'x', hex[c>>4], hex[c&15])
		}
		i++
	}
	return append(dst, '\'')
}
