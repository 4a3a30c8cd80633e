package anonymize

import (
	"encoding/json"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/binlogkit/binlogkit/binlog"
)

// apply masks v by plan p; table is "db.table" for the Report. changed
// reports whether the result differs from v.
func (m *Masker) apply(p *colPlan, table string, col *binlog.Column, v binlog.Value) (binlog.Value, bool, error) {
	k := v.Kind()
	if k == binlog.KindAbsent || k == binlog.KindNull {
		return v, false, nil
	}
	if p.whole >= 0 {
		ru := &m.rules[p.whole]
		if ru.Strategy == Keep {
			m.count(p.whole, table, Counts{Matched: 1})
			return v, false, nil
		}
		if k == binlog.KindUndecodable {
			return v, false, ErrUndecodable
		}
		out, ok := m.whole(ru, col, v)
		c := Counts{Matched: 1, Masked: 1}
		if !ok {
			out, _ = m.whole(&m.fallback, col, v)
			c = Counts{Matched: 1, Skipped: 1}
		}
		m.count(p.whole, table, c)
		return out, true, nil
	}
	if p.dets == 0 {
		return v, false, nil
	}
	return m.detectValue(p, table, col, v)
}

// charsetOfValue returns the charset a string value's bytes are in.
func charsetOfValue(v binlog.Value) string {
	if v.Kind() != binlog.KindString {
		return ""
	}
	c := binlog.Column{Collation: v.Collation()}
	return c.Charset()
}

// limitsOf returns the limits of col for value v, in v's collation.
func limitsOf(col *binlog.Column, v binlog.Value) limits {
	l := stringLimits(col)
	l.collation = 0
	if v.Kind() == binlog.KindString {
		l.collation = v.Collation()
	}
	if charsetOfValue(v) == "" {
		l.maxChars = -1
	}
	return l
}

