package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/internal/testserver"
)

// runCmd runs the command with args and stdin and returns its status,
// stdout and stderr.
func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := mainContext(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

const testKey = "k3y-that-must-never-show-up-0xC0FFEE"

// writeFiles writes a key file and a rules file that pseudonymizes
// emails and has one rule that matches nothing.
func writeFiles(t *testing.T) (keyFile, rulesFile string) {
	dir := t.TempDir()
	keyFile = filepath.Join(dir, "key")
	rulesFile = filepath.Join(dir, "rules.json")
	if err := os.WriteFile(keyFile, []byte(testKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rules := `{"defaults": true, "rules": [
  {"name": "email-pseudonym", "columns": ["*.*.email"], "strategy": "pseudonym"},
  {"name": "nothing-here", "columns": ["nodb.notable.nocolumn"], "strategy": "redact"}
]}`
	if err := os.WriteFile(rulesFile, []byte(rules), 0o600); err != nil {
		t.Fatal(err)
	}
	return keyFile, rulesFile
}

var seeded = []string{"alice@example.com", "bob.smith@example.org", "13912345678", "203.0.113.9", "Hunter2-Secret"}

func checkClean(t *testing.T, what, out string) {
	t.Helper()
	for _, v := range append(seeded, testKey) {
		if strings.Contains(out, v) {
			t.Errorf("%s holds %q", what, v)
		}
	}
}

func TestSQLIn(t *testing.T) {
	keyFile, rulesFile := writeFiles(t)
	dump := "-- MariaDB dump\n/*!40101 SET NAMES utf8mb4 */;\n" +
		"INSERT INTO `users` VALUES (1,'alice@example.com','13912345678','203.0.113.9'),\n" +
		"(2,'bob.smith@example.org','x;y','a''b');\n" +
		"UPDATE users SET note = 'multi\nline; alice@example.com' WHERE id = 1;\n" +
		"SELECT 'no newline at the end: 13912345678'"
	code, out, errOut := runCmd(t, dump, "--rules", rulesFile, "--key-file", keyFile, "--sql-in")
	if code != 0 {
		t.Fatalf("status %d: %s", code, errOut)
	}
	checkClean(t, "stdout", out)
	checkClean(t, "stderr", errOut)
	for _, keep := range []string{"-- MariaDB dump\n", "INSERT INTO `users` VALUES (1,'", "'x;y','a''b');\n", "UPDATE users SET note = '", "SELECT '"} {
		if !strings.Contains(out, keep) {
			t.Errorf("the masked SQL lost %q:\n%s", keep, out)
		}
	}
	if strings.Count(out, "\n") != strings.Count(dump, "\n") {
		t.Errorf("the masked SQL has %d lines, the input %d:\n%s", strings.Count(out, "\n"), strings.Count(dump, "\n"), out)
	}
	if !strings.Contains(errOut, "email-pseudonym") {
		t.Errorf("no report on stderr:\n%s", errOut)
	}
	// --strict: a rule matched nothing.
	code, _, errOut = runCmd(t, dump, "--rules", rulesFile, "--key-file", keyFile, "--sql-in", "--strict")
	if code != 1 || !strings.Contains(errOut, "nothing-here") {
		t.Errorf("--strict: status %d, stderr:\n%s", code, errOut)
	}
}

func TestUsage(t *testing.T) {
	keyFile, rulesFile := writeFiles(t)
	for _, args := range [][]string{
		{"in"},
		{"--sql"},
		{"--sql-in", "x"},
		{"--sql", "--sql-in"},
	} {
		if code, _, _ := runCmd(t, "", args...); code != 2 {
			t.Errorf("%q: status %d, want 2", args, code)
		}
	}
	// A rules file needing a key, without one.
	t.Setenv(KeyFileEnv, "")
	code, _, errOut := runCmd(t, "", "--rules", rulesFile, "--sql-in")
	if code != 1 || !strings.Contains(errOut, "key") {
		t.Errorf("no key: status %d, stderr %s", code, errOut)
	}
	// The key from the environment.
	t.Setenv(KeyFileEnv, keyFile)
	if code, _, errOut := runCmd(t, "SELECT 1;\n", "--rules", rulesFile, "--sql-in"); code != 0 {
		t.Errorf("key from $%s: status %d, stderr %s", KeyFileEnv, code, errOut)
	}
}

// TestServer rewrites a binlog of a real server and writes its SQL: no
// seeded value in either, mariadb-binlog reads the binlog, both replay on
// an empty server, and the key shows nowhere.
func TestServer(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	mdb, err := exec.LookPath("mariadb-binlog")
	if err != nil {
		t.Skip("mariadb-binlog not in $PATH")
	}
	srv := testserver.Start(t, nil)
	paths, err := srv.Record(func() error {
		return srv.Exec(
			"CREATE DATABASE shop",
			"CREATE TABLE shop.users (id INT PRIMARY KEY, email VARCHAR(80) DEFAULT 'alice@example.com', mobile CHAR(11), ip VARCHAR(40), password VARCHAR(40), note TEXT) DEFAULT CHARSET=utf8mb4",
			"INSERT INTO shop.users VALUES (1, 'alice@example.com', '13912345678', '203.0.113.9', 'Hunter2-Secret', 'mail bob.smith@example.org')",
			"INSERT INTO shop.users VALUES (2, 'bob.smith@example.org', NULL, NULL, NULL, NULL)",
			"UPDATE shop.users SET note = 'ok' WHERE id = 1",
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	keyFile, rulesFile := writeFiles(t)
	out := filepath.Join(t.TempDir(), "masked.000001")
	code, stdout, errOut := runCmd(t, "", "--rules", rulesFile, "--key-file", keyFile, paths[0], out)
	if code != 0 {
		t.Fatalf("status %d: %s", code, errOut)
	}
	t.Logf("report:\n%s", errOut)
	checkClean(t, "stderr", errOut+stdout)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	checkClean(t, "the rewritten binlog", string(data))
	cmd := exec.Command(mdb, out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	script, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("mariadb-binlog: %v\n%s", err, stderr.Bytes())
	}
	code, sql, errOut := runCmd(t, "", "--rules", rulesFile, "--key-file", keyFile, "--sql", paths[0])
	if code != 0 {
		t.Fatalf("--sql: status %d: %s", code, errOut)
	}
	checkClean(t, "the SQL", sql+errOut)

	replica := testserver.Start(t, nil)
	var emails []string
	for _, s := range []string{string(script), sql} {
		if err := replica.Exec("DROP DATABASE IF EXISTS shop"); err != nil {
			t.Fatal(err)
		}
		if err := replica.ExecScript(s); err != nil {
			t.Fatalf("replay: %v", err)
		}
		e, err := replica.QueryValue("SELECT GROUP_CONCAT(email ORDER BY id) FROM shop.users")
		if err != nil {
			t.Fatal(err)
		}
		emails = append(emails, e)
	}
	// The binlog and the SQL give the same pseudonyms.
	if emails[0] != emails[1] || strings.Count(emails[0], ",") != 1 {
		t.Errorf("emails after replaying the binlog %q and the SQL %q", emails[0], emails[1])
	}
	// OUT may not be IN.
	if code, _, _ := runCmd(t, "", paths[0], paths[0]); code != 1 {
		t.Errorf("OUT = IN: status %d, want 1", code)
	}
}
