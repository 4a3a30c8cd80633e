package cdc

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/live"
)

// memSink checks the shape of the batches of one big transaction and
// measures the live heap while each batch is held.
type memSink struct {
	batches  []Batch // without their records
	records  int
	nextIdx  int
	peakLive uint64
	err      error
}

func (s *memSink) Write(_ context.Context, b *Batch) error {
	if len(b.Records) == 0 {
		return nil
	}
	c := *b
	c.Records = nil
	s.batches = append(s.batches, c)
	for i := range b.Records {
		if got := b.Records[i].Change.Index; got != s.nextIdx && s.err == nil {
			s.err = errors.New("records out of order")
		}
		s.nextIdx++
	}
	s.records += len(b.Records)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s.peakLive = max(s.peakLive, ms.HeapAlloc)
	return nil
}

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestMaxTxBytes runs over one transaction of 100,000 small rows (about
// 5.7 MB of log, several times that once decoded) with a 4 MiB bound: it
// must come in several batches, all but the last Partial, whose records
// count on across them, and the live heap while a batch is held must stay
// near the bound (the events' raw bytes, their decoded values and the
// records). Without a bound it comes whole, and holds much more.
func TestMaxTxBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: needs a 100,000-row transaction")
	}
	const rows = 100000
	path := bigTxBinlog(t, rows)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	const limit = 4 << 20
	base := liveHeap()
	s := &memSink{}
	if err := Run(context.Background(), s, &Options{Files: []string{path}, MaxTxBytes: limit}); err != nil {
		t.Fatal(err)
	}
	if s.err != nil {
		t.Fatal(s.err)
	}
	if s.records != rows {
		t.Fatalf("%d records, want %d", s.records, rows)
	}
	n := len(s.batches)
	// Counting raw bytes alone would give fi.Size()/limit chunks; the
	// decoded values count too.
	if min := int(fi.Size()/limit) + 2; n < min {
		t.Errorf("%d batches for %d bytes of log and a bound of %d, want at least %d", n, fi.Size(), limit, min)
	}
	for i, b := range s.batches {
		last := i == n-1
		if b.Partial == last || b.Chunk != i || b.Begin != s.batches[0].Begin {
			t.Errorf("batch %d: Partial %v, Chunk %d, Begin %v; want Partial %v, Chunk %d, Begin %v",
				i, b.Partial, b.Chunk, b.Begin, !last, i, s.batches[0].Begin)
		}
		if last != !b.End.IsZero() || last != !b.CommitTime.IsZero() {
			t.Errorf("batch %d: End %v, CommitTime %v; want them set on the last batch only", i, b.End, b.CommitTime)
		}
	}
	grew := int64(s.peakLive) - int64(base)
	t.Logf("%d bytes of log, bound %d: %d batches, live heap while a batch is held up to %d bytes over the base",
		fi.Size(), limit, n, grew)
	if grew > limit*3/2 {
		t.Errorf("live heap grew by %d bytes while a batch was held, want at most 1.5 x the bound %d", grew, limit)
	}

	// No bound: one batch, holding the whole transaction.
	base = liveHeap()
	whole := &memSink{}
	if err := Run(context.Background(), whole, &Options{Files: []string{path}, MaxTxBytes: -1}); err != nil {
		t.Fatal(err)
	}
	if len(whole.batches) != 1 || whole.batches[0].Partial || whole.records != rows {
		t.Fatalf("no bound: %d batches, %d records; want 1 whole batch of %d", len(whole.batches), whole.records, rows)
	}
	wgrew := int64(whole.peakLive) - int64(base)
	t.Logf("no bound: live heap while the batch is held %d bytes over the base", wgrew)
	if wgrew < 2*fi.Size() {
		t.Errorf("no bound: live heap grew by %d bytes, less than twice the log's %d: is the test still measuring?", wgrew, fi.Size())
	}
}

// TestOptionsCheckedFirst: options that cannot work are reported before
// anything is opened or read (the file does not exist).
func TestOptionsCheckedFirst(t *testing.T) {
	missing := []string{filepath.Join(t.TempDir(), "none.000001")}
	for name, o := range map[string]*Options{
		"negative CheckpointEvery": {Files: missing, CheckpointEvery: -1},
		"RequireCheckpoint":        {Files: missing, RequireCheckpoint: true},
		"bad pattern":              {Files: missing, Filter: binlog.FilterOptions{IncludeTables: []string{"db.["}}},
		"bad flavor":               {Stream: live.Options{Flavor: "postgres"}},
	} {
		err := Run(context.Background(), &memSink{}, o)
		if !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%s: %v, want ErrInvalidOptions", name, err)
		}
	}
}
