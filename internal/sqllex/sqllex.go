// Package sqllex splits MySQL and MariaDB statement text into tokens with
// the server's lexical rules. It is the one SQL lexer of binlogkit: the
// binlog package uses it to classify statements (transaction control,
// statement kinds, the table a statement acts on) and to read DDL for the
// schema history.
//
// The rules are those of the server's lexer (sql/sql_lex.cc):
//
//   - Blanks (space, \t, \n, \r, \f, \v) separate tokens.
//   - "#" starts a comment that ends at the end of the line.
//   - "--" starts a comment to the end of the line only when a blank or the
//     end of the input follows it; "--1" is two minus signs and a number.
//   - "/* ... */" is a comment. "/*!" and "/*M!" start an executable
//     comment: an optional version (five or six digits) is skipped and the
//     rest, up to "*/", is read as code. The version is not compared with
//     any server version: the statement was accepted by the server that
//     logged it. Outside an executable comment "*/" is two punctuation
//     tokens.
//   - A backquoted identifier, a backquote inside written twice; no
//     backslash escapes.
//   - A single-quoted string, a quote inside written twice or escaped
//     with a backslash; backslash escapes apply unless NoBackslashEscapes
//     is set.
//   - "double quotes" delimit a string like 'string' in the default
//     sql_mode, and an identifier (with "" for a quote inside, no
//     backslash escapes) under ANSI_QUOTES. The caller chooses with
//     ANSIQuotes, best from the statement's own sql_mode (ModeOf).
//   - A word is a run of letters, digits, '_', '$' and bytes >= 0x80
//     (keywords, unquoted identifiers, numbers). Any other byte is a
//     punctuation token of its own.
//
// An unterminated quote or comment ends the input: Next returns EOF
// instead of a partial token.
package sqllex

import "strings"

// Kind is the kind of a token.
type Kind uint8

// Token kinds.
const (
	EOF    Kind = iota // end of the input
	Word               // keyword, unquoted identifier or number
	Ident              // quoted identifier: `x`, or "x" under ANSIQuotes
	String             // 'x', or "x" without ANSIQuotes
	Punct              // one byte of punctuation
)

var kindNames = [...]string{EOF: "EOF", Word: "Word", Ident: "Ident", String: "String", Punct: "Punct"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(?)"
}

// Mode holds the sql_mode flags that change how text is split.
type Mode uint8

const (
	// ANSIQuotes makes "x" an identifier rather than a string
	// (sql_mode ANSI_QUOTES).
	ANSIQuotes Mode = 1 << iota
	// NoBackslashEscapes makes a backslash an ordinary character in
	// strings (sql_mode NO_BACKSLASH_ESCAPES).
	NoBackslashEscapes
)

// Bits of the server's sql_mode as logged in a Query event's status
// variables (Q_SQL_MODE_CODE); the same in MySQL and MariaDB.
const (
	SQLModeANSIQuotes         uint64 = 1 << 2
	SQLModeNoBackslashEscapes uint64 = 1 << 21
)

// ModeOf returns the Mode of a session whose sql_mode bits (as logged in
// Q_SQL_MODE_CODE) are sqlMode.
func ModeOf(sqlMode uint64) Mode {
	var m Mode
	if sqlMode&SQLModeANSIQuotes != 0 {
		m |= ANSIQuotes
	}
	if sqlMode&SQLModeNoBackslashEscapes != 0 {
		m |= NoBackslashEscapes
	}
	return m
}

// Token is a token of a statement: its kind and where it is, as byte
// offsets into the text the Lexer read. A quoted token includes its
// quotes.
type Token struct {
	Kind       Kind
	Start, End int
	escapes    bool // a String in which backslash escapes apply
}

// Text returns the token's text in src, quotes included.
func (t Token) Text(src string) string { return src[t.Start:t.End] }

// Is reports whether t is the Word w, in any ASCII case.
func (t Token) Is(src, w string) bool {
	return t.Kind == Word && strings.EqualFold(src[t.Start:t.End], w)
}

