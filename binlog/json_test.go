package binlog

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// A test encoder for MySQL binary JSON, following json_binary.cc
// serialize_json_value: containers are written small or large as asked
// (MySQL picks small unless an offset does not fit), keys and values in the
// given order.

type (
	jObj []jKV // an object, keys in the given order
	jKV  struct {
		k string
		v any
	}
	jArr    []any
	jOpaque struct {
		t    byte
		data []byte
	}
	jRaw struct { // a pre-encoded value
		t    byte
		data []byte
	}
)

// jdoc encodes v as a document (type byte + value).
func jdoc(v any, large bool) []byte {
	t, b := jenc(v, large)
	return append([]byte{t}, b...)
}

func jvarlen(dst []byte, n int) []byte {
	for {
		c := byte(n & 0x7f)
		n >>= 7
		if n != 0 {
			c |= 0x80
		}
		dst = append(dst, c)
		if n == 0 {
			return dst
		}
	}
}

func jenc(v any, large bool) (byte, []byte) {
	switch v := v.(type) {
	case nil:
		return jsonbLiteral, []byte{jsonbNull}
	case bool:
		if v {
			return jsonbLiteral, []byte{jsonbTrue}
		}
		return jsonbLiteral, []byte{jsonbFalse}
	case int:
		return jenc(int64(v), large)
	case int64:
		switch {
		case v >= math.MinInt16 && v <= math.MaxInt16:
			return jsonbInt16, binary.LittleEndian.AppendUint16(nil, uint16(v))
		case v >= math.MinInt32 && v <= math.MaxInt32:
			return jsonbInt32, binary.LittleEndian.AppendUint32(nil, uint32(v))
		}
		return jsonbInt64, binary.LittleEndian.AppendUint64(nil, uint64(v))
	case uint64:
		switch {
		case v <= math.MaxUint16:
			return jsonbUint16, binary.LittleEndian.AppendUint16(nil, uint16(v))
		case v <= math.MaxUint32:
			return jsonbUint32, binary.LittleEndian.AppendUint32(nil, uint32(v))
		}
		return jsonbUint64, binary.LittleEndian.AppendUint64(nil, v)
	case float64:
		return jsonbDouble, binary.LittleEndian.AppendUint64(nil, math.Float64bits(v))
	case string:
		return jsonbString, append(jvarlen(nil, len(v)), v...)
	case jOpaque:
		return jsonbOpaque, append(jvarlen([]byte{v.t}, len(v.data)), v.data...)
	case jRaw:
		return v.t, v.data
	case jArr:
		return jcontainer(false, nil, v, large)
	case jObj:
		keys := make([]string, len(v))
		vals := make([]any, len(v))
		for i, kv := range v {
			keys[i], vals[i] = kv.k, kv.v
		}
		return jcontainer(true, keys, vals, large)
	}
	panic("jenc: unsupported value")
}

func jcontainer(object bool, keys []string, vals []any, large bool) (byte, []byte) {
	osz := 2
	t := byte(jsonbSmallArray)
	if object {
		t = jsonbSmallObject
	}
	if large {
		osz = 4
		t++
	}
	put := func(b []byte, off, v int) {
		if large {
			binary.LittleEndian.PutUint32(b[off:], uint32(v))
		} else {
			binary.LittleEndian.PutUint16(b[off:], uint16(v))
		}
	}
	n := len(vals)
	hdr := 2*osz + n*(1+osz)
	if object {
		hdr += n * (2 + osz)
	}
	buf := make([]byte, hdr)
	put(buf, 0, n)
	ve := 2 * osz
	if object {
		ve += n * (2 + osz)
		for i, k := range keys {
			put(buf, 2*osz+i*(2+osz), len(buf))
			binary.LittleEndian.PutUint16(buf[2*osz+i*(2+osz)+osz:], uint16(len(k)))
			buf = append(buf, k...)
		}
	}
	for i, v := range vals {
		vt, vb := jenc(v, large)
		e := ve + i*(1+osz)
		buf[e] = vt
		if jsonInlined(vt, large) {
			copy(buf[e+1:e+1+osz], vb)
			continue
		}
		put(buf, e+1, len(buf))
		buf = append(buf, vb...)
	}
	put(buf, osz, len(buf))
	return t, buf
}

