package sqlquote

import (
	"unicode"
	"unicode/utf8"
)

// AppendText appends b, text in the character set charset, as a quoted
// string literal that a reader can review, 'émile' or 'a\nb', and reports
// true; it leaves dst as it was and reports false when b cannot be written
// so exactly. The literal is exact only in a session whose connection
// character set is utf8mb4 and whose sql_mode lacks NO_BACKSLASH_ESCAPES,
// as rowevent.Header sets: the text is UTF-8, converted by the server to
// the column's charset, and backslash escapes stand for some bytes.
//
// Written as text:
//
//   - utf8mb4 and utf8mb3 (and ascii): valid UTF-8 (utf8mb3: sequences of
//     at most 3 bytes; ascii: ASCII), as is;
//   - latin1, MySQL's cp1252: ASCII as is, the other bytes as the
//     characters the server maps them to (0xE9 é, 0x80 €, 0x92 ’),
//     converted to UTF-8; the server converts them back to the same bytes
//     (0x81, 0x8D, 0x8F, 0x90 and 0x9D map to C1 controls, which are not
//     written as text);
//   - any other charset whose ASCII bytes mean ASCII: printable ASCII
//     without a backslash, as AppendCharsetString does (sjis, for one,
//     converts a backslash to 0x815F).
//
// A quote is doubled; a backslash is written \\, NUL \0, newline \n,
// carriage return \r, tab \t and 0x1A \Z, so that the literal stays on one
// line. Text holding any other control character (ESC, DEL, C1), an invalid
// sequence, a character that is not graphic (format characters such as the
// bidirectional overrides U+202E, which would make a terminal show the line
// in another order, other than the joiners U+200C and U+200D; line and
// paragraph separators; private use; unassigned) is not written as text.
func AppendText(dst, b []byte, charset string) ([]byte, bool) {
	switch charset {
	case "utf8mb4":
		return appendUTF8Text(dst, b, utf8.UTFMax)
	case "utf8mb3":
		return appendUTF8Text(dst, b, 3)
	case "ascii":
		return appendUTF8Text(dst, b, 1)
	case "latin1":
		return appendLatin1Text(dst, b)
	}
	if asciiCompatible(charset) && IsPlain(b) {
		return AppendQuoted(dst, b), true
	}
	return dst, false
}

// AppendBinaryOperand appends an expression whose value has exactly the
// bytes b, text in charset, to compare with CAST(col AS BINARY): with
// opts.TextLiterals, the literal of AppendText when it can write b (inside
// CONVERT(… USING latin1) for latin1 text beyond ASCII, so that the
// comparison sees latin1 bytes); otherwise X'…'.
func AppendBinaryOperand(dst, b []byte, charset string, opts *ValueOptions) []byte {
	if opts == nil || !opts.TextLiterals {
		return AppendHex(dst, b)
	}
	latin1 := charset == "latin1" && !isASCII(b)
	start := len(dst)
	if latin1 {
		dst = append(dst, "CONVERT("...)
	}
	dst, ok := AppendText(dst, b, charset)
	if !ok {
		return AppendHex(dst[:start], b)
	}
	if latin1 {
		dst = append(dst, " USING latin1)"...)
	}
	return dst
}

// appendUTF8Text writes b, UTF-8 whose sequences are at most maxSize bytes
// long, as text (see AppendText).
func appendUTF8Text(dst, b []byte, maxSize int) ([]byte, bool) {
	start := len(dst)
	dst = append(dst, '\'')
	for i := 0; i < len(b); {
		// Copy a run of printable ASCII at once.
		j := i
		for j < len(b) && asciiClass[b[j]] == plainByte {
			j++
		}
		dst = append(dst, b[i:j]...)
		if i = j; i == len(b) {
			break
		}
		if c := b[i]; c < utf8.RuneSelf {
			if asciiClass[c] == badByte {
				return dst[:start], false
			}
			if c == '\'' {
				dst = append(dst, '\'', '\'')
			} else {
				dst = append(dst, '\\', asciiClass[c])
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if n > maxSize || (r == utf8.RuneError && n == 1) || !graphic(r) {
			return dst[:start], false
		}
		dst = append(dst, b[i:i+n]...)
		i += n
	}
	return append(dst, '\''), true
}

// appendLatin1Text writes b, latin1, as UTF-8 text (see AppendText).
func appendLatin1Text(dst, b []byte) ([]byte, bool) {
	start := len(dst)
	dst = append(dst, '\'')
	for _, c := range b {
		switch k := asciiClass[c]; {
		case k == plainByte:
			dst = append(dst, c)
			continue
		case k == badByte:
			return dst[:start], false
		case c == '\'':
			dst = append(dst, '\'', '\'')
			continue
		case c < utf8.RuneSelf:
			dst = append(dst, '\\', k)
			continue
		}
		r := rune(c)
		if c < 0xA0 {
			r = latin1C1[c-0x80]
		}
		if !graphic(r) {
			return dst[:start], false
		}
		dst = utf8.AppendRune(dst, r)
	}
	return append(dst, '\''), true
}

// latin1C1 maps the latin1 bytes 0x80..0x9F to Unicode as MySQL and
// MariaDB do (cp1252; the five bytes cp1252 leaves undefined map to the C1
// controls of the same value). Checked against the server by
// TestLatin1Table. 0xA0..0xFF map to U+00A0..U+00FF.
var latin1C1 = [32]rune{
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
}

// asciiClass tells, for each byte, how text literals write it: plainByte
// as is; badByte not at all (control characters without a one-character
// escape); nonASCII (0x80 and above) as the charset says; any other value
// is the letter of its backslash escape (the quote, doubled, is marked
// '\”).
var asciiClass = func() (t [256]byte) {
	for c := range t {
		switch {
		case c >= 0x80:
			t[c] = nonASCII
		case c < 0x20 || c == 0x7f:
			t[c] = badByte
		default:
			t[c] = plainByte
		}
	}
	t[0], t['\n'], t['\r'], t['\t'], t[0x1a] = '0', 'n', 'r', 't', 'Z'
	t['\\'], t['\''] = '\\', '\''
	return t
}()

const (
	plainByte = 1
	badByte   = 2
	nonASCII  = 3
)

// graphic reports whether r, beyond ASCII, may be written as text:
// letters, marks, numbers, punctuation, symbols and spaces (Unicode's
// graphic characters), and the zero-width joiners that Persian, Indic and
// emoji sequences need.
func graphic(r rune) bool {
	return unicode.IsGraphic(r) || r == 0x200C || r == 0x200D
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
