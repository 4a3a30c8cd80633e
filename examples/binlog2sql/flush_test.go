package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testbinlog"
	"github.com/binlogkit/binlogkit/rowevent"
)

// TestErrorFlushesCompleteSQL: when the input ends in an error (here a
// file cut inside an event), every statement made from the events before
// it is written, then the error is reported (it used to drop up to 256 KiB
// of finished SQL). The reference is the output of the whole file stopped
// at the offset of the cut event; the file is cut inside events spread
// over it.
func TestErrorFlushesCompleteSQL(t *testing.T) {
	full := filepath.Join("..", "..", "binlog", "testdata", "dml.full.binlog")
	data, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	r, err := binlog.Open(full, nil)
	if err != nil {
		t.Fatal(err)
	}
	var offsets []int64
	for ev, err := range r.All() {
		if err != nil {
			t.Fatal(err)
		}
		if ev.PayloadIndex == 0 {
			offsets = append(offsets, ev.Offset)
		}
	}
	r.Close()
	step := max(len(offsets)/25, 1)
	for i := 1; i < len(offsets); i += step {
		cut := offsets[i] + 10
		cutFile := filepath.Join(t.TempDir(), "dml.full.binlog")
		if err := os.WriteFile(cutFile, data[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := parseFlags([]string{cutFile})
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		err = run(cfg, &got)
		var ee *binlog.EventError
		if !errors.As(err, &ee) || !errors.Is(err, binlog.ErrTruncated) || ee.Offset != offsets[i] {
			t.Fatalf("cut at %d: %v, want an *EventError at %d wrapping ErrTruncated", cut, err, offsets[i])
		}
		want := binlog2sql(t, full, "--stop-position", strconv.FormatInt(ee.Offset, 10))
		// The reference closes the transaction the range ends in; the
		// cut run cannot know that it would have committed.
		want = strings.TrimSuffix(want, "COMMIT;\n")
		if !strings.HasPrefix(got.String(), want) {
			t.Fatalf("cut at %d: the output (%d bytes) lacks SQL of the events before the cut (%d bytes of it)",
				cut, got.Len(), len(want))
		}
	}
}

// TestSessionRestoredAfterSet: a passed-through statement that changes the
// session (here sql_mode, so that a backslash in a string is no longer an
// escape) is followed by the header again, so the row statements after it
// apply as written.
func TestSessionRestoredAfterSet(t *testing.T) {
	b := testbinlog.New(testbinlog.MariaDB)
	b.Query("app", "SET SESSION sql_mode='NO_BACKSLASH_ESCAPES'")
	b.MariaGTID(0, 2, false).TableMap(7, "app", "t").WriteRows(7, testbinlog.Row{ID: 1, V: `a\b'c`}).XID(3)
	path := filepath.Join(t.TempDir(), "bin.000001")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := binlog2sql(t, path)
	set := strings.Index(out, "NO_BACKSLASH_ESCAPES")
	ins := strings.Index(out, "INSERT INTO")
	if set < 0 || ins < set || !strings.Contains(out[set:ins], rowevent.Header) {
		t.Fatalf("no header between the SET and the INSERT:\n%s", out)
	}
}