// jpacked returns MySQL's packed form of a DATETIME (TIME_to_longlong_datetime_packed).
func jpackedDateTime(y, mo, d, h, mi, s, us int) []byte {
	ymd := int64((y*13+mo)<<5 | d)
	hms := int64(h<<12 | mi<<6 | s)
	v := (ymd<<17|hms)<<24 + int64(us)
	return binary.LittleEndian.AppendUint64(nil, uint64(v))
}

// jpackedTime returns MySQL's packed form of a TIME (TIME_to_longlong_time_packed).
func jpackedTime(neg bool, h, mi, s, us int) []byte {
	v := int64(h<<12|mi<<6|s)<<24 + int64(us)
	if neg {
		v = -v
	}
	return binary.LittleEndian.AppendUint64(nil, uint64(v))
}

// jdecimal returns the JSON opaque payload of a DECIMAL.
func jdecimal(t *testing.T, s string, precision, scale int) []byte {
	t.Helper()
	return append([]byte{byte(precision), byte(scale)}, encBinaryDecimal(t, s, precision, scale)...)
}

func TestAppendJSON(t *testing.T) {
	longStr := strings.Repeat("x", 200) // two-byte length
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"null", nil, "null"},
		{"true", true, "true"},
		{"false", false, "false"},
		{"int16", -32768, "-32768"},
		{"int32", int64(-2147483648), "-2147483648"},
		{"int32 max", int64(2147483647), "2147483647"},
		{"int64", int64(math.MinInt64), "-9223372036854775808"},
		{"uint16", uint64(65535), "65535"},
		{"uint32", uint64(4294967295), "4294967295"},
		{"uint64", uint64(math.MaxUint64), "18446744073709551615"},
		{"double", 1.5, "1.5"},
		{"double integral", 3.0, "3.0"},
		{"double zero", 0.0, "0.0"},
		{"double neg zero", math.Copysign(0, -1), "-0.0"},
		{"string", "hello", `"hello"`},
		{"empty string", "", `""`},
		{"long string", longStr, `"` + longStr + `"`},
		{"escapes", "a\"b\\c\b\f\n\r\t\x00\x01\x1f\x7f/é", `"a\"b\\c\b\f\n\r\t\u0000\u0001\u001f` + "\x7f/é\""},
		{"unicode", "日本語 😀", `"日本語 😀"`},
		{"empty array", jArr{}, "[]"},
		{"empty object", jObj{}, "{}"},
		{"array", jArr{1, "two", 3.5, nil, true, false, uint64(7)}, `[1, "two", 3.5, null, true, false, 7]`},
		{"array of wide ints", jArr{int64(70000), uint64(70000), int64(-70000), int64(1) << 40}, "[70000, 70000, -70000, 1099511627776]"},
		{"object", jObj{{"a", 1}, {"b", jArr{1, 2}}}, `{"a": 1, "b": [1, 2]}`},
		{"nested", jObj{{"id", 7}, {"tags", jArr{"x", jObj{{"k", nil}}}}, {"o", jObj{}}},
			`{"id": 7, "tags": ["x", {"k": null}], "o": {}}`},
		{"key escapes", jObj{{"a\"\n", "v"}}, `{"a\"\n": "v"}`},
		{"decimal", jOpaque{246, jdecimal(t, "1234567890.1234", 14, 4)}, "1234567890.1234"},
		{"decimal negative", jOpaque{246, jdecimal(t, "-0.50", 5, 2)}, "-0.50"},
		{"decimal integer", jOpaque{246, jdecimal(t, "42", 10, 0)}, "42"},
		{"date", jOpaque{10, jpackedDateTime(2015, 1, 15, 0, 0, 0, 0)}, `"2015-01-15"`},
		{"datetime", jOpaque{12, jpackedDateTime(2015, 1, 15, 23, 24, 25, 0)}, `"2015-01-15 23:24:25.000000"`},
		{"timestamp", jOpaque{7, jpackedDateTime(2015, 1, 15, 23, 24, 25, 120000)}, `"2015-01-15 23:24:25.120000"`},
		{"zero datetime", jOpaque{12, jpackedDateTime(0, 0, 0, 0, 0, 0, 0)}, `"0000-00-00 00:00:00.000000"`},
		{"time", jOpaque{11, jpackedTime(false, 23, 24, 25, 0)}, `"23:24:25.000000"`},
		{"negative time", jOpaque{11, jpackedTime(true, 838, 59, 59, 999999)}, `"-838:59:59.999999"`},
		{"negative time fraction", jOpaque{11, jpackedTime(true, 0, 0, 1, 500000)}, `"-00:00:01.500000"`},
		{"opaque blob", jOpaque{252, []byte("abc\x00\xff")}, `"base64:type252:YWJjAP8="`},
		{"opaque empty", jOpaque{15, nil}, `"base64:type15:"`},
		{"opaque long", jOpaque{254, make([]byte, 60)}, `"base64:type254:` + strings.Repeat("A", 76) + `\n` + strings.Repeat("A", 4) + `"`},
		{"opaque in array", jArr{jOpaque{16, []byte{1}}}, `["base64:type16:AQ=="]`},
	}
	for _, tt := range tests {
		for _, large := range []bool{false, true} {
			name := tt.name
			if large {
				name += "/large"
			}
			t.Run(name, func(t *testing.T) {
				doc := jdoc(tt.v, large)
				got, err := appendJSON([]byte("prefix:"), doc)
				if err != nil {
					t.Fatalf("appendJSON(% x): %v", doc, err)
				}
				if diff := cmp.Diff("prefix:"+tt.want, string(got)); diff != "" {
					t.Errorf("mismatch (-want +got):\n%s", diff)
				}
				if !json.Valid(got[len("prefix:"):]) {
					t.Errorf("output is not valid JSON: %s", got)
				}
			})
		}
	}
}