// whole masks a whole value by ru; false when the output cannot fit col.
func (m *Masker) whole(ru *Rule, col *binlog.Column, v binlog.Value) (binlog.Value, bool) {
	if ru.Strategy == Null {
		if col.Nullable {
			return binlog.NullValue(), true
		}
		return v, false
	}
	fallback := ru == &m.fallback
	switch v.Kind() {
	case binlog.KindString, binlog.KindBytes:
		if looksJSON(v) {
			// MariaDB's JSON is a string: keep it a document.
			out, _ := walkJSON(nil, v.Bytes(), 0, m.jsonWhole(ru))
			return m.fitBytes(col, v, out, fallback)
		}
		s := valueText(v)
		b, ok := fitText(limitsOf(col, v), m.textMask(ru, 0, s))
		if !ok {
			return v, false
		}
		if v.Kind() == binlog.KindString {
			return binlog.StringValue(b, v.Collation()), true
		}
		return binlog.BytesValue(b), true
	case binlog.KindInt:
		x := v.Int()
		u := uint64(x)
		if x < 0 {
			u = -u
		}
		u = m.maskUint(ru, u, intMax(col.Type, false))
		if x < 0 {
			return binlog.IntValue(-int64(u)), true
		}
		return binlog.IntValue(int64(u)), true
	case binlog.KindUint:
		return binlog.UintValue(m.maskUint(ru, v.Uint(), intMax(col.Type, true))), true
	case binlog.KindDecimal:
		s := v.Text()
		if ru.Strategy == Redact {
			b := make([]byte, 0, len(s))
			for i := 0; i < len(s); i++ {
				switch c := s[i]; {
				case isDigit(c):
					b = append(b, '0')
				case c != '-':
					b = append(b, c)
				}
			}
			return binlog.DecimalValue(string(b)), true
		}
		return binlog.DecimalValue(m.numberMask(ru, 0, s)), true
	case binlog.KindFloat:
		f := m.maskFloat(ru, float64(v.Float32()), 32)
		return binlog.FloatValue(float32(f)), true
	case binlog.KindDouble:
		return binlog.DoubleValue(m.maskFloat(ru, v.Float64(), 64)), true
	case binlog.KindYear:
		y := int(v.Int())
		switch ru.Strategy {
		case Redact:
			y = 0
		case Partial:
			if y != 0 {
				y = min(max(y-y%10, 1901), 2155)
			}
		default:
			y = 1901 + int(m.k.uint64Of(domNumber, "year:"+strconv.Itoa(y))%255)
		}
		return binlog.YearValue(y), true
	case binlog.KindBit:
		w := v.Precision()
		var bits uint64
		if ru.Strategy == Pseudonym || ru.Strategy == Fake {
			bits = m.k.uint64Of(domNumber, "bit:"+strconv.FormatUint(v.Uint(), 10))
			if w < 64 {
				bits &= 1<<w - 1
			}
		}
		return binlog.BitValue(bits, w), true
	case binlog.KindDate:
		d := v.Date()
		return binlog.DateValue(m.maskDate(ru, d)), true
	case binlog.KindDateTime:
		d := v.DateTime()
		nd := m.maskDate(ru, binlog.Date{Year: d.Year, Month: d.Month, Day: d.Day})
		out := binlog.DateTime{Year: nd.Year, Month: nd.Month, Day: nd.Day}
		if ru.Strategy == Pseudonym || ru.Strategy == Fake {
			x := m.k.uint64Of(domNumber, "dt:"+d.Format(6))
			out.Hour, out.Minute, out.Second = int(x%24), int(x/24%60), int(x/1440%60)
		}
		return binlog.DateTimeValue(out, v.Precision()), true
	case binlog.KindTimestamp:
		t := v.Timestamp()
		var out time.Time
		switch ru.Strategy {
		case Redact:
			out = time.Unix(1, 0)
		case Partial:
			out = time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		default:
			x := m.k.uint64Of(domNumber, "ts:"+t.Format(time.RFC3339Nano))
			out = time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(x%(365*86400)) * time.Second)
		}
		if out.Unix() < 1 {
			out = time.Unix(1, 0)
		}
		if out.Unix() > math.MaxInt32 {
			out = time.Unix(math.MaxInt32, 0)
		}
		return binlog.TimestampValue(out.UTC(), v.Precision()), true
	case binlog.KindTime:
		t := v.Time()
		var out binlog.Time
		switch ru.Strategy {
		case Partial:
			out.Hours, out.Negative = t.Hours, t.Negative
		case Pseudonym, Fake:
			x := m.k.uint64Of(domNumber, "time:"+t.Format(6))
			out.Hours, out.Minutes, out.Seconds = int(x%24), int(x/24%60), int(x/1440%60)
		}
		return binlog.TimeValue(out, v.Precision()), true
	case binlog.KindEnum:
		names := v.Names()
		switch ru.Strategy {
		case Partial:
			if !fallback {
				return v, false
			}
		case Pseudonym, Fake:
			if len(names) > 0 {
				x := m.k.uint64Of(domNumber, "enum:"+v.Text())
				return binlog.EnumValue(1+int(x%uint64(len(names))), names), true
			}
		}
		return binlog.EnumValue(1, names), true
	case binlog.KindSet:
		names := v.Names()
		switch ru.Strategy {
		case Partial:
			if !fallback {
				return v, false
			}
		case Pseudonym, Fake:
			if n := len(names); n > 0 {
				x := m.k.uint64Of(domNumber, "set:"+v.Text())
				if n < 64 {
					x &= 1<<n - 1
				}
				return binlog.SetValue(x, names), true
			}
		}
		return binlog.SetValue(0, names), true
	case binlog.KindJSON:
		out, _ := walkJSON(nil, v.Bytes(), 0, m.jsonWhole(ru))
		if l := stringLimits(col); l.maxBytes >= 0 && len(out) > l.maxBytes {
			if !fallback {
				return v, false
			}
			out = []byte("null")
		}
		return binlog.JSONValue(out), true
	case binlog.KindJSONDiff:
		diffs := append([]binlog.JSONDiff(nil), v.JSONDiffs()...)
		for i := range diffs {
			if diffs[i].Value != nil {
				diffs[i].Value, _ = walkJSON(nil, diffs[i].Value, 0, m.jsonWhole(ru))
			}
		}
		return binlog.JSONDiffValue(diffs), true
	case binlog.KindGeometry:
		if !fallback {
			return v, false
		}
		// POINT(0 0) in the value's SRID.
		b := make([]byte, 4, 25)
		copy(b, v.Bytes())
		b = append(b, 1, 1, 0, 0, 0)
		b = append(b, make([]byte, 16)...)
		return binlog.GeometryValue(b), true
	case binlog.KindVector:
		if !fallback {
			return v, false
		}
		// Zeros: a vector of the same dimension. No constructor exists
		// for KindVector; bytes encode into a VECTOR column alike.
		return binlog.BytesValue(make([]byte, len(v.Bytes()))), true
	}
	return v, false
}