// Value returns the token's value: for an Ident or String, the text
// between the quotes with doubled quotes undone and, in a String read
// with backslash escapes, the escapes undone (\n, \t, \0, ... as the
// server reads them; \% and \_ keep their backslash). Other tokens give
// their text.
func (t Token) Value(src string) string {
	s := src[t.Start:t.End]
	if t.Kind != Ident && t.Kind != String {
		return s
	}
	q := s[0]
	s = s[1 : len(s)-1]
	if strings.IndexByte(s, q) < 0 && (!t.escapes || strings.IndexByte(s, '\\') < 0) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q:
			i++ // the second of a doubled quote
		case c == '\\' && t.escapes && i+1 < len(s):
			i++
			switch c = s[i]; c {
			case '0':
				c = 0
			case 'b':
				c = '\b'
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'Z':
				c = 0x1a
			case '%', '_':
				b.WriteByte('\\')
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Lexer reads the tokens of a statement. A Lexer is a small value: copy
// it to save a position and assign the copy back to return to it.
type Lexer struct {
	src    string
	mode   Mode
	pos    int
	inExec bool // inside /*! ... */ or /*M! ... */
}

// New returns a Lexer at the start of src.
func New(src string, mode Mode) Lexer { return Lexer{src: src, mode: mode} }

// Tokens returns all the tokens of src.
func Tokens(src string, mode Mode) []Token {
	var toks []Token
	l := New(src, mode)
	for t := l.Next(); t.Kind != EOF; t = l.Next() {
		toks = append(toks, t)
	}
	return toks
}

// Pos returns the offset in the input where the next token is looked for.
func (l *Lexer) Pos() int { return l.pos }

// IsBlank reports whether c is a blank to the server's lexer.
func IsBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// IsWordByte reports whether c may be part of a Word.
func IsWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$' || c >= 0x80
}

// Next returns the next token, skipping blanks and comments; a token of
// Kind EOF at the end of the input (and after an unterminated quote or
// comment).
func (l *Lexer) Next() Token {
	s := l.src
	for l.pos < len(s) {
		i := l.pos
		c := s[i]
		switch {
		case IsBlank(c):
			l.pos++
			continue
		case c == '#' || c == '-' && i+1 < len(s) && s[i+1] == '-' && (i+2 == len(s) || IsBlank(s[i+2])):
			if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
				l.pos = i + j + 1
			} else {
				l.pos = len(s)
			}
			continue
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			if rest := s[i+2:]; strings.HasPrefix(rest, "!") || strings.HasPrefix(rest, "M!") {
				l.pos = i + 3
				if rest[0] == 'M' {
					l.pos++
				}
				l.skipVersion()
				l.inExec = true
				continue
			}
			if j := strings.Index(s[i+2:], "*/"); j >= 0 {
				l.pos = i + 2 + j + 2
			} else {
				l.pos = len(s)
			}
			continue
		case c == '*' && l.inExec && i+1 < len(s) && s[i+1] == '/':
			l.pos += 2
			l.inExec = false
			continue
		case c == '`' || c == '\'' || c == '"':
			kind, esc := String, l.mode&NoBackslashEscapes == 0
			if c == '`' || c == '"' && l.mode&ANSIQuotes != 0 {
				kind, esc = Ident, false
			}
			j := i + 1
			for ; j < len(s); j++ {
				if s[j] == '\\' && esc {
					j++
					continue
				}
				if s[j] == c {
					if j+1 < len(s) && s[j+1] == c {
						j++
						continue
					}
					break
				}
			}
			if j >= len(s) {
				l.pos = len(s)
				return Token{Kind: EOF, Start: len(s), End: len(s)}
			}
			l.pos = j + 1
			return Token{Kind: kind, Start: i, End: j + 1, escapes: esc}
		case IsWordByte(c):
			j := i + 1
			for j < len(s) && IsWordByte(s[j]) {
				j++
			}
			l.pos = j
			return Token{Kind: Word, Start: i, End: j}
		}
		l.pos++
		return Token{Kind: Punct, Start: i, End: i + 1}
	}
	return Token{Kind: EOF, Start: len(s), End: len(s)}
}

// skipVersion skips the version of an executable comment: five digits,
// and a sixth when there is one (MariaDB's 100100 for 10.1.0).
func (l *Lexer) skipVersion() {
	s := l.src[l.pos:]
	for k := 0; k < 5; k++ {
		if k >= len(s) || s[k] < '0' || s[k] > '9' {
			return
		}
	}
	l.pos += 5
	if len(s) > 5 && s[5] >= '0' && s[5] <= '9' {
		l.pos++
	}
}
