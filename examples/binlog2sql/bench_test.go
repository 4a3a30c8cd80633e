package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

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

// runCmd runs name with args, output to /dev/null, and fails b on error.
// It returns the wall time and the CPU time (user + system) of the command.
func runCmd(b *testing.B, devnull *os.File, name string, args ...string) (wall, cpu time.Duration) {
	cmd := exec.Command(name, args...)
	cmd.Stdout = devnull
	cmd.Stderr = os.Stderr
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s: %v", name, err)
	}
	wall = time.Since(t0)
	return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

// BenchmarkCommand compares the binlog2sql command with Debian's C tool on
// the same binlog of at least 56 MB, output to /dev/null:
//
//	binlog2sql FILE > /dev/null
//	mariadb-binlog -v --base64-output=decode-rows FILE > /dev/null
//
// "binlog2sql" and "mariadb-binlog" time each command alone; "interleaved"
// runs them alternately (so both see the same machine load) and reports the
// wall-time ratio ours/theirs (below 1: ours is faster) and the ratio of
// their CPU times (user + system; binlog2sql's includes its garbage
// collector, which runs on another core). Rerun with
//
//	go test -run='^$' -bench=Command -benchtime=5x ./examples/binlog2sql/
func BenchmarkCommand(b *testing.B) {
	path, size := bigBinlog(b)
	bin := filepath.Join(b.TempDir(), "binlog2sql")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		b.Fatalf("go build: %v", err)
	}
	mdb, err := exec.LookPath("mariadb-binlog")
	if err != nil {
		mdb = ""
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devnull.Close()
	theirArgs := []string{"-v", "--base64-output=decode-rows", path}

	b.Run("binlog2sql", func(b *testing.B) {
		b.SetBytes(size)
		for range b.N {
			_, _ = runCmd(b, devnull, bin, path)
		}
	})
	b.Run("mariadb-binlog", func(b *testing.B) {
		if mdb == "" {
			b.Skip("mariadb-binlog not in $PATH")
		}
		b.SetBytes(size)
		for range b.N {
			_, _ = runCmd(b, devnull, mdb, theirArgs...)
		}
	})
	b.Run("interleaved", func(b *testing.B) {
		if mdb == "" {
			b.Skip("mariadb-binlog not in $PATH")
		}
		var ours, theirs, oursCPU, theirsCPU time.Duration
		for range b.N {
			w, c := runCmd(b, devnull, bin, path)
			ours, oursCPU = ours+w, oursCPU+c
			w, c = runCmd(b, devnull, mdb, theirArgs...)
			theirs, theirsCPU = theirs+w, theirsCPU+c
		}
		mb := float64(size) / 1e6 * float64(b.N)
		b.ReportMetric(mb/ours.Seconds(), "ours-MB/s")
		b.ReportMetric(mb/theirs.Seconds(), "mariadb-MB/s")
		b.ReportMetric(ours.Seconds()/theirs.Seconds(), "ratio")
		b.ReportMetric(oursCPU.Seconds()/theirsCPU.Seconds(), "cpu-ratio")
	})
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
