package anonymize

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/binlogkit/binlogkit/internal/jsonstr"
)

// walkJSON appends src (JSON text) to dst with each string and number
// replaced by f(text, isKey, isNumber) when f reports a change. Structure,
// blanks and literals are copied as they are. A string that does not
// decode is replaced by "***": never copied unread. When filter is not 0,
// a string or number in which no detector of filter can match
// (mayMatchText) is copied without calling f and without being decoded:
// use a filter on valid JSON only (checked, or written by binlog's
// decoder), whose strings all decode.
func walkJSON(dst, src []byte, filter detSet, f func(s string, key, num bool) (string, bool)) ([]byte, bool) {
	changed := false
	last := 0 // src[:last] is in dst
	replace := func(start, end int) {
		dst = append(dst, src[last:start]...)
		last = end
		changed = true
	}
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '"':
			j := i + 1
			plain := true // no escape, no control character
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					plain = false
					j++
				} else if src[j] < 0x20 {
					plain = false
				}
				j++
			}
			if j >= len(src) {
				replace(i, len(src))
				dst = append(dst, `"***"`...)
				return dst, true
			}
			tok := src[i : j+1]
			body := tok[1 : len(tok)-1]
			if filter != 0 && !mayMatchText(body, filter) {
				i = j + 1
				continue
			}
			k := j + 1
			for k < len(src) && (src[k] == ' ' || src[k] == '\t' || src[k] == '\n' || src[k] == '\r') {
				k++
			}
			key := k < len(src) && src[k] == ':'
			var s string
			var err error
			if plain && utf8.Valid(body) {
				s = string(body)
			} else {
				err = json.Unmarshal(tok, &s)
			}
			if err != nil {
				replace(i, j+1)
				dst = append(dst, `"***"`...)
			} else if out, ok := f(s, key, false); ok {
				replace(i, j+1)
				dst = jsonstr.Append(dst, out)
			}
			i = j + 1
		case c == '-' || isDigit(c):
			j := i + 1
			for j < len(src) && (isDigit(src[j]) || src[j] == '.' || src[j] == 'e' || src[j] == 'E' || src[j] == '+' || src[j] == '-') {
				j++
			}
			if filter != 0 && !mayMatchText(src[i:j], filter) {
				i = j
				continue
			}
			if out, ok := f(string(src[i:j]), false, true); ok {
				replace(i, j)
				dst = append(dst, out...)
			}
			i = j
		default:
			i++
		}
	}
	return append(dst, src[last:]...), changed
}