func TestAppendJSONEmpty(t *testing.T) {
	got, err := appendJSON(nil, nil)
	if err != nil || string(got) != "null" {
		t.Fatalf("appendJSON(empty) = %q, %v; want null", got, err)
	}
}

// A hand-built small object with inlined and non-inlined values, checked
// byte by byte against the layout in json_binary.cc.
func TestAppendJSONHandBuilt(t *testing.T) {
	// {"a": 1, "bb": "x"}: count 2, size, key entries (offset, length) x2,
	// value entries (type, offset/inline) x2, keys, values.
	doc := []byte{
		jsonbSmallObject,
		2, 0, 23, 0, // count, size
		18, 0, 1, 0, // key "a" at 18
		19, 0, 2, 0, // key "bb" at 19
		jsonbInt16, 1, 0, // 1 inlined
		jsonbString, 21, 0, // "x" at 21
		'a', 'b', 'b',
		1, 'x',
	}
	got, err := appendJSON(nil, doc)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"a": 1, "bb": "x"}`, string(got)); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	// The same bytes as the test encoder makes.
	if diff := cmp.Diff(doc, jdoc(jObj{{"a", 1}, {"bb", "x"}}, false)); diff != "" {
		t.Errorf("encoder mismatch (-want +got):\n%s", diff)
	}
	// A large array inside a small object, and int32 inlined in the large one.
	mixed := jObj{{"k", jRaw{}}}
	lt, lb := jenc(jArr{int64(100000), uint64(3000000000)}, true)
	mixed[0].v = jRaw{lt, lb}
	got, err = appendJSON(nil, jdoc(mixed, false))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"k": [100000, 3000000000]}`, string(got)); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestAppendJSONDouble(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{0, "0.0"},
		{1, "1.0"},
		{-1, "-1.0"},
		{0.1, "0.1"},
		{-2.5, "-2.5"},
		{3.141592653589793, "3.141592653589793"},
		{100, "100.0"},
		{1e14, "100000000000000.0"},
		{1e15, "1e15"},
		{-1e15, "-1e15"},
		{1.5e15, "1.5e15"},
		{123456789012345678, "1.2345678901234568e17"},
		{1234567890123456.7, "1234567890123456.8"},
		{123456789012345.6, "123456789012345.6"},
		{0.0001, "0.0001"},
		{0.00001, "0.00001"},
		{1e-15, "0.000000000000001"},
		{1.5e-15, "0.0000000000000015"},
		{1e-16, "1e-16"},
		{-1.25e-16, "-1.25e-16"},
		{1.5e300, "1.5e300"},
		{2.5e-300, "2.5e-300"},
		{5e-324, "5e-324"},
		{math.MaxFloat64, "1.7976931348623157e308"},
		{1e100, "1e100"},
		{1e22, "1e22"},
	}
	for _, tt := range tests {
		got := string(appendJSONDouble(nil, tt.f))
		if got != tt.want {
			t.Errorf("appendJSONDouble(%v) = %s, want %s", tt.f, got, tt.want)
		}
		if !json.Valid([]byte(got)) {
			t.Errorf("appendJSONDouble(%v) = %s: not valid JSON", tt.f, got)
		}
	}
}

