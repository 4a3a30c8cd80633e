package anonymize

import (
	"errors"
	"strings"
	"testing"
)

const goodRules = `{
  "rules": [
    {"name": "phones", "columns": ["shop.users.phone", "*.*.mobile"], "strategy": "partial", "keep_first": 3, "keep_last": 4},
    {"name": "mail", "hints": ["email"], "strategy": "pseudonym", "length": 12},
    {"detect": ["cn_id", "card"], "strategy": "fake"},
    {"columns": ["shop.audit.*"], "strategy": "keep"}
  ],
  "defaults": true
}`

func TestParseRules(t *testing.T) {
	rs, err := ParseRules([]byte(goodRules), "rules.json")
	if err != nil {
		t.Fatal(err)
	}
	all := rs.All()
	if len(all) != 4+len(defaultRules) {
		t.Fatalf("%d rules", len(all))
	}
	if all[0].Line != 3 || all[1].Line != 4 || all[3].Line != 6 {
		t.Errorf("lines %d %d %d", all[0].Line, all[1].Line, all[3].Line)
	}
	if all[2].Detect[0] != IDCardCN || all[1].Strategy != Pseudonym || all[1].Length != 12 {
		t.Errorf("rules %+v", all[:3])
	}
}

func TestParseRulesErrors(t *testing.T) {
	tests := []struct {
		in         string
		line, rule int
		name, msg  string
	}{
		{"{\n  \"rules\": [\n    {\"columns\": [\"a\"], \"strategy\": \"mask\"}\n  ]\n}", 3, 1, "", `unknown strategy "mask"`},
		{"{\"rules\": [\n {\"columns\": [\"a\"], \"strategy\": \"keep\"},\n {\"name\": \"x\",\n  \"detect\": [\"phone\"], \"strategy\": \"fake\"}]}", 3, 2, "x", `unknown detector "phone"`},
		{"{\"rules\": [\n {\"strategy\": \"keep\"}]}", 2, 1, "", "no columns, hints or detect"},
		{"{\"rules\": [\n {\"columns\": [\"a.b.c.d\"], \"strategy\": \"keep\"}]}", 2, 1, "", "more than three parts"},
		{"{\"rules\": [\n {\"columns\": [\"a..c\"], \"strategy\": \"keep\"}]}", 2, 1, "", "empty part"},
		{"{\"rules\": [\n {\"columns\": [\"a\"], \"strategy\": \"keep\", \"text\": \"x\"}]}", 2, 1, "", "text is for the redact"},
		{"{\"rules\": [\n {\"columns\": [\"a\"],\n  \"strategy\": \"keep\", \"colour\": 1}]}", 3, 1, "", "unknown field"},
		{"{\"rules\": [\n {\"columns\": \"a\", \"strategy\": \"keep\"}]}", 2, 1, "", "cannot unmarshal"},
		{"{\"rules\": [\n\n {\"columns\": [\"a\"] \"strategy\": \"keep\"}]}", 3, 0, "", "invalid character"},
		{"{\"rules\": [", 1, 0, "", "unexpected end"},
		{"{\"rules\": []} x", 1, 0, "", "after the top-level"},
		{"{\"rulez\": []}", 1, 0, "", "unknown field"},
	}
	for _, tt := range tests {
		_, err := ParseRules([]byte(tt.in), "r.json")
		var re *RuleError
		if !errors.As(err, &re) || !errors.Is(err, ErrRules) {
			t.Errorf("%q: error %v", tt.in, err)
			continue
		}
		if re.File != "r.json" || re.Line != tt.line || re.Rule != tt.rule || re.Name != tt.name || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%q:\n got %v (line %d rule %d name %q)\nwant line %d rule %d name %q, %q", tt.in, err, re.Line, re.Rule, re.Name, tt.line, tt.rule, tt.name, tt.msg)
		}
	}
}

func TestMatching(t *testing.T) {
	for _, tt := range []struct {
		p, db, table, col string
		want              bool
	}{
		{"shop.users.phone", "shop", "users", "phone", true},
		{"shop.users.phone", "shop", "users", "Phone", true},
		{"shop.*.phone", "shop", "orders", "phone", true},
		{"*.*.ph*ne", "a", "b", "phoooone", true},
		{"users.phone", "x", "users", "phone", true},
		{"phone", "x", "y", "phone", true},
		{"phone", "x", "y", "phone2", false},
		{"shop.users.*", "shop", "user", "phone", false},
	} {
		if got := matchPattern(tt.p, tt.db, tt.table, tt.col); got != tt.want {
			t.Errorf("%s vs %s.%s.%s: %v", tt.p, tt.db, tt.table, tt.col, got)
		}
	}
	for _, tt := range []struct {
		hint, col string
		want      bool
	}{
		{"password", "password", true},
		{"password", "user_password", true},
		{"password", "PASSWORD_hash", true},
		{"id_card", "user_id_card_no", true},
		{"pwd", "pwdx", false},
		{"tel", "hotel", false},
	} {
		if got := matchHint(tt.hint, tt.col); got != tt.want {
			t.Errorf("hint %s vs %s: %v", tt.hint, tt.col, got)
		}
	}
}

func FuzzRules(f *testing.F) {
	f.Add([]byte(goodRules))
	f.Add([]byte(`{"rules": [{"columns": ["a"], "strategy": "null"}]}`))
	f.Add([]byte(`{"rules": [{"hints": ["x"], "strategy": "redact", "text": "é"}]}`))
	f.Add([]byte(`{"rules": [{"detect": ["ipv6"], "strategy": "partial", "keep_first": -1}]}`))
	f.Add([]byte(`{"rules": [`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := ParseRules(data, "f.json")
		if err != nil {
			var re *RuleError
			if !errors.As(err, &re) || re.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		// What parses builds a Masker (with a key) and masks.
		m, err := New(rs, &Options{Key: testKey})
		if err != nil {
			t.Fatal(err)
		}
		m.AppendSQL(nil, "INSERT INTO t (a, phone) VALUES ('x@y.io', 13812345678)")
	})
}
