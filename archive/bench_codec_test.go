package archive

import (
	"bytes"
	"crypto/sha256"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/internal/testserver"
)

// codecBenchSize is the least size of the codec benchmark's binlog, made
// and cached by testserver.BenchBinlog ($BINLOGKIT_BENCH_DIR,
// $BINLOGKIT_BENCH_FILE).
const codecBenchSize = 100 << 20

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// BenchmarkCodec compresses a >= 100 MB binlog from a real MariaDB with
// our codecs and with the lz4, xz and zstd command line tools, reporting
// MB/s of input and the compression ratio (input/output size). Run it
// once per codec:
//
//	go test ./archive -run '^$' -bench BenchmarkCodec -benchtime 1x
func BenchmarkCodec(b *testing.B) {
	path, size := testserver.BenchBinlog(b, codecBenchSize)
	b.Logf("%s: %d bytes", path, size)
	ours := func(c Codec, opts *CodecOptions) func(b *testing.B) {
		return func(b *testing.B) {
			b.SetBytes(size)
			var out countWriter
			for b.Loop() {
				out.n = 0
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				w, err := NewWriter(&out, c, opts)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(w, f); err != nil {
					b.Fatal(err)
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
			b.ReportMetric(float64(size)/float64(out.n), "ratio")
			b.StopTimer()
			verifyWithTool(b, path, c, opts)
		}
	}
	tool := func(bin string, args ...string) func(b *testing.B) {
		return func(b *testing.B) {
			if _, err := exec.LookPath(bin); err != nil {
				b.Skipf("%s not installed", bin)
			}
			b.SetBytes(size)
			var out countWriter
			for b.Loop() {
				out.n = 0
				cmd := exec.Command(bin, append(args, "-c", path)...)
				var stderr strings.Builder
				cmd.Stdout, cmd.Stderr = &out, &stderr
				if err := cmd.Run(); err != nil {
					b.Fatalf("%s %v: %v: %s", bin, args, err, stderr.String())
				}
			}
			b.ReportMetric(float64(size)/float64(out.n), "ratio")
		}
	}
	b.Run("ours-lz4", ours(LZ4, nil))
	b.Run("ours-lz4-1core", ours(LZ4, &CodecOptions{Concurrency: 1}))
	b.Run("tool-lz4-1", tool("lz4", "-1"))
	b.Run("ours-zstd", ours(Zstd, nil))
	b.Run("tool-zstd-1", tool("zstd", "-1", "-q"))
	b.Run("tool-zstd-1-T0", tool("zstd", "-1", "-q", "-T0"))
	b.Run("ours-xz", ours(XZ, nil))
	b.Run("tool-xz-1", tool("xz", "-1"))
	b.Run("tool-xz-1-T0", tool("xz", "-1", "-T0"))
}

// verifyWithTool compresses path once more with c and checks that the
// codec's command line tool restores it byte for byte.
func verifyWithTool(b *testing.B, path string, c Codec, opts *CodecOptions) {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var z bytes.Buffer
	w, err := NewWriter(&z, c, opts)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(w, f); err != nil {
		b.Fatal(err)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	tool := cliTools[c]
	if _, err := exec.LookPath(tool.bin); err != nil {
		return
	}
	cmd := exec.Command(tool.bin, tool.dec...)
	cmd.Stdin = &z
	h := sha256.New()
	cmd.Stdout = h
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s -d of our output: %v", tool.bin, err)
	}
	f.Seek(0, io.SeekStart)
	want := sha256.New()
	io.Copy(want, f)
	if !bytes.Equal(h.Sum(nil), want.Sum(nil)) {
		b.Fatalf("%s -d of our output differs from the input", tool.bin)
	}
}
