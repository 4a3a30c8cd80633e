package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// memoryRangeSize is the least size of the range TestFlashbackMemory
// undoes, and memoryLimit the peak RSS it allows (issue 11's acceptance).
const (
	memoryRangeSize = 500 << 20
	memoryLimit     = 64 << 20
)

// TestFlashbackMemory writes the flashback binlog of a range of at least
// 500 MB with the command, under GNU time, and requires a peak RSS under
// 64 MiB: memory is bounded by the largest transaction, not by the range.
// The range is the benchmark binlog's transactions (testserver.BenchBinlog,
// after its DDL) written again and again into one file by binlog.Encoder,
// positions and checksums recomputed.
func TestFlashbackMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: writes a binlog of 500 MB")
	}
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		t.Skip("needs GNU time (/usr/bin/time) for the peak RSS")
	}
	src, _ := testserver.BenchBinlog(t, benchBinlogSize)
	dir := t.TempDir()
	big := filepath.Join(dir, "range.binlog")
	t0 := time.Now()
	size := repeatBinlog(t, src, big, memoryRangeSize)
	t.Logf("range of %d MB written in %v", size/1e6, time.Since(t0).Round(time.Millisecond))
	bin := testserver.BuildCommand(t, ".")
	out := filepath.Join(dir, "flashback.binlog")
	u := testserver.RunCommand(t, nil, bin, "--quiet", "--tmpdir", dir, "--out", out, big)
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("flashback of %d MB: %d MB written in %v (CPU %v), peak RSS %.1f MiB",
		size/1e6, fi.Size()/1e6, u.Wall.Round(time.Millisecond), u.CPU.Round(time.Millisecond), float64(u.PeakRSS)/(1<<20))
	if u.PeakRSS >= memoryLimit {
		t.Errorf("peak RSS %.1f MiB, want under %d MiB", float64(u.PeakRSS)/(1<<20), memoryLimit>>20)
	}
	if fi.Size() < size*9/10 {
		t.Errorf("flashback binlog of %d bytes for a range of %d", fi.Size(), size)
	}
}

// repeatBinlog writes to dst a binlog of at least minSize bytes: the
// format description of src, then the events of src after its DDL
// (startAfterDDL) again and again, each copy whole, through WriteRaw. It
// returns the size written.
func repeatBinlog(t *testing.T, src, dst string, minSize int64) int64 {
	t.Helper()
	start := startAfterDDL(t, src)
	r, err := binlog.Open(src, &binlog.ReaderOptions{SkipRowValues: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	enc := binlog.NewEncoder(f, &binlog.EncoderOptions{BufferSize: 1 << 20})
	var raws [][]byte // the events to repeat, without checksums
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch ev.Payload.(type) {
		case *binlog.FormatDescription:
			if enc.FormatDescription() == nil {
				if err := enc.WriteEvent(ev); err != nil {
					t.Fatal(err)
				}
			}
			continue
		case *binlog.Rotate, *binlog.Stop, *binlog.GTIDList, *binlog.PreviousGTIDs, *binlog.BinlogCheckpoint:
			continue
		}
		if ev.Offset < start {
			continue
		}
		raw := ev.Raw
		if enc.FormatDescription().ChecksumAlg == binlog.ChecksumCRC32 {
			raw = raw[:len(raw)-4]
		}
		raws = append(raws, raw)
	}
	if len(raws) == 0 {
		t.Fatalf("%s: no event after its DDL", src)
	}
	for enc.Offset() < minSize {
		for _, raw := range raws {
			if err := enc.WriteRaw(raw); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := enc.Flush(); err != nil {
		t.Fatal(err)
	}
	return enc.Offset()
}