// jsonNumber makes a masked number valid JSON: no leading zero before a
// digit.
func jsonNumber(s string) string {
	b := []byte(s)
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i+1 < len(b) && b[i] == '0' && isDigit(b[i+1]) {
		b[i] = '1'
	}
	return string(b)
}

// intMax returns the largest magnitude an integer column holds.
func intMax(t binlog.ColumnType, unsigned bool) uint64 {
	var bits uint
	switch t {
	case binlog.TypeTiny:
		bits = 8
	case binlog.TypeShort:
		bits = 16
	case binlog.TypeInt24:
		bits = 24
	case binlog.TypeLong:
		bits = 32
	default:
		bits = 64
	}
	if !unsigned {
		bits--
	}
	if bits == 64 {
		return math.MaxUint64
	}
	return 1<<bits - 1
}

// maskUint masks the magnitude u of an integer, keeping it at most max.
func (m *Masker) maskUint(ru *Rule, u, max uint64) uint64 {
	s := m.numberMask(ru, 0, strconv.FormatUint(u, 10))
	out, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		// More than 64 bits (a fake of a 20-digit number): a keyed number.
		out = m.k.uint64Of(domNumber, s)
	}
	if out > max {
		out %= max
	}
	return out
}

// maskFloat masks a float's decimal digits.
func (m *Masker) maskFloat(ru *Rule, f float64, bits int) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) || ru.Strategy == Redact {
		return 0
	}
	s := m.numberMask(ru, 0, strconv.FormatFloat(f, 'g', -1, bits))
	out, err := strconv.ParseFloat(s, bits)
	if err != nil || math.IsInf(out, 0) {
		return 0
	}
	return out
}

// maskDate masks a civil date: Redact gives 1970-01-01, Partial the first
// of January of the same year, Pseudonym and Fake a keyed day of the same
// year (the year kept, so ages stay about right).
func (m *Masker) maskDate(ru *Rule, d binlog.Date) binlog.Date {
	switch ru.Strategy {
	case Redact:
		return binlog.Date{Year: 1970, Month: 1, Day: 1}
	case Partial:
		if d.Year == 0 {
			return binlog.Date{}
		}
		return binlog.Date{Year: d.Year, Month: 1, Day: 1}
	}
	x := m.k.uint64Of(domNumber, "date:"+d.String())
	y := d.Year
	if y < 1000 || y > 9999 {
		y = 1970
	}
	return binlog.Date{Year: y, Month: 1 + int(x%12), Day: 1 + int(x/12%28)}
}

// mayMatchTable marks the bytes without which no detector matches: a
// digit (numbers, addresses), '@' (emails), ':' (IPv6 like ::).
var mayMatchTable = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	t['@'], t[':'] = true, true
	return
}()

func mayMatch(b []byte) bool {
	for _, c := range b {
		if mayMatchTable[c] {
			return true
		}
	}
	return false
}

// mayDetect reports whether a detector of set might match in v: false
// when detectValue would leave v as it is without looking further.
func mayDetect(set detSet, v *binlog.Value) bool {
	if set == 0 {
		return false
	}
	switch v.Kind() {
	case binlog.KindString:
		if !binlog.ASCIICompatible(v.Collation()) {
			return mayMatch(v.Bytes())
		}
		return mayMatchText(v.Bytes(), set)
	case binlog.KindBytes, binlog.KindJSON:
		return mayMatchText(v.Bytes(), set)
	case binlog.KindJSONDiff:
		return true
	}
	return false
}

