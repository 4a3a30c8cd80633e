package archive

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/binlogkit/binlogkit/archive/internal/synth"
	"github.com/google/go-cmp/cmp"
)

// binlogLike returns n bytes that compress like a binlog (synth.Binlog).
func binlogLike(n int, seed uint64) []byte { return synth.Binlog(n, seed) }

var writeCodecs = []Codec{None, LZ4, XZ, Zstd}

func compress(t testing.TB, c Codec, data []byte, opts *CodecOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, c, opts)
	if err != nil {
		t.Fatal(err)
	}
	// Uneven writes cross block boundaries.
	for rest := data; len(rest) > 0; {
		k := min(len(rest), 1+len(rest)/3)
		if _, err := w.Write(rest[:k]); err != nil {
			t.Fatal(err)
		}
		rest = rest[k:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decompress(t testing.TB, data []byte, want Codec) []byte {
	t.Helper()
	r, c, err := NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if c != want && !(want == None && len(data) == 0) {
		t.Errorf("NewReader detected %q, want %q", c, want)
	}
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decompressing %s: %v", want, err)
	}
	return got
}

func TestCodecRoundTrip(t *testing.T) {
	inputs := map[string][]byte{
		"empty":  {},
		"1byte":  {0x42},
		"small":  binlogLike(100_000, 1),
		"blocks": binlogLike(700_000, 2), // several 64 KiB blocks
	}
	for _, c := range writeCodecs {
		for name, in := range inputs {
			for _, opts := range []*CodecOptions{nil, {Concurrency: 1, BlockSize: 64 << 10}, {Concurrency: 3, BlockSize: 64 << 10, Level: 6}} {
				t.Run(fmt.Sprintf("%s/%s/%+v", c, name, opts), func(t *testing.T) {
					z := compress(t, c, in, opts)
					got := decompress(t, z, c)
					if !bytes.Equal(got, in) {
						t.Fatalf("round trip: got %d bytes, want %d", len(got), len(in))
					}
				})
			}
		}
	}
}

func TestCodecSmallReads(t *testing.T) {
	in := binlogLike(300_000, 3)
	for _, c := range writeCodecs {
		z := compress(t, c, in, &CodecOptions{BlockSize: 64 << 10})
		r, _, err := NewReader(iotest.OneByteReader(bytes.NewReader(z)))
		if err != nil {
			t.Fatal(err)
		}
		if err := iotest.TestReader(iotest.HalfReader(r), in); err != nil {
			t.Errorf("%s: %v", c, err)
		}
		r.Close()
	}
}

// TestCodecCloseEarly stops reading in the middle: Close frees the
// decompressor, leaves the source open, and later reads fail.
func TestCodecCloseEarly(t *testing.T) {
	in := binlogLike(300_000, 5)
	for _, c := range writeCodecs {
		src := &closeRecorder{Reader: bytes.NewReader(compress(t, c, in, &CodecOptions{BlockSize: 64 << 10}))}
		r, _, err := NewReader(src)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(r, make([]byte, 1000)); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if err := r.Close(); err != nil {
			t.Errorf("%s: Close: %v", c, err)
		}
		if src.closed {
			t.Errorf("%s: Close closed the source", c)
		}
		if n, err := r.Read(make([]byte, 10)); n != 0 || err == nil || err == io.EOF {
			t.Errorf("%s: Read after Close = %d, %v; want an error", c, n, err)
		}
		if err := r.Close(); err != nil {
			t.Errorf("%s: second Close: %v", c, err)
		}
	}
}

type closeRecorder struct {
	io.Reader
	closed bool
}

func (c *closeRecorder) Close() error {
	c.closed = true
	return nil
}

func TestCodecTruncatedAndCorrupt(t *testing.T) {
	in := binlogLike(300_000, 4)
	for _, c := range []Codec{LZ4, XZ, Zstd} {
		z := compress(t, c, in, &CodecOptions{BlockSize: 64 << 10})
		for _, cut := range []int{7, len(z) / 2, len(z) - 1} {
			r, _, err := NewReader(bytes.NewReader(z[:cut]))
			if err == nil {
				_, err = io.ReadAll(r)
				r.Close()
			}
			if err == nil {
				t.Errorf("%s truncated to %d of %d bytes: no error", c, cut, len(z))
			}
		}
		bad := bytes.Clone(z)
		bad[len(bad)/2] ^= 0x55
		r, _, err := NewReader(bytes.NewReader(bad))
		if err == nil {
			var got []byte
			got, err = io.ReadAll(r)
			r.Close()
			if err == nil && bytes.Equal(got, in) {
				t.Errorf("%s: flipped byte not noticed, yet output is right", c)
				continue
			}
		}
		if err == nil {
			t.Errorf("%s corrupt: no error", c)
		}
	}
}

func TestDetectCodec(t *testing.T) {
	for _, tc := range []struct {
		head []byte
		want Codec
	}{
		{[]byte{0x04, 0x22, 0x4d, 0x18, 0x64}, LZ4},
		{[]byte{0xfd, '7', 'z', 'X', 'Z', 0}, XZ},
		{[]byte{0x28, 0xb5, 0x2f, 0xfd}, Zstd},
		{[]byte{0x1f, 0x8b, 8}, Gzip},
		{[]byte{0xfe, 'b', 'i', 'n'}, None},
		{[]byte{0xfd, '7', 'z', 'X', 'Z'}, None}, // too short to tell
		{nil, None},
	} {
		if got := DetectCodec(tc.head); got != tc.want {
			t.Errorf("DetectCodec(% x) = %q, want %q", tc.head, got, tc.want)
		}
	}
	if _, err := NewWriter(io.Discard, Gzip, nil); !errors.Is(err, ErrUnknownCodec) {
		t.Errorf("NewWriter(gzip) error = %v, want ErrUnknownCodec", err)
	}
}

// cliTools are the command line tools of each codec, with the arguments
// that decompress stdin to stdout and compress it at the fast level.
var cliTools = map[Codec]struct {
	bin       string
	dec, comp []string
}{
	LZ4:  {"lz4", []string{"-d", "-c"}, []string{"-1", "-c"}},
	XZ:   {"xz", []string{"-d", "-c"}, []string{"-1", "-c"}},
	Zstd: {"zstd", []string{"-d", "-c", "-q"}, []string{"-1", "-c", "-q"}},
	Gzip: {"gzip", []string{"-d", "-c"}, []string{"-1", "-c"}},
}

func runTool(t testing.TB, bin string, args []string, stdin []byte) []byte {
	t.Helper()
	if _, err := exec.LookPath(bin); err != nil {
		if os.Getenv("BINLOGKIT_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s missing", bin)
		}
		t.Skipf("%s not installed", bin)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v: %s", bin, strings.Join(args, " "), err, stderr.Bytes())
	}
	return out.Bytes()
}

