package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/binlogkit/binlogkit/internal/txtar"
)

func TestParseModes(t *testing.T) {
	for _, tc := range []struct {
		script string
		want   []string
	}{
		{"SELECT 1;", []string{"full"}},
		{"-- comment\n-- modes: FULL NO_LOG full:minimal MINIMAL:NOBLOB\nSELECT 1;", []string{"full", "nolog", "full-minimal", "minimal-noblob"}},
	} {
		modes, err := parseModes(tc.script)
		if err != nil {
			t.Fatalf("%q: %v", tc.script, err)
		}
		var got []string
		for _, m := range modes {
			got = append(got, m.suffix())
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%q: mismatch (-want +got):\n%s", tc.script, diff)
		}
	}
	for _, bad := range []string{"-- modes:", "-- modes: FULLISH", "-- modes: FULL:HALF"} {
		if _, err := parseModes(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestCell(t *testing.T) {
	big := strings.Repeat("a", bigCell+1)
	for _, tc := range []struct {
		v      []byte
		render string
		want   string
	}{
		{nil, "text", "NULL"},
		{[]byte("tab\there \"q\" é"), "text", `"tab\there \"q\" é"`},
		{[]byte("00FF"), "hex", "x'00FF'"},
		{[]byte(""), "hex", "x''"},
		{[]byte(big), "text", fmt.Sprintf("sha256:%x:1025", sha256.Sum256([]byte(big)))},
		{[]byte(strings.Repeat("00", bigCell+1)), "hex", fmt.Sprintf("sha256:%x:1025", sha256.Sum256(make([]byte, bigCell+1)))},
	} {
		if got := cell(tc.v, tc.render); got != tc.want {
			t.Errorf("cell(%.20q, %s) = %s, want %s", tc.v, tc.render, got, tc.want)
		}
	}
}

func TestRecord(t *testing.T) {
	if err := testserver.Available(); err != nil {
		if os.Getenv(testserver.RequireEnv) == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	dir := t.TempDir()
	script := `-- modes: NO_LOG
SET TIMESTAMP = 1700000000;
CREATE DATABASE w;
CREATE TABLE w.t (id INT PRIMARY KEY, b VARBINARY(4), e ENUM('x','y'), f FLOAT, bits BIT(3));
INSERT INTO w.t VALUES (2, x'00ff', 'y', 0.5, b'101'), (1, NULL, NULL, NULL, NULL);
CREATE TABLE w.nopk (a INT, s VARCHAR(5));
INSERT INTO w.nopk VALUES (2, 'b'), (1, 'a;b');
`
	modes, err := parseModes(script)
	if err != nil {
		t.Fatal(err)
	}
	if upToDate(dir, "tiny", modes[0], "abc") {
		t.Fatal("upToDate before recording")
	}
	if err := record(dir, "tiny", modes[0], script, "abc"); err != nil {
		t.Fatal(err)
	}
	if !upToDate(dir, "tiny", modes[0], "abc") || upToDate(dir, "tiny", modes[0], "abd") {
		t.Error("upToDate does not follow the recorded workload hash")
	}
	b, err := os.ReadFile(filepath.Join(dir, "tiny.nolog.binlog"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "\xfebin") {
		t.Error("binlog has no magic")
	}
	data, err := os.ReadFile(filepath.Join(dir, "tiny.nolog.server.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	a := txtar.Parse(data)
	want := map[string]string{
		"w.t.rows":    "\"1\"\tNULL\tNULL\tNULL\tNULL\n\"2\"\tx'00FF'\t\"2:y\"\t\"0.5\"\t\"5\"\n",
		"w.nopk.rows": "\"1\"\t\"a;b\"\n\"2\"\t\"b\"\n",
	}
	for name, w := range want {
		got, ok := a.Get(name)
		if !ok {
			t.Errorf("no section %s", name)
			continue
		}
		if diff := cmp.Diff(w, string(got)); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
		}
	}
	cols, _ := a.Get("w.t.columns")
	if !strings.Contains(string(cols), "2\tb\tvarbinary(4)\tvarbinary\tNULL\tNULL\tYES\t-\thex\n") {
		t.Errorf("columns section:\n%s", cols)
	}
	info, _ := a.Get("info")
	if !strings.Contains(string(info), "binlog_row_metadata\tNO_LOG\n") || !strings.Contains(string(info), "gtid_binlog_pos\t0-1-5\n") {
		t.Errorf("info section:\n%s", info)
	}
	sums, _ := a.Get("checksums")
	if strings.Count(string(sums), "\n") != 2 {
		t.Errorf("checksums section:\n%s", sums)
	}
}
