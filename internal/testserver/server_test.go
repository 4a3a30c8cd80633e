package testserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestServer(t *testing.T) {
	s := Start(t, nil)

	if err := s.Exec(
		"CREATE DATABASE d",
		"CREATE TABLE d.t (id INT PRIMARY KEY, s VARCHAR(20), b VARBINARY(10))",
		"INSERT INTO d.t VALUES (1, 'héllo; world', x'00ff'), (2, NULL, NULL)",
	); err != nil {
		t.Fatal(err)
	}

	cols, rows, err := s.QueryColumns("SELECT id, s, b FROM d.t ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"id", "s", "b"}, cols); diff != "" {
		t.Errorf("columns mismatch (-want +got):\n%s", diff)
	}
	want := [][][]byte{
		{[]byte("1"), []byte("héllo; world"), {0x00, 0xff}},
		{[]byte("2"), nil, nil},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("rows mismatch (-want +got):\n%s", diff)
	}

	sum1, err := s.Checksum("d.t")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Exec("UPDATE d.t SET s = 'x' WHERE id = 2"); err != nil {
		t.Fatal(err)
	}
	sum2, err := s.Checksum("d.t")
	if err != nil {
		t.Fatal(err)
	}
	if sum1 == sum2 || sum1 == "" {
		t.Errorf("checksum did not change: %q then %q", sum1, sum2)
	}
	if _, err := s.Checksum("d.missing"); err == nil {
		t.Error("Checksum of a missing table: no error")
	}

	// Session state carries over between Exec calls.
	if err := s.Exec("USE d", "SET @v = 42"); err != nil {
		t.Fatal(err)
	}
	if v, err := s.QueryValue("SELECT CONCAT(DATABASE(), @v)"); err != nil || v != "d42" {
		t.Errorf("session state: got %q, %v; want d42", v, err)
	}

	// A SQL error is reported and the session stays usable.
	if err := s.Exec("SELECT * FROM nope"); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("bad statement: err = %v", err)
	}
	if v, err := s.QueryValue("SELECT @v"); err != nil || v != "42" {
		t.Errorf("after error: got %q, %v", v, err)
	}

	paths, err := s.BinlogPaths()
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 1 || filepath.Base(paths[0]) != "binlog.000001" || filepath.Dir(paths[0]) != s.BinlogDir() {
		t.Fatalf("BinlogPaths = %q", paths)
	}
	if err := s.FlushBinaryLogs(); err != nil {
		t.Fatal(err)
	}
	paths, err = s.BinlogPaths()
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) != 2 || filepath.Base(paths[1]) != "binlog.000002" {
		t.Fatalf("BinlogPaths after flush = %q", paths)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), "\xfebin") {
			t.Errorf("%s: no binlog magic", p)
		}
	}

	// The TCP address works for root too.
	c, err := s.Connect("d")
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Execute("SELECT COUNT(*) FROM t")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := r.GetInt(0, 0); n != 2 {
		t.Errorf("count over TCP = %d, want 2", n)
	}
	c.Close()

	v, err := s.QueryValue("SELECT CONCAT(@@binlog_format, ' ', @@binlog_row_metadata, ' ', @@binlog_row_image, ' ', @@server_id, ' ', @@time_zone)")
	if err != nil {
		t.Fatal(err)
	}
	if v != "ROW FULL FULL 1 +00:00" {
		t.Errorf("server settings = %q", v)
	}
}

func TestExecScript(t *testing.T) {
	s := Start(t, &Options{RowMetadata: "NO_LOG", RowImage: "minimal"})
	script := `-- a comment; with a semicolon
CREATE DATABASE d;
CREATE TABLE d.t (id INT PRIMARY KEY, s TEXT);
INSERT INTO d.t VALUES (1, 'a;b'), (2, 'it''s; "quoted" \\ back');
/* block; comment */ INSERT INTO d.t VALUES (3, 'x
y');
`
	if err := s.ExecScript(script); err != nil {
		t.Fatal(err)
	}
	rows, err := s.Query("SELECT s FROM d.t ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	want := [][][]byte{{[]byte("a;b")}, {[]byte(`it's; "quoted" \ back`)}, {[]byte("x\ny")}}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("rows mismatch (-want +got):\n%s", diff)
	}
	err = s.ExecScript("SELECT 1;\nSELECT * FROM missing_table;\n")
	if err == nil || !strings.Contains(err.Error(), "at line 2") {
		t.Errorf("failing script: err = %v, want one naming line 2", err)
	}
	v, err := s.QueryValue("SELECT CONCAT(@@binlog_row_metadata, ' ', @@binlog_row_image)")
	if err != nil || v != "NO_LOG MINIMAL" {
		t.Errorf("settings = %q, %v", v, err)
	}
}

func TestTwoServersAndClose(t *testing.T) {
	a := Start(t, nil)
	b := Start(t, &Options{ExtraArgs: []string{"--log-bin-compress"}})
	if a.Port() == b.Port() || a.BinlogDir() == b.BinlogDir() {
		t.Fatalf("servers share port or dir: %d %d %s %s", a.Port(), b.Port(), a.BinlogDir(), b.BinlogDir())
	}
	if v, err := b.QueryValue("SELECT @@log_bin_compress"); err != nil || v != "1" {
		t.Errorf("ExtraArgs not applied: %q, %v", v, err)
	}
	dir := a.BinlogDir()
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("temp dir %s still there after Close: %v", dir, err)
	}
	if err := a.Exec("SELECT 1"); err == nil {
		t.Error("Exec after Close: no error")
	}
}

