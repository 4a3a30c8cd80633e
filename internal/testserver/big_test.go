package testserver

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"
)

func TestBigBinlog(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: writes an 8 MB binlog (BINLOGKIT_BIG_MB=N for N MB)")
	}
	if !checkAvailable(t, Available()) {
		return
	}
	dir := t.TempDir()
	var min int64 = 8 << 20
	if mb, err := strconv.Atoi(os.Getenv("BINLOGKIT_BIG_MB")); err == nil && mb > 0 {
		min = int64(mb) << 20 // for timing larger files by hand
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	path, err := BigBinlog(ctx, dir, min)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s in %v", path, time.Since(start))
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() < min {
		t.Errorf("size %d < %d", fi.Size(), min)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b[:4]) != "\xfebin" {
		t.Errorf("no binlog magic: %q", b[:4])
	}

	// A second call reuses the file.
	start = time.Now()
	again, err := BigBinlog(ctx, dir, min)
	if err != nil || again != path {
		t.Fatalf("second call: %q, %v", again, err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("second call took %v; want reuse", d)
	}
}
