package binlog

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/binlogkit/binlogkit/internal/testbinlog"
	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
)

// synthBinlog builds a small valid binlog in memory (internal/testbinlog,
// MySQL flavor, CRC32): a BEGIN, statement, XID group per statement, then
// a stop event.
func synthBinlog(stmts ...string) []byte {
	b := testbinlog.New(testbinlog.MySQL)
	for i, s := range stmts {
		b.Query("test", "BEGIN").Query("test", s).XID(uint64(100 + i))
	}
	return b.Event(testbinlog.StopEvent, nil).Bytes()
}

// eventSummary is what the open and chain tests compare.
type eventSummary struct {
	File    string
	Offset  int64
	NextPos int64
	Type    EventType
	Raw     []byte
}

func summarizeEvents(evs []*Event) []eventSummary {
	var s []eventSummary
	for _, ev := range evs {
		s = append(s, eventSummary{ev.File, ev.Offset, ev.NextPos, ev.Type(), ev.Raw})
	}
	return s
}

// drainEvents reads every event from next and returns them with the
// final error (nil at a clean end).
func drainEvents(next func() (*Event, error)) ([]*Event, error) {
	var evs []*Event
	for {
		ev, err := next()
		if err == io.EOF {
			return evs, nil
		}
		if err != nil {
			return evs, err
		}
		evs = append(evs, ev)
	}
}

// openAll opens path and reads all its events.
func openAll(t *testing.T, path string, opts *ReaderOptions) ([]*Event, string, error) {
	t.Helper()
	fr, err := Open(path, opts)
	if err != nil {
		return nil, "", err
	}
	defer func() {
		if err := fr.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}()
	evs, err := drainEvents(fr.Next)
	return evs, fr.Codec(), err
}

func writeBinlogFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// testBinlog returns the bytes of a binlog to compress: a shared sample
// with row events and a transaction payload when available, else a
// synthetic one.
func testBinlog(t *testing.T) []byte {
	dir, _ := filepath.Abs(filepath.Join("..", "..", "shared", "binlogs"))
	if data, err := os.ReadFile(filepath.Join(dir, "mysql-binlog-connector-java", "mysql-bin.checksum-crc32")); err == nil {
		return data
	}
	return synthBinlog("INSERT INTO t VALUES (1)", "UPDATE t SET a = 2", "DELETE FROM t")
}

// compressors compress with the Go libraries Open decodes with.
var compressors = map[string]func(t *testing.T, data []byte) []byte{
	"lz4": func(t *testing.T, data []byte) []byte {
		var b bytes.Buffer
		w := lz4.NewWriter(&b)
		mustWrite(t, w, data)
		return b.Bytes()
	},
	"xz": func(t *testing.T, data []byte) []byte {
		var b bytes.Buffer
		w, err := xz.NewWriter(&b)
		if err != nil {
			t.Fatal(err)
		}
		mustWrite(t, w, data)
		return b.Bytes()
	},
	"gzip": func(t *testing.T, data []byte) []byte {
		var b bytes.Buffer
		mustWrite(t, gzip.NewWriter(&b), data)
		return b.Bytes()
	},
	"zstd": func(t *testing.T, data []byte) []byte {
		var b bytes.Buffer
		w, err := zstd.NewWriter(&b)
		if err != nil {
			t.Fatal(err)
		}
		mustWrite(t, w, data)
		return b.Bytes()
	},
}

