package flashback

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/rowevent"
	"github.com/google/go-cmp/cmp"
)

// readEvents returns the events of a binlog file.
func readEvents(t *testing.T, path string) []*binlog.Event {
	t.Helper()
	fr, err := binlog.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fr.Close()
	var evs []*binlog.Event
	for {
		ev, err := fr.Next()
		if errors.Is(err, io.EOF) {
			return evs
		}
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev.Clone())
	}
}

// setBuffers shrinks the package's buffers for one test.
func setBuffers(t *testing.T, spool, window, out int) {
	s, w, o := spoolBuffer, readWindow, outBuffer
	spoolBuffer, readWindow, outBuffer = spool, window, out
	t.Cleanup(func() { spoolBuffer, readWindow, outBuffer = s, w, o })
}

// TestReverseOrder compares the Writer with an in-memory reference (every
// event's inverse, concatenated last first) on the testdata binlogs, with
// the default buffers and with buffers smaller than most events.
func TestReverseOrder(t *testing.T) {
	paths, err := filepath.Glob("../binlog/testdata/*.binlog")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no testdata binlogs: %v", err)
	}
	for _, small := range []bool{false, true} {
		for _, path := range paths {
			t.Run(fmt.Sprintf("%s/small=%v", filepath.Base(path), small), func(t *testing.T) {
				if small {
					setBuffers(t, 16, 100, 50)
				}
				opts := rowevent.Options{PositionalNames: true, InsertBatch: 2}
				var want []byte
				var inv [][]byte
				dir := t.TempDir()
				var got bytes.Buffer
				w := NewWriter(&got, &Options{SQL: opts, TempDir: dir, Header: true})
				skipped := 0
				for _, ev := range readEvents(t, path) {
					pos := &rowevent.Origin{Start: ev.Offset, End: ev.NextPos, Time: ev.Time()}
					if q, ok := ev.Payload.(*binlog.Query); ok && !q.Control().IsControl() {
						skipped++
					}
					if rows, ok := ev.Payload.(*binlog.Rows); ok {
						o := opts
						o.Origin = pos
						b, rerr := rowevent.AppendInverse(nil, rows, &o)
						err := w.WriteEvent(ev, pos)
						if rerr != nil {
							// binlog_row_image=MINIMAL: no inverse.
							var ee *EventError
							if !errors.As(err, &ee) || ee.Offset != ev.Offset || ee.Err.Error() != rerr.Error() {
								t.Fatalf("WriteEvent: %v, want %v", err, rerr)
							}
							continue
						}
						if err != nil {
							t.Fatal(err)
						}
						inv = append(inv, b)
						continue
					}
					if err := w.WriteEvent(ev, pos); err != nil {
						t.Fatal(err)
					}
				}
				want = rowevent.AppendHeader(want)
				for i := len(inv) - 1; i >= 0; i-- {
					want = append(want, inv[i]...)
				}
				if len(inv) == 0 {
					t.Fatal("no row events")
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(string(want), got.String()); diff != "" {
					t.Errorf("mismatch (-want +got):\n%s", diff)
				}
				if st := w.Stats(); st.Skipped != skipped || st.Statements != int64(strings.Count(string(want), "\n")-strings.Count(rowevent.Header, "\n")) {
					t.Errorf("stats %+v, want %d skipped", st, skipped)
				}
				if left, _ := os.ReadDir(dir); len(left) != 0 {
					t.Errorf("spool file left behind: %v", left)
				}
			})
		}
	}
}

// synthRows returns a DELETE_ROWS event of n rows, ids first..first+n-1,
// each with a blob of size bytes.
func synthRows(first, n, size int) *binlog.Rows {
	tm := &binlog.TableMap{Schema: "db", Table: "t", HasNames: true, PrimaryKey: []int{0},
		Columns: []binlog.Column{{Name: "id"}, {Name: "v", Collation: 63}}}
	r := &binlog.Rows{Kind: binlog.Delete, Table: tm}
	for i := range n {
		r.Rows = append(r.Rows, binlog.Row{Before: []binlog.Value{binlog.IntValue(int64(first + i)),
			binlog.BytesValue(bytes.Repeat([]byte{'x'}, size))}})
	}
	return r
}

// heapWriter checks that statements come in reverse order and samples the
// live heap.
type heapWriter struct {
	next   int // id expected next; counts down
	writes int
	peak   uint64
	err    error
}

func (h *heapWriter) Write(p []byte) (int, error) {
	for line := range strings.Lines(string(p)) {
		var id int
		_, rest, _ := strings.Cut(line, " VALUES (")
		if _, err := fmt.Sscanf(rest, "%d,", &id); err != nil || id != h.next {
			if h.err == nil {
				h.err = fmt.Errorf("line %.60q: want id %d", line, h.next)
			}
		}
		h.next--
	}
	if h.writes++; h.writes%20 == 0 {
		h.peak = max(h.peak, liveHeap())
	}
	return len(p), nil
}

