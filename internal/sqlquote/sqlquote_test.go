package sqlquote

import (
	"testing"
)

func TestIdent(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a", "`a`"},
		{"a`b", "`a``b`"},
		{"", "``"},
		{"ünï", "`ünï`"},
	} {
		if got := Ident(tc.in); got != tc.want {
			t.Errorf("Ident(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	if got := string(AppendQualified(nil, "d`b", "t")); got != "`d``b`.`t`" {
		t.Errorf("AppendQualified = %s", got)
	}
}

func TestCharsetString(t *testing.T) {
	for _, tc := range []struct {
		in, cs, want string
	}{
		{"abc", "utf8mb4", "'abc'"},
		{"it's", "latin1", "'it''s'"},
		{`a\b`, "utf8mb4", "_utf8mb4 X'615C62'"},
		{"a\x00b", "utf8mb4", "_utf8mb4 X'610062'"},
		{"é", "utf8mb3", "_utf8 X'C3A9'"},
		{"\xe9", "latin1", "_latin1 X'E9'"},
		{"AB", "ucs2", "_ucs2 X'4142'"},
		{"", "utf8mb4", "''"},
		{"ab", "binary", "X'6162'"},
		{"ab", "", "X'6162'"},
	} {
		if got := string(AppendCharsetString(nil, []byte(tc.in), tc.cs)); got != tc.want {
			t.Errorf("AppendCharsetString(%q, %s) = %s, want %s", tc.in, tc.cs, got, tc.want)
		}
	}
}