// detectValue runs the detectors of p on a string, bytes or JSON value.
func (m *Masker) detectValue(p *colPlan, table string, col *binlog.Column, v binlog.Value) (binlog.Value, bool, error) {
	var hits []int
	var out binlog.Value
	ok := true
	switch v.Kind() {
	case binlog.KindString, binlog.KindBytes:
		if !mayDetect(p.dets, &v) {
			return v, false, nil
		}
		if looksJSON(v) {
			b, changed := walkJSON(nil, v.Bytes(), p.dets, m.jsonDetect(p, &hits))
			if !changed {
				return v, false, nil
			}
			l := limitsOf(col, v)
			ok = (l.maxBytes < 0 || len(b) <= l.maxBytes) && (l.maxChars < 0 || utf8.RuneCount(b) <= l.maxChars)
			if v.Kind() == binlog.KindString {
				out = binlog.StringValue(b, v.Collation())
			} else {
				out = binlog.BytesValue(b)
			}
			break
		}
		if readInPlace(v) {
			// The common case of a value that passed the pre-check: still
			// nothing to mask, found without a copy of the value.
			if m.ms = findAll(m.ms[:0], v.Bytes(), p.dets); len(m.ms) == 0 {
				return v, false, nil
			}
		}
		s := valueText(v)
		masked, h, null := m.detectText(p, s, false, true)
		if len(h) == 0 {
			return v, false, nil
		}
		hits = h
		switch {
		case null && col.Nullable:
			out = binlog.NullValue()
		case null:
			ok = false
		default:
			var b []byte
			if b, ok = fitText(limitsOf(col, v), masked); ok {
				if v.Kind() == binlog.KindString {
					out = binlog.StringValue(b, v.Collation())
				} else {
					out = binlog.BytesValue(b)
				}
			}
		}
	case binlog.KindJSON:
		if !mayDetect(p.dets, &v) {
			return v, false, nil
		}
		b, changed := walkJSON(nil, v.Bytes(), p.dets, m.jsonDetect(p, &hits))
		if !changed {
			return v, false, nil
		}
		if l := stringLimits(col); l.maxBytes >= 0 && len(b) > l.maxBytes {
			ok = false
		}
		out = binlog.JSONValue(b)
	case binlog.KindJSONDiff:
		diffs := append([]binlog.JSONDiff(nil), v.JSONDiffs()...)
		any := false
		for i := range diffs {
			if diffs[i].Value != nil && mayMatchText(diffs[i].Value, p.dets) {
				b, changed := walkJSON(nil, diffs[i].Value, p.dets, m.jsonDetect(p, &hits))
				if changed {
					diffs[i].Value, any = b, true
				}
			}
		}
		if !any {
			return v, false, nil
		}
		out = binlog.JSONDiffValue(diffs)
	default:
		return v, false, nil
	}
	c := Counts{Matched: 1, Masked: 1}
	if !ok {
		out, _ = m.whole(&m.fallback, col, v)
		c = Counts{Matched: 1, Skipped: 1}
	}
	for _, ri := range hits {
		m.count(ri, table, c)
	}
	return out, true, nil
}

// jsonDetect returns the walkJSON function of detection: matches in
// strings (keys included) and numbers are masked; a NULL strategy masks
// with the fallback redaction (a member cannot be SQL NULL).
func (m *Masker) jsonDetect(p *colPlan, hits *[]int) func(s string, key, num bool) (string, bool) {
	return func(s string, key, num bool) (string, bool) {
		out, h, _ := m.detectText(p, s, num, false)
		if len(h) == 0 {
			return s, false
		}
		*hits = append(*hits, h...)
		if num {
			out = jsonNumber(out)
		}
		return out, out != s
	}
}

