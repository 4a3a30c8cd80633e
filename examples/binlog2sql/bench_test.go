package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
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
// It returns the wall time, the CPU time (user + system) and the peak
// resident set size of the command. The peak is GNU time's (Debian's time
// package) when /usr/bin/time exists: the kernel's maxrss of a child that
// Go starts includes the memory of this process at the fork, which time's
// own child does not.
func runCmd(b *testing.B, devnull *os.File, name string, args ...string) usage {
	gnuTime := "/usr/bin/time"
	if _, err := os.Stat(gnuTime); err != nil {
		gnuTime = ""
	}
	var cmd *exec.Cmd
	var stderr bytes.Buffer
	if gnuTime != "" {
		cmd = exec.Command(gnuTime, append([]string{"-f", "%M", name}, args...)...)
		cmd.Stderr = &stderr
	} else {
		cmd = exec.Command(name, args...)
		cmd.Stderr = os.Stderr
	}
	cmd.Stdout = devnull
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s: %v\n%s", name, err, stderr.Bytes())
	}
	u := usage{wall: time.Since(t0), cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	if gnuTime != "" {
		lines := strings.Fields(stderr.String())
		kb, err := strconv.ParseInt(lines[len(lines)-1], 10, 64)
		if err != nil {
			b.Fatalf("%s: GNU time's output: %q", name, stderr.Bytes())
		}
		u.rss = kb << 10
	} else if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		u.rss = ru.Maxrss << 10 // KiB on Linux
	}
	return u
}

// usage is what running commands took: wall and CPU time, peak RSS.
type usage struct {
	wall, cpu time.Duration
	rss       int64
}

// add adds u's times to t and keeps the larger peak.
func (t *usage) add(u usage) { t.wall, t.cpu, t.rss = t.wall+u.wall, t.cpu+u.cpu, max(t.rss, u.rss) }

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
	bin := filepath.Join(b.TempDir(), "binlog2sql")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		b.Fatalf("go build: %v", err)
	}
	mdb, err := exec.LookPath("mariadb-binlog")
	if err != nil {
		b.Skip("mariadb-binlog not in $PATH")
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devnull.Close()
	var fwd, back, theirs usage
	b.SetBytes(size)
	for range b.N {
		fwd.add(runCmd(b, devnull, bin, path))
		back.add(runCmd(b, devnull, bin, "-B", path))
		theirs.add(runCmd(b, devnull, mdb, "-v", "--base64-output=decode-rows", path))
	}
	mb := float64(size) / 1e6 * float64(b.N)
	b.ReportMetric(mb/fwd.wall.Seconds(), "fwd-MB/s")
	b.ReportMetric(mb/back.wall.Seconds(), "back-MB/s")
	b.ReportMetric(mb/theirs.wall.Seconds(), "mariadb-MB/s")
	b.ReportMetric(theirs.wall.Seconds()/fwd.wall.Seconds(), "fwd-speedup")
	b.ReportMetric(theirs.wall.Seconds()/back.wall.Seconds(), "back-speedup")
	b.ReportMetric(theirs.cpu.Seconds()/fwd.cpu.Seconds(), "fwd-cpu-ratio")
	b.ReportMetric(float64(fwd.rss)/(1<<20), "fwd-peak-MiB")
	b.ReportMetric(float64(back.rss)/(1<<20), "back-peak-MiB")
	b.ReportMetric(float64(theirs.rss)/(1<<20), "mariadb-peak-MiB")
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
