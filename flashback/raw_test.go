package flashback_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/flashback"
)

// TestWriteBinlogRawMatchesValues writes the flashback binlog of testdata
// binlogs twice, from a source read with row values and from one read
// without (binlog.ReaderOptions.SkipRowValues, which WriteBinlog inverts
// byte by byte), and requires the same bytes, the same summary and the
// same refusals.
func TestWriteBinlogRawMatchesValues(t *testing.T) {
	for _, name := range []string{"types.full.binlog", "types.nolog.binlog", "dml.full.binlog", "dml.nolog.binlog", "sample.full.binlog", "dml.full-minimal.binlog"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("..", "binlog", "testdata", name)
			var outs [2]bytes.Buffer
			var sums [2]flashback.Summary
			var errs [2]error
			for i, skip := range []bool{false, true} {
				r, err := binlog.Open(path, &binlog.ReaderOptions{SkipRowValues: skip})
				if err != nil {
					t.Fatal(err)
				}
				sums[i], errs[i] = flashback.WriteBinlog(&outs[i], r, &flashback.Selection{SkipStatements: true}, &flashback.BinlogOptions{TempDir: t.TempDir()})
				r.Close()
			}
			if (errs[0] == nil) != (errs[1] == nil) || errs[0] != nil && errs[0].Error() != errs[1].Error() {
				t.Fatalf("with values: %v; without: %v", errs[0], errs[1])
			}
			if errs[0] != nil {
				if !errors.Is(errs[1], flashback.ErrRowImage) {
					t.Fatalf("refused with %v", errs[1])
				}
				return
			}
			if diff := cmp.Diff(sums[0], sums[1]); diff != "" {
				t.Errorf("summary mismatch (-values +raw):\n%s", diff)
			}
			if sums[1].Transactions == 0 {
				t.Fatal("nothing selected")
			}
			if !bytes.Equal(outs[0].Bytes(), outs[1].Bytes()) {
				t.Fatalf("the flashback binlogs differ: %d and %d bytes", outs[0].Len(), outs[1].Len())
			}
		})
	}
}

// TestWriteSQLNeedsValues checks that WriteSQL refuses a source read
// without row values instead of writing no SQL for its rows.
func TestWriteSQLNeedsValues(t *testing.T) {
	r, err := binlog.Open(filepath.Join("..", "binlog", "testdata", "dml.full.binlog"), &binlog.ReaderOptions{SkipRowValues: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out bytes.Buffer
	if _, err := flashback.WriteSQL(&out, r, &flashback.Selection{SkipStatements: true}, &flashback.Options{TempDir: t.TempDir()}); !errors.Is(err, flashback.ErrNoRowValues) {
		t.Fatalf("WriteSQL without values: %v, want ErrNoRowValues", err)
	}
	if out.Len() != 0 {
		t.Errorf("%d bytes written", out.Len())
	}
}
