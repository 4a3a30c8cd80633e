package binlog

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// MySQL binary JSON from JSON text: the serializer of MySQL's
// json_binary.cc (see json.go for the format), applied to the value the
// text parses to the way the server parses JSON text:
//
//   - numbers with a '.' or an exponent are doubles; other numbers are
//     integers: negative ones and those up to 2^32-1 signed (int16, int32
//     or int64, the smallest that holds them), larger ones unsigned
//     (uint64), as rapidjson hands them to the server;
//   - object keys are sorted by length, then bytes; of duplicate keys the
//     last wins;
//   - a container is written in the small form (16-bit offsets) when it
//     fits in 64 KiB, else in the large form.
//
// The text of a decoded MySQL JSON value therefore encodes to the bytes it
// was decoded from, except for values the text does not tell apart:
// DECIMAL, DATE, TIME, DATETIME and other opaque scalars (written back as
// doubles and strings), integers that a server function stored in another
// integer type than its text parses to, and documents with unused space
// left by an in-place partial update.

// appendJSONBinary appends the MySQL binary JSON of the JSON text text.
func appendJSONBinary(dst, text []byte) ([]byte, error) {
	p := jsonParser{s: text}
	v, err := p.parse()
	if err != nil {
		return dst, err
	}
	if v.kind != jsonbSmallObject && v.kind != jsonbSmallArray {
		return v.appendScalar(append(dst, v.kind)), nil
	}
	start := len(dst)
	out, ok := v.appendContainer(append(dst, v.kind), false)
	if ok {
		return out, nil
	}
	out, ok = v.appendContainer(append(out[:start], v.kind+1), true)
	if !ok {
		return dst, fmt.Errorf("JSON document over 4 GiB")
	}
	return out, nil
}

// jsonNode is a parsed JSON value.
type jsonNode struct {
	kind byte // jsonb type of a scalar, or jsonbSmallObject/jsonbSmallArray
	num  uint64
	str  []byte
	keys [][]byte
	vals []*jsonNode
}

// inlined reports whether n is stored in its value entry.
func (n *jsonNode) inlined(large bool) bool { return jsonInlined(n.kind, large) }

// formType returns the type byte of a container in the small or large
// form.
func (n *jsonNode) formType(large bool) byte {
	if !large {
		return n.kind
	}
	return n.kind + 1
}

func (n *jsonNode) appendScalar(dst []byte) []byte {
	le := binary.LittleEndian
	switch n.kind {
	case jsonbLiteral:
		return append(dst, byte(n.num))
	case jsonbInt16, jsonbUint16:
		return le.AppendUint16(dst, uint16(n.num))
	case jsonbInt32, jsonbUint32:
		return le.AppendUint32(dst, uint32(n.num))
	case jsonbInt64, jsonbUint64, jsonbDouble:
		return le.AppendUint64(dst, n.num)
	case jsonbString:
		return append(appendJSONVarLen(dst, uint64(len(n.str))), n.str...)
	}
	return dst
}

func appendJSONVarLen(dst []byte, n uint64) []byte {
	for n >= 0x80 {
		dst = append(dst, byte(n)|0x80)
		n >>= 7
	}
	return append(dst, byte(n))
}

