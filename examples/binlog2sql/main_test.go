package main

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/cliflag"
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags([]string{"--start-position", "4", "-d", "a,b", "f1", "-B", "--sql-type", "insert", "-t", "x", "f2"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.startPos != 4 || !cfg.flashback || !cfg.dbs["a"] || !cfg.dbs["b"] || !cfg.sqlTypes["INSERT"] || !cfg.tables["x"] ||
		strings.Join(cfg.files, " ") != "f1 f2" {
		t.Errorf("parseFlags: got %+v", cfg)
	}
	if _, err := parseFlags([]string{"-B", "-K", "f"}); err == nil {
		t.Error("-B -K: no error")
	}
	if _, err := parseFlags(nil); err == nil {
		t.Error("no files: no error")
	}
	// Files and a server: the files are read, the server gives the schema.
	cfg, err = parseFlags([]string{"-h", "db", "-u", "u", "f1", "--exclude-tables", "a,b.c", "--exclude-databases", "x", "--exclude-tables", "d"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.live() || !cfg.useSchema() || strings.Join(cfg.files, " ") != "f1" ||
		!cfg.excludeTables["a"] || !cfg.excludeTables["b.c"] || !cfg.excludeTables["d"] || !cfg.excludeDBs["x"] {
		t.Errorf("-h with files: got %+v", cfg)
	}
	if cfg, err = parseFlags([]string{"-h", "db", "--no-schema"}); err != nil || !cfg.live() || cfg.useSchema() {
		t.Errorf("-h --no-schema: got %+v, %v", cfg, err)
	}
}

// TestFlashback runs DML on a real server, then applies binlog2sql -B
// output for the binlogs and checks the tables are back as before.
func TestFlashback(t *testing.T) {
	srv := testserver.Start(t, nil)
	if err := srv.Exec("CREATE DATABASE fb", "USE fb",
		"CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20) CHARACTER SET latin1, ts TIMESTAMP(3) NULL, b BLOB)",
		"CREATE TABLE other (id INT PRIMARY KEY)",
		"INSERT INTO t VALUES (1, 'a', '2024-01-01 00:00:00.5', X'00'), (2, _latin1 X'E9', NULL, NULL), (3, 'c''', '1999-12-31 23:59:59', X'5C27')",
	); err != nil {
		t.Fatal(err)
	}
	before, err := srv.Checksum("fb.t")
	if err != nil {
		t.Fatal(err)
	}
	files, err := srv.Record(func() error {
		return srv.Exec("SET time_zone='+03:00'",
			"UPDATE t SET id = id + 10 ORDER BY id DESC",
			"INSERT INTO t VALUES (4, 'new', NOW(3), X'FF')",
			"INSERT INTO other VALUES (1)",
			"FLUSH BINARY LOGS",
			"DELETE FROM t WHERE id = 12",
			"UPDATE t SET v = 'changed', b = X'0000' WHERE id = 13",
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := parseFlags(append([]string{"-B", "-d", "fb", "-t", "t"}, files...))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(cfg, &out); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "`other`") {
		t.Errorf("output has the filtered-out table:\n%s", out.String())
	}
	if err := srv.ExecScript("USE fb;\n" + out.String()); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if got, _ := srv.Checksum("fb.t"); got != before {
		t.Errorf("after flashback: checksum %s, want %s; SQL:\n%s", got, before, out.String())
	}
}

func TestParseTimeZone(t *testing.T) {
	for _, tc := range []struct{ tz, in, want string }{
		{"", "2024-05-01 10:00:00", "2024-05-01T10:00:00Z"},
		{"+02:00", "2024-05-01 10:00:00", "2024-05-01T08:00:00Z"},
		{"UTC", "2024-05-01T10:00:00-03:00", "2024-05-01T13:00:00Z"},
		{"Asia/Shanghai", "2024-05-01 10:00:00.5", "2024-05-01T02:00:00.5Z"},
	} {
		cfg, err := parseFlags([]string{"--tz", tc.tz, "--start-datetime", tc.in, "f"})
		if err != nil {
			if strings.Contains(err.Error(), "unknown time zone") {
				t.Logf("skipping %s: %v", tc.tz, err)
				continue
			}
			t.Fatalf("%s %s: %v", tc.tz, tc.in, err)
		}
		if got := cfg.startTime.UTC().Format(time.RFC3339Nano); got != tc.want {
			t.Errorf("--tz %q %q: got %s, want %s", tc.tz, tc.in, got, tc.want)
		}
	}
	for _, bad := range [][]string{{"--tz", "+25:00x"}, {"--start-datetime", "May 1"}, {"--stop-never"}, {"-h", "x", "--stop-never"}, {"--schema"},
		{"--back-interval", "-1"}, {"-h", "x", "--schema", "--no-schema"}, {"--schema-dsn", "u@h", "--no-schema"}} {
		if _, err := parseFlags(append(bad, "f")); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	if _, err := parseFlags([]string{"-h", "x", "--stop-never", "-B"}); err == nil {
		t.Error("--stop-never -B: no error")
	}
}

func TestSelectFiles(t *testing.T) {
	dir := t.TempDir()
	var names []string
	for _, n := range []string{"b.000009", "b.000010", "b.000011.gz", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, filepath.Join(dir, n))
	}
	got, err := cliflag.ExpandPaths([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(names[:2], got); diff != "" {
		t.Errorf("dir without index: mismatch (-want +got):\n%s", diff)
	}
	idx := filepath.Join(dir, "b.index")
	if err := os.WriteFile(idx, []byte("./b.000009\n./b.000010\n./b.000011.gz\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, arg := range []string{dir, idx} {
		got, err := cliflag.ExpandPaths([]string{arg})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(names[:3], got); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", arg, diff)
		}
	}
	got, err = cliflag.SelectFiles(names[:3], "b.000010", "b.000011")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(names[1:3], got); diff != "" {
		t.Errorf("selectFiles: mismatch (-want +got):\n%s", diff)
	}
	if _, err := cliflag.SelectFiles(names[:3], "b.000010", "b.000009"); err == nil {
		t.Error("stop before start: no error")
	}
	if binlog.CompareFileNames("b.999999", "b.1000000") >= 0 {
		t.Error("CompareFileNames: b.999999 >= b.1000000")
	}
}

// TestServerModes checks, on one NO_LOG server, that the live mode prints
// what the file mode prints, that --schema supplies the column names, that
// --start-file picks files of a directory, and --back-interval pauses.
func TestServerModes(t *testing.T) {
	srv := testserver.Start(t, &testserver.Options{RowMetadata: "NO_LOG"})
	if err := srv.Exec("CREATE DATABASE sm", "CREATE TABLE sm.t (id INT UNSIGNED, k VARCHAR(10) CHARACTER SET latin1, e ENUM('a','b'), PRIMARY KEY (k, id))",
		"INSERT INTO sm.t VALUES (1, 'x', 'a')"); err != nil {
		t.Fatal(err)
	}
	if err := srv.FlushBinaryLogs(); err != nil {
		t.Fatal(err)
	}
	paths, _ := srv.BinlogPaths()
	first := filepath.Base(paths[len(paths)-1])
	before, _ := srv.Checksum("sm.t")
	stmts := []string{"USE sm", "INSERT INTO sm.t SELECT seq, 'y', 'b' FROM seq_1_to_1500", "UPDATE sm.t SET id = 4294967295, e = 'b' WHERE k = 'x'"}
	if err := srv.Exec(stmts...); err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(srv.Addr())
	server := []string{"-h", host, "-P", port, "-u", "root"}
	runArgs := func(args ...string) string {
		t.Helper()
		cfg, err := parseFlags(args)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := run(cfg, &out); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		return out.String()
	}
	live := runArgs(append(server, "--schema", "--start-file", first, "-d", "sm")...)
	if !strings.Contains(live, "UPDATE `sm`.`t` SET `id`=4294967295, `e`='b' WHERE `k`='x' AND `id`=1;") {
		t.Errorf("live output lacks the UPDATE:\n%.2000s", live)
	}
	files := runArgs("--schema", "--schema-dsn", "root@"+srv.Addr(), "--start-file", first, "-d", "sm", srv.BinlogDir())
	if diff := cmp.Diff(live, files); diff != "" {
		t.Errorf("live and file output mismatch (-want +got):\n%s", diff)
	}

	// Stopping early leaves the prefetching reader blocked: it must end.
	if out := runArgs("--schema-dsn", "root@"+srv.Addr(), "--schema", "--start-file", first, "--stop-file", first,
		"--stop-position", "300", srv.BinlogDir()); strings.Contains(out, "INSERT") {
		t.Errorf("--stop-position 300: got rows:\n%.500s", out)
	}

	// Flashback with --back-interval: 1501 statements, one pause.
	cfg, err := parseFlags(append(server, "--schema", "--start-file", first, "-B", "--back-interval", "0.5"))
	if err != nil {
		t.Fatal(err)
	}
	var pauses []time.Duration
	cfg.sleep = func(d time.Duration) { pauses = append(pauses, d) }
	var out bytes.Buffer
	if err := run(cfg, &out); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{500 * time.Millisecond}, pauses); diff != "" {
		t.Errorf("pauses mismatch (-want +got):\n%s", diff)
	}
	if err := srv.ExecScript(out.String()); err != nil {
		t.Fatal(err)
	}
	if got, _ := srv.Checksum("sm.t"); got != before {
		t.Errorf("after flashback: checksum %s, want %s", got, before)
	}
}
