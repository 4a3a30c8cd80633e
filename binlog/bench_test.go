package binlog_test

import (
	"errors"
	"io"
	"runtime"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// benchBinlogSize is the least size of the benchmark binlog.
const benchBinlogSize = 56 << 20

// bigBinlog returns the shared benchmark binlog (see testserver.BenchBinlog).
func bigBinlog(tb testing.TB) (path string, size int64) {
	tb.Helper()
	return testserver.BenchBinlog(tb, benchBinlogSize)
}

// readAll reads every event of path, calling fn for each, and returns the
// number of row changes (an update's before/after pair counts once).
func readAll(tb testing.TB, path string, opts *binlog.ReaderOptions, fn func(*binlog.Event)) (rows int64) {
	fr, err := binlog.Open(path, opts)
	if err != nil {
		tb.Fatal(err)
	}
	defer fr.Close()
	for {
		ev, err := fr.Next()
		if errors.Is(err, io.EOF) {
			return rows
		}
		if err != nil {
			tb.Fatal(err)
		}
		if r, ok := ev.Payload.(*binlog.Rows); ok {
			rows += int64(len(r.Rows))
		}
		if fn != nil {
			fn(ev)
		}
	}
}

// BenchmarkDecodeFile reads a >= 56 MB binlog of mixed row events from a
// real MariaDB: with binlogkit, decoding and touching every value of every
// row; with binlogkit skipping row values; and with go-mysql's parser,
// which decodes every row too. Rerun with
//
//	go test -run='^$' -bench=DecodeFile -benchmem ./binlog/
func BenchmarkDecodeFile(b *testing.B) {
	path, size := bigBinlog(b)
	var fileRows int64 // row changes in the file, for rows/s

	// report sets the throughput metrics of one sub-benchmark.
	report := func(b *testing.B, rows int64, mallocs uint64) {
		b.SetBytes(size)
		if rows > 0 {
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(mallocs)/float64(rows)/float64(b.N), "allocs/row")
		}
	}
	mallocs := func() uint64 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.Mallocs
	}

	b.Run("binlogkit", func(b *testing.B) {
		var sink int
		b.ReportAllocs()
		b.ResetTimer()
		m0 := mallocs()
		var rows int64
		for range b.N {
			rows = readAll(b, path, nil, func(ev *binlog.Event) {
				r, ok := ev.Payload.(*binlog.Rows)
				if !ok {
					return
				}
				for i := range r.Rows {
					for _, v := range r.Rows[i].Before {
						sink += int(v.Kind())
					}
					for _, v := range r.Rows[i].After {
						sink += int(v.Kind())
					}
				}
			})
		}
		report(b, rows, mallocs()-m0)
		fileRows = rows
		_ = sink
	})

	b.Run("binlogkit-skiprows", func(b *testing.B) {
		if fileRows == 0 {
			fileRows = readAll(b, path, nil, nil)
		}
		b.ReportAllocs()
		b.ResetTimer()
		m0 := mallocs()
		for range b.N {
			readAll(b, path, &binlog.ReaderOptions{SkipRowValues: true}, nil)
		}
		report(b, fileRows, mallocs()-m0)
	})

	b.Run("go-mysql", func(b *testing.B) {
		b.ReportAllocs()
		b.ResetTimer()
		m0 := mallocs()
		var rows int64
		for range b.N {
			var err error
			if rows, err = testserver.GoMySQLParse(path); err != nil {
				b.Fatal(err)
			}
		}
		report(b, rows, mallocs()-m0)
		if fileRows > 0 && rows != fileRows {
			b.Errorf("go-mysql saw %d row changes, binlogkit %d", rows, fileRows)
		}
	})
}

// TestDecodeBigFileMemory checks that reading a big binlog keeps the live
// heap small: events are not retained by the reader, so what stays in
// memory is bounded by the largest event, whatever the file size.
func TestDecodeBigFileMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a 56 MB binlog")
	}
	path, size := bigBinlog(t)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc // the test binary's own live heap, before reading
	var peak uint64
	var n int
	var largest uint32
	rows := readAll(t, path, nil, func(ev *binlog.Event) {
		n++
		largest = max(largest, ev.Header.EventSize)
		if n%2000 == 0 {
			// Live heap while the reader is mid-file (the current event
			// is still referenced by the caller).
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	})
	// The reader's buffers plus the largest event's bytes and decoded
	// values: nothing that grows with the file.
	limit := base + 2<<20 + 64*uint64(largest)
	t.Logf("%d events, %d rows, %d MB file, largest event %d KB: peak live heap %.1f MB over a base of %.1f MB (limit %.1f MB)",
		n, rows, size>>20, largest>>10, float64(peak)/(1<<20), float64(base)/(1<<20), float64(limit)/(1<<20))
	if peak > limit || uint64(size) < 8*limit {
		t.Errorf("peak live heap %d bytes reading a %d-byte binlog whose largest event is %d bytes; want <= %d, and a file much larger than that", peak, size, largest, limit)
	}
}
