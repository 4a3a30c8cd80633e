package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// zeros reads as an endless run of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// zstdBomb compresses n zero bytes with the zstd tool: 1 GiB becomes
// about 33 KB, 2 GiB 67 KB.
func zstdBomb(t *testing.T, n int64, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath("zstd"); err != nil {
		if os.Getenv("BINLOGKIT_REQUIRE_TOOLS") == "1" {
			t.Fatal("zstd missing")
		}
		t.Skip("zstd not installed")
	}
	cmd := exec.Command("zstd", append([]string{"-q", "-c"}, args...)...)
	cmd.Stdin = io.LimitReader(zeros{}, n)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("zstd %v: %v: %s", args, err, stderr.Bytes())
	}
	return out.Bytes()
}

// bombStore returns a directory store holding obj as the zstd object of
// binlog.000001, with a manifest record that says it decompresses to
// rawSize bytes (with a raw digest that matches nothing).
func bombStore(t *testing.T, obj []byte, rawSize int64) (*DirStore, *Record) {
	t.Helper()
	ctx := context.Background()
	s, err := NewDirStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(obj)
	rec := &Record{
		Version: recordVersion, Sequence: 1, Name: "binlog.000001", Object: dataName("binlog.000001", Zstd, false),
		ServerID: 1, ServerVersion: "11.8.6-MariaDB", MariaDB: true,
		RawSize: rawSize, StoredSize: int64(len(obj)),
		RawSHA256: strings.Repeat("ab", 32), StoredSHA256: hex.EncodeToString(sum[:]),
		Codec: Zstd, Events: 3, StartPos: 4, EndPos: rawSize, ArchivedAt: time.Now().UTC(),
	}
	if err := s.Put(ctx, rec.Object, bytes.NewReader(obj), int64(len(obj))); err != nil {
		t.Fatal(err)
	}
	if err := writeRecord(ctx, s, rec); err != nil {
		t.Fatal(err)
	}
	return s, rec
}

// dirWatch samples the total size of the files in a directory tree until
// stopped, and calls onGrow (once) when it first exceeds a size.
type dirWatch struct {
	stop chan struct{}
	done chan int64
}

func watchDir(dir string, over int64, onGrow func()) *dirWatch {
	w := &dirWatch{stop: make(chan struct{}), done: make(chan int64, 1)}
	go func() {
		var peak int64
		var once sync.Once
		for {
			var total int64
			filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
				if err == nil && d.Type().IsRegular() {
					if fi, err := d.Info(); err == nil {
						total += fi.Size()
					}
				}
				return nil
			})
			peak = max(peak, total)
			if onGrow != nil && total > over {
				once.Do(onGrow)
			}
			select {
			case <-w.stop:
				w.done <- peak
				return
			case <-time.After(200 * time.Microsecond):
			}
		}
	}()
	return w
}

// peak stops the watch and returns the largest total seen.
func (w *dirWatch) peak() int64 { close(w.stop); return <-w.done }