// appendContainer appends the object or array n in the small or large
// form; ok is false when the small form cannot hold it.
func (n *jsonNode) appendContainer(dst []byte, large bool) ([]byte, bool) {
	object := n.kind == jsonbSmallObject
	osz := 2
	if large {
		osz = 4
	}
	max := uint64(math.MaxUint16)
	if large {
		max = math.MaxUint32
	}
	put := func(b []byte, at int, v uint64) {
		if large {
			binary.LittleEndian.PutUint32(b[at:], uint32(v))
		} else {
			binary.LittleEndian.PutUint16(b[at:], uint16(v))
		}
	}
	start := len(dst)
	count := len(n.vals)
	header := 2*osz + count*(1+osz)
	if object {
		header += count * (osz + 2)
	}
	dst = appendZeros(dst, header)
	keyEntries := start + 2*osz
	valEntries := keyEntries
	if object {
		valEntries += count * (osz + 2)
		for i, k := range n.keys {
			off := uint64(len(dst) - start)
			if off > max || len(k) > math.MaxUint16 {
				return dst, false
			}
			e := keyEntries + i*(osz+2)
			put(dst, e, off)
			binary.LittleEndian.PutUint16(dst[e+osz:], uint16(len(k)))
			dst = append(dst, k...)
		}
	}
	for i, v := range n.vals {
		e := valEntries + i*(1+osz)
		if v.kind == jsonbSmallObject || v.kind == jsonbSmallArray {
			off := uint64(len(dst) - start)
			if off > max {
				return dst, false
			}
			sub := len(dst)
			var ok bool
			if dst, ok = v.appendContainer(dst, false); !ok {
				if dst, ok = v.appendContainer(dst[:sub], true); !ok {
					return dst, false
				}
				dst[e] = v.formType(true)
			} else {
				dst[e] = v.formType(false)
			}
			put(dst, e+1, off)
			continue
		}
		dst[e] = v.kind
		if v.inlined(large) {
			var b [4]byte
			s := v.appendScalar(b[:0])
			copy(dst[e+1:e+1+osz], s)
			continue
		}
		off := uint64(len(dst) - start)
		if off > max {
			return dst, false
		}
		put(dst, e+1, off)
		dst = v.appendScalar(dst)
	}
	size := uint64(len(dst) - start)
	if size > max {
		return dst, false
	}
	put(dst, start, uint64(count))
	put(dst, start+osz, size)
	return dst, true
}

// jsonParser parses JSON text into jsonNodes.
type jsonParser struct {
	s     []byte
	pos   int
	depth int
}

func (p *jsonParser) errorf(format string, args ...any) error {
	return fmt.Errorf("JSON text at byte %d: "+format, append([]any{p.pos}, args...)...)
}

func (p *jsonParser) parse() (*jsonNode, error) {
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos != len(p.s) {
		return nil, p.errorf("text after the value")
	}
	return v, nil
}

func (p *jsonParser) space() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) value() (*jsonNode, error) {
	p.space()
	if p.pos >= len(p.s) {
		return nil, p.errorf("value expected")
	}
	switch c := p.s[p.pos]; {
	case c == '{' || c == '[':
		p.depth++
		if p.depth > maxJSONDepth {
			return nil, p.errorf("nested deeper than %d", maxJSONDepth)
		}
		defer func() { p.depth-- }()
		if c == '{' {
			return p.object()
		}
		return p.array()
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &jsonNode{kind: jsonbString, str: s}, nil
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range [...]struct {
			s string
			v uint64
		}{{"true", jsonbTrue}, {"false", jsonbFalse}, {"null", jsonbNull}} {
			if bytes.HasPrefix(p.s[p.pos:], []byte(lit.s)) {
				p.pos += len(lit.s)
				return &jsonNode{kind: jsonbLiteral, num: lit.v}, nil
			}
		}
		return nil, p.errorf("bad literal")
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	return nil, p.errorf("unexpected %q", p.s[p.pos])
}

func (p *jsonParser) object() (*jsonNode, error) {
	p.pos++
	n := &jsonNode{kind: jsonbSmallObject}
	p.space()
	if p.pos < len(p.s) && p.s[p.pos] == '}' {
		p.pos++
		return n, nil
	}
	for {
		p.space()
		if p.pos >= len(p.s) || p.s[p.pos] != '"' {
			return nil, p.errorf("object key expected")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.pos >= len(p.s) || p.s[p.pos] != ':' {
			return nil, p.errorf("':' expected")
		}
		p.pos++
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		n.keys = append(n.keys, k)
		n.vals = append(n.vals, v)
		p.space()
		if p.pos < len(p.s) && p.s[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.s) && p.s[p.pos] == '}' {
			p.pos++
			break
		}
		return nil, p.errorf("',' or '}' expected")
	}
	// Sort by length then bytes; of equal keys the last one wins.
	idx := make([]int, len(n.keys))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		ka, kb := n.keys[a], n.keys[b]
		if len(ka) != len(kb) {
			return len(ka) - len(kb)
		}
		return bytes.Compare(ka, kb)
	})
	keys, vals := make([][]byte, 0, len(idx)), make([]*jsonNode, 0, len(idx))
	for j, i := range idx {
		if j+1 < len(idx) && bytes.Equal(n.keys[i], n.keys[idx[j+1]]) {
			continue
		}
		keys, vals = append(keys, n.keys[i]), append(vals, n.vals[i])
	}
	n.keys, n.vals = keys, vals
	return n, nil
}

