package anonymize

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/binlogkit/binlogkit/binlog"
)

const (
	collUTF8MB4 = 45
	collLatin1  = 8
	collGBK     = 28
	collUTF8MB3 = 33
)

func varchar(name string, chars int, coll uint16, mb int) binlog.Column {
	return binlog.Column{Name: name, Type: binlog.TypeVarchar, BinlogType: binlog.TypeVarchar, Meta: uint16(chars * mb), Collation: coll, Nullable: true}
}

func char(name string, chars int, coll uint16, mb int) binlog.Column {
	return binlog.Column{Name: name, Type: binlog.TypeString, BinlogType: binlog.TypeString, Meta: 0xfe<<8 | uint16(chars*mb), Collation: coll}
}

func mustRules(t testing.TB, rules ...Rule) *Rules {
	t.Helper()
	rs, err := NewRules(rules)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func mustNew(t testing.TB, rs *Rules, opts *Options) *Masker {
	t.Helper()
	m, err := New(rs, opts)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var testKey = []byte("0123456789abcdef0123456789abcdef")

func str(s string, coll uint16) binlog.Value {
	b, ok := binlog.EncodeText(coll, s)
	if !ok {
		panic("test value not encodable: " + s)
	}
	return binlog.StringValue(b, coll)
}

func TestPartialMobile(t *testing.T) {
	m := mustNew(t, nil, nil)
	col := varchar("phone", 20, collUTF8MB4, 4)
	v, err := m.Value("shop", "users", col, str("13812345678", collUTF8MB4))
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Text(); got != "138****5678" {
		t.Errorf("got %q, want 138****5678", got)
	}
	// A detector match in a longer text, in a column no hint names.
	col = varchar("note", 100, collUTF8MB4, 4)
	v, _ = m.Value("shop", "users", col, str("请拨打13812345678或邮件 alice@example.com", collUTF8MB4))
	if got, want := v.Text(), "请拨打138****5678或邮件 a****@example.com"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestStrategies(t *testing.T) {
	col := varchar("c", 64, collUTF8MB4, 4)
	in := str("13812345678", collUTF8MB4)
	tests := []struct {
		ru   Rule
		want func(string) bool
	}{
		{Rule{Columns: []string{"c"}, Strategy: Partial, KeepFirst: 2, KeepLast: 2}, func(s string) bool { return s == "13*******78" }},
		{Rule{Columns: []string{"c"}, Strategy: Partial, KeepFirst: -1, KeepLast: -1}, func(s string) bool { return s == "***********" }},
		{Rule{Columns: []string{"c"}, Strategy: Redact}, func(s string) bool { return s == "***" }},
		{Rule{Columns: []string{"c"}, Strategy: Redact, Text: "[hidden]"}, func(s string) bool { return s == "[hidden]" }},
		{Rule{Columns: []string{"c"}, Strategy: Pseudonym}, func(s string) bool { return len(s) == 16 && strings.Trim(s, "0123456789abcdef") == "" }},
		{Rule{Columns: []string{"c"}, Strategy: Pseudonym, Length: 8}, func(s string) bool { return len(s) == 8 }},
		{Rule{Columns: []string{"c"}, Strategy: Fake}, func(s string) bool { return len(s) == 11 && isNumberWord(s) && s != "13812345678" }},
		{Rule{Columns: []string{"c"}, Detect: []Detector{MobileCN}, Strategy: Fake}, func(s string) bool {
			return len(s) == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9' && s != "13812345678"
		}},
		{Rule{Columns: []string{"c"}, Strategy: Keep}, func(s string) bool { return s == "13812345678" }},
	}
	for i, tt := range tests {
		m := mustNew(t, mustRules(t, tt.ru), &Options{Key: testKey})
		v, err := m.Value("d", "t", col, in)
		if err != nil {
			t.Fatal(err)
		}
		if !tt.want(v.Text()) {
			t.Errorf("%d %v: got %q", i, tt.ru.Strategy, v.Text())
		}
	}
	// Null: nullable gets NULL, NOT NULL gets the fallback and a skip.
	m := mustNew(t, mustRules(t, Rule{Columns: []string{"c"}, Strategy: Null}), nil)
	if v, _ := m.Value("d", "t", col, in); !v.IsNull() {
		t.Errorf("Null: got %v", v)
	}
	nn := col
	nn.Nullable = false
	v, _ := m.Value("d", "t", nn, in)
	if v.IsNull() || v.Text() != "***" {
		t.Errorf("Null on NOT NULL: got %v, want the fallback ***", v)
	}
	if r := m.Report(); r.Rules[0].Skipped != 1 || r.Rules[0].Matched != 2 || r.Rules[0].Masked != 1 {
		t.Errorf("report %+v", r.Rules)
	}
}

func TestFakeCheckDigits(t *testing.T) {
	m := mustNew(t, mustRules(t, Rule{Detect: []Detector{IDCardCN, Card, IPv4, Email, PhoneE164}, Strategy: Fake}), &Options{Key: testKey})
	col := varchar("c", 200, collUTF8MB4, 4)
	for _, in := range []string{"11010519491231002X", "440524188001010014", "4111111111111111", "4111 1111 1111 1111", "192.168.100.7", "bob.smith@example.com", "+8613812345678"} {
		v, _ := m.Value("d", "t", col, str(in, collUTF8MB4))
		out := v.Text()
		if out == in || utf8.RuneCountInString(out) != utf8.RuneCountInString(in) {
			t.Errorf("%s: fake %s", in, out)
		}
		ms := findAll(nil, out, setOf([]Detector{IDCardCN, Card, IPv4, Email, PhoneE164}))
		if len(ms) != 1 || ms[0].start != 0 || ms[0].end != len(out) {
			t.Errorf("%s: fake %s does not pass its detector", in, out)
		}
	}
}

func TestDeterminism(t *testing.T) {
	rs := mustRules(t, Rule{Columns: []string{"*.*.email"}, Strategy: Pseudonym}, Rule{Columns: []string{"*.*.phone"}, Strategy: Fake})
	a := mustNew(t, rs, &Options{Key: testKey})
	b := mustNew(t, rs, &Options{Key: append([]byte(nil), testKey...)})
	c := mustNew(t, rs, &Options{Key: []byte("another key")})
	for _, name := range []string{"email", "phone"} {
		col := varchar(name, 100, collUTF8MB4, 4)
		in := str("alice@example.com", collUTF8MB4)
		va, _ := a.Value("db1", "t1", col, in)
		vb, _ := b.Value("db2", "t2", col, in) // another table and masker: same output
		vc, _ := c.Value("db1", "t1", col, in)
		if va.Text() != vb.Text() {
			t.Errorf("%s: same key gives %q and %q", name, va.Text(), vb.Text())
		}
		if va.Text() == vc.Text() {
			t.Errorf("%s: another key gives the same %q", name, va.Text())
		}
		// Same text in another charset: same pseudonym.
		lat := varchar(name, 100, collLatin1, 1)
		vl, _ := a.Value("db1", "t1", lat, str("alice@example.com", collLatin1))
		if vl.Text() != va.Text() {
			t.Errorf("%s: latin1 %q, utf8mb4 %q", name, vl.Text(), va.Text())
		}
	}
}

func TestFitting(t *testing.T) {
	rs := mustRules(t, Rule{Columns: []string{"*"}, Strategy: Redact, Text: "密码已隐藏-hidden"})
	m := mustNew(t, rs, nil)
	tinytext := binlog.Column{Name: "x", Type: binlog.TypeBlob, Meta: 1, Collation: collUTF8MB4}
	tests := []struct {
		col         binlog.Column
		in          binlog.Value
		want        string
		wantBytes   int
		wantSkipped bool
	}{
		// utf8mb4 VARCHAR(5): five characters, 3 bytes each for the Han.
		{varchar("x", 5, collUTF8MB4, 4), str("secret", collUTF8MB4), "密码已隐藏", 15, false},
		// gbk VARCHAR(5): five characters, 2 bytes each.
		{varchar("x", 5, collGBK, 2), str("secret", collGBK), "密码已隐藏", 10, false},
		// CHAR(3) utf8mb3.
		{char("x", 3, collUTF8MB3, 3), str("secret", collUTF8MB3), "密码已", 9, false},
		// latin1 cannot hold Han: fallback redaction, counted.
		{varchar("x", 2, collLatin1, 1), str("secret", collLatin1), "**", 2, true},
		// TINYTEXT: bytes, 255 at most.
		{tinytext, str("secret", collUTF8MB4), "密码已隐藏-hidden", 22, false},
	}
	for i, tt := range tests {
		before := m.Report().Rules[0].Skipped
		v, err := m.Value("d", "t", tt.col, tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if v.Text() != tt.want || len(v.Bytes()) != tt.wantBytes {
			t.Errorf("%d: got %q (%d bytes), want %q (%d bytes)", i, v.Text(), len(v.Bytes()), tt.want, tt.wantBytes)
		}
		if skipped := m.Report().Rules[0].Skipped > before; skipped != tt.wantSkipped {
			t.Errorf("%d: skipped %v", i, skipped)
		}
	}
	// TINYTEXT byte limit with a long pseudonym-free text: a 300-character
	// redaction is cut to 255 bytes.
	m = mustNew(t, mustRules(t, Rule{Columns: []string{"*"}, Strategy: Redact, Text: strings.Repeat("é", 300)}), nil)
	v, _ := m.Value("d", "t", tinytext, str("x", collUTF8MB4))
	if len(v.Bytes()) > 255 || !utf8.Valid(v.Bytes()) || len(v.Bytes()) < 254 {
		t.Errorf("TINYTEXT: %d bytes", len(v.Bytes()))
	}
}

func TestNonStringKinds(t *testing.T) {
	rs := mustRules(t, Rule{Columns: []string{"*"}, Strategy: Fake})
	m := mustNew(t, rs, &Options{Key: testKey})
	tiny := binlog.Column{Name: "n", Type: binlog.TypeTiny, Nullable: true}
	for x := int64(-128); x <= 127; x++ {
		v, _ := m.Value("d", "t", tiny, binlog.IntValue(x))
		if v.Kind() != binlog.KindInt || v.Int() < -128 || v.Int() > 127 {
			t.Fatalf("TINYINT %d: %v", x, v)
		}
	}
	utiny := binlog.Column{Name: "n", Type: binlog.TypeTiny, Unsigned: true}
	for x := uint64(0); x <= 255; x++ {
		v, _ := m.Value("d", "t", utiny, binlog.UintValue(x))
		if v.Kind() != binlog.KindUint || v.Uint() > 255 {
			t.Fatalf("TINYINT UNSIGNED %d: %v", x, v)
		}
	}
	dec := binlog.Column{Name: "n", Type: binlog.TypeNewDecimal, Meta: 8<<8 | 2}
	v, _ := m.Value("d", "t", dec, binlog.DecimalValue("-123456.78"))
	if s := v.Text(); len(s) != len("-123456.78") || s[0] != '-' || s[7] != '.' {
		t.Errorf("DECIMAL: %q", s)
	}
	enum := binlog.Column{Name: "e", Type: binlog.TypeEnum, Meta: 1}
	v, _ = m.Value("d", "t", enum, binlog.EnumValue(2, []string{"a", "b", "c"}))
	if v.Kind() != binlog.KindEnum || v.Int() < 1 || v.Int() > 3 {
		t.Errorf("ENUM: %v", v)
	}
	set := binlog.Column{Name: "s", Type: binlog.TypeSet, Meta: 1}
	v, _ = m.Value("d", "t", set, binlog.SetValue(5, []string{"a", "b", "c"}))
	if v.Kind() != binlog.KindSet || v.Uint() > 7 {
		t.Errorf("SET: %v", v)
	}
	date := binlog.Column{Name: "d", Type: binlog.TypeDate}
	v, _ = m.Value("d", "t", date, binlog.DateValue(binlog.Date{Year: 1990, Month: 5, Day: 17}))
	if d := v.Date(); d.Year != 1990 || d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > 28 {
		t.Errorf("DATE: %v", v)
	}
	js := binlog.Column{Name: "j", Type: binlog.TypeJSON, Meta: 4}
	v, _ = m.Value("d", "t", js, binlog.JSONValue([]byte(`{"name": "Alice", "age": 42, "ok": true}`)))
	if s := v.Text(); !strings.Contains(s, `"name": "`) || strings.Contains(s, "Alice") || !strings.Contains(s, "true") {
		t.Errorf("JSON: %s", s)
	}
	// Partial of an ENUM cannot fit: at New when the table is known.
	_, err := New(mustRules(t, Rule{Columns: []string{"d.t.e"}, Strategy: Partial}), &Options{Tables: []*binlog.TableMap{{Schema: "d", Table: "t", Columns: []binlog.Column{enum}}}})
	var re *RuleError
	if !errors.Is(err, ErrCannotFit) || !errors.As(err, &re) || re.Column != "d.t.e" || re.Rule != 1 {
		t.Errorf("New: %v", err)
	}
	_, err = New(mustRules(t, Rule{Columns: []string{"d.t.c"}, Strategy: Null}), &Options{Tables: []*binlog.TableMap{{Schema: "d", Table: "t", Columns: []binlog.Column{{Name: "c", Type: binlog.TypeLong}}}}})
	if !errors.Is(err, ErrCannotFit) {
		t.Errorf("New, NULL for NOT NULL: %v", err)
	}
	_, err = New(mustRules(t, Rule{Columns: []string{"x"}, Strategy: Pseudonym}), nil)
	if !errors.Is(err, ErrNoKey) {
		t.Errorf("New without key: %v", err)
	}
}

func TestDetectJSON(t *testing.T) {
	m := mustNew(t, nil, nil)
	js := binlog.Column{Name: "doc", Type: binlog.TypeJSON, Meta: 4}
	v, _ := m.Value("d", "t", js, binlog.JSONValue([]byte(`{"contact": {"tel": "13812345678", "mail": "x bob@example.com y"}, "n": 13912345678, "k": [1, 2]}`)))
	want := `{"contact": {"tel": "138****5678", "mail": "x b**@example.com y"}, "n": 13900005678, "k": [1, 2]}`
	if got := v.Text(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestRowsCopy(t *testing.T) {
	m := mustNew(t, nil, nil)
	tm := &binlog.TableMap{Schema: "shop", Table: "users", Columns: []binlog.Column{
		{Name: "id", Type: binlog.TypeLong},
		varchar("mobile", 20, collUTF8MB4, 4),
	}}
	rows := &binlog.Rows{Kind: binlog.Update, Table: tm, Rows: []binlog.Row{{
		Before: []binlog.Value{binlog.IntValue(1), str("13812345678", collUTF8MB4)},
		After:  []binlog.Value{binlog.IntValue(1), str("13812345678", collUTF8MB4)},
	}}}
	out, err := m.Rows(rows)
	if err != nil {
		t.Fatal(err)
	}
	if rows.Rows[0].Before[1].Text() != "13812345678" || rows.Rows[0].After[1].Text() != "13812345678" {
		t.Error("input modified")
	}
	if out.Rows[0].Before[1].Text() != "138****5678" || out.Rows[0].After[1].Text() != "138****5678" {
		t.Errorf("got %v", out.Rows[0])
	}
	if r := m.Report(); len(r.Tables) != 1 || r.Tables[0].Table != "shop.users" || r.Tables[0].Masked != 2 {
		t.Errorf("report %+v", r)
	}
	// Nothing to mask: the same pointer.
	clean := &binlog.Rows{Kind: binlog.Insert, Table: tm, Rows: []binlog.Row{{After: []binlog.Value{binlog.IntValue(1), binlog.NullValue()}}}}
	if out, _ := m.Rows(clean); out != clean {
		t.Error("unchanged rows copied")
	}
}

func TestEvent(t *testing.T) {
	m := mustNew(t, nil, nil)
	rq := &binlog.Event{Payload: &binlog.RowsQuery{Query: "insert into t values ('13812345678')"}}
	if _, keep, _ := m.Event(rq); keep {
		t.Error("Rows_query kept by default")
	}
	m = mustNew(t, nil, &Options{StatementText: MaskStatementText})
	out, keep, _ := m.Event(rq)
	if !keep || out.Payload.(*binlog.RowsQuery).Query != "insert into t values ('138****5678')" {
		t.Errorf("masked Rows_query: %v %+v", keep, out.Payload)
	}
	if rq.Payload.(*binlog.RowsQuery).Query != "insert into t values ('13812345678')" {
		t.Error("input modified")
	}
	q := &binlog.Event{Payload: &binlog.Query{Schema: "shop", Query: "ALTER TABLE u ADD c VARCHAR(20) DEFAULT 'bob@example.com'"}}
	out, keep, _ = m.Event(q)
	if !keep || out.Payload.(*binlog.Query).Query != "ALTER TABLE u ADD c VARCHAR(20) DEFAULT 'b**@example.com'" || out.Raw != nil {
		t.Errorf("Query: %+v", out.Payload)
	}
	begin := &binlog.Event{Payload: &binlog.Query{Query: "BEGIN"}}
	if out, keep, _ := m.Event(begin); out != begin || !keep {
		t.Error("BEGIN changed")
	}
}

func TestMariaDBJSONString(t *testing.T) {
	// MariaDB logs a JSON column as utf8mb4 LONGTEXT: a KindString.
	col := binlog.Column{Name: "doc", Type: binlog.TypeBlob, Meta: 4, Collation: 46}
	m := mustNew(t, mustRules(t, Rule{Detect: []Detector{MobileCN}, Strategy: Redact, Text: `"quoted"`}), nil)
	v, _ := m.Value("d", "t", col, str(`{"tel": "13812345678", "n": 8613812345678}`, 46))
	if got, want := v.Text(), `{"tel": "\"quoted\"", "n": 0}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	m = mustNew(t, mustRules(t, Rule{Columns: []string{"doc"}, Strategy: Redact}), nil)
	v, _ = m.Value("d", "t", col, str(`{"name": "Alice", "tags": ["x", 1]}`, 46))
	if got, want := v.Text(), `{"name": "***", "tags": ["***", 0]}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestInsertWithoutColumnList(t *testing.T) {
	tm := &binlog.TableMap{Schema: "shop", Table: "users", Columns: []binlog.Column{
		{Name: "id", Type: binlog.TypeLong}, varchar("name", 20, collUTF8MB4, 4)}}
	m := mustNew(t, mustRules(t, Rule{Columns: []string{"shop.users.name"}, Strategy: Redact}), &Options{Tables: []*binlog.TableMap{tm}})
	got, _ := m.AppendSQL(nil, "INSERT INTO `shop`.`users` VALUES (1,'Alice'),(2,'Bob')")
	if want := "INSERT INTO `shop`.`users` VALUES (1,'***'),(2,'***')"; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// FuzzValue: a masked string always fits its column (characters, bytes,
// charset), whatever the text and the limits.
func FuzzValue(f *testing.F) {
	f.Add("13812345678", uint16(20), uint8(0), uint8(0))
	f.Add("密码 alice@example.com 11010519491231002X", uint16(5), uint8(1), uint8(2))
	f.Add(`{"a": "4111111111111111"}`, uint16(255), uint8(2), uint8(4))
	f.Fuzz(func(t *testing.T, text string, n uint16, cs, strat uint8) {
		colls := []uint16{collUTF8MB4, collLatin1, collGBK, collUTF8MB3, 63}
		coll := colls[int(cs)%len(colls)]
		c := binlog.Column{Collation: coll}
		b, ok := binlog.EncodeText(coll, text)
		if !ok || !utf8.ValidString(text) {
			return
		}
		mb := map[uint16]int{collUTF8MB4: 4, collLatin1: 1, collGBK: 2, collUTF8MB3: 3, 63: 1}[coll]
		chars := int(n % 300)
		if utf8.RuneCount(b) > chars || len(b) > chars*mb {
			return // not a value the column could hold
		}
		col := varchar("x", chars, coll, mb)
		col.Nullable = strat&8 != 0
		v := binlog.StringValue(b, coll)
		if coll == 63 {
			col.Collation = 63
			v = binlog.BytesValue(b)
		}
		ru := Rule{Strategy: Strategy(1 + int(strat)%6), Columns: []string{"x"}}
		if strat&16 != 0 {
			ru.Columns, ru.Detect = nil, []Detector{Email, MobileCN, PhoneE164, IDCardCN, Card, IPv4, IPv6}
		}
		m := mustNew(t, mustRules(t, ru), &Options{Key: testKey})
		out, err := m.Value("d", "t", col, v)
		if err != nil {
			t.Fatal(err)
		}
		if out.IsNull() {
			if !col.Nullable {
				t.Fatal("NULL in a NOT NULL column")
			}
			return
		}
		l := stringLimits(&col)
		ob := out.Bytes()
		if len(ob) > l.maxBytes {
			t.Fatalf("%d bytes for %d", len(ob), l.maxBytes)
		}
		if coll != 63 {
			if _, ok := binlog.EncodeText(coll, out.Text()); !ok {
				t.Fatalf("%q not in %s", out.Text(), c.Charset())
			}
			if got := utf8.RuneCountInString(out.Text()); got > chars {
				t.Fatalf("%d characters for %d", got, chars)
			}
		}
	})
}

func TestFakeWholeColumn(t *testing.T) {
	m := mustNew(t, mustRules(t, Rule{Columns: []string{"*"}, Strategy: Fake}), &Options{Key: testKey})
	col := varchar("c", 30, collUTF8MB4, 4)
	for _, in := range []string{"11010519491231002X", "4111111111111111", "13812345678"} {
		v, _ := m.Value("d", "t", col, str(in, collUTF8MB4))
		if d := wholeDetector(v.Text()); d == 0 || d != wholeDetector(in) || v.Text() == in {
			t.Errorf("%s: fake %s is not a %v", in, v.Text(), wholeDetector(in))
		}
	}
	// Redact on a 20-digit unsigned: the range holds.
	big := binlog.Column{Name: "n", Type: binlog.TypeLongLong, Unsigned: true}
	m = mustNew(t, mustRules(t, Rule{Columns: []string{"*"}, Strategy: Pseudonym}), &Options{Key: testKey})
	v, _ := m.Value("d", "t", big, binlog.UintValue(1<<64-1))
	if v.Uint() == 0 {
		t.Errorf("pseudonym of max uint64: %v", v)
	}
}
