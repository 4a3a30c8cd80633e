package natssink

import (
	"fmt"
	"strings"
)

// DefaultSubject is the subject template of Options.Subject when it is "".
const DefaultSubject = "cdc.{db}.{table}"

// DefaultTxSubject is the subject template of Options.TxSubject when it is "".
const DefaultTxSubject = "cdc.{db}"

// Escape returns name as one valid subject token: ASCII letters, digits,
// '-' and '_' are kept; every other byte is written %XX (upper-case hex);
// the empty name is "%". Distinct names give distinct tokens.
func Escape(name string) string {
	if name == "" {
		return "%"
	}
	if !needsEscape(name) {
		return name
	}
	return string(appendEscaped(make([]byte, 0, len(name)+8), name))
}

func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if !plain(s[i]) {
			return true
		}
	}
	return false
}

func plain(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func appendEscaped(dst []byte, s string) []byte {
	if s == "" {
		return append(dst, '%')
	}
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if plain(c) {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', hex[c>>4], hex[c&15])
		}
	}
	return dst
}

// template is a parsed subject template: literal parts and placeholders.
type template struct {
	parts []part
}

type part struct {
	lit string
	ph  byte // 0 for a literal; 'd' {db}, 't' {table}, 'o' {op}
}

// parseTemplate parses a subject template and checks that it makes valid
// subjects (without wildcards).
func parseTemplate(s string) (*template, error) {
	t := &template{}
	rest := s
	for rest != "" {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			t.parts = append(t.parts, part{lit: rest})
			break
		}
		if i > 0 {
			t.parts = append(t.parts, part{lit: rest[:i]})
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("%w: subject template %q: unclosed {", ErrInvalidOptions, s)
		}
		switch rest[i : i+j+1] {
		case "{db}":
			t.parts = append(t.parts, part{ph: 'd'})
		case "{table}":
			t.parts = append(t.parts, part{ph: 't'})
		case "{op}":
			t.parts = append(t.parts, part{ph: 'o'})
		default:
			return nil, fmt.Errorf("%w: subject template %q: unknown placeholder %s (want {db}, {table} or {op})",
				ErrInvalidOptions, s, rest[i:i+j+1])
		}
		rest = rest[i+j+1:]
	}
	if sub := t.render(nil, "d", "t", "insert"); !validSubject(string(sub)) {
		return nil, fmt.Errorf("%w: subject template %q does not make a valid subject (%q)", ErrInvalidOptions, s, sub)
	}
	return t, nil
}

// render appends the subject for a change to dst.
func (t *template) render(dst []byte, db, table, op string) []byte {
	for _, p := range t.parts {
		switch p.ph {
		case 0:
			dst = append(dst, p.lit...)
		case 'd':
			dst = appendEscaped(dst, db)
		case 't':
			dst = appendEscaped(dst, table)
		case 'o':
			dst = append(dst, op...)
		}
	}
	return dst
}

// filter returns the template with every placeholder a '*' wildcard: the
// subjects a stream must hold.
func (t *template) filter() string {
	var b strings.Builder
	for _, p := range t.parts {
		if p.ph == 0 {
			b.WriteString(p.lit)
		} else {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// validSubject reports whether s is a publishable subject: non-empty
// tokens separated by '.', no white space or control byte, no wildcard.
func validSubject(s string) bool {
	if s == "" {
		return false
	}
	for _, tok := range strings.Split(s, ".") {
		if tok == "" || tok == "*" || tok == ">" {
			return false
		}
		for i := 0; i < len(tok); i++ {
			if c := tok[i]; c <= ' ' || c == 0x7f {
				return false
			}
		}
	}
	return true
}
