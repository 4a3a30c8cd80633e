package sqlquote

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/binlogkit/binlogkit/internal/testserver"
)

func TestAppendText(t *testing.T) {
	for _, tc := range []struct {
		in, cs string
		want   string // "" : not text
	}{
		{"émile", "utf8mb4", "'émile'"},
		{"李四", "utf8mb4", "'李四'"},
		{"😀", "utf8mb4", "'😀'"},
		{"it's", "utf8mb4", "'it''s'"},
		{`C:\dir`, "utf8mb4", `'C:\\dir'`},
		{"a\x00b\x001", "utf8mb4", `'a\0b\01'`},
		{"line\nnext\r\n\tx\x1a", "utf8mb4", `'line\nnext\r\n\tx\Z'`},
		{"", "utf8mb4", "''"},
		{"a\u00a0b", "utf8mb4", "'a\u00a0b'"}, // NBSP: a space
		{"\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "utf8mb4", "'\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645'"}, // ZWNJ
		{"👨\u200d👩", "utf8mb4", "'👨\u200d👩'"},                                                                                 // ZWJ
		{"e\u0301", "utf8mb4", "'e\u0301'"},                                                                                   // combining mark
		{"\xc3", "utf8mb4", ""},                                                                                               // invalid
		{"\xed\xa0\x80", "utf8mb4", ""},                                                                                       // surrogate
		{"a\x1bb", "utf8mb4", ""},                                                                                             // ESC
		{"a\x7f", "utf8mb4", ""},                                                                                              // DEL
		{"a\x08", "utf8mb4", ""},                                                                                              // backspace
		{"\u0085", "utf8mb4", ""},                                                                                             // C1 control
		{"abc\u202edcba", "utf8mb4", ""},                                                                                      // RTL override
		{"a\u2066b", "utf8mb4", ""},                                                                                           // bidi isolate
		{"a\u200bb", "utf8mb4", ""},                                                                                           // zero-width space
		{"a\u2028b", "utf8mb4", ""},                                                                                           // line separator
		{"\ue000", "utf8mb4", ""},                                                                                             // private use
		{"\ufeff", "utf8mb4", ""},                                                                                             // BOM
		{"émile", "utf8mb3", "'émile'"},
		{"李四\n", "utf8mb3", `'李四\n'`},
		{"😀", "utf8mb3", ""}, // 4 bytes: not utf8mb3
		{"a\tb", "ascii", `'a\tb'`},
		{"é", "ascii", ""},
		{"\xe9mile", "latin1", "'émile'"},
		{"\x80\x92\x9f\xa0\xff", "latin1", "'€’Ÿ\u00a0ÿ'"},
		{"caf\xe9\\\n", "latin1", `'café\\\n'`},
		{"\x81", "latin1", ""}, // C1 control U+0081
		{"a\x8d", "latin1", ""},
		{"\x8f\x90\x9d", "latin1", ""},
		{"soft\xadhyphen", "latin1", ""}, // U+00AD, a format character
		{"abc", "gbk", "'abc'"},
		{"it's", "gbk", "'it''s'"},
		{"\xc0\xee\xcb\xc4", "gbk", ""}, // 李四 in gbk: not UTF-8
		{`a\b`, "gbk", ""},
		{"a\nb", "gbk", ""},
		{`\`, "sjis", ""}, // sjis converts U+005C to 0x815F
		{"abc", "ucs2", ""},
		{"abc", "swe7", ""}, // swe7 0x5B..0x5E and others are letters
		{"abc", "binary", ""},
		{"abc", "", ""},
	} {
		dst := []byte("x")
		got, ok := AppendText(dst, []byte(tc.in), tc.cs)
		if tc.want == "" {
			if ok || string(got) != "x" {
				t.Errorf("AppendText(%q, %s) = %s, %v; want false and dst unchanged", tc.in, tc.cs, got, ok)
			}
			continue
		}
		if !ok || string(got) != "x"+tc.want {
			t.Errorf("AppendText(%q, %s) = %s, %v; want %s", tc.in, tc.cs, got, ok, tc.want)
		}
	}
}

func TestBinaryOperand(t *testing.T) {
	text := &ValueOptions{TextLiterals: true}
	for _, tc := range []struct {
		in, cs string
		opts   *ValueOptions
		want   string
	}{
		{"émile", "utf8mb4", text, "'émile'"},
		{"émile", "utf8mb4", nil, "X'C3A96D696C65'"},
		{"caf\xe9", "latin1", text, "CONVERT('café' USING latin1)"},
		{"cafe", "latin1", text, "'cafe'"},
		{"\x81", "latin1", text, "X'81'"},
		{"\xc0\xee", "gbk", text, "X'C0EE'"},
		{"ab c", "gbk", text, "'ab c'"},
		{"a\nb", "utf8mb3", text, `'a\nb'`},
		{"a\x00", "ucs2", text, "X'6100'"},
		{"ab", "binary", text, "X'6162'"},
	} {
		if got := string(AppendBinaryOperand(nil, []byte(tc.in), tc.cs, tc.opts)); got != tc.want {
			t.Errorf("AppendBinaryOperand(%q, %s, %+v) = %s, want %s", tc.in, tc.cs, tc.opts, got, tc.want)
		}
	}
}

func TestLatin1Table(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	srv := testserver.Start(t, nil)
	var sel []string
	for c := 0x80; c <= 0xff; c++ {
		sel = append(sel, fmt.Sprintf("HEX(CONVERT(CONVERT(X'%02X' USING latin1) USING utf8mb4))", c))
	}
	rows, err := srv.Query("SELECT " + strings.Join(sel, ", "))
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range rows[0] {
		c := byte(0x80 + i)
		r := rune(c)
		if c < 0xa0 {
			r = latin1C1[c-0x80]
		}
		if want := fmt.Sprintf("%X", utf8.AppendRune(nil, r)); string(h) != want {
			t.Errorf("latin1 0x%02X: server maps it to %s, latin1C1 says %s", c, h, want)
		}
		lit, ok := AppendText(nil, []byte{c}, "latin1")
		if !ok {
			continue
		}
		back, err := srv.QueryValue("SELECT HEX(CONVERT(" + string(lit) + " USING latin1))")
		if err != nil || back != fmt.Sprintf("%02X", c) {
			t.Errorf("latin1 0x%02X written %s comes back as %s, %v", c, lit, back, err)
		}
	}
}
