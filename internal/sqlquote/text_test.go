package sqlquote

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/binlogkit/binlogkit/binlog"
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

func TestValueText(t *testing.T) {
	text := &ValueOptions{TextLiterals: true}
	for _, tc := range []struct {
		v         binlog.Value
		opts      *ValueOptions
		want, hex string
	}{
		{binlog.StringValue([]byte("émile"), 45), text, "'émile'", "_utf8mb4 X'C3A96D696C65'"},
		{binlog.StringValue([]byte("李四"), 255), text, "'李四'", "_utf8mb4 X'E69D8EE59B9B'"},
		{binlog.StringValue([]byte(`a\b'c`), 45), text, `'a\\b''c'`, "_utf8mb4 X'615C622763'"},
		{binlog.StringValue([]byte("nul\x00"), 45), text, `'nul\0'`, "_utf8mb4 X'6E756C00'"},
		{binlog.StringValue([]byte("two\nlines"), 33), text, `'two\nlines'`, "_utf8 X'74776F0A6C696E6573'"},
		{binlog.StringValue([]byte("bad\xff"), 45), text, "_utf8mb4 X'626164FF'", "_utf8mb4 X'626164FF'"},
		{binlog.StringValue([]byte("\xe9"), 8), text, "'é'", "_latin1 X'E9'"},
		{binlog.StringValue([]byte("\x81"), 8), text, "_latin1 X'81'", "_latin1 X'81'"},
		{binlog.StringValue([]byte("\xc0\xee\xcb\xc4"), 28), text, "_gbk X'C0EECBC4'", "_gbk X'C0EECBC4'"},
		{binlog.BytesValue([]byte("é")), text, "X'C3A9'", "X'C3A9'"},
		{binlog.JSONValue([]byte(`{"a": "é\n"}`)), text, `'{"a": "é\\n"}'`, "_utf8mb4 X'7B2261223A2022C3A95C6E227D'"},
		{binlog.JSONValue([]byte(`{"a": "é"}`)), &ValueOptions{TextLiterals: true, JSONCast: true}, `CAST('{"a": "é"}' AS JSON)`, "CAST(_utf8mb4 X'7B2261223A2022C3A9227D' AS JSON)"},
	} {
		got, err := Value(tc.v, tc.opts)
		if err != nil || got != tc.want {
			t.Errorf("Value(%v %q, text) = %s, %v; want %s", tc.v.Kind(), tc.v.Bytes(), got, err, tc.want)
		}
		hexOpts := *tc.opts
		hexOpts.TextLiterals = false
		got, err = Value(tc.v, &hexOpts)
		if err != nil || got != tc.hex {
			t.Errorf("Value(%v %q) = %s, %v; want %s", tc.v.Kind(), tc.v.Bytes(), got, err, tc.hex)
		}
	}
}

