package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

func TestParseFlags(t *testing.T) {
	cfg, err := parseFlags([]string{"--sql", "--databases", "a,b", "f1", "--tables", "a.t", "--sqlTypes", "insert,DELETE",
		"--start-datetime", "2024-05-01 10:00:00", "--time-zone", "+02:00", "--include-gtids", "0-1-5", "f2"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.sql || strings.Join(cfg.files, " ") != "f1 f2" || strings.Join(cfg.databases, " ") != "a b" ||
		cfg.kinds != binlog.StmtInsert|binlog.StmtDelete || !cfg.startTime.Equal(time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)) ||
		cfg.include == nil || cfg.server.Addr != "" {
		t.Errorf("got %+v", cfg)
	}
	cfg, err = parseFlags([]string{"--check", "me@db", "--on-conflict", "skip", "--out", "x", "f"}, io.Discard)
	if err != nil || cfg.server.Addr != "db:3306" || cfg.server.User != "me" || cfg.onConflict != 1 {
		t.Errorf("--check: %+v, %v", cfg, err)
	}
	for _, bad := range [][]string{
		{"f"},                       // no mode
		{"--sql", "--dry-run", "f"}, // two modes
		{"--sql"},                   // no file
		{"--maxSplitSize", "9", "--sql", "f"},
		{"--sqlTypes", "ddl", "--sql", "f"},
		{"--on-conflict", "maybe", "--sql", "f"},
		{"--check", "db", "--sql", "f"},
		{"--check", "u@db", "-h", "db", "--sql", "f"},
		{"--start-datetime", "yesterday", "--sql", "f"},
		{"--include-gtids", "x-y", "--sql", "f"},
	} {
		if _, err := parseFlags(bad, io.Discard); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	// A password glued to -p is never printed.
	_, stderr, code := flashbackCmd(t, "-psecret", "--sql", "f")
	if code != 2 || strings.Contains(stderr, "secret") {
		t.Errorf("-psecret: exit %d, %q", code, stderr)
	}
	// A password in --check is taken, with a warning that does not show it.
	cfg, err = parseFlags([]string{"--check", "me:secret@db:3307", "--sql", "f"}, io.Discard)
	if err != nil || cfg.server.Password != "secret" || cfg.server.Addr != "db:3307" || len(cfg.warnings) != 1 || strings.Contains(cfg.warnings[0], "secret") {
		t.Errorf("--check with a password: %+v, %v", cfg, err)
	}
	if _, stderr, code := flashbackCmd(t, "-help"); code != 0 || !strings.Contains(stderr, "usage: flashback") {
		t.Errorf("-help: exit %d\n%s", code, stderr)
	}
}

// slowSource yields n events, each after a pause.
type slowSource struct{ n int }

func (s *slowSource) Next() (*binlog.Event, error) {
	if s.n == 0 {
		return nil, io.EOF
	}
	s.n--
	time.Sleep(30 * time.Millisecond)
	return &binlog.Event{File: "b.000001", Offset: 4, NextPos: 1004, Payload: &binlog.XID{}}, nil
}

func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	src, stop := watch(&slowSource{n: 5}, "reading", &buf, 40*time.Millisecond)
	for {
		if _, err := src.Next(); err != nil {
			break
		}
	}
	stop()
	if !strings.Contains(buf.String(), "flashback: reading: at b.000001:1004") || !strings.Contains(buf.String(), "MB/s") {
		t.Errorf("progress: %q", buf.String())
	}
}

// TestCommand runs the command against a small range on a real server:
// the dry run, the conflict check (clean, stop, skip), the split binlog
// output, refusals with their file and offset, compressed and index input.
func TestCommand(t *testing.T) {
	srv := testserver.Start(t, nil)
	if err := srv.Exec("CREATE DATABASE c", "USE c",
		"CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20), n INT)",
		"CREATE TABLE k (a INT, b VARCHAR(10))",
		"INSERT INTO t SELECT seq, CONCAT('v', seq), seq FROM seq_1_to_20",
		"CREATE DATABASE snap",
		"CREATE TABLE snap.before_t AS SELECT * FROM t",
		"CREATE TABLE snap.before_k AS SELECT * FROM k",
	); err != nil {
		t.Fatal(err)
	}
	files, err := srv.Record(func() error {
		return srv.Exec("USE c",
			"UPDATE t SET v = CONCAT(v, '!') WHERE id <= 10",
			"BEGIN", "DELETE FROM t WHERE id > 15", "INSERT INTO t VALUES (21, 'new', 0)", "COMMIT",
			"FLUSH BINARY LOGS",
			"INSERT INTO k VALUES (1, 'x'), (2, 'y')",
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Exec("CREATE TABLE snap.after_t AS SELECT * FROM c.t", "CREATE TABLE snap.after_k AS SELECT * FROM c.k"); err != nil {
		t.Fatal(err)
	}
	sum := func(table string) string {
		t.Helper()
		s, err := srv.Checksum(table)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	check := "root@" + srv.Addr()

	t.Run("dry_run", func(t *testing.T) {
		out := mustFlashback(t, append([]string{"--dry-run", "--quiet"}, files...)...)
		for _, want := range []string{
			"transactions: 3, from " + filepath.Base(files[0]) + ":",
			"  reinsert     delete     revert  table\n",
			"         0          2          0  c.k\n         5          1         10  c.t\n         5          3         10  total\n",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("dry run: no %q in\n%s", want, out)
			}
		}
		// Selection flags narrow it.
		out = mustFlashback(t, append([]string{"--dry-run", "--tables", "t", "--sqlTypes", "delete"}, files...)...)
		if !strings.Contains(out, "transactions: 1,") || !strings.Contains(out, "         5          0          0  c.t\n") || strings.Contains(out, "c.k") {
			t.Errorf("dry run of the deletes of t:\n%s", out)
		}
	})

	t.Run("check_clean", func(t *testing.T) {
		out, stderr, code := flashbackCmd(t, append([]string{"--sql", "--check", check}, files...)...)
		if code != 0 || strings.Contains(stderr, "changed since") || !strings.Contains(out, "DELETE FROM `c`.`k`") {
			t.Errorf("exit %d\n%s", code, stderr)
		}
	})

	// Two rows change after the range: one it updated, one it inserted.
	if err := srv.Exec("UPDATE c.t SET n = 99 WHERE id = 3", "DELETE FROM c.t WHERE id = 21",
		"CREATE TABLE snap.mod_t AS SELECT * FROM c.t"); err != nil {
		t.Fatal(err)
	}
	// What skip must give: the before-state, but row 3 as it is now (and
	// row 21, which the before-state lacks too, still gone).
	if err := srv.Exec("CREATE TABLE snap.want_t AS SELECT * FROM snap.before_t",
		"UPDATE snap.want_t SET v = 'v3!', n = 99 WHERE id = 3"); err != nil {
		t.Fatal(err)
	}

	t.Run("check_stop", func(t *testing.T) {
		out, stderr, code := flashbackCmd(t, append([]string{"--sql", "--check", check}, files...)...)
		if code != 3 || out != "" {
			t.Errorf("exit %d, %d bytes of output; want 3 and nothing", code, len(out))
		}
		got := regexp.MustCompile(`(?m)^flashback: changed since the range: (.*)$`).FindAllStringSubmatch(stderr, -1)
		var lines []string
		for _, m := range got {
			lines = append(lines, m[1])
		}
		want := []string{"c.t `id`=3: changed (n)", "c.t `id`=21: deleted"}
		if strings.Join(lines, "\n") != strings.Join(want, "\n") {
			t.Errorf("conflicts:\n%s\nwant:\n%s\nstderr:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"), stderr)
		}
	})

	t.Run("check_skip", func(t *testing.T) {
		wantT, wantK := sum("snap.want_t"), sum("snap.before_k")
		for _, output := range []string{"sql", "binlog"} {
			if err := srv.ExecScript("SET sql_log_bin=0; DELETE FROM c.t; INSERT INTO c.t SELECT * FROM snap.mod_t; DELETE FROM c.k; INSERT INTO c.k SELECT * FROM snap.after_k;"); err != nil {
				t.Fatal(err)
			}
			args := []string{"--check", check, "--on-conflict", "skip"}
			if output == "sql" {
				out, stderr, code := flashbackCmd(t, append(append(args, "--sql"), files...)...)
				if code != 0 || !strings.Contains(stderr, "2 of ") {
					t.Fatalf("sql: exit %d\n%s", code, stderr)
				}
				if err := srv.ExecScript(out); err != nil {
					t.Fatal(err)
				}
			} else {
				fb := filepath.Join(t.TempDir(), "fb")
				// Split, one transaction a file.
				mustFlashback(t, append(append(args, "--out", fb, "--maxSplitSize", "1"), files...)...)
				outs, _ := filepath.Glob(fb + ".*")
				if len(outs) != 3 {
					t.Errorf("--maxSplitSize 1: outputs %q, want 3", outs)
				}
				srv.ApplyBinlogs(t, outs...)
			}
			if got := sum("c.t"); got != wantT {
				t.Errorf("%s: c.t checksum %s, want %s (the before-state with row 3 as it is now)", output, got, wantT)
			}
			if got := sum("c.k"); got != wantK {
				t.Errorf("%s: c.k checksum %s, want the before-state %s", output, got, wantK)
			}
		}
	})

	t.Run("compressed_and_index", func(t *testing.T) {
		plain := mustFlashback(t, append([]string{"--sql"}, files...)...)
		dir := t.TempDir()
		var gz, zs []string
		for i, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if i%2 == 0 {
				zw := gzip.NewWriter(&b)
				zw.Write(raw)
				zw.Close()
				gz = append(gz, filepath.Join(dir, filepath.Base(f)+".gz"))
				zs = append(zs, f)
				os.WriteFile(gz[len(gz)-1], b.Bytes(), 0o644)
			} else {
				zw, _ := zstd.NewWriter(&b)
				zw.Write(raw)
				zw.Close()
				gz = append(gz, filepath.Join(dir, filepath.Base(f)+".zst"))
				zs = append(zs, gz[len(gz)-1])
				os.WriteFile(gz[len(gz)-1], b.Bytes(), 0o644)
			}
		}
		for _, in := range [][]string{gz, zs} {
			if got := mustFlashback(t, append([]string{"--sql"}, in...)...); got != plain {
				t.Errorf("%q: the SQL differs from that of the plain files", in)
			}
		}
		index := filepath.Join(dir, "binlog.index")
		if err := os.WriteFile(index, []byte(strings.Join(files, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := mustFlashback(t, "--sql", index); got != plain {
			t.Error("index: the SQL differs from that of the files")
		}
		// --stop-file and --stop-position apply to the file names of the
		// compressed input as the server named them.
		out := mustFlashback(t, append([]string{"--dry-run", "--stop-file", filepath.Base(files[0])}, gz...)...)
		if strings.Contains(out, "c.k") {
			t.Errorf("--stop-file %s: %s", filepath.Base(files[0]), out)
		}
	})

	t.Run("refusals", func(t *testing.T) {
		// A start position inside a transaction.
		cut := rowsEventOffset(t, files[0])
		_, stderr, code := flashbackCmd(t, "--sql", "--start-position", strconv.FormatInt(cut, 10), files[0])
		if code != 1 || !regexp.MustCompile(filepath.Base(files[0])+`: offset \d+: flashback: position inside a transaction: the transaction from `).MatchString(stderr) {
			t.Errorf("cut transaction: exit %d\n%s", code, stderr)
		}
		// DDL in the range.
		ddl, err := srv.Record(func() error {
			return srv.Exec("USE c", "UPDATE t SET n = n + 1 WHERE id = 1", "ALTER TABLE t ADD COLUMN z INT", "UPDATE t SET z = 1 WHERE id = 2")
		})
		if err != nil {
			t.Fatal(err)
		}
		out, stderr, code := flashbackCmd(t, append([]string{"--sql"}, ddl...)...)
		if code != 1 || out != "" || !regexp.MustCompile(`binlog\.\d+: offset \d+: flashback: DDL in the range cannot be undone`).MatchString(stderr) {
			t.Errorf("DDL: exit %d, %d bytes out\n%s", code, len(out), stderr)
		}
		fb := filepath.Join(t.TempDir(), "fb")
		if _, stderr, code := flashbackCmd(t, append([]string{"--out", fb}, ddl...)...); code != 1 || !strings.Contains(stderr, "offset") {
			t.Errorf("DDL, --out: exit %d\n%s", code, stderr)
		}
		if _, err := os.Stat(fb); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("DDL, --out: the output is left: %v", err)
		}
		// A corrupt file: the reader's error, with file and offset.
		raw, _ := os.ReadFile(files[0])
		bad := filepath.Join(t.TempDir(), "binlog.000009")
		os.WriteFile(bad, raw[:len(raw)-7], 0o644)
		if _, stderr, code := flashbackCmd(t, "--sql", bad); code != 1 || !regexp.MustCompile(`binlog\.000009: offset \d+`).MatchString(stderr) {
			t.Errorf("truncated file: exit %d\n%s", code, stderr)
		}
	})
}

// rowsEventOffset returns the offset of the first rows event of path.
func rowsEventOffset(t *testing.T, path string) int64 {
	t.Helper()
	r, err := binlog.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for {
		ev, err := r.Next()
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := ev.Payload.(*binlog.Rows); ok {
			return ev.Offset
		}
	}
}
