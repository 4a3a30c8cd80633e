package binlog

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// chainFiles writes three synthetic binlogs to dir, the second one
// gzip-compressed, and returns their paths and the events of each.
func chainFiles(t *testing.T, dir string) ([]string, []eventSummary) {
	t.Helper()
	var (
		paths []string
		want  []eventSummary
	)
	for i, stmts := range [][]string{
		{"INSERT INTO t VALUES (1)"},
		{"INSERT INTO t VALUES (2)", "INSERT INTO t VALUES (3)"},
		{"DELETE FROM t"},
	} {
		data := synthBinlog(stmts...)
		name := "mysql-bin.00000" + string(rune('1'+i))
		want = append(want, summarizeEvents(mustReadBytes(t, data, name))...)
		file := name
		if i == 1 {
			data = compressors["gzip"](t, data)
			file += ".gz"
		}
		paths = append(paths, writeBinlogFile(t, dir, file, data))
	}
	return paths, want
}

func TestOpenChain(t *testing.T) {
	dir := t.TempDir()
	paths, want := chainFiles(t, dir)
	c, err := OpenChain(paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	evs, err := drainEvents(c.Next)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, summarizeEvents(evs)); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if _, err := c.Next(); err != io.EOF {
		t.Errorf("Next after the end: %v, want io.EOF", err)
	}
	if diff := cmp.Diff(paths, c.Paths()); diff != "" {
		t.Errorf("Paths: mismatch (-want +got):\n%s", diff)
	}
}

func TestOpenChainAll(t *testing.T) {
	paths, want := chainFiles(t, t.TempDir())
	c, err := OpenChain(paths, &ReaderOptions{Name: "ignored"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var evs []*Event
	for ev, err := range c.All() {
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
		if len(evs) == 3 {
			break // All is resumable: the next range continues
		}
	}
	for ev, err := range c.All() {
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	if diff := cmp.Diff(want, summarizeEvents(evs)); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestOpenChainEmpty(t *testing.T) {
	c, err := OpenChain(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Next(); err != io.EOF {
		t.Errorf("Next: %v, want io.EOF", err)
	}
	if err := c.Close(); err != nil {
		t.Error(err)
	}
}

func TestOpenChainMissingFile(t *testing.T) {
	dir := t.TempDir()
	paths, _ := chainFiles(t, dir)
	// The first file is opened by OpenChain.
	if _, err := OpenChain(append([]string{filepath.Join(dir, "nope")}, paths...), nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OpenChain with a missing first file: %v, want os.ErrNotExist", err)
	}
	// Later files when reached.
	c, err := OpenChain(append(paths[:1:1], filepath.Join(dir, "nope")), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	evs, err := drainEvents(c.Next)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error %v, want os.ErrNotExist", err)
	}
	if len(evs) != 5 {
		t.Errorf("read %d events before the missing file, want 5", len(evs))
	}
	if _, err2 := c.Next(); err2 != err {
		t.Errorf("error not sticky: %v then %v", err, err2)
	}
}

// TestOpenChainTruncated: a file cut inside an event stops the chain with
// ErrTruncated, in the middle of the chain as at its end.
func TestOpenChainTruncated(t *testing.T) {
	dir := t.TempDir()
	paths, want := chainFiles(t, dir)
	data, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	cut := want[2].Offset + 7 // inside the third event of the first file
	for _, tc := range []struct {
		name  string
		paths []string
	}{
		{"middle", paths},
		{"last", paths[:1]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			writeBinlogFile(t, dir, filepath.Base(paths[0]), data[:cut])
			c, err := OpenChain(tc.paths, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			evs, err := drainEvents(c.Next)
			var ee *EventError
			if !errors.Is(err, ErrTruncated) || !errors.As(err, &ee) {
				t.Fatalf("error %v, want an *EventError wrapping ErrTruncated", err)
			}
			if ee.File != "mysql-bin.000001" || ee.Offset != want[2].Offset {
				t.Errorf("error in %s at %d, want mysql-bin.000001 at %d", ee.File, ee.Offset, want[2].Offset)
			}
			if len(evs) != 2 {
				t.Errorf("read %d events, want 2", len(evs))
			}
		})
	}
}

func TestOpenIndex(t *testing.T) {
	dir := t.TempDir()
	paths, want := chainFiles(t, dir)
	// As a server writes it: "./name" relative to the index's directory,
	// plus an absolute path, a CRLF line end and a blank line.
	index := "./" + filepath.Base(paths[0]) + "\r\n" + filepath.Base(paths[1]) + "\n\n" + paths[2] + "\n"
	ipath := writeBinlogFile(t, dir, "mysql-bin.index", []byte(index))
	c, err := OpenIndex(ipath, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if diff := cmp.Diff(paths, c.Paths()); diff != "" {
		t.Errorf("Paths: mismatch (-want +got):\n%s", diff)
	}
	evs, err := drainEvents(c.Next)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, summarizeEvents(evs)); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if _, err := OpenIndex(filepath.Join(dir, "missing.index"), nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OpenIndex of a missing index: %v, want os.ErrNotExist", err)
	}
	// A line too long for an index file.
	long := writeBinlogFile(t, dir, "long.index", []byte(strings.Repeat("x", 100<<10)))
	if _, err := OpenIndex(long, nil); err == nil {
		t.Errorf("OpenIndex with a 100 KiB line: no error")
	}
}

// TestOpenChainShared reads two consecutive shared samples as a chain.
func TestOpenChainShared(t *testing.T) {
	dir := sharedBinlogs(t)
	paths := []string{
		filepath.Join(dir, "mysql-8.0.32/std_data/replicated-bin.000001"),
		filepath.Join(dir, "mysql-8.0.32/std_data/replicated-bin.000002"),
	}
	var want []eventSummary
	for _, p := range paths {
		evs, _, err := openAll(t, p, nil)
		if err != nil {
			t.Skipf("%s does not read cleanly yet: %v", p, err)
		}
		want = append(want, summarizeEvents(evs)...)
	}
	c, err := OpenChain(paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	evs, err := drainEvents(c.Next)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, summarizeEvents(evs)); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}