func TestCompared(t *testing.T) {
	for _, tc := range []struct {
		v    binlog.Value
		want string
	}{
		{binlog.DoubleValue(0.1), "1e-1"},
		{binlog.DoubleValue(1.5), "1.5e0"},
		{binlog.DoubleValue(0.30000000000000004), "3.0000000000000004e-1"},
		{binlog.DoubleValue(9007199254740993), "9.007199254740992e15"},
		{binlog.DoubleValue(5e-324), "5e-324"},
		{binlog.DoubleValue(math.MaxFloat64), "1.7976931348623157e308"},
		{binlog.DoubleValue(-2.5e-310), "-2.5e-310"},
		{binlog.DoubleValue(0), "0e0"},
		{binlog.DoubleValue(math.Copysign(0, -1)), "-0e0"},
		{binlog.DoubleValue(1e21), "1e21"},
		{binlog.FloatValue(0.1), "1.0000000149011612e-1"},
		{binlog.FloatValue(16777217), "1.6777216e7"},
		{binlog.FloatValue(1e-45), "1.401298464324817e-45"},
		{binlog.FloatValue(math.MaxFloat32), "3.4028234663852886e38"},
		{binlog.FloatValue(0.5), "5e-1"},
		{binlog.FloatValue(float32(math.Copysign(0, -1))), "-0e0"},
		{binlog.IntValue(-3), "-3"},
		{binlog.StringValue([]byte("é"), 45), "_utf8mb4 X'C3A9'"},
	} {
		got, err := AppendCompared(nil, tc.v, nil)
		if err != nil || string(got) != tc.want {
			t.Errorf("AppendCompared(%v %v) = %s, %v; want %s", tc.v.Kind(), tc.v, got, err, tc.want)
		}
		if k := tc.v.Kind(); k == binlog.KindDouble || k == binlog.KindFloat {
			// The literal reads back as the same bits, as a double.
			want := tc.v.Float64()
			if k == binlog.KindFloat {
				want = float64(tc.v.Float32())
			}
			d, err := strconv.ParseFloat(string(got), 64)
			if err != nil || math.Float64bits(d) != math.Float64bits(want) {
				t.Errorf("%s reads back as %v, %v; want %v", got, d, err, want)
			}
		}
	}
	for _, v := range []binlog.Value{binlog.DoubleValue(math.NaN()), binlog.FloatValue(float32(math.Inf(-1)))} {
		if _, err := AppendCompared(nil, v, nil); err == nil {
			t.Errorf("AppendCompared(%v): no error", v)
		}
	}
}

// TestFloatDoubleRounding: the server reads a FLOAT literal as a DOUBLE and
// rounds that to float32; the shortest float32 text of 7.038531e-26 then
// gives its neighbour, so its exact value is written instead. (Every
// positive float32 was tried once; this is the only one.)
func TestFloatDoubleRounding(t *testing.T) {
	for _, bits := range []uint32{363742205, 363742205 | 1<<31, 363742206} {
		f := math.Float32frombits(bits)
		got, err := Value(binlog.FloatValue(f), nil)
		if err != nil {
			t.Fatal(err)
		}
		d, err := strconv.ParseFloat(got, 64)
		if err != nil || float32(d) != f {
			t.Errorf("FLOAT %v (bits %d) written %s, reads back as %v", f, bits, got, float32(d))
		}
	}
	if got, _ := Value(binlog.FloatValue(math.Float32frombits(363742205)), nil); got != "7.038530691851209e-26" {
		t.Errorf("got %s, want the exact value 7.038530691851209e-26", got)
	}
	// A sample of others: the short form is kept and reads back.
	for i := uint32(0); i < 1<<31; i += 1<<31/200000 + 7 {
		f := math.Float32frombits(i)
		if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
			continue
		}
		got, _ := Value(binlog.FloatValue(f), nil)
		d, err := strconv.ParseFloat(got, 64)
		if err != nil || float32(d) != f {
			t.Fatalf("FLOAT %v written %s, reads back as %v", f, got, float32(d))
		}
	}
}

func TestTextAllocs(t *testing.T) {
	buf := make([]byte, 0, 256)
	vals := []binlog.Value{
		binlog.StringValue([]byte("naïve café \\ 李四 😀 'q'\n"), 45),
		binlog.StringValue([]byte("caf\xe9 \x80"), 8),
		binlog.FloatValue(0.1),
		binlog.FloatValue(math.Float32frombits(363742205)),
		binlog.DoubleValue(1.0 / 3),
	}
	opts := &ValueOptions{TextLiterals: true}
	n := testing.AllocsPerRun(100, func() {
		for _, v := range vals {
			buf, _ = AppendValue(buf[:0], v, opts)
			buf, _ = AppendCompared(buf[:0], v, opts)
			buf = AppendBinaryOperand(buf[:0], v.Bytes(), "latin1", opts)
		}
	})
	if n != 0 {
		t.Errorf("%v allocations per run, want 0", n)
	}
}

// TestLatin1Table checks latin1C1 against the server's latin1 (the table
// that says which latin1 bytes AppendText writes as which characters), and
// that every latin1 byte written as text comes back as the same byte.
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
