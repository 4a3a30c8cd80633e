package anonymize

import (
	"encoding/json"

	"github.com/binlogkit/binlogkit/internal/jsonstr"
)

// walkJSON appends src (JSON text) to dst with each string and number
// replaced by f(text, isKey, isNumber) when f reports a change. Structure,
// blanks and literals are copied as they are. A string that does not
// decode is replaced by "***": never copied unread.
func walkJSON(dst, src []byte, f func(s string, key, num bool) (string, bool)) ([]byte, bool) {
	changed := false
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(src) {
				dst = append(dst, `"***"`...)
				return dst, true
			}
			tok := src[i : j+1]
			k := j + 1
			for k < len(src) && (src[k] == ' ' || src[k] == '\t' || src[k] == '\n' || src[k] == '\r') {
				k++
			}
			key := k < len(src) && src[k] == ':'
			var s string
			if err := json.Unmarshal(tok, &s); err != nil {
				dst = append(dst, `"***"`...)
				changed = true
			} else if out, ok := f(s, key, false); ok {
				dst = jsonstr.Append(dst, out)
				changed = true
			} else {
				dst = append(dst, tok...)
			}
			i = j + 1
		case c == '-' || isDigit(c):
			j := i + 1
			for j < len(src) && (isDigit(src[j]) || src[j] == '.' || src[j] == 'e' || src[j] == 'E' || src[j] == '+' || src[j] == '-') {
				j++
			}
			tok := string(src[i:j])
			if out, ok := f(tok, false, true); ok {
				dst = append(dst, out...)
				changed = true
			} else {
				dst = append(dst, tok...)
			}
			i = j
		default:
			dst = append(dst, c)
			i++
		}
	}
	return dst, changed
}