func TestAppendJSONErrors(t *testing.T) {
	deep := func(n int) []byte {
		var v any = jArr{}
		for range n - 1 {
			v = jArr{v}
		}
		return jdoc(v, false)
	}
	bigVarLen := []byte{jsonbString, 0xff, 0xff, 0xff, 0xff, 0x7f} // > 2^32
	tests := []struct {
		name string
		doc  []byte
	}{
		{"unknown type", []byte{0x0d, 0}},
		{"bad literal", []byte{jsonbLiteral, 3}},
		{"short literal", []byte{jsonbLiteral}},
		{"short int16", []byte{jsonbInt16, 1}},
		{"short uint32", []byte{jsonbUint32, 1, 2, 3}},
		{"short int64", []byte{jsonbInt64, 1, 2, 3, 4, 5, 6, 7}},
		{"short double", []byte{jsonbDouble, 0, 0}},
		{"NaN", binary.LittleEndian.AppendUint64([]byte{jsonbDouble}, math.Float64bits(math.NaN()))},
		{"Inf", binary.LittleEndian.AppendUint64([]byte{jsonbDouble}, math.Float64bits(math.Inf(-1)))},
		{"string past end", []byte{jsonbString, 5, 'a', 'b'}},
		{"string length unterminated", []byte{jsonbString, 0x80, 0x80}},
		{"string length 6 bytes", []byte{jsonbString, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}},
		{"string length over 32 bits", bigVarLen},
		{"opaque empty", []byte{jsonbOpaque}},
		{"opaque past end", []byte{jsonbOpaque, 252, 3, 1}},
		{"decimal short", jdoc(jOpaque{246, []byte{5}}, false)},
		{"decimal bad size", jdoc(jOpaque{246, []byte{5, 2, 0x80}}, false)},
		{"decimal extra bytes", jdoc(jOpaque{246, append(jdecimal(t, "1.5", 2, 1), 0)}, false)},
		{"decimal bad precision", jdoc(jOpaque{246, []byte{66, 0}}, false)},
		{"decimal bad scale", jdoc(jOpaque{246, []byte{2, 3, 0x80}}, false)},
		{"decimal bad digits", jdoc(jOpaque{246, []byte{2, 0, 0x80 | 0x7f}}, false)},
		{"date short", jdoc(jOpaque{10, []byte{1, 2, 3}}, false)},
		{"datetime bad fraction", jdoc(jOpaque{12, binary.LittleEndian.AppendUint64(nil, 1<<24-1)}, false)},
		{"container header short", []byte{jsonbSmallArray, 1, 0, 5}},
		{"large container header short", []byte{jsonbLargeArray, 1, 0, 0, 0, 5, 0, 0}},
		{"size past end", []byte{jsonbSmallArray, 0, 0, 9, 0}},
		{"count too big for size", []byte{jsonbSmallArray, 2, 0, 7, 0, jsonbLiteral, 0, 0}},
		{"large count overflow", []byte{jsonbLargeObject, 0xff, 0xff, 0xff, 0xff, 8, 0, 0, 0}},
		{"value offset past size", []byte{jsonbSmallArray, 1, 0, 7, 0, jsonbString, 7, 0}},
		{"value offset into nothing", []byte{jsonbSmallArray, 1, 0, 8, 0, jsonbString, 7, 0, 9}},
		{"key past size", []byte{jsonbSmallObject, 1, 0, 11, 0, 11, 0, 1, 0, jsonbLiteral, 0, 0}},
		{"bad inlined literal", []byte{jsonbSmallArray, 1, 0, 7, 0, jsonbLiteral, 9, 0}},
		{"bad nested type", []byte{jsonbSmallArray, 1, 0, 8, 0, 0x0e, 7, 0, 0}},
		{"too deep", deep(maxJSONDepth + 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := appendJSON([]byte("keep"), tt.doc)
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("appendJSON(% x) = %q, %v; want ErrCorrupt", tt.doc, got, err)
			}
			if string(got) != "keep" {
				t.Errorf("dst changed on error: %q", got)
			}
		})
	}
	if _, err := appendJSON(nil, deep(maxJSONDepth)); err != nil {
		t.Errorf("depth %d: %v", maxJSONDepth, err)
	}
}