// allocated returns the bytes allocated while f runs.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestRestoreBomb archives a real decompression bomb (zstd of 1 GiB of
// zeros, 33 KB) under a record that says 392 bytes: Restore must stop at
// 392 bytes with ErrSize, never filling the disk, Verify too, and neither
// may need much memory, even for a frame that asks for a 128 MiB window.
func TestRestoreBomb(t *testing.T) {
	const recorded = 392
	const slack = 64 << 10 // what the restore directory may hold beyond the record
	bomb := zstdBomb(t, 1<<30)
	t.Logf("bomb: %d bytes", len(bomb))

	checkErr := func(t *testing.T, err error, rec *Record, want error) {
		t.Helper()
		var oe *ObjectError
		if !errors.Is(err, want) || !errors.As(err, &oe) || oe.Object != rec.Object || oe.File != rec.Name {
			t.Fatalf("error %v (%T), want an *ObjectError about %s wrapping %v", err, err, rec.Object, want)
		}
		if want == ErrSize && !strings.Contains(err.Error(), strconv.Itoa(recorded)) {
			t.Errorf("error %q does not give the record's size %d", err, recorded)
		}
	}
	restore := func(t *testing.T, s Store, rec *Record) (peak int64, alloc uint64, err error) {
		dir := t.TempDir()
		w := watchDir(dir, 0, nil)
		alloc = allocated(func() {
			_, err = Restore(context.Background(), s, &Plan{Files: []PlanFile{{Record: rec}}}, dir, nil)
		})
		peak = w.peak()
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Errorf("the failed restore left %d files", len(ents))
		}
		return peak, alloc, err
	}

	t.Run("Restore", func(t *testing.T) {
		s, rec := bombStore(t, bomb, recorded)
		peak, alloc, err := restore(t, s, rec)
		t.Logf("error: %v; restore directory peak %d bytes; allocated %d bytes", err, peak, alloc)
		if peak > recorded+slack {
			t.Errorf("the restore directory grew to %d bytes; the record says %d", peak, recorded)
		}
		if alloc > 48<<20 {
			t.Errorf("restore allocated %d MiB", alloc>>20)
		}
		checkErr(t, err, rec, ErrSize)
	})
	t.Run("Verify", func(t *testing.T) {
		s, rec := bombStore(t, bomb, recorded)
		var rep *VerifyReport
		var err error
		alloc := allocated(func() { rep, err = Verify(context.Background(), s, nil) })
		if err != nil || len(rep.Files) != 1 {
			t.Fatalf("Verify: %+v, %v", rep, err)
		}
		t.Logf("error: %v; allocated %d bytes", rep.Files[0].Err, alloc)
		if alloc > 48<<20 {
			t.Errorf("verify allocated %d MiB", alloc>>20)
		}
		checkErr(t, rep.Files[0].Err, rec, ErrSize)
	})
	t.Run("LargeWindow", func(t *testing.T) {
		// The frame asks for a 128 MiB window, which the decoder would
		// allocate: refused for an object whose record says 392 bytes.
		s, rec := bombStore(t, zstdBomb(t, 64<<20, "--zstd=wlog=27"), recorded)
		peak, alloc, err := restore(t, s, rec)
		t.Logf("error: %v; restore directory peak %d bytes; allocated %d bytes", err, peak, alloc)
		if peak > recorded+slack {
			t.Errorf("the restore directory grew to %d bytes; the record says %d", peak, recorded)
		}
		if alloc > 48<<20 {
			t.Errorf("restore allocated %d MiB", alloc>>20)
		}
		var oe *ObjectError
		if !errors.As(err, &oe) || oe.Object != rec.Object || oe.Op != "decompress" {
			t.Errorf("error %v (%T), want an *ObjectError about decompressing %s", err, err, rec.Object)
		}
	})
	t.Run("Cancel", func(t *testing.T) {
		// A record with the bomb's true size: only ctx can stop it.
		s, rec := bombStore(t, bomb, 1<<30)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		dir := t.TempDir()
		w := watchDir(dir, 1<<20, cancel)
		_, err := Restore(ctx, s, &Plan{Files: []PlanFile{{Record: rec}}}, dir, nil)
		peak := w.peak()
		t.Logf("error: %v; restore directory peak %d bytes", err, peak)
		if peak > 64<<20 {
			t.Errorf("the restore went on to %d bytes after the cancellation at 1 MiB", peak)
		}
		checkErr(t, err, rec, context.Canceled)
		ctx, cancel = context.WithCancel(context.Background())
		defer cancel()
		go func() { time.Sleep(20 * time.Millisecond); cancel() }()
		if _, err := Verify(ctx, s, nil); !errors.Is(err, context.Canceled) {
			t.Errorf("canceled Verify: %v, want context.Canceled", err)
		}
	})
}
