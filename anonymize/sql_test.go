package anonymize

import (
	"testing"

	"github.com/binlogkit/binlogkit/internal/sqllex"
)

func kinds(sql string, mode sqllex.Mode) []sqllex.Kind {
	var ks []sqllex.Kind
	for _, t := range sqllex.Tokens(sql, mode) {
		ks = append(ks, t.Kind)
	}
	return ks
}

func sameKinds(a, b []sqllex.Kind) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAppendSQL(t *testing.T) {
	rs := mustRules(t,
		Rule{Name: "pw", Hints: []string{"password"}, Strategy: Redact},
		Rule{Name: "names", Columns: []string{"shop.users.name"}, Strategy: Pseudonym, Length: 8},
		Rule{Name: "ids", Columns: []string{"*.*.ssn"}, Strategy: Null},
	)
	rs.rules = append(rs.rules, DefaultRules().rules...)
	m := mustNew(t, rs, &Options{Key: testKey})
	pseudo := m.k.pseudonymText("Alice", 8)
	tests := []struct{ in, want string }{
		{"UPDATE users SET password = 'hunter2' WHERE id = 13812345678",
			"UPDATE users SET password = '***' WHERE id = 13800005678"},
		{"INSERT INTO shop.users (id, name, `note`) VALUES (1, 'Alice', 'tel 13812345678'), (2, _utf8mb4'Alice', 'x')",
			"INSERT INTO shop.users (id, name, `note`) VALUES (1, '" + pseudo + "', 'tel 138****5678'), (2, _utf8mb4'" + pseudo + "', 'x')"},
		// Identifiers and comments' delimiters stay; quotes inside are re-escaped.
		{"SELECT `13812345678`, \"a'b 13812345678\" /* 13812345678 */ -- bob@example.com\n# 13912345678\n",
			"SELECT `13812345678`, \"a'b 138****5678\" /* 138xxxx5678 */ -- bxx@example.com\n# 139xxxx5678\n"},
		{"SELECT 'it''s 13812345678 \\' ok'", "SELECT 'it''s 138****5678 '' ok'"},
		{"/*!40101 SET @phone = '13812345678' */", "/*!40101 SET @phone = '138****5678' */"},
		{"SELECT X'3133383132333435363738', 0x3133383132333435363738",
			"SELECT X'3133382a2a2a2a35363738', 0x3133382a2a2a2a35363738"},
		{"UPDATE t SET ssn = '110105194912310021'", "UPDATE t SET ssn = '***'"},
		{"BEGIN", "BEGIN"},
		{"CREATE USER 'u'@'%' IDENTIFIED BY 'hunter2'", "CREATE USER 'u'@'%' IDENTIFIED BY '***'"},
		{"ALTER USER u IDENTIFIED WITH mysql_native_password AS '*AB12'", "ALTER USER u IDENTIFIED WITH mysql_native_password AS '***'"},
		{"SET PASSWORD FOR u = PASSWORD('pw')", "SET PASSWORD FOR u = PASSWORD('***')"},
		{"SELECT 'unterminated 13812345678", "SELECT 'unterminated 138xxxx5678"},
	}
	for _, tt := range tests {
		got, err := m.AppendSQL(nil, tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("\n in  %s\n got %s\nwant %s", tt.in, got, tt.want)
		}
		if !sameKinds(kinds(tt.in, 0), kinds(string(got), 0)) {
			t.Errorf("%s: token kinds changed", tt.in)
		}
	}
}

func TestAppendSQLModes(t *testing.T) {
	m := mustNew(t, nil, &Options{SQLMode: sqllex.SQLModeANSIQuotes | sqllex.SQLModeNoBackslashEscapes})
	in := `SELECT "13812345678", 'a\b 13812345678'`
	got, _ := m.AppendSQL(nil, in)
	want := `SELECT "13812345678", 'a\b 138****5678'` // "x" is an identifier
	if string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func FuzzAppendSQL(f *testing.F) {
	for _, s := range []string{
		"INSERT INTO t (a, phone) VALUES ('x@y.io', 13812345678), ('a''b', \"c\\\"d\")",
		"UPDATE `t` SET password='p\\\\' WHERE x IN (1,2) -- 4111111111111111\n",
		"/*!50100 CREATE TABLE t (c VARCHAR(9) DEFAULT '192.168.0.1') */",
		"SELECT X'3133383132333435363738', 0x41, B'0101', _latin1'13812345678'",
		"SELECT 'unterminated",
		"/* 13812345678*/'13812345678*/'",
	} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, sql string, mode uint8) {
		var sqlMode uint64
		if mode&1 != 0 {
			sqlMode |= sqllex.SQLModeANSIQuotes
		}
		if mode&2 != 0 {
			sqlMode |= sqllex.SQLModeNoBackslashEscapes
		}
		for _, key := range [][]byte{nil, testKey} {
			rs := DefaultRules()
			if key != nil {
				rs = mustRules(t, Rule{Detect: []Detector{Email, MobileCN, PhoneE164, IDCardCN, Card, IPv4, IPv6}, Strategy: Fake},
					Rule{Columns: []string{"*"}, Strategy: Pseudonym})
			}
			m := mustNew(t, rs, &Options{Key: key, SQLMode: sqlMode})
			out, err := m.AppendSQL(nil, sql)
			if err != nil {
				t.Fatal(err)
			}
			lm := sqllex.ModeOf(sqlMode)
			if a, b := kinds(sql, lm), kinds(string(out), lm); !sameKinds(a, b) {
				t.Fatalf("token kinds changed:\n in  %q %v\n out %q %v", sql, a, out, b)
			}
		}
	})
}
