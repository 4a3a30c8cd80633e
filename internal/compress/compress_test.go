package compress

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os/exec"
	"testing"
	"testing/iotest"
)

// sample returns n bytes that compress a little, like a binlog.
func sample(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, 0, n)
	for len(b) < n {
		b = fmt.Appendf(b, "INSERT INTO t VALUES (%d, 'row %d');", r.IntN(1000), r.Uint32())
	}
	return b[:n]
}

func compressed(t testing.TB, name string, data []byte, opts *WriterOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, name, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readAll(data []byte, opts *ReaderOptions) ([]byte, error) {
	f := Detect(data)
	r, err := NewReader(f, bytes.NewReader(data), opts)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		head []byte
		want string
	}{
		{[]byte{0x04, 0x22, 0x4d, 0x18, 0x64}, LZ4},
		{[]byte{0x02, 0x21, 0x4c, 0x18}, LZ4}, // legacy
		{[]byte{0xfd, '7', 'z', 'X', 'Z', 0}, XZ},
		{[]byte{0x28, 0xb5, 0x2f, 0xfd}, Zstd},
		{[]byte{0x1f, 0x8b, 8}, Gzip},
		{[]byte{0xfe, 'b', 'i', 'n'}, ""},
		{[]byte{0xfd, '7', 'z', 'X', 'Z'}, ""}, // too short to tell
		{nil, ""},
	} {
		got := ""
		if f := Detect(tc.head); f != nil {
			got = f.Name
		}
		if got != tc.want {
			t.Errorf("Detect(% x) = %q, want %q", tc.head, got, tc.want)
		}
	}
}

