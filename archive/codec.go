package archive

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	compression "github.com/binlogkit/binlogkit/internal/compress"
)

// A Codec names a compression format of stored objects. The formats are
// the standard ones: what NewWriter writes, the lz4, xz and zstd command
// line tools decompress, and what they write, NewReader reads.
type Codec string

// The codecs NewWriter writes. NewReader also reads gzip.
const (
	None Codec = "none" // no compression
	LZ4  Codec = "lz4"  // lz4 frame format (lz4 -d)
	XZ   Codec = "xz"   // xz streams, one per block (xz -d)
	Zstd Codec = "zstd" // zstandard frame (zstd -d)
	Gzip Codec = "gzip" // gzip: read only
)

// Ext returns the usual file name extension of c, with its dot: ".lz4",
// ".xz", ".zst", ".gz", or "" for None and unknown codecs.
func (c Codec) Ext() string { return compression.Lookup(string(c)).Ext() }

// ErrUnknownCodec is returned by NewWriter for a codec it cannot write.
var ErrUnknownCodec = errors.New("archive: unknown codec")

// CodecOptions tune NewWriter. The zero value (or nil) gives fast
// compression on every CPU.
type CodecOptions struct {
	// Level is the compression level, as the codec's command line tool
	// understands it: lz4 1-12, xz 0-9, zstd 1-22. Zero means the fast level
	// of each codec (lz4 -1, xz -1, zstd -1 ... zstd's "fastest" encoder).
	// Levels out of range are clamped.
	Level int
	// Concurrency is the number of goroutines compressing blocks at once
	// (lz4 and xz; zstd uses at most two for a stream). Zero means
	// runtime.GOMAXPROCS(0); 1 compresses in the calling goroutine.
	Concurrency int
	// BlockSize is the amount of input compressed as one independent unit.
	// For lz4 it is rounded up to a frame block size (64 KiB, 256 KiB,
	// 1 MiB or 4 MiB; default 4 MiB). For xz each block becomes a separate
	// xz stream (default 8 MiB, at least 64 KiB). zstd ignores it. Memory
	// use grows as Concurrency × BlockSize. Zero means 4 MiB for lz4 and
	// 8 MiB for xz.
	BlockSize int
}

// NewWriter returns a writer that compresses what is written to it with c
// and writes the result to w. Close flushes the compressed stream; it does
// not close w. opts may be nil.
//
// lz4 and xz compress independent blocks in parallel (see CodecOptions);
// the output is still standard: concatenated lz4 frames, each with a
// content checksum, or concatenated xz streams, which lz4 -d, xz -d and
// NewReader read as one.
func NewWriter(w io.Writer, c Codec, opts *CodecOptions) (io.WriteCloser, error) {
	switch c {
	case None, "":
		return nopWriteCloser{w}, nil
	case Gzip:
		return nil, fmt.Errorf("%w %q", ErrUnknownCodec, string(c))
	}
	var o *compression.WriterOptions
	if opts != nil {
		o = &compression.WriterOptions{Level: opts.Level, Concurrency: opts.Concurrency, BlockSize: opts.BlockSize}
	}
	zw, err := compression.NewWriter(w, string(c), o)
	if errors.Is(err, compression.ErrNoWriter) {
		return nil, fmt.Errorf("%w %q", ErrUnknownCodec, string(c))
	}
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	return zw, nil
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// DetectCodec returns the codec whose magic number starts head, or None.
// Six bytes are enough to tell every codec apart.
func DetectCodec(head []byte) Codec {
	if f := compression.Detect(head); f != nil {
		return Codec(f.Name)
	}
	return None
}

// NewReader detects the codec of r by its first bytes and returns a reader
// of the decompressed content and the codec found. Content that starts
// with no known magic number (an uncompressed binlog, or empty input) is
// returned unchanged, with None. Concatenated streams are read as one
// (xz, zstd, gzip; lz4 frames too).
//
// Corrupt or truncated compressed data gives a read error, never a
// silent short read. The caller must Close the returned reader when done
// with it: Close frees the decompressor and its buffers (for zstd, a
// goroutine too) at once, and does not close r. The decompressor is also
// freed at io.EOF or at the first error; reads after Close fail.
//
// lz4 is read in the frame format and in the legacy format of "lz4 -l".
// A zstd frame may ask for a window (the history kept in memory) of up to
// 1 GiB, an xz block for a dictionary of up to 64 MiB (what xz -9 uses);
// larger ones are refused before they are allocated.
func NewReader(r io.Reader) (io.ReadCloser, Codec, error) {
	return newReader(r, maxZstdWindow)
}

// maxZstdWindow is the largest zstd window NewReader accepts.
const maxZstdWindow = compression.DefaultMaxWindow

// newReader is NewReader refusing zstd windows larger than maxWindow bytes.
func newReader(r io.Reader, maxWindow uint64) (io.ReadCloser, Codec, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(compression.MagicLen)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, None, err
	}
	f := compression.Detect(head)
	c := DetectCodec(head) // None when f is nil
	zr, err := compression.NewReader(f, br, &compression.ReaderOptions{MaxWindow: maxWindow})
	if err != nil {
		return nil, c, fmt.Errorf("archive: %w", err)
	}
	return &decodeReader{r: zr}, c, nil
}

// A decodeReader prefixes the errors of a compression.Reader with the
// package name. Close releases the decompressor; it does not close the
// underlying reader, and reads after Close fail.
type decodeReader struct {
	r *compression.Reader
}

func (d *decodeReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("archive: %w", err)
	}
	return n, err
}

func (d *decodeReader) Close() error { return d.r.Close() }
