package compress

import (
	"errors"
	"fmt"
	"io"
	"runtime"

	"github.com/klauspost/compress/zstd"
)

// ErrNoWriter is returned by NewWriter for a format it does not write
// (gzip, or an unknown name).
var ErrNoWriter = errors.New("compress: no writer for this format")

// WriterOptions tune NewWriter. The zero value (or nil) gives fast
// compression on every CPU.
type WriterOptions struct {
	// Level is the compression level, as the format's command line tool
	// understands it: lz4 1-12, xz 0-9, zstd 1-22. Zero means the fast
	// level of each format (lz4 -1, xz -1, zstd's "fastest" encoder).
	// Levels out of range are clamped.
	Level int
	// Concurrency is the number of goroutines compressing blocks at once
	// (lz4 and xz; zstd uses at most two for a stream). Zero means
	// runtime.GOMAXPROCS(0); 1 compresses in the calling goroutine.
	Concurrency int
	// BlockSize is the amount of input, in bytes, compressed as one
	// independent unit. Zero means 4 MiB for lz4 (rounded up to a frame
	// block size: 64 KiB, 256 KiB, 1 MiB or 4 MiB) and 8 MiB for xz
	// (each block a separate xz stream, at least 64 KiB); zstd ignores
	// it. Memory use grows as Concurrency × BlockSize.
	BlockSize int
}

func (o *WriterOptions) concurrency() int {
	if o == nil || o.Concurrency <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return o.Concurrency
}

func (o *WriterOptions) level() int {
	if o == nil {
		return 0
	}
	return o.Level
}

func (o *WriterOptions) blockSize(def int) int {
	if o == nil || o.BlockSize <= 0 {
		return def
	}
	return o.BlockSize
}

// NewWriter returns a writer that compresses what is written to it in
// the format called name (lz4, xz or zstd) and writes the result to w.
// Close flushes the compressed stream; it does not close w. opts may be
// nil.
//
// lz4 and xz compress independent blocks in parallel (see WriterOptions);
// the output is still standard: concatenated lz4 frames, each with a
// content checksum, or concatenated xz streams, which lz4 -d, xz -d and
// NewReader read as one.
func NewWriter(w io.Writer, name string, opts *WriterOptions) (io.WriteCloser, error) {
	switch name {
	case LZ4:
		return newLZ4Writer(w, opts)
	case XZ:
		return newXZWriter(w, opts)
	case Zstd:
		return newZstdWriter(w, opts)
	}
	return nil, fmt.Errorf("%w %q", ErrNoWriter, name)
}

func newZstdWriter(w io.Writer, opts *WriterOptions) (io.WriteCloser, error) {
	level := zstd.SpeedFastest
	if l := opts.level(); l > 1 {
		level = zstd.EncoderLevelFromZstd(l)
	}
	zw, err := zstd.NewWriter(w,
		zstd.WithEncoderLevel(level),
		zstd.WithEncoderConcurrency(opts.concurrency()),
		zstd.WithEncoderCRC(true))
	if err != nil {
		return nil, fmt.Errorf("zstd: %w", err)
	}
	return zw, nil
}
