package compress

import (
	"bytes"
	"fmt"
	"io"

	"github.com/ulikunitz/xz"
)

// xzDictCaps are the dictionary sizes of xz's presets -0 to -9.
var xzDictCaps = [10]int{256 << 10, 1 << 20, 2 << 20, 4 << 20, 4 << 20, 8 << 20, 8 << 20, 16 << 20, 32 << 20, 64 << 20}

func newXZWriter(w io.Writer, opts *WriterOptions) (io.WriteCloser, error) {
	level := opts.level()
	if level <= 0 {
		level = 1
	}
	level = min(level, 9)
	bs := max(opts.blockSize(8<<20), 64<<10)
	cfg := xz.WriterConfig{
		DictCap:   min(xzDictCaps[level], bs),
		CheckSum:  xz.CRC64,
		BlockSize: int64(bs),
	}
	if err := cfg.Verify(); err != nil {
		return nil, fmt.Errorf("xz: %w", err)
	}
	compress := func(dst *bytes.Buffer, src []byte, _ *any) error {
		zw, err := cfg.NewWriter(dst)
		if err != nil {
			return err
		}
		if _, err := zw.Write(src); err != nil {
			return err
		}
		return zw.Close()
	}
	return newParallelWriter(w, "xz", bs, opts.concurrency(), compress), nil
}