func mustWrite(t *testing.T, w io.WriteCloser, data []byte) {
	t.Helper()
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// extOf is the usual file extension of each codec.
var extOf = map[string]string{"lz4": ".lz4", "xz": ".xz", "gzip": ".gz", "zstd": ".zst"}

func TestOpenPlain(t *testing.T) {
	data := testBinlog(t)
	dir := t.TempDir()
	path := writeBinlogFile(t, dir, "mysql-bin.000001", data)
	want, codec, err := openAll(t, path, nil)
	if err != nil {
		t.Fatalf("reading plain file: %v", err)
	}
	if codec != "" {
		t.Errorf("Codec() = %q, want \"\"", codec)
	}
	if len(want) < 3 {
		t.Fatalf("read %d events; want several", len(want))
	}
	// The same bytes through NewReader.
	got, err := drainEvents(NewReader(bytes.NewReader(data), &ReaderOptions{Name: "mysql-bin.000001"}).Next)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(summarizeEvents(want), summarizeEvents(got)); diff != "" {
		t.Errorf("Open and NewReader differ: mismatch (-want +got):\n%s", diff)
	}
	for _, ev := range want {
		if ev.File != "mysql-bin.000001" {
			t.Fatalf("File = %q, want mysql-bin.000001", ev.File)
		}
	}
	// opts.Name wins.
	evs, _, err := openAll(t, path, &ReaderOptions{Name: "other"})
	if err != nil || len(evs) == 0 || evs[0].File != "other" {
		t.Errorf("with Name \"other\": %d events, err %v", len(evs), err)
	}
}

// TestOpenCompressed compresses a binlog with each Go library, alone and as
// concatenated streams, and reads it back under several names.
func TestOpenCompressed(t *testing.T) {
	data := testBinlog(t)
	want := summarizeEvents(mustReadBytes(t, data, "mysql-bin.000001"))
	dir := t.TempDir()
	for codec, compress := range compressors {
		t.Run(codec, func(t *testing.T) {
			z := compress(t, data)
			// Two streams cut inside an event: a reader must join them.
			cut := len(data) / 2
			multi := append(compress(t, data[:cut]), compress(t, data[cut:])...)
			for _, tc := range []struct {
				name, file string
				content    []byte
			}{
				{"usual extension", "mysql-bin.000001" + extOf[codec], z},
				{"no extension", "mysql-bin.000001", z},
				{"misnamed extension", "mysql-bin.000001.bin", z},
				{"concatenated streams", "mysql-bin.000001" + extOf[codec], multi},
			} {
				t.Run(tc.name, func(t *testing.T) {
					path := writeBinlogFile(t, t.TempDir(), tc.file, tc.content)
					evs, gotCodec, err := openAll(t, path, nil)
					if err != nil {
						t.Fatal(err)
					}
					if gotCodec != codec {
						t.Errorf("Codec() = %q, want %q", gotCodec, codec)
					}
					wantFile := tc.file
					if tc.file != "mysql-bin.000001" && filepath.Ext(tc.file) == extOf[codec] {
						wantFile = "mysql-bin.000001"
					}
					w := append([]eventSummary(nil), want...)
					for i := range w {
						w[i].File = wantFile
					}
					if diff := cmp.Diff(w, summarizeEvents(evs)); diff != "" {
						t.Errorf("mismatch (-want +got):\n%s", diff)
					}
				})
			}
		})
	}
	// A misnamed plain file keeps its name.
	path := writeBinlogFile(t, dir, "mysql-bin.000002.gz", data)
	evs, codec, err := openAll(t, path, nil)
	if err != nil || codec != "" || len(evs) == 0 || evs[0].File != "mysql-bin.000002.gz" {
		t.Errorf("plain file named .gz: %d events, codec %q, err %v", len(evs), codec, err)
	}
}

func mustReadBytes(t *testing.T, data []byte, name string) []*Event {
	t.Helper()
	evs, err := drainEvents(NewReader(bytes.NewReader(data), &ReaderOptions{Name: name}).Next)
	if err != nil {
		t.Fatalf("reading test binlog: %v", err)
	}
	return evs
}

// TestOpenCompressedTools compresses a binlog with the command-line tools
// (lz4, xz, zstd, gzip), when installed, and reads it back.
func TestOpenCompressedTools(t *testing.T) {
	data := testBinlog(t)
	want := summarizeEvents(mustReadBytes(t, data, "mysql-bin.000001"))
	for _, tc := range []struct {
		tool  string
		args  []string
		codec string
		ext   string
	}{
		{"lz4", []string{"-q", "-z", "-c"}, "lz4", ".lz4"},
		{"lz4", []string{"-q", "-l", "-c"}, "lz4", ".lz4"}, // legacy format
		{"xz", []string{"-c"}, "xz", ".xz"},
		{"xz", []string{"-c", "--format=xz", "--check=sha256", "-9"}, "xz", ".xz"},
		{"zstd", []string{"-q", "-c"}, "zstd", ".zst"},
		{"zstd", []string{"-q", "-c", "--long=27", "-19"}, "zstd", ".zst"},
		{"gzip", []string{"-c"}, "gzip", ".gz"},
	} {
		t.Run(tc.tool+fmtArgs(tc.args), func(t *testing.T) {
			if _, err := exec.LookPath(tc.tool); err != nil {
				t.Skipf("%s not installed", tc.tool)
			}
			cmd := exec.Command(tc.tool, tc.args...)
			cmd.Stdin = bytes.NewReader(data)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			z, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s: %v\n%s", tc.tool, err, stderr.Bytes())
			}
			dir := t.TempDir()
			path := writeBinlogFile(t, dir, "mysql-bin.000001"+tc.ext, z)
			evs, codec, err := openAll(t, path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if codec != tc.codec {
				t.Errorf("Codec() = %q, want %q", codec, tc.codec)
			}
			if diff := cmp.Diff(want, summarizeEvents(evs)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			// "cat a.gz b.gz": two streams written by the tool.
			cut := len(data) / 3
			var multi []byte
			for _, part := range [][]byte{data[:cut], data[cut:]} {
				cmd := exec.Command(tc.tool, tc.args...)
				cmd.Stdin = bytes.NewReader(part)
				out, err := cmd.Output()
				if err != nil {
					t.Fatal(err)
				}
				multi = append(multi, out...)
			}
			path = writeBinlogFile(t, dir, "mysql-bin.000001"+tc.ext, multi)
			evs, _, err = openAll(t, path, nil)
			if err != nil {
				t.Fatalf("concatenated streams: %v", err)
			}
			if diff := cmp.Diff(want, summarizeEvents(evs)); diff != "" {
				t.Errorf("concatenated streams: mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func fmtArgs(args []string) string {
	var s string
	for _, a := range args {
		s += " " + a
	}
	return s
}

// TestOpenErrors checks the outcome of odd files: each must give a clean
// end or an *EventError wrapping the right sentinel, at the right offset.
func TestOpenErrors(t *testing.T) {
	data := synthBinlog("INSERT INTO t VALUES (1)")
	gz := compressors["gzip"](t, data)
	zs := compressors["zstd"](t, data)
	lz := compressors["lz4"](t, data)
	xzd := compressors["xz"](t, data)
	firstEnd := int64(4 + binary.LittleEndian.Uint32(data[4+9:])) // end of the FDE
	for _, tc := range []struct {
		name    string
		content []byte
		opts    *ReaderOptions
		openErr error // from Open, or from the first Next
		err     error // from Next, after events
		events  int
		offset  int64 // of the error
	}{
		{name: "empty", content: nil, err: ErrTruncated},
		{name: "magic only", content: Magic[:]},
		{name: "short magic", content: Magic[:2], err: ErrTruncated},
		{name: "encrypted", content: append([]byte{0xfd, 'b', 'i', 'n'}, make([]byte, 600)...), openErr: ErrEncrypted},
		{name: "bad magic", content: []byte("hello, world"), openErr: ErrBadMagic},
		{name: "bad magic 4 bytes", content: []byte("PK\x03\x04"), openErr: ErrBadMagic},
		{name: "gzip of garbage", content: compressors["gzip"](t, []byte("not a binlog at all")), openErr: ErrBadMagic},
		{name: "gzip of encrypted", content: compressors["gzip"](t, []byte("\xfdbin................")), openErr: ErrEncrypted},
		{name: "gzip of empty", content: compressors["gzip"](t, nil), err: ErrTruncated},
		{name: "gzip of magic", content: compressors["gzip"](t, Magic[:])},
		{name: "no magic option", content: data[4:], opts: &ReaderOptions{NoMagic: true}, events: 5},
		{name: "cut in an event", content: data[:firstEnd+10], err: ErrTruncated, events: 1, offset: firstEnd},
		{name: "gzip cut", content: gz[:len(gz)-12], err: ErrTruncated},
		{name: "zstd cut", content: zs[:len(zs)-10], err: ErrTruncated},
		{name: "lz4 cut", content: lz[:len(lz)/2], err: ErrTruncated},
		{name: "xz cut", content: xzd[:len(xzd)-20], err: ErrTruncated},
		{name: "gzip bad header", content: []byte{0x1f, 0x8b, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0}, openErr: ErrCorrupt},
		{name: "gzip cut header", content: []byte{0x1f, 0x8b, 8, 0, 0, 0}, openErr: ErrTruncated},
		{name: "zstd garbage", content: append([]byte{0x28, 0xb5, 0x2f, 0xfd}, bytes.Repeat([]byte{0xff}, 64)...), openErr: ErrCorrupt},
		{name: "xz garbage", content: append([]byte{0xfd, '7', 'z', 'X', 'Z', 0}, bytes.Repeat([]byte{0xff}, 64)...), openErr: ErrCorrupt},
		{name: "lz4 garbage", content: append([]byte{0x04, 0x22, 0x4d, 0x18}, bytes.Repeat([]byte{0xff}, 64)...), openErr: ErrCorrupt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeBinlogFile(t, t.TempDir(), "mysql-bin.000009", tc.content)
			fr, err := Open(path, tc.opts)
			if tc.openErr != nil {
				// Open reports what it sees in the first bytes; a failure
				// further into a compressed stream comes from Next.
				if err == nil {
					var evs []*Event
					evs, err = drainEvents(fr.Next)
					fr.Close()
					if len(evs) > 0 {
						t.Errorf("read %d events before the error", len(evs))
					}
				}
				checkEventError(t, "Open or Next", err, tc.openErr, 0)
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer fr.Close()
			evs, err := drainEvents(fr.Next)
			if tc.err == nil {
				if err != nil {
					t.Fatalf("Next: %v", err)
				}
			} else if tc.name == "gzip cut" || tc.name == "zstd cut" || tc.name == "lz4 cut" || tc.name == "xz cut" {
				// Where a cut compressed stream ends depends on the codec.
				checkEventError(t, "Next", err, tc.err, -1)
				return
			} else {
				checkEventError(t, "Next", err, tc.err, tc.offset)
			}
			if len(evs) != tc.events {
				t.Errorf("read %d events, want %d", len(evs), tc.events)
			}
			// Errors are sticky.
			if _, err2 := fr.Next(); tc.err != nil && err2 != err {
				t.Errorf("second Next: %v; want the same error %v", err2, err)
			}
		})
	}
}

// checkEventError checks err is an *EventError wrapping want at offset
// (any offset when offset < 0).
func checkEventError(t *testing.T, what string, err, want error, offset int64) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: error %v; want one wrapping %v", what, err, want)
	}
	var ee *EventError
	if !errors.As(err, &ee) {
		t.Fatalf("%s: error %T %v is not an *EventError", what, err, err)
	}
	if ee.File != "mysql-bin.000009" {
		t.Errorf("%s: EventError.File = %q, want mysql-bin.000009", what, ee.File)
	}
	if offset >= 0 && ee.Offset != offset {
		t.Errorf("%s: EventError.Offset = %d, want %d (%v)", what, ee.Offset, offset, err)
	}
}

func TestOpenMissing(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "nope"), nil)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open of a missing file: %v; want os.ErrNotExist", err)
	}
}

func TestFileReaderCloseTwice(t *testing.T) {
	path := writeBinlogFile(t, t.TempDir(), "b", synthBinlog())
	fr, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := fr.Close(); err != nil {
		t.Fatal(err)
	}
	if err := fr.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestOpenCraftedXZDict forges the block header of an xz binlog to ask
// for a 1.5 GiB dictionary: Open or Next must refuse it with ErrCorrupt
// before the xz reader allocates it.
func TestOpenCraftedXZDict(t *testing.T) {
	z := compressors["xz"](t, synthBinlog("INSERT INTO t VALUES (1)"))
	// Stream header (12 bytes), then the block header: size byte, flags,
	// the LZMA2 filter (21 01 dict), padding, CRC32.
	hdr := z[12 : 12+(int(z[12])+1)*4]
	i := bytes.Index(hdr, []byte{0x21, 0x01})
	if i < 0 {
		t.Fatalf("no LZMA2 filter in block header % x", hdr)
	}
	hdr[i+2] = 37 // 1.5 GiB
	n := len(hdr) - 4
	binary.LittleEndian.PutUint32(hdr[n:], crc32.ChecksumIEEE(hdr[:n]))
	path := writeBinlogFile(t, t.TempDir(), "mysql-bin.000009", z)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fr, err := Open(path, nil)
	if err == nil {
		_, err = drainEvents(fr.Next)
		fr.Close()
	}
	runtime.ReadMemStats(&after)
	checkEventError(t, "Open or Next", err, ErrCorrupt, -1)
	if d := after.TotalAlloc - before.TotalAlloc; d > 64<<20 {
		t.Errorf("allocated %d bytes reading a crafted xz header", d)
	}
}
