package main

import (
	"errors"
	"io"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// benchBinlogSize is the least size of the benchmark binlog (the one
// binlog/bench_test.go and examples/binlog2sql use, shared through the
// same cache).
const benchBinlogSize = 56 << 20

// BenchmarkFlashbackCommand compares writing the flashback binlog of the
// benchmark binlog of at least 56 MB (testserver.BenchBinlog) with the
// flashback command and with MariaDB's C tool, the two run one after the
// other in each iteration (so that they see the same machine load):
//
//	flashback --quiet --start-position N --out FILE BINLOG
//	mariadb-binlog --flashback --start-position=N BINLOG > /dev/null
//
// N is the first transaction after the binlog's DDL (which neither tool
// can undo). It reports each command's seconds per run and peak RSS (the
// largest of the iterations), the speedup (mariadb-binlog's wall time over
// ours: above 1, ours is faster) and the CPU ratio (user + system, theirs
// over ours). Rerun with
//
//	go test -run='^$' -bench=FlashbackCommand -benchtime=5x ./examples/flashback/
func BenchmarkFlashbackCommand(b *testing.B) {
	path, size := testserver.BenchBinlog(b, benchBinlogSize)
	mdb, err := exec.LookPath("mariadb-binlog")
	if err != nil {
		b.Skip("mariadb-binlog not in $PATH")
	}
	bin := testserver.BuildCommand(b, ".")
	dir := b.TempDir()
	ours := []string{"--quiet", "--tmpdir", dir, "--out", filepath.Join(dir, "flashback.binlog")}
	theirs := []string{"--flashback"}
	if start := startAfterDDL(b, path); start > 4 {
		ours = append(ours, "--start-position", strconv.FormatInt(start, 10))
		theirs = append(theirs, "--start-position="+strconv.FormatInt(start, 10))
	}
	ours, theirs = append(ours, path), append(theirs, path)
	var us, them testserver.Usage
	b.SetBytes(size)
	for range b.N {
		us.Add(testserver.RunCommand(b, nil, bin, ours...))
		them.Add(testserver.RunCommand(b, nil, mdb, theirs...))
	}
	n := float64(b.N)
	b.ReportMetric(us.Wall.Seconds()/n, "flashback-s/run")
	b.ReportMetric(them.Wall.Seconds()/n, "mariadb-s/run")
	b.ReportMetric(them.Wall.Seconds()/us.Wall.Seconds(), "speedup")
	b.ReportMetric(them.CPU.Seconds()/us.CPU.Seconds(), "cpu-ratio")
	b.ReportMetric(float64(us.PeakRSS)/(1<<20), "flashback-peak-MiB")
	b.ReportMetric(float64(them.PeakRSS)/(1<<20), "mariadb-peak-MiB")
}

// startAfterDDL returns the offset right after the last statement of path
// that is not transaction control (the DDL that makes the benchmark
// tables), 0 when there is none: where a range that can be undone starts.
func startAfterDDL(tb testing.TB, path string) int64 {
	tb.Helper()
	r, err := binlog.Open(path, &binlog.ReaderOptions{SkipRowValues: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	var start int64
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			return start
		}
		if err != nil {
			tb.Fatal(err)
		}
		if q, ok := ev.Payload.(*binlog.Query); ok && !q.Control().IsControl() {
			start = ev.NextPos
		}
		ev.Release()
	}
}
