package anonymize_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/binlogkit/binlogkit/anonymize"
	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// piiCharsets are the table charsets of the seeded workload.
var piiCharsets = []string{"latin1", "utf8mb4", "gbk"}

// piiWorkload is a workload with seeded personal data: the statements to
// run (a "FLUSH" entry rotates the binlog) and the seeded values by
// charset of the table they went to ("" for values in utf8mb4 text:
// statement text, JSON).
type piiWorkload struct {
	stmts  []string
	values map[string][]string
}

// idCard returns an 18-character Chinese resident ID on base (17 digits)
// with its ISO 7064 MOD 11-2 check character.
func idCard(base string) string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(base[i]-'0') * w
	}
	return base + string("10X98765432"[sum%11])
}

// luhn returns digits followed by their Luhn check digit.
func luhn(digits string) string {
	sum := 0
	for i := range len(digits) {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return digits + string(rune('0'+(10-sum%10)%10))
}

func sqlStr(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// newPIIWorkload builds the workload of database db: users tables in
// latin1, utf8mb4 and gbk with every string type (CHAR, VARCHAR, TEXT,
// BLOB, JSON members), DDL defaults holding an email, statements with and
// without Annotate_rows events, two binlog files, and an orders table
// whose emails join the users' (some only in the second file).
func newPIIWorkload(db string) *piiWorkload {
	w := &piiWorkload{values: make(map[string][]string)}
	add := func(cs string, vs ...string) { w.values[cs] = append(w.values[cs], vs...) }
	w.stmts = append(w.stmts,
		"CREATE DATABASE "+db,
		"USE "+db,
		"SET SESSION binlog_annotate_row_events=1",
	)
	add("", "someone@example.org", "fallback.person@example.net")
	passwords := map[string]string{"latin1": "Pässwörd-Geheim", "utf8mb4": "Contraseña-Ñandú", "gbk": "密码Mima"}
	for ti, cs := range piiCharsets {
		w.stmts = append(w.stmts, fmt.Sprintf("CREATE TABLE users_%s (id INT PRIMARY KEY, "+
			"email VARCHAR(100) NOT NULL DEFAULT 'someone@example.org', mobile CHAR(11), id_card CHAR(18), "+
			"card VARCHAR(19), ip VARCHAR(45), password VARCHAR(64), note TEXT, doc JSON, raw BLOB, KEY (email)) "+
			"DEFAULT CHARSET=%s", cs, cs))
		for i := 1; i <= 6; i++ {
			n := ti*10 + i
			email := fmt.Sprintf("user%d.%s@corp-example.com", n, cs)
			mobile := fmt.Sprintf("139%08d", 12345600+n)
			id := idCard(fmt.Sprintf("110105199%d%02d%02d%03d", n%10, 1+n%12, 1+n%28, 100+n))
			card := luhn(fmt.Sprintf("453201511283%03d", n))
			ip := fmt.Sprintf("198.51.100.%d", 10+n)
			ip6 := fmt.Sprintf("2001:db8:85a3::8a2e:370:%x", 0x7000+n)
			pw := fmt.Sprintf("%s-%d", passwords[cs], n)
			if i%2 == 0 {
				ip = ip6
			}
			annotate := "1"
			if i > 3 {
				annotate = "0"
			}
			w.stmts = append(w.stmts, "SET SESSION binlog_annotate_row_events="+annotate,
				fmt.Sprintf("INSERT INTO users_%s VALUES (%d, %s, %s, %s, %s, %s, %s, %s, "+
					"JSON_OBJECT('email', %s, 'phone', %s, 'nested', JSON_OBJECT('card', %s, 'ip', %s)), %s)",
					cs, n, sqlStr(email), sqlStr(mobile), sqlStr(id), sqlStr(card), sqlStr(ip), sqlStr(pw),
					sqlStr("call "+mobile+" or write to "+email), sqlStr(email), sqlStr(mobile), sqlStr(card), sqlStr(ip),
					sqlStr("id="+id+";card="+card)))
			add(cs, email, mobile, id, card, ip, pw)
			add("", email, mobile, id, card, ip)
		}
		// An UPDATE changes personal data (before and after images) and a
		// DELETE removes some; one row gets the DDL default.
		newMail := fmt.Sprintf("changed.%s@corp-example.com", cs)
		add(cs, newMail)
		add("", newMail)
		w.stmts = append(w.stmts,
			"SET SESSION binlog_annotate_row_events=1",
			fmt.Sprintf("UPDATE users_%s SET email = %s, mobile = '13800138000' WHERE id = %d", cs, sqlStr(newMail), ti*10+2),
			"SET SESSION binlog_annotate_row_events=0",
			fmt.Sprintf("DELETE FROM users_%s WHERE id = %d", cs, ti*10+3),
			fmt.Sprintf("INSERT INTO users_%s (id) VALUES (%d)", cs, ti*10+9),
		)
		add(cs, "13800138000")
		add("", "13800138000")
	}
	w.stmts = append(w.stmts,
		"CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(100), amount INT) DEFAULT CHARSET=utf8mb4",
		"SET SESSION binlog_annotate_row_events=1",
		"INSERT INTO orders (email, amount) SELECT email, id FROM users_utf8mb4",
		"FLUSH",
		"SET SESSION binlog_annotate_row_events=0",
		"INSERT INTO orders (email, amount) SELECT email, id * 2 FROM users_utf8mb4 WHERE id < 5",
		"SET SESSION binlog_annotate_row_events=1",
		"INSERT INTO orders (email, amount) VALUES ('user1.utf8mb4@corp-example.com', 7), ('nobody.here@corp-example.com', 8)",
		"ALTER TABLE orders ALTER email SET DEFAULT 'fallback.person@example.net'",
		"INSERT INTO orders (amount) VALUES (9)",
	)
	add("", "nobody.here@corp-example.com")
	return w
}

// encodings returns the byte forms of v to look for in a file: UTF-8 and
// its form in charset cs, each as is and in hex, upper and lower case.
func encodings(t *testing.T, v, cs string) [][]byte {
	forms := [][]byte{[]byte(v)}
	var enc []byte
	var err error
	switch cs {
	case "latin1":
		enc, err = charmap.Windows1252.NewEncoder().Bytes([]byte(v))
	case "gbk":
		enc, err = simplifiedchinese.GBK.NewEncoder().Bytes([]byte(v))
	}
	if err != nil {
		t.Fatalf("encoding %q in %s: %v", v, cs, err)
	}
	if enc != nil && !bytes.Equal(enc, forms[0]) {
		forms = append(forms, enc)
	}
	for _, f := range forms[:len(forms):len(forms)] {
		h := hex.EncodeToString(f)
		forms = append(forms, []byte(h), []byte(strings.ToUpper(h)))
	}
	return forms
}

// checkClean fails t for every seeded value found in data.
func (w *piiWorkload) checkClean(t *testing.T, what string, data []byte) {
	t.Helper()
	for cs, vs := range w.values {
		for _, v := range vs {
			for _, f := range encodings(t, v, cs) {
				if i := bytes.Index(data, f); i >= 0 {
					t.Errorf("%s: seeded value %q (%s form %q) at byte %d", what, v, cs, f, i)
				}
			}
		}
	}
}

// record runs the workload on srv and returns its binlog files.
func (w *piiWorkload) record(t *testing.T, srv *testserver.Server) []string {
	t.Helper()
	paths, err := srv.Record(func() error {
		for _, q := range w.stmts {
			if q == "FLUSH" {
				if err := srv.FlushBinaryLogs(); err != nil {
					return err
				}
				continue
			}
			if err := srv.Exec(q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 2 {
		t.Fatalf("the workload wrote %d binlog files, want 2", len(paths))
	}
	return paths
}

// testRules pseudonymizes the email columns, so that joins on them
// survive, and applies the default rules to everything else.
const testRules = `{"defaults": true, "rules": [
  {"name": "email-pseudonym", "columns": ["*.*.email"], "strategy": "pseudonym"}
]}`

// testMasker returns a masker of testRules under a fixed key.
func testMasker(t testing.TB) *anonymize.Masker {
	rules, err := anonymize.ParseRules([]byte(testRules), "test.json")
	if err != nil {
		t.Fatal(err)
	}
	m, err := anonymize.New(rules, &anonymize.Options{Key: []byte("binlogkit test key: not a secret")})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// rewriteFile rewrites the binlog at in to out with m.
func rewriteFile(t *testing.T, m *anonymize.Masker, in, out string) anonymize.RewriteStats {
	t.Helper()
	r, err := binlog.Open(in, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := anonymize.Rewrite(f, r, m, nil)
	if err != nil {
		t.Fatalf("Rewrite %s: %v", in, err)
	}
	return st
}

// TestRewriteServer is the acceptance test of issue 12 on a real mariadbd:
// the rewritten binlog and the SQL made from it hold none of the seeded
// values in any form, mariadb-binlog reads the rewritten files, replaying
// them (and the SQL) on an empty server succeeds, a join on a
// pseudonymized column gives as many rows as on the original, and the
// output is the same across runs and across files.
func TestRewriteServer(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	if err := testserver.Available(); err != nil {
		t.Skip(err)
	}
	mdb, err := exec.LookPath("mariadb-binlog")
	if err != nil {
		t.Skip("mariadb-binlog not in $PATH")
	}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"plain", nil},
		{"compressed", []string{"--log-bin-compress", "--log-bin-compress-min-len=10"}},
	} {
		t.Run(tc.name, func(t *testing.T) { testRewriteServer(t, mdb, tc.args) })
	}
}

func testRewriteServer(t *testing.T, mdb string, serverArgs []string) {
	srv := testserver.Start(t, &testserver.Options{ExtraArgs: serverArgs})
	w := newPIIWorkload("pii")
	paths := w.record(t, srv)

	// The original files hold the seeded values (else the test proves
	// nothing): in rows, in Annotate_rows text and in DDL. (Compressed
	// events hide them; the replayed tables are checked below.)
	var orig []byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		orig = append(orig, b...)
	}
	for _, v := range []string{"someone@example.org", "fallback.person@example.net", "user1.utf8mb4@corp-example.com", "nobody.here@corp-example.com"} {
		if serverArgs == nil && !bytes.Contains(orig, []byte(v)) {
			t.Fatalf("the original binlog lacks %q", v)
		}
	}

	dir := t.TempDir()
	var outs [2][]string
	for run := range 2 {
		m := testMasker(t) // a new Masker each run: nothing carries over but the key
		for _, p := range paths {
			out := filepath.Join(dir, fmt.Sprintf("run%d.%s", run, filepath.Base(p)))
			st := rewriteFile(t, m, p, out)
			if run == 0 {
				t.Logf("%s: %+v", filepath.Base(p), st)
			}
			outs[run] = append(outs[run], out)
		}
	}
	for i := range paths {
		a, _ := os.ReadFile(outs[0][i])
		b, _ := os.ReadFile(outs[1][i])
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two runs give different files (%d and %d bytes)", paths[i], len(a), len(b))
		}
		w.checkClean(t, "rewritten "+filepath.Base(paths[i]), a)
		// The reader takes the output whole.
		r, err := binlog.Open(outs[0][i], nil)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, err := range r.All() {
			if err != nil {
				t.Fatalf("reading back %s: %v", outs[0][i], err)
			}
			n++
		}
		r.Close()
	}

	// mariadb-binlog reads the rewritten files without a word on stderr.
	cmd := exec.Command(mdb, outs[0]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	script, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("mariadb-binlog: %v\n%s", err, stderr.Bytes())
	}

	// The SQL output, from both files as one stream.
	cr, err := binlog.OpenChain(paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	var sqlOut bytes.Buffer
	sst, err := anonymize.WriteSQL(&sqlOut, cr, testMasker(t), nil)
	cr.Close()
	if err != nil {
		t.Fatalf("WriteSQL: %v", err)
	}
	t.Logf("SQL: %+v", sst)
	w.checkClean(t, "SQL output", sqlOut.Bytes())

	// Replay both on an empty server: the before-state of the workload.
	joinQ := "SELECT COUNT(*) FROM pii.users_utf8mb4 u JOIN pii.orders o ON o.email = u.email"
	want, err := srv.QueryValue(joinQ)
	if err != nil {
		t.Fatal(err)
	}
	counts := func(s *testserver.Server) string {
		var out []string
		for _, tb := range []string{"users_latin1", "users_utf8mb4", "users_gbk", "orders"} {
			n, err := s.QueryValue("SELECT COUNT(*) FROM pii." + tb)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, tb+"="+n)
		}
		return strings.Join(out, " ")
	}
	wantCounts := counts(srv)
	replica := testserver.Start(t, nil)
	for _, tc := range []struct{ what, script string }{
		{"mariadb-binlog of the rewritten binlog", string(script)},
		{"SQL output", sqlOut.String()},
	} {
		if err := replica.Exec("DROP DATABASE IF EXISTS pii"); err != nil {
			t.Fatal(err)
		}
		if err := replica.ExecScript(tc.script); err != nil {
			t.Fatalf("replaying the %s: %v", tc.what, err)
		}
		if got := counts(replica); got != wantCounts {
			t.Errorf("after replaying the %s: rows %s, want %s", tc.what, got, wantCounts)
		}
		got, err := replica.QueryValue(joinQ)
		if err != nil {
			t.Fatal(err)
		}
		if got != want || want == "0" {
			t.Errorf("after replaying the %s: the join on the pseudonymized email gives %s rows, want %s", tc.what, got, want)
		}
		// The replayed tables hold none of the seeded values either.
		var dump []byte
		for _, tb := range []string{"users_latin1", "users_utf8mb4", "users_gbk", "orders"} {
			rows, err := replica.Query("SELECT * FROM pii." + tb)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				for _, v := range r {
					dump = append(append(dump, v...), 0)
				}
			}
		}
		w.checkClean(t, "tables replayed from the "+tc.what, dump)
		def, err := replica.QueryValue("SELECT COLUMN_DEFAULT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA='pii' AND TABLE_NAME='orders' AND COLUMN_NAME='email'")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(def, "fallback.person") || !strings.Contains(def, "@") {
			t.Errorf("after replaying the %s: the DDL default is %s", tc.what, def)
		}
	}
}
