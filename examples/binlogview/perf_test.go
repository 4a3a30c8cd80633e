package main

import (
	"bufio"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/internal/testserver"
)

// TestBigBinlog checks, on the benchmark binlog, that the overview answers
// with the whole log counted in under 2 s after start-up, and that the
// process stays under 128 MB, on a benchmark binlog of at least 86 MB
// (the size the issue names; BenchBinlog makes it once and caches it).
func TestBigBinlog(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	path, size := testserver.BenchBinlog(t, 86<<20)
	bin := testserver.BuildCommand(t, ".")
	cmd := exec.Command(bin, "--listen", "127.0.0.1:0", path)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	sc := bufio.NewScanner(stderr)
	var base string
	for sc.Scan() {
		if i := strings.Index(sc.Text(), "http://"); i >= 0 {
			base = strings.TrimSuffix(sc.Text()[i:], "/")
			break
		}
	}
	if base == "" {
		t.Fatal("binlogview printed no address")
	}
	go func() {
		for sc.Scan() {
		}
	}()
	waitDone(t, base, 30*time.Second)
	took := time.Since(start)
	for _, p := range []string{"/", "/events", "/transactions"} {
		get(t, base+p)
	}
	peak := peakRSS(t, cmd.Process.Pid)
	t.Logf("%d MB binlog: overview complete %s after start, peak RSS %d MB", size>>20, took, peak>>20)
	if took > 2*time.Second {
		t.Errorf("the overview took %s, want under 2 s", took)
	}
	if peak > 128<<20 {
		t.Errorf("peak RSS %d MB, want under 128 MB", peak>>20)
	}
}

// peakRSS reads VmHWM of a running process.
func peakRSS(t *testing.T, pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "VmHWM:" {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n << 10
		}
	}
	t.Skip("no VmHWM")
	return 0
}
