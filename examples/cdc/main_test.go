package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func testdata(name string) string { return filepath.Join("..", "..", "binlog", "testdata", name) }

// runCDC runs the command with args and returns its stdout.
func runCDC(t *testing.T, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	out, err := os.Create(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	errf, err := os.Create(filepath.Join(dir, "err"))
	if err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), args, out, errf); err != nil {
		b, _ := os.ReadFile(errf.Name())
		t.Fatalf("cdc %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	out.Close()
	b, err := os.ReadFile(out.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var posRE = regexp.MustCompile(`"source":\{"file":"[^"]*","pos":[0-9]*`)

// stripSource removes the source file and position, which differ between
// the files.
func stripSource(s string) string { return posRE.ReplaceAllString(s, `"source":{`) }

func TestFiles(t *testing.T) {
	full := runCDC(t, testdata("dml.full.binlog"))
	if n := strings.Count(full, "\n"); n < 1000 {
		t.Fatalf("%d records from dml.full.binlog, want >= 1000", n)
	}
	// Without binlog_row_metadata=FULL, the schema history gives the same
	// column names (the files have the same offsets: same workload).
	nolog := runCDC(t, testdata("dml.nolog.binlog"))
	if diff := cmp.Diff(strings.Split(stripSource(full), "\n"), strings.Split(stripSource(nolog), "\n")); diff != "" {
		t.Errorf("NO_LOG records differ from FULL ones (-full +nolog):\n%s", diff)
	}
	// Filters.
	got := runCDC(t, "--kinds", "delete", "-t", "dml.acc*", testdata("dml.full.binlog"))
	for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
		if !strings.HasPrefix(line, `{"op":"delete","database":"dml","table":"accounts"`) {
			t.Fatalf("filtered output has %s", line)
		}
	}
	if strings.Count(full, `{"op":"delete","database":"dml","table":"accounts"`) != strings.Count(got, "\n") {
		t.Errorf("--kinds delete -t dml.acc*: %d records, want %d", strings.Count(got, "\n"),
			strings.Count(full, `{"op":"delete","database":"dml","table":"accounts"`))
	}
}

// TestResumeFiles stops at a position, saving a checkpoint, then resumes:
// the two outputs together are the whole output, once.
func TestResumeFiles(t *testing.T) {
	full := runCDC(t, testdata("dml.full.binlog"))
	cp := filepath.Join(t.TempDir(), "cp.json")
	for _, stop := range []string{"20000", "120000", "160000"} {
		os.Remove(cp)
		first := runCDC(t, "--checkpoint", cp, "--stop-position", "dml.full.binlog:"+stop, testdata("dml.full.binlog"))
		second := runCDC(t, "--checkpoint", cp, testdata("dml.full.binlog"))
		if first == "" || second == "" {
			t.Errorf("stop %s: %d + %d bytes: want both parts non-empty", stop, len(first), len(second))
		}
		if diff := cmp.Diff(strings.Split(full, "\n"), strings.Split(first+second, "\n")); diff != "" {
			t.Errorf("stop %s: resumed output (-want +got):\n%s", stop, diff)
		}
		// A third run has nothing left to write.
		if third := runCDC(t, "--checkpoint", cp, testdata("dml.full.binlog")); third != "" {
			t.Errorf("stop %s: third run wrote %d bytes", stop, len(third))
		}
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--host", "h", "file"},
		{"--kinds", "select", "f"},
		{"--start-position", ":4", "f"},
		{"--start-datetime", "yesterday", "f"},
		{"--time-zone", "Nowhere/Land", "f"},
		{"--include-gtids", "bad", "f"},
		{"--server-ids", "x", "f"},
	} {
		null, _ := os.Open(os.DevNull)
		if err := run(context.Background(), args, null, null); err == nil {
			t.Errorf("cdc %q succeeded", args)
		}
	}
}