// Every strict prefix of a document is corrupt (or, when empty, null).
func TestAppendJSONTruncated(t *testing.T) {
	docs := []any{
		jObj{{"a", 1}, {"b", jArr{1, "two", 3.5, jOpaque{10, jpackedDateTime(2000, 1, 1, 0, 0, 0, 0)}}}},
		"hello", int64(1) << 40, 2.5, jOpaque{252, []byte("xyz")},
	}
	for _, v := range docs {
		for _, large := range []bool{false, true} {
			doc := jdoc(v, large)
			for n := 1; n < len(doc); n++ {
				if got, err := appendJSON(nil, doc[:n]); !errors.Is(err, ErrCorrupt) {
					t.Errorf("appendJSON(% x) = %q, %v; want ErrCorrupt", doc[:n], got, err)
				}
			}
		}
	}
}

// Value entries that all point at one subtree make the text exponentially
// larger than the data; the decoder must give up quickly.
func TestAppendJSONSharedSubtrees(t *testing.T) {
	// Each level: a small array of 4 entries all pointing at the next level
	// right after its header.
	const levels = 60
	inner := []byte{jsonbSmallArray, 0, 0, 4, 0} // empty array, as type + body
	body := inner[1:]
	typ := inner[0]
	for range levels {
		hdr := 4 + 4*3
		b := make([]byte, hdr, hdr+len(body))
		binary.LittleEndian.PutUint16(b, 4)
		binary.LittleEndian.PutUint16(b[2:], uint16(hdr+len(body)))
		for i := range 4 {
			b[4+3*i] = typ
			binary.LittleEndian.PutUint16(b[5+3*i:], uint16(hdr))
		}
		body = append(b, body...)
		typ = jsonbSmallArray
	}
	doc := append([]byte{typ}, body...)
	start := time.Now()
	_, err := appendJSON(nil, doc)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

func FuzzJSON(f *testing.F) {
	seeds := []any{
		nil, true, int64(-5), uint64(1) << 40, 1.5, "str\n",
		jObj{{"a", 1}, {"b", jArr{1, "two", 3.5, nil, jObj{{"c", false}}}}},
		jArr{jOpaque{246, []byte{5, 2, 0x80, 0x01, 0x02}}, jOpaque{12, jpackedDateTime(2015, 1, 15, 23, 24, 25, 1)}},
		jArr{jOpaque{11, jpackedTime(true, 1, 2, 3, 4)}, jOpaque{15, []byte("raw")}},
	}
	for _, v := range seeds {
		f.Add(jdoc(v, false))
		f.Add(jdoc(v, true))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := appendJSON(nil, data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error does not wrap ErrCorrupt: %v", err)
			}
			return
		}
		if len(out) > 8*len(data)+64 {
			t.Fatalf("output of %d bytes for %d bytes of input", len(out), len(data))
		}
		if !json.Valid(out) {
			t.Fatalf("invalid JSON %q from % x", out, data)
		}
	})
}
