package testserver

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-mysql-org/go-mysql/replication"
)

// BenchBinlog returns the path and size of a binlog of at least minBytes
// made by a real server with BigBinlog, cached in $BINLOGKIT_BENCH_DIR
// (default $TMPDIR/binlogkit-bench) and shared by every benchmark. It skips
// tb when there is neither a server nor a cached file.
// $BINLOGKIT_BENCH_FILE names another binlog to use instead.
func BenchBinlog(tb testing.TB, minBytes int64) (path string, size int64) {
	tb.Helper()
	if p := os.Getenv("BINLOGKIT_BENCH_FILE"); p != "" {
		fi, err := os.Stat(p)
		if err != nil {
			tb.Fatal(err)
		}
		return p, fi.Size()
	}
	dir := os.Getenv("BINLOGKIT_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "binlogkit-bench")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	path, err := BigBinlog(ctx, dir, minBytes)
	if err != nil {
		if aerr := Available(); aerr != nil {
			tb.Skipf("no benchmark binlog cached in %s and no server to make one: %v", dir, aerr)
		}
		tb.Fatalf("making the benchmark binlog: %v", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return path, fi.Size()
}

// GoMySQLParse reads path with go-mysql's BinlogParser, the reference the
// benchmarks compare against (it decodes every row), and returns the number
// of row changes (an update's before/after pair counts once).
func GoMySQLParse(path string) (rows int64, err error) {
	p := replication.NewBinlogParser()
	err = p.ParseFile(path, 0, func(e *replication.BinlogEvent) error {
		if r, ok := e.Event.(*replication.RowsEvent); ok {
			n := int64(len(r.Rows))
			if r.Type() == replication.EnumRowsEventTypeUpdate {
				n /= 2
			}
			rows += n
		}
		return nil
	})
	return rows, err
}

// Usage is what running commands took: wall and CPU time (user + system),
// and the peak resident set size in bytes.
type Usage struct {
	Wall, CPU time.Duration
	PeakRSS   int64
}

// Add adds u's times to t and keeps the larger peak.
func (t *Usage) Add(u Usage) {
	t.Wall, t.CPU, t.PeakRSS = t.Wall+u.Wall, t.CPU+u.CPU, max(t.PeakRSS, u.PeakRSS)
}

// BuildCommand builds the main package pkg (a go build package path, "."
// for the test's own) into tb's temporary directory and returns the
// binary's path.
func BuildCommand(tb testing.TB, pkg string) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), filepath.Base(filepath.Clean(pkg)))
	if pkg == "." {
		wd, err := os.Getwd()
		if err != nil {
			tb.Fatal(err)
		}
		bin = filepath.Join(tb.TempDir(), filepath.Base(wd))
	}
	build := exec.Command("go", "build", "-o", bin, pkg)
	var out bytes.Buffer
	build.Stdout, build.Stderr = &out, &out
	if err := build.Run(); err != nil {
		tb.Fatalf("go build %s: %v\n%s", pkg, err, out.Bytes())
	}
	return bin
}

// RunCommand runs name with args, its output to stdout (nil: /dev/null),
// and fails tb on error. It returns the wall time, the CPU time and the
// peak RSS of the command. The peak is GNU time's (Debian's time package),
// 0 when /usr/bin/time is missing: the kernel's maxrss of a child that Go
// starts includes the memory of the test process at the fork, which time's
// own child does not.
func RunCommand(tb testing.TB, stdout io.Writer, name string, args ...string) Usage {
	tb.Helper()
	gnuTime := "/usr/bin/time"
	if _, err := os.Stat(gnuTime); err != nil {
		gnuTime = ""
	}
	var cmd *exec.Cmd
	var stderr bytes.Buffer
	if gnuTime != "" {
		cmd = exec.Command(gnuTime, append([]string{"-f", "%M", name}, args...)...)
	} else {
		cmd = exec.Command(name, args...)
	}
	cmd.Stderr = &stderr
	if stdout == nil {
		devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			tb.Fatal(err)
		}
		defer devnull.Close()
		stdout = devnull
	}
	cmd.Stdout = stdout
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s: %v\n%s", name, err, stderr.Bytes())
	}
	u := Usage{Wall: time.Since(t0), CPU: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	if gnuTime != "" {
		fields := strings.Fields(stderr.String())
		if len(fields) == 0 {
			tb.Fatalf("%s: no output from GNU time", name)
		}
		kb, err := strconv.ParseInt(fields[len(fields)-1], 10, 64)
		if err != nil {
			tb.Fatalf("%s: GNU time's output: %q", name, stderr.Bytes())
		}
		u.PeakRSS = kb << 10
	}
	return u
}
