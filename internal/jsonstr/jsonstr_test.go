package jsonstr

import (
	"encoding/json"
	"testing"
)

func TestAppend(t *testing.T) {
	for in, want := range map[string]string{
		"":                 `""`,
		"plain":            `"plain"`,
		`q"b\`:             `"q\"b\\"`,
		"nl\ncr\rtab\t":    `"nl\ncr\rtab\t"`,
		"\x00\x1f\x7f":     `"\u0000\u001f\u007f"`,
		"é 中 😀":            `"é 中 😀"`,
		"bad\xff\xfe":      `"bad\ufffd\ufffd"`,
		"ls\u2028ps\u2029": `"ls\u2028ps\u2029"`,
	} {
		if got := string(Append(nil, in)); got != want {
			t.Errorf("Append(%q) = %s, want %s", in, got, want)
		}
		if got := string(Append(nil, []byte(in))); got != want {
			t.Errorf("Append([]byte(%q)) = %s, want %s", in, got, want)
		}
		var back string
		if err := json.Unmarshal(Append(nil, in), &back); err != nil {
			t.Errorf("Append(%q) is not valid JSON: %v", in, err)
		}
	}
}

func BenchmarkAppend(b *testing.B) {
	s := []byte(`a fairly ordinary string with "quotes", é and a tab	`)
	var dst []byte
	for b.Loop() {
		dst = Append(dst[:0], s)
	}
}
