package main

import (
	"io"
	"os/exec"
	"testing"

	"github.com/binlogkit/binlogkit/internal/testserver"
)

// benchBinlogSize is the least size of the benchmark binlog (the one
// binlog/bench_test.go uses, shared through the same cache).
const benchBinlogSize = 56 << 20

// bigBinlog returns the shared benchmark binlog (see testserver.BenchBinlog).
func bigBinlog(tb testing.TB) (path string, size int64) {
	tb.Helper()
	return testserver.BenchBinlog(tb, benchBinlogSize)
}

// BenchmarkCommand compares the binlog2sql command, forward and flashback,
// with Debian's C tool on the same binlog of at least 56 MB, output to
// /dev/null, the three run one after the other in each iteration (so that
// they see the same machine load):
//
//	binlog2sql FILE > /dev/null
//	binlog2sql -B FILE > /dev/null
//	mariadb-binlog -v --base64-output=decode-rows FILE > /dev/null
//
// It reports each command's throughput and peak RSS (the largest of the
// iterations), and the speed ratios theirs/ours (wall time; above 1: ours
// is faster) and CPU ratios (user + system). Rerun with
//
//	go test -run='^$' -bench=Command -benchtime=10x ./examples/binlog2sql/
func BenchmarkCommand(b *testing.B) {
	path, size := bigBinlog(b)
	bin := testserver.BuildCommand(b, ".")
	mdb, err := exec.LookPath("mariadb-binlog")
	if err != nil {
		b.Skip("mariadb-binlog not in $PATH")
	}
	var fwd, back, theirs testserver.Usage
	b.SetBytes(size)
	for range b.N {
		fwd.Add(testserver.RunCommand(b, nil, bin, path))
		back.Add(testserver.RunCommand(b, nil, bin, "-B", path))
		theirs.Add(testserver.RunCommand(b, nil, mdb, "-v", "--base64-output=decode-rows", path))
	}
	mb := float64(size) / 1e6 * float64(b.N)
	b.ReportMetric(mb/fwd.Wall.Seconds(), "fwd-MB/s")
	b.ReportMetric(mb/back.Wall.Seconds(), "back-MB/s")
	b.ReportMetric(mb/theirs.Wall.Seconds(), "mariadb-MB/s")
	b.ReportMetric(theirs.Wall.Seconds()/fwd.Wall.Seconds(), "fwd-speedup")
	b.ReportMetric(theirs.Wall.Seconds()/back.Wall.Seconds(), "back-speedup")
	b.ReportMetric(theirs.CPU.Seconds()/fwd.CPU.Seconds(), "fwd-cpu-ratio")
	b.ReportMetric(float64(fwd.PeakRSS)/(1<<20), "fwd-peak-MiB")
	b.ReportMetric(float64(back.PeakRSS)/(1<<20), "back-peak-MiB")
	b.ReportMetric(float64(theirs.PeakRSS)/(1<<20), "mariadb-peak-MiB")
}

// BenchmarkRun runs binlog2sql in process on the big binlog, output
// discarded: the one to profile (-cpuprofile) when BenchmarkCommand shows a
// regression.
func BenchmarkRun(b *testing.B) {
	path, size := bigBinlog(b)
	for _, args := range [][]string{{path}, {"-B", path}} {
		name := "forward"
		if len(args) > 1 {
			name = "flashback"
		}
		b.Run(name, func(b *testing.B) {
			cfg, err := parseFlags(args)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(size)
			b.ReportAllocs()
			for range b.N {
				if err := run(cfg, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
