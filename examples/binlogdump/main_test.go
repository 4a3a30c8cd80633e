package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sample returns a real binlog to list: the first generated testdata file,
// else a MariaDB sample from ../shared/binlogs; it skips when neither exists.
func sample(t *testing.T) string {
	t.Helper()
	if m, _ := filepath.Glob(filepath.Join("..", "..", "binlog", "testdata", "*.binlog")); len(m) > 0 {
		return m[0]
	}
	p, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "binlogs", "mariadb-11.8.6", "std_data", "mariadb-5.5-binlog.000001"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Skipf("no binlog sample: %v", err)
	}
	return p
}

func runCmd(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

// offsets returns the offsets of the "# at N" lines of a text listing.
func offsets(t *testing.T, listing string) []int64 {
	t.Helper()
	var offs []int64
	for _, l := range strings.Split(listing, "\n") {
		if rest, ok := strings.CutPrefix(l, "# at "); ok {
			rest, _, _ = strings.Cut(rest, " ")
			n, err := strconv.ParseInt(rest, 10, 64)
			if err != nil {
				t.Fatalf("bad line %q", l)
			}
			offs = append(offs, n)
		}
	}
	return offs
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"--bogus", "x"}, {"--start-position", "x", "f"}} {
		code, _, stderr := runCmd(args...)
		if code != 2 || !strings.Contains(stderr, "usage: binlogdump") {
			t.Errorf("run(%q) = %d, stderr %q; want 2 and the usage", args, code, stderr)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.000001")
	if err := os.WriteFile(bad, []byte("not a binlog at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "missing"), "missing"},
		{bad, "bad magic"},
	} {
		code, stdout, stderr := runCmd(tc.path)
		if code != 1 || stdout != "" || !strings.Contains(stderr, tc.want) {
			t.Errorf("run(%s) = %d, stdout %q, stderr %q; want 1, nothing, an error containing %q",
				tc.path, code, stdout, stderr, tc.want)
		}
	}
}

func TestListing(t *testing.T) {
	path := sample(t)
	code, text, stderr := runCmd(path)
	if code != 0 || stderr != "" {
		t.Fatalf("run(%s) = %d, stderr %q", path, code, stderr)
	}
	offs := offsets(t, text)
	if len(offs) < 3 || offs[0] != 4 {
		t.Fatalf("listing has offsets %v; want at least 3 events from 4:\n%s", offs, text)
	}

	code, jsonl, stderr := runCmd("--json", "--no-verify", path)
	if code != 0 || stderr != "" {
		t.Fatalf("run(--json %s) = %d, stderr %q", path, code, stderr)
	}
	var jsonOffs []int64
	for _, l := range strings.Split(strings.TrimSuffix(jsonl, "\n"), "\n") {
		var ev struct{ Offset int64 }
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("bad JSON line %q: %v", l, err)
		}
		jsonOffs = append(jsonOffs, ev.Offset)
	}
	if diff := cmp.Diff(offs, jsonOffs); diff != "" {
		t.Errorf("JSON offsets mismatch (-want +got):\n%s", diff)
	}

	// Positions: start at the second event, stop before the last.
	start, stop := offs[1], offs[len(offs)-1]
	_, text2, _ := runCmd("--start-position", strconv.FormatInt(start, 10),
		"--stop-position", strconv.FormatInt(stop, 10), path)
	if diff := cmp.Diff(offs[1:len(offs)-1], offsets(t, text2)); diff != "" {
		t.Errorf("start/stop offsets mismatch (-want +got):\n%s", diff)
	}

	// Two files, the second gzip-compressed: start applies to the first
	// file only, stop to the last only.
	dir := t.TempDir()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a, b := filepath.Join(dir, "bin.000001"), filepath.Join(dir, "bin.000002.gz")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	if err := os.WriteFile(a, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	code, text3, stderr := runCmd("--start-position", strconv.FormatInt(start, 10),
		"--stop-position", strconv.FormatInt(stop, 10), a, b)
	if code != 0 {
		t.Fatalf("run(two files) = %d, stderr %q", code, stderr)
	}
	want := append(append([]int64(nil), offs[1:]...), offs[:len(offs)-1]...)
	if diff := cmp.Diff(want, offsets(t, text3)); diff != "" {
		t.Errorf("two-file offsets mismatch (-want +got):\n%s", diff)
	}

	// A cut file: the events before the cut are printed, then the error
	// with the file name and offset, and the status is 1.
	cut := filepath.Join(dir, "cut.000001")
	if err := os.WriteFile(cut, data[:offs[len(offs)-1]+10], 0o644); err != nil {
		t.Fatal(err)
	}
	code, text4, stderr := runCmd(cut)
	wantErr := "cut.000001: offset " + strconv.FormatInt(offs[len(offs)-1], 10)
	if code != 1 || !strings.Contains(stderr, wantErr) {
		t.Errorf("run(cut file) = %d, stderr %q; want 1 and %q", code, stderr, wantErr)
	}
	if diff := cmp.Diff(offs[:len(offs)-1], offsets(t, text4)); diff != "" {
		t.Errorf("cut file offsets mismatch (-want +got):\n%s", diff)
	}
}