func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestMemoryBounded writes 64 MB of inverse SQL and checks that the live
// heap stays far below that, while spooling and while replaying.
func TestMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	const events, rows, size = 2000, 16, 1000 // about 32 KB of SQL per event
	base := liveHeap()
	h := &heapWriter{next: events*rows - 1}
	w := NewWriter(h, &Options{TempDir: t.TempDir()})
	defer w.Discard()
	var peak uint64
	for i := range events {
		ev := &binlog.Event{Offset: int64(i), Payload: synthRows(i*rows, rows, size)}
		if err := w.WriteEvent(ev, nil); err != nil {
			t.Fatal(err)
		}
		if i%200 == 0 {
			peak = max(peak, liveHeap())
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if h.err != nil || h.next != -1 {
		t.Fatalf("order: %v (next %d)", h.err, h.next)
	}
	st := w.Stats()
	const limit = 8 << 20
	t.Logf("spooled %d bytes; live heap above base: spooling %d, replaying %d", st.Bytes, int64(peak-base), int64(h.peak-base))
	if st.Bytes < 50<<20 {
		t.Fatalf("only %d bytes spooled", st.Bytes)
	}
	if peak > base+limit || h.peak > base+limit {
		t.Errorf("live heap grew by %d (spooling) / %d (replaying) bytes, want < %d", int64(peak-base), int64(h.peak-base), limit)
	}
}

// TestBatches checks AfterBatch: called after each BatchSize statements,
// at event boundaries, with the output flushed.
func TestBatches(t *testing.T) {
	var sink bytes.Buffer
	bw := bufio.NewWriterSize(&sink, 1<<20)
	var calls []int // statements in sink at each call
	w := NewWriter(bw, &Options{TempDir: t.TempDir(), BatchSize: 10,
		AfterBatch: func() { calls = append(calls, strings.Count(sink.String(), "\n")) }})
	for i, n := range []int{4, 4, 4, 1, 12, 3} { // replayed: 3, 12 | 1, 4, 4, 4 |
		if err := w.WriteEvent(&binlog.Event{Payload: synthRows(100*i, n, 1)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	bw.Flush()
	if diff := cmp.Diff([]int{15, 28}, calls); diff != "" {
		t.Errorf("AfterBatch mismatch (-want +got):\n%s", diff)
	}
}

// TestSkipAndErrors checks that DDL is counted, errors name the event, and
// Discard leaves no file.
func TestSkipAndErrors(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	w := NewWriter(&out, &Options{TempDir: dir})
	for _, q := range []string{"BEGIN", "COMMIT", "CREATE TABLE t (id INT)", "XA START 'x'", "DROP TABLE t"} {
		if err := w.WriteEvent(&binlog.Event{Payload: &binlog.Query{Query: q}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.WriteEvent(&binlog.Event{Payload: synthRows(1, 1, 1)}, nil); err != nil {
		t.Fatal(err)
	}
	noNames := synthRows(1, 1, 1)
	noNames.Table.HasNames = false
	noNames.Table.Columns = []binlog.Column{{}, {}}
	err := w.WriteEvent(&binlog.Event{File: "b.000001", Offset: 1234, Payload: noNames}, nil)
	var ee *EventError
	if !errors.As(err, &ee) || ee.Offset != 1234 || !errors.Is(err, rowevent.ErrNoColumnNames) || !strings.Contains(err.Error(), "b.000001: offset 1234") {
		t.Errorf("error %v: want an EventError at b.000001 offset 1234 wrapping ErrNoColumnNames", err)
	}
	if st := w.Stats(); st.Skipped != 2 || st.Events != 1 {
		t.Errorf("stats %+v: want 2 skipped, 1 event", st)
	}
	if err := w.Discard(); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 || out.Len() != 0 {
		t.Errorf("after Discard: files %v, output %q", left, out.String())
	}
	if err := w.WriteEvent(&binlog.Event{Payload: synthRows(1, 1, 1)}, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("WriteEvent after Discard: %v, want ErrClosed", err)
	}
}

// TestWriteInverse: SQL made by the caller (on other goroutines, say) and
// given to WriteInverse comes out as WriteEvent's would, with the same
// counts.
func TestWriteInverse(t *testing.T) {
	run := func(own bool) (string, Stats) {
		var out bytes.Buffer
		opts := &Options{TempDir: t.TempDir(), Header: true}
		w := NewWriter(&out, opts)
		for i, n := range []int{4, 1, 12, 3} {
			ev := &binlog.Event{Offset: int64(100 * i), Payload: synthRows(100*i, n, 1)}
			pos := &rowevent.Origin{Start: ev.Offset, End: ev.Offset + 10}
			var err error
			if own {
				o := opts.SQL
				o.Origin = pos
				var sql []byte
				if sql, err = rowevent.AppendInverse(nil, ev.Payload.(*binlog.Rows), &o); err != nil {
					t.Fatal(err)
				}
				err = w.WriteInverse(ev, sql)
			} else {
				err = w.WriteEvent(ev, pos)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return out.String(), w.Stats()
	}
	want, wantStats := run(false)
	got, gotStats := run(true)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("WriteInverse output (-WriteEvent +WriteInverse):\n%s", diff)
	}
	if wantStats != gotStats {
		t.Errorf("stats %+v, want %+v", gotStats, wantStats)
	}
}