// detectText masks the detector matches of s. digitsOnly keeps a number a
// number; allowNull reports a match whose rule says NULL (null) instead of
// masking it. hits lists the rule of each match, for the caller to count.
//
// In a number (digitsOnly) only phone numbers are looked for: a 13 to 19
// digit number passes the Luhn check one time in ten and an 18-digit one
// the ID check one time in eleven, so ids, timestamps and partition bounds
// would be taken for cards and ID numbers.
func (m *Masker) detectText(p *colPlan, s string, digitsOnly, allowNull bool) (out string, hits []int, null bool) {
	set := p.dets
	if digitsOnly {
		set &= 1<<MobileCN | 1<<PhoneE164
	}
	m.ms = findAll(m.ms[:0], s, set)
	if len(m.ms) == 0 {
		return s, nil, false
	}
	b := make([]byte, 0, len(s)+8)
	last := 0
	for _, mt := range m.ms {
		ri := int(p.detRule[mt.det])
		hits = append(hits, ri)
		ru := &m.rules[ri]
		sub := s[mt.start:mt.end]
		b = append(b, s[last:mt.start]...)
		last = mt.end
		switch {
		case ru.Strategy == Keep:
			b = append(b, sub...)
			continue
		case ru.Strategy == Null && allowNull:
			null = true
			b = append(b, sub...)
			continue
		case ru.Strategy == Null:
			ru = &m.fallback
		}
		if digitsOnly {
			b = append(b, m.numberMask(ru, mt.det, sub)...)
		} else {
			b = append(b, m.textMask(ru, mt.det, sub)...)
		}
	}
	b = append(b, s[last:]...)
	return string(b), hits, null
}

// jsonWhole returns the walkJSON function of a whole-value rule: every
// member value (not the keys) masked.
func (m *Masker) jsonWhole(ru *Rule) func(s string, key, num bool) (string, bool) {
	return func(s string, key, num bool) (string, bool) {
		if key {
			return s, false
		}
		if num {
			return jsonNumber(m.numberMask(ru, 0, s)), true
		}
		return m.textMask(ru, 0, s), true
	}
}

// looksJSON reports whether a string or bytes value holds a JSON object or
// array in UTF-8 (MariaDB logs JSON columns as utf8mb4 text).
func looksJSON(v binlog.Value) bool {
	b := v.Bytes()
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	if i == len(b) || b[i] != '{' && b[i] != '[' {
		return false
	}
	switch charsetOfValue(v) {
	case "", "utf8mb4", "utf8mb3", "utf8", "ascii":
	default:
		return false
	}
	return json.Valid(b)
}

// fitBytes returns the string or bytes value b (in v's charset) if it fits
// col; false when it does not (never for the fallback, which gets "null"
// cut to fit, a document still).
func (m *Masker) fitBytes(col *binlog.Column, v binlog.Value, b []byte, fallback bool) (binlog.Value, bool) {
	l := limitsOf(col, v)
	if l.maxBytes >= 0 && len(b) > l.maxBytes || l.maxChars >= 0 && utf8.RuneCount(b) > l.maxChars {
		if !fallback {
			return v, false
		}
		b, _ = fitText(l, "null")
	}
	if v.Kind() == binlog.KindString {
		return binlog.StringValue(b, v.Collation()), true
	}
	return binlog.BytesValue(b), true
}

// readInPlace reports whether the detectors find in the bytes of a string
// or bytes value what they find in its text (valueText): for bytes, and
// for charsets where every character outside ASCII is written with bytes
// from 0x80 up (UTF-8, latin1), which the detectors read alike, whether
// decoded or not, valid or not.
func readInPlace(v binlog.Value) bool {
	if v.Kind() == binlog.KindBytes {
		return true
	}
	switch charsetOfValue(v) {
	case "", "binary", "utf8mb4", "utf8mb3", "ascii", "latin1":
		return true
	}
	return false
}

// valueText returns a string or bytes value as text: bytes as they are,
// strings decoded to UTF-8 (without a second copy when they are UTF-8
// already).
func valueText(v binlog.Value) string {
	b := v.Bytes()
	if v.Kind() == binlog.KindBytes {
		return string(b)
	}
	switch charsetOfValue(v) {
	case "utf8mb4", "utf8mb3", "utf8", "ascii":
		if utf8.Valid(b) {
			return string(b)
		}
	}
	return v.Text()
}