func TestTrimExt(t *testing.T) {
	gz := Lookup(Gzip)
	for _, tc := range []struct{ in, want string }{
		{"mysql-bin.000001.gz", "mysql-bin.000001"},
		{"mysql-bin.000001.GZ", "mysql-bin.000001"},
		{"mysql-bin.000001.gzip", "mysql-bin.000001"},
		{"mysql-bin.000001", "mysql-bin.000001"},
		{".gz", ".gz"},
	} {
		if got := gz.TrimExt(tc.in); got != tc.want {
			t.Errorf("TrimExt(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := Lookup(Zstd).Ext(); got != ".zst" {
		t.Errorf("zstd Ext = %q", got)
	}
}

func TestRoundTrip(t *testing.T) {
	in := sample(300_000, 1)
	for _, name := range []string{LZ4, XZ, Zstd} {
		for _, opts := range []*WriterOptions{nil, {Concurrency: 1, BlockSize: 64 << 10}, {Concurrency: 3, BlockSize: 64 << 10, Level: 6}} {
			z := compressed(t, name, in, opts)
			r, err := NewReader(Detect(z), iotest.OneByteReader(bytes.NewReader(z)), nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := iotest.TestReader(iotest.HalfReader(r), in); err != nil {
				t.Errorf("%s %+v: %v", name, opts, err)
			}
			r.Close()
		}
	}
	if _, err := NewWriter(io.Discard, Gzip, nil); !errors.Is(err, ErrNoWriter) {
		t.Errorf("NewWriter(gzip): %v; want ErrNoWriter", err)
	}
}

// TestTruncated checks that a stream cut anywhere gives an error wrapping
// io.ErrUnexpectedEOF (or another error), never a clean short read.
func TestTruncated(t *testing.T) {
	in := sample(200_000, 2)
	for _, name := range []string{LZ4, XZ, Zstd} {
		z := compressed(t, name, in, &WriterOptions{BlockSize: 64 << 10})
		for _, cut := range []int{7, 13, 40, len(z) / 2, len(z) - 13, len(z) - 1} {
			got, err := readAll(z[:cut], nil)
			if err == nil {
				t.Errorf("%s cut at %d of %d: no error, %d bytes", name, cut, len(z), len(got))
			}
		}
	}
}

// xzTool compresses data with the xz command and args.
func xzTool(t *testing.T, data []byte, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath("xz"); err != nil {
		t.Skip("xz not installed")
	}
	cmd := exec.Command("xz", append(args, "-c")...)
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("xz %v: %v", args, err)
	}
	return out
}

// TestXZDictLimit checks that a block asking for a dictionary above the
// limit is refused, in the first block or a later one, and that what
// xz -9 and multi-block files (xz -T2 --block-size) ask for is read.
func TestXZDictLimit(t *testing.T) {
	in := sample(400_000, 3)
	for _, args := range [][]string{
		{"-9"},
		{"-0", "--check=sha256"},
		{"-T2", "--block-size=65536", "--check=none"},
		{"--lzma2=dict=64MiB"},
	} {
		z := xzTool(t, in, args...)
		// Two streams with padding between them.
		z2 := append(append(bytes.Clone(z), 0, 0, 0, 0), z...)
		for _, data := range [][]byte{z, z2} {
			got, err := readAll(data, nil)
			if err != nil || !bytes.Equal(got, append(bytes.Clone(in), in...)[:len(got)]) || len(got)%len(in) != 0 {
				t.Errorf("xz %v: %d bytes, %v", args, len(got), err)
			}
		}
	}
	big := xzTool(t, in, "--lzma2=dict=128MiB")
	if _, err := readAll(big, nil); !errors.Is(err, ErrTooLarge) {
		t.Errorf("128 MiB dictionary: %v; want ErrTooLarge", err)
	}
	if got, err := readAll(big, &ReaderOptions{MaxDict: 128 << 20}); err != nil || !bytes.Equal(got, in) {
		t.Errorf("128 MiB dictionary with MaxDict 128 MiB: %d bytes, %v", len(got), err)
	}
	// A good stream followed by one asking for too much.
	small := xzTool(t, in, "-1")
	if _, err := readAll(append(bytes.Clone(small), big...), nil); !errors.Is(err, ErrTooLarge) {
		t.Errorf("second stream with a 128 MiB dictionary: %v; want ErrTooLarge", err)
	}
}

// TestXZCrafted forges a block header asking for a 1.5 GiB dictionary
// (dictionary byte 37): it must be refused without allocating it.
func TestXZCrafted(t *testing.T) {
	z := xzTool(t, sample(10_000, 4), "-1", "--check=crc32")
	// Stream header (12 bytes), then the block header: size, flags, the
	// LZMA2 filter (21 01 dict), padding, CRC32.
	hdr := z[12 : 12+(int(z[12])+1)*4]
	i := bytes.Index(hdr, []byte{0x21, 0x01})
	if i < 0 {
		t.Fatalf("no LZMA2 filter in block header % x", hdr)
	}
	hdr[i+2] = 37
	// Fix the header's CRC32 so that only the dictionary is wrong.
	fixCRC(hdr)
	var ms0, ms1 runtimeMem
	ms0.read()
	_, err := readAll(z, nil)
	ms1.read()
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("crafted dictionary: %v; want ErrTooLarge", err)
	}
	if d := ms1.total - ms0.total; d > 64<<20 {
		t.Errorf("allocated %d bytes reading a crafted header", d)
	}
	// Garbage in the framing is refused too.
	bad := bytes.Clone(z)
	bad[12+len(hdr)] = 0x10 // an LZMA2 control byte that does not exist
	if _, err := readAll(bad, nil); err == nil {
		t.Error("bad LZMA2 control byte: no error")
	}
}

func TestZstdWindowLimit(t *testing.T) {
	if _, err := exec.LookPath("zstd"); err != nil {
		t.Skip("zstd not installed")
	}
	in := sample(200_000, 5)
	cmd := exec.Command("zstd", "-q", "-c", "--long=27")
	cmd.Stdin = bytes.NewReader(in)
	z, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if got, err := readAll(z, nil); err != nil || !bytes.Equal(got, in) {
		t.Errorf("--long=27: %d bytes, %v", len(got), err)
	}
	if _, err := readAll(z, &ReaderOptions{MaxWindow: 64 << 20}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("--long=27 with MaxWindow 64 MiB: %v; want ErrTooLarge", err)
	}
}

func TestReadAfterClose(t *testing.T) {
	z := compressed(t, Zstd, sample(1000, 6), nil)
	r, err := NewReader(Detect(z), bytes.NewReader(z), nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if _, err := r.Read(make([]byte, 10)); !errors.Is(err, ErrClosed) {
		t.Errorf("Read after Close: %v; want ErrClosed", err)
	}
}

func TestXXH32(t *testing.T) {
	for in, want := range map[string]uint32{
		"":    0x02cc5d05,
		"a":   0x550d7456,
		"abc": 0x32d153ff,
		"Nobody inspects the spammish repetition": 0xe2293b2f,
	} {
		if got := xxh32([]byte(in), 0); got != want {
			t.Errorf("xxh32(%q) = %#x, want %#x", in, got, want)
		}
	}
}
