package sqllex

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// show renders the tokens of src as "Kind:text=value" strings.
func show(src string, mode Mode) []string {
	var out []string
	for _, t := range Tokens(src, mode) {
		s := fmt.Sprintf("%v:%s", t.Kind, t.Text(src))
		if v := t.Value(src); v != t.Text(src) {
			s += "=" + v
		}
		out = append(out, s)
	}
	return out
}

func TestTokens(t *testing.T) {
	const ansi, nobs = ANSIQuotes, NoBackslashEscapes
	tests := []struct {
		name string
		in   string
		mode Mode
		want []string
	}{
		{"words", " BEGIN\tWORK;\r\n", 0, []string{"Word:BEGIN", "Word:WORK", "Punct:;"}},
		{"word bytes", "a_$1 é.t", 0, []string{"Word:a_$1", "Word:é", "Punct:.", "Word:t"}},
		{"blanks", "a\fb\vc", 0, []string{"Word:a", "Word:b", "Word:c"}},

		// -- is a comment only before a blank or the end.
		{"dash space", "a -- c\nb", 0, []string{"Word:a", "Word:b"}},
		{"dash tab", "a --\tc\nb", 0, []string{"Word:a", "Word:b"}},
		{"dash newline", "a --\nb", 0, []string{"Word:a", "Word:b"}},
		{"dash cr", "a --\rc\nb", 0, []string{"Word:a", "Word:b"}},
		{"dash end", "a --", 0, []string{"Word:a"}},
		{"dash no blank", "a --1", 0, []string{"Word:a", "Punct:-", "Punct:-", "Word:1"}},
		{"dash no blank word", "5--x", 0, []string{"Word:5", "Punct:-", "Punct:-", "Word:x"}},
		{"single dash", "a - b", 0, []string{"Word:a", "Punct:-", "Word:b"}},

		// # to the end of the line.
		{"hash", "a # c -- d\nb", 0, []string{"Word:a", "Word:b"}},
		{"hash end", "a #c", 0, []string{"Word:a"}},
		{"hash no space", "a#c\nb", 0, []string{"Word:a", "Word:b"}},

		// /* */ comments.
		{"block", "a /* x ' \" ` */ b", 0, []string{"Word:a", "Word:b"}},
		{"block multiline", "/* x\n-- y\n */a", 0, []string{"Word:a"}},
		{"block not nested", "/* /* */ a */", 0, []string{"Word:a", "Punct:*", "Punct:/"}},
		{"block unterminated", "a /* b", 0, []string{"Word:a"}},
		{"hint is a comment", "SELECT /*+ NO_ICP(t) */ 1", 0, []string{"Word:SELECT", "Word:1"}},
		{"star slash outside", "a */ b", 0, []string{"Word:a", "Punct:*", "Punct:/", "Word:b"}},
		{"empty block", "/**/a", 0, []string{"Word:a"}},

		// Executable comments: the code is read, the version skipped.
		{"exec", "/*!40000 ALTER TABLE t */", 0, []string{"Word:ALTER", "Word:TABLE", "Word:t"}},
		{"exec no version", "/*!COMMIT*/", 0, []string{"Word:COMMIT"}},
		{"exec six digits", "/*!100100 a */", 0, []string{"Word:a"}},
		{"exec short number", "/*!123 a */", 0, []string{"Word:123", "Word:a"}},
		{"exec seven digits", "/*!1234567 a */", 0, []string{"Word:7", "Word:a"}},
		{"mariadb exec", "/*M!100100 COMMIT */", 0, []string{"Word:COMMIT"}},
		{"mariadb exec glued", "/*M!100301a*/", 0, []string{"Word:a"}},
		{"exec with comment inside", "/*!50000 a /* c */ b */ c", 0, []string{"Word:a", "Word:b", "Word:c"}},
		{"exec with string", "/*!50000 COMMENT '*/' */", 0, []string{"Word:COMMENT", "String:'*/'=*/"}},
		{"exec then star slash", "/*!a*/ */", 0, []string{"Word:a", "Punct:*", "Punct:/"}},
		{"exec star", "/*!50000 2*3 */", 0, []string{"Word:2", "Punct:*", "Word:3"}},
		{"M without bang", "/*M a */ b", 0, []string{"Word:b"}},

		// Backquotes.
		{"backquote", "`a b`", 0, []string{"Ident:`a b`=a b"}},
		{"backquote doubled", "`x``y`", 0, []string{"Ident:`x``y`=x`y"}},
		{"backquote no escapes", "`a\\`.b", 0, []string{"Ident:`a\\`=a\\", "Punct:.", "Word:b"}},
		{"backquote hides comments", "`-- x` `#` `/*`", 0, []string{"Ident:`-- x`=-- x", "Ident:`#`=#", "Ident:`/*`=/*"}},
		{"backquote unterminated", "a `b", 0, []string{"Word:a"}},

		// Single quotes.
		{"string", "'a b'", 0, []string{"String:'a b'=a b"}},
		{"string doubled", "'a''b'", 0, []string{"String:'a''b'=a'b"}},
		{"string backslash", `'a\'b' c`, 0, []string{`String:'a\'b'=a'b`, "Word:c"}},
		{"string escapes", `'\n\t\0\Z\\\%\_\q'`, 0, []string{"String:'\\n\\t\\0\\Z\\\\\\%\\_\\q'=\n\t\x00\x1a\\\\%\\_q"}},
		{"string no backslash escapes", `'a\' b`, nobs, []string{`String:'a\'=a\`, "Word:b"}},
		{"string hides comments", "'# -- /*' x", 0, []string{"String:'# -- /*'=# -- /*", "Word:x"}},
		{"string unterminated", `a 'b\'`, 0, []string{"Word:a"}},
		{"introducer", "_utf8mb4'x' x'41'", 0, []string{"Word:_utf8mb4", "String:'x'=x", "Word:x", "String:'41'=41"}},

		// Double quotes: a string by default, an identifier under ANSI_QUOTES.
		{"dquote string", `"a""b\"c"`, 0, []string{`String:"a""b\"c"=a"b"c`}},
		{"dquote ident", `"a""b"`, ansi, []string{`Ident:"a""b"=a"b`}},
		{"dquote ident no escapes", `"a\" b`, ansi, []string{`Ident:"a\"=a\`, "Word:b"}},
		{"dquote string no escapes", `"a\" b`, nobs, []string{`String:"a\"=a\`, "Word:b"}},
		{"dquote string escapes", `"a\" b"`, 0, []string{`String:"a\" b"=a" b`}},
		{"single quote under ansi", `'a\'b'`, ansi, []string{`String:'a\'b'=a'b`}},
	}
	for _, tt := range tests {
		got := show(tt.in, tt.mode)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: Tokens(%q, %d) mismatch (-want +got):\n%s", tt.name, tt.in, tt.mode, diff)
		}
	}
}

func TestModeOf(t *testing.T) {
	for _, tt := range []struct {
		sqlMode uint64
		want    Mode
	}{
		{0, 0},
		{SQLModeANSIQuotes, ANSIQuotes},
		{SQLModeNoBackslashEscapes, NoBackslashEscapes},
		{1<<64 - 1, ANSIQuotes | NoBackslashEscapes},
		// ANSI (REAL_AS_FLOAT, PIPES_AS_CONCAT, ANSI_QUOTES, IGNORE_SPACE, ANSI).
		{1 | 2 | 4 | 8 | 1<<18, ANSIQuotes},
	} {
		if got := ModeOf(tt.sqlMode); got != tt.want {
			t.Errorf("ModeOf(%#x) = %d, want %d", tt.sqlMode, got, tt.want)
		}
	}
}

func TestLexerCopy(t *testing.T) {
	src := "/*!50000 a */ b"
	l := New(src, 0)
	if tok := l.Next(); !tok.Is(src, "A") {
		t.Fatalf("first token %q", tok.Text(src))
	}
	save := l
	l.Next()
	l = save
	if tok := l.Next(); !tok.Is(src, "b") {
		t.Fatalf("after restore: %q", tok.Text(src))
	}
	if tok := l.Next(); tok.Kind != EOF || l.Pos() != len(src) {
		t.Fatalf("at end: %v at %d", tok.Kind, l.Pos())
	}
}
