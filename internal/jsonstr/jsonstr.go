// Package jsonstr writes JSON string literals. It is the one implementation
// shared by every package that writes JSON (binlog values, event listings,
// change records), so that they escape alike.
package jsonstr

import "unicode/utf8"

const hex = "0123456789abcdef"

// Append appends s as a quoted JSON string to dst. s is UTF-8; a byte that
// is not part of a valid UTF-8 sequence becomes U+FFFD (callers that must
// keep arbitrary bytes encode them otherwise, as base64 for one). Control
// characters and DEL are escaped, as are U+2028 and U+2029 so the output is
// also valid JavaScript.
func Append[T ~string | ~[]byte](dst []byte, s T) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20 || c == 0x7f:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, n := decodeRune(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, `\u202`...)
			dst = append(dst, hex[r&15])
		default:
			for j := 0; j < n; j++ {
				dst = append(dst, s[i+j])
			}
		}
		i += n
	}
	return append(dst, '"')
}

func decodeRune[T ~string | ~[]byte](s T) (rune, int) {
	switch s := any(s).(type) {
	case string:
		return utf8.DecodeRuneInString(s)
	case []byte:
		return utf8.DecodeRune(s)
	}
	// Named types: convert through the underlying kind.
	return utf8.DecodeRuneInString(string(s))
}