// TestCodecCLI checks that the command line tools decompress our output and
// that we decompress theirs.
func TestCodecCLI(t *testing.T) {
	inputs := map[string][]byte{
		"empty": {},
		"1byte": {'x'},
		"mixed": binlogLike(1_500_000, 5),
	}
	if !testing.Short() {
		inputs["20MB"] = binlogLike(20<<20, 6)
	}
	for _, c := range []Codec{LZ4, XZ, Zstd, Gzip} {
		tool := cliTools[c]
		for name, in := range inputs {
			if c == XZ && len(in) > 6<<20 {
				// ulikunitz/xz compresses about 1 MB/s per core: keep
				// the test short with 6 MB, still 24 blocks of 256 KiB.
				in = in[:6<<20]
			}
			t.Run(string(c)+"/"+name, func(t *testing.T) {
				if c != Gzip {
					z := compress(t, c, in, &CodecOptions{BlockSize: 256 << 10})
					if got := runTool(t, tool.bin, tool.dec, z); !bytes.Equal(got, in) {
						t.Errorf("%s -d of our output: got %d bytes, want %d", tool.bin, len(got), len(in))
					}
				}
				z := runTool(t, tool.bin, tool.comp, in)
				if got := decompress(t, z, c); !bytes.Equal(got, in) {
					t.Errorf("our reader of %s %v output: got %d bytes, want %d", tool.bin, tool.comp, len(got), len(in))
				}
			})
		}
	}
}

// TestCodecConcatenated reads concatenated streams, as "cat a.xz b.xz" or
// "cat a.lz4 b.lz4" make them; the tools read them as one too.
func TestCodecConcatenated(t *testing.T) {
	a, b := binlogLike(70_000, 7), binlogLike(90_000, 8)
	want := append(bytes.Clone(a), b...)
	for _, c := range []Codec{LZ4, XZ, Zstd} {
		z := append(compress(t, c, a, nil), compress(t, c, b, nil)...)
		if diff := cmp.Diff(len(want), len(decompress(t, z, c))); diff != "" {
			t.Errorf("%s concatenated: length mismatch (-want +got):\n%s", c, diff)
		}
		if got := runTool(t, cliTools[c].bin, cliTools[c].dec, z); !bytes.Equal(got, want) {
			t.Errorf("%s -d of concatenated streams: got %d bytes, want %d", c, len(got), len(want))
		}
	}
}

// TestCodecReadFrom compresses through io.Copy from a reader that is not
// an io.WriterTo, which takes the writers' ReadFrom path.
func TestCodecReadFrom(t *testing.T) {
	in := binlogLike(1_000_000, 9)
	for _, c := range writeCodecs {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, c, &CodecOptions{BlockSize: 64 << 10})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := io.Copy(w, iotest.HalfReader(bytes.NewReader(in))); err != nil || n != int64(len(in)) {
			t.Fatalf("%s: io.Copy = %d, %v", c, n, err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if got := decompress(t, buf.Bytes(), c); !bytes.Equal(got, in) {
			t.Errorf("%s: got %d bytes, want %d", c, len(got), len(in))
		}
	}
}
