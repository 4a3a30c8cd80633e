// Package sqlquote is the one implementation of SQL identifier and literal
// quoting in binlogkit. Every package that writes SQL (rowevent, anonymize,
// flashback) uses it.
//
// By default the literals it writes mean the same thing whatever the
// session's sql_mode (NO_BACKSLASH_ESCAPES or not, ANSI_QUOTES or not) and
// whatever the connection character set: quoted strings hold only printable
// ASCII other than the backslash (a quote is doubled, never
// backslash-escaped), and anything else is written in hexadecimal, X'…',
// with a character set introducer (_latin1 X'…') for character strings.
// Identifiers are always quoted with backquotes.
//
// ValueOptions.TextLiterals (and AppendText, AppendBinaryOperand) trade that
// independence for SQL that a reader can review: text is written as text,
// 'émile', '李四', 'a\nb', exact only in a session with a utf8mb4
// connection character set and without NO_BACKSLASH_ESCAPES. rowevent sets
// it (unless rowevent.Options.HexStrings) because its SQL runs after
// rowevent.Header, which sets that session; nothing else in binlogkit uses
// it (eventfmt uses only AppendIdent; mysqlbinlog-style display text is
// internal/mysqlesc).
//
// Package binlog must never import sqlquote; sqlquote imports binlog only for
// its value model.
package sqlquote

const hexDigits = "0123456789ABCDEF"

// AppendIdent appends name quoted as an identifier: `name`, with every
// backquote doubled. name is written as is (UTF-8, for a connection in
// utf8mb4).
func AppendIdent(dst []byte, name string) []byte {
	dst = append(dst, '`')
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '`' {
			dst = append(dst, '`')
		}
		dst = append(dst, c)
	}
	return append(dst, '`')
}

// Ident returns name quoted as an identifier (see AppendIdent).
func Ident(name string) string { return string(AppendIdent(nil, name)) }

// AppendQualified appends `db`.`table`, or just `table` when db is "".
func AppendQualified(dst []byte, db, table string) []byte {
	if db != "" {
		dst = AppendIdent(dst, db)
		dst = append(dst, '.')
	}
	return AppendIdent(dst, table)
}

// IsPlain reports whether b can be written as a quoted string that reads
// the same under any sql_mode and any ASCII-compatible connection
// character set: printable ASCII (0x20..0x7e) without a backslash.
func IsPlain(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e || c == '\\' {
			return false
		}
	}
	return true
}

// AppendQuoted appends b as a single-quoted string, doubling single quotes.
// It does not escape backslashes or control bytes: use it only when
// IsPlain(b) (AppendString and AppendCharsetString check).
func AppendQuoted(dst, b []byte) []byte {
	dst = append(dst, '\'')
	for _, c := range b {
		if c == '\'' {
			dst = append(dst, '\'')
		}
		dst = append(dst, c)
	}
	return append(dst, '\'')
}

// AppendHex appends b as a hexadecimal string literal X'…' (an empty one
// when b is empty). Its type is a binary string.
func AppendHex(dst, b []byte) []byte {
	dst = append(dst, 'X', '\'')
	for _, c := range b {
		dst = append(dst, hexDigits[c>>4], hexDigits[c&15])
	}
	return append(dst, '\'')
}

// AppendBytes appends b as a binary string literal: X'…'.
func AppendBytes(dst, b []byte) []byte { return AppendHex(dst, b) }

// AppendString appends s, UTF-8 text, as a string literal: quoted when
// IsPlain, otherwise _utf8mb4 X'…'.
func AppendString(dst []byte, s string) []byte {
	return AppendCharsetString(dst, []byte(s), "utf8mb4")
}

// asciiCompatible reports whether ASCII bytes in charset mean the ASCII
// characters, so that a plain quoted string is read the same.
// swe7 is 7-bit but not ASCII: 0x40, 0x5B..0x5E, 0x60 and 0x7B..0x7E
// are É Ä Ö Å Ü é ä ö å ü.
func asciiCompatible(charset string) bool {
	switch charset {
	case "ucs2", "utf16", "utf16le", "utf32", "swe7", "binary", "":
		return false
	}
	return true
}

// Introducer returns the character set introducer for charset without its
// leading underscore: utf8mb3 is written utf8, which every MySQL and MariaDB
// version accepts.
func Introducer(charset string) string {
	if charset == "utf8mb3" {
		return "utf8"
	}
	return charset
}

// AppendCharsetString appends b, text in the character set charset (a
// MySQL character set name such as "utf8mb4", "latin1", "gbk"), as a string
// literal: quoted when it is plain ASCII in an ASCII-compatible charset,
// otherwise _charset X'…'. An empty or "binary" charset gives X'…'.
func AppendCharsetString(dst, b []byte, charset string) []byte {
	if asciiCompatible(charset) && IsPlain(b) {
		return AppendQuoted(dst, b)
	}
	if charset != "" && charset != "binary" {
		dst = append(dst, '_')
		dst = append(dst, Introducer(charset)...)
		dst = append(dst, ' ')
	}
	return AppendHex(dst, b)
}
