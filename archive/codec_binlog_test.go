package archive

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
)

// TestCodecBinlogOpen checks that binlog.Open reads what NewWriter writes:
// an archived binlog restored by hand is readable without decompressing.
func TestCodecBinlogOpen(t *testing.T) {
	src := filepath.Join("..", "binlog", "testdata", "dml.full.binlog")
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Skip(err)
	}
	count := func(path string) (n int) {
		t.Helper()
		fr, err := binlog.Open(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer fr.Close()
		for {
			_, err := fr.Next()
			if errors.Is(err, io.EOF) {
				return n
			}
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			n++
		}
	}
	want := count(src)
	for _, c := range []Codec{LZ4, XZ, Zstd} {
		path := filepath.Join(t.TempDir(), "mysql-bin.000001"+c.Ext())
		// Small blocks: several lz4 frames and xz streams.
		if err := os.WriteFile(path, compress(t, c, raw, &CodecOptions{BlockSize: 64 << 10}), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := count(path); got != want {
			t.Errorf("%s: binlog.Open read %d events, want %d", c, got, want)
		}
	}
}