// TestDefaultCharset checks that DefaultCharset leaves the server at
// MariaDB's compiled-in latin1, that the zero value still forces utf8mb4,
// and that both share the template data directory.
func TestDefaultCharset(t *testing.T) {
	utf := Start(t, nil)
	lat := Start(t, &Options{DefaultCharset: true})
	if utf.templateKey() != lat.templateKey() {
		t.Errorf("template keys differ: %s and %s", utf.templateKey(), lat.templateKey())
	}
	const q = "SELECT CONCAT(@@character_set_server, ' ', @@collation_server, ' ', @@character_set_connection)"
	for _, tc := range []struct {
		s          *Server
		want, coll string
	}{
		{utf, "utf8mb4 utf8mb4_general_ci utf8mb4", "utf8mb4_general_ci"},
		{lat, "latin1 latin1_swedish_ci utf8mb4", "latin1_swedish_ci"},
	} {
		if v, err := tc.s.QueryValue(q); err != nil || v != tc.want {
			t.Errorf("DefaultCharset=%v: settings %q, %v; want %q", tc.s.Options().DefaultCharset, v, err, tc.want)
		}
		if err := tc.s.Exec("CREATE DATABASE d", "CREATE TABLE d.t (s VARCHAR(10))", "INSERT INTO d.t VALUES ('é')"); err != nil {
			t.Fatal(err)
		}
		v, err := tc.s.QueryValue(`SELECT CONCAT(s.DEFAULT_COLLATION_NAME, ' ', c.COLLATION_NAME)
			FROM information_schema.SCHEMATA s JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = s.SCHEMA_NAME
			WHERE s.SCHEMA_NAME = 'd'`)
		if want := tc.coll + " " + tc.coll; err != nil || v != want {
			t.Errorf("DefaultCharset=%v: database and column collations %q, %v; want %q", tc.s.Options().DefaultCharset, v, err, want)
		}
		// The harness's sessions still speak utf8mb4: text is converted.
		if v, err := tc.s.QueryValue("SELECT s FROM d.t"); err != nil || v != "é" {
			t.Errorf("DefaultCharset=%v: read back %q, %v; want é", tc.s.Options().DefaultCharset, v, err)
		}
	}
	if v, err := lat.QueryValue("SELECT HEX(s) FROM d.t"); err != nil || v != "E9" {
		t.Errorf("latin1 column holds %q, %v; want E9", v, err)
	}
}

func TestBadOptions(t *testing.T) {
	for _, o := range []*Options{{RowMetadata: "SOME"}, {RowImage: "HALF"}} {
		if _, err := o.withDefaults(); err == nil {
			t.Errorf("%+v: no error", *o)
		}
	}
	got, err := (*Options)(nil).withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Options{RowMetadata: "FULL", RowImage: "FULL"}, got); diff != "" {
		t.Errorf("defaults mismatch (-want +got):\n%s", diff)
	}
}

// fakeTB records Skipf and Fatalf instead of stopping the goroutine.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper()                          {}
func (f *fakeTB) Skipf(format string, args ...any) { f.skipped = fmt.Sprintf(format, args...) }
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
}

func TestCheckAvailable(t *testing.T) {
	missing := errors.New("mariadbd not found in PATH")

	t.Setenv(RequireEnv, "")
	var tb fakeTB
	if checkAvailable(&tb, missing) || !strings.HasPrefix(tb.skipped, "mariadbd not found: install mariadb-server") || tb.failed != "" {
		t.Errorf("without %s: skipped=%q failed=%q", RequireEnv, tb.skipped, tb.failed)
	}

	t.Setenv(RequireEnv, "1")
	tb = fakeTB{}
	if checkAvailable(&tb, missing) || tb.failed == "" || tb.skipped != "" {
		t.Errorf("with %s=1: skipped=%q failed=%q", RequireEnv, tb.skipped, tb.failed)
	}

	tb = fakeTB{}
	if !checkAvailable(&tb, nil) || tb.failed != "" || tb.skipped != "" {
		t.Errorf("available: skipped=%q failed=%q", tb.skipped, tb.failed)
	}
}

func TestRestart(t *testing.T) {
	s := Start(t, nil)
	if err := s.Exec("CREATE DATABASE r", "CREATE TABLE r.t (a INT PRIMARY KEY)", "INSERT INTO r.t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	port := s.Port()
	if err := s.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s.Port() != port {
		t.Errorf("port changed from %d to %d", port, s.Port())
	}
	v, err := s.QueryValue("SELECT COUNT(*) FROM r.t")
	if err != nil || v != "1" {
		t.Fatalf("after restart: %q, %v", v, err)
	}
	paths, err := s.BinlogPaths()
	if err != nil || len(paths) < 2 {
		t.Errorf("binlogs after restart: %v, %v (a restart opens a new binlog)", paths, err)
	}
}

func TestRecord(t *testing.T) {
	s := Start(t, nil)
	files, err := s.Record(func() error {
		return s.Exec("CREATE DATABASE rec", "FLUSH BINARY LOGS", "CREATE TABLE rec.t (a INT)")
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Fatalf("Record returned %d files, want 2 (the workload rotated once): %v", len(files), files)
	}
}