func (p *jsonParser) array() (*jsonNode, error) {
	p.pos++
	n := &jsonNode{kind: jsonbSmallArray}
	p.space()
	if p.pos < len(p.s) && p.s[p.pos] == ']' {
		p.pos++
		return n, nil
	}
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		n.vals = append(n.vals, v)
		p.space()
		if p.pos < len(p.s) && p.s[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.s) && p.s[p.pos] == ']' {
			p.pos++
			return n, nil
		}
		return nil, p.errorf("',' or ']' expected")
	}
}

// str parses a string at p.pos (its opening quote) into its bytes.
func (p *jsonParser) str() ([]byte, error) {
	p.pos++
	var out []byte
	for {
		if p.pos >= len(p.s) {
			return nil, p.errorf("unterminated string")
		}
		c := p.s[p.pos]
		switch {
		case c == '"':
			p.pos++
			if out == nil {
				out = []byte{}
			}
			return out, nil
		case c == '\\':
			if p.pos+1 >= len(p.s) {
				return nil, p.errorf("unterminated escape")
			}
			e := p.s[p.pos+1]
			p.pos += 2
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return nil, p.errorf("bad \\u escape")
				}
				if utf16.IsSurrogate(r) {
					if p.pos+1 < len(p.s) && p.s[p.pos] == '\\' && p.s[p.pos+1] == 'u' {
						p.pos += 2
						r2, ok := p.hex4()
						if !ok {
							return nil, p.errorf("bad \\u escape")
						}
						r = utf16.DecodeRune(r, r2)
					} else {
						r = utf8.RuneError
					}
				}
				out = utf8.AppendRune(out, r)
			default:
				return nil, p.errorf("bad escape \\%c", e)
			}
		case c < 0x20:
			return nil, p.errorf("control character in a string")
		default:
			out = append(out, c)
			p.pos++
		}
	}
}

func (p *jsonParser) hex4() (rune, bool) {
	if p.pos+4 > len(p.s) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(p.s[p.pos:p.pos+4]), 16, 16)
	if err != nil {
		return 0, false
	}
	p.pos += 4
	return rune(v), true
}

func (p *jsonParser) number() (*jsonNode, error) {
	start := p.pos
	isFloat := false
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '.' || c == 'e' || c == 'E' {
			isFloat = true
		} else if !(c >= '0' && c <= '9' || c == '-' || c == '+') {
			break
		}
		p.pos++
	}
	t := string(p.s[start:p.pos])
	if !isFloat {
		if i, err := strconv.ParseInt(t, 10, 64); err == nil {
			switch {
			case i >= 0 && i > math.MaxUint32:
				return &jsonNode{kind: jsonbUint64, num: uint64(i)}, nil
			case i >= math.MinInt16 && i <= math.MaxInt16:
				return &jsonNode{kind: jsonbInt16, num: uint64(i)}, nil
			case i >= math.MinInt32 && i <= math.MaxInt32:
				return &jsonNode{kind: jsonbInt32, num: uint64(i)}, nil
			}
			return &jsonNode{kind: jsonbInt64, num: uint64(i)}, nil
		}
		if u, err := strconv.ParseUint(t, 10, 64); err == nil {
			return &jsonNode{kind: jsonbUint64, num: u}, nil
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil && !isRangeErr(err) || math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, p.errorf("bad number %q", t)
	}
	return &jsonNode{kind: jsonbDouble, num: math.Float64bits(f)}, nil
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// appendJSONDiffs appends the diffs of a partial JSON update as
// PARTIAL_UPDATE_ROWS logs them (decodeJSONDiffs reads them): operation,
// path and, but for a removal, the value as binary JSON.
func appendJSONDiffs(dst []byte, diffs []JSONDiff) ([]byte, error) {
	for i, d := range diffs {
		if d.Op > JSONRemove {
			return dst, fmt.Errorf("JSON diff %d: bad operation %d", i, d.Op)
		}
		dst = append(dst, byte(d.Op))
		dst = appendPacked(dst, uint64(len(d.Path)))
		dst = append(dst, d.Path...)
		if d.Op == JSONRemove {
			continue
		}
		doc, err := appendJSONBinary(nil, d.Value)
		if err != nil {
			return dst, fmt.Errorf("JSON diff %d: %w", i, err)
		}
		dst = appendPacked(dst, uint64(len(doc)))
		dst = append(dst, doc...)
	}
	return dst, nil
}
