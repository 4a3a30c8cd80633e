package archive

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"runtime"

	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
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
func (c Codec) Ext() string {
	switch c {
	case LZ4:
		return ".lz4"
	case XZ:
		return ".xz"
	case Zstd:
		return ".zst"
	case Gzip:
		return ".gz"
	}
	return ""
}

// ErrUnknownCodec is returned by NewWriter for a codec it cannot write.
var ErrUnknownCodec = errors.New("archive: unknown codec")

// CodecOptions tune NewWriter. The zero value (or nil) gives fast
// compression on every CPU.
type CodecOptions struct {
	// Level is the compression level, as the codec's command line tool
	// understands it: lz4 1-12, xz 0-9, zstd 1-22. 0 means the fast level
	// of each codec (lz4 -1, xz -1, zstd -1 ... zstd's "fastest" encoder).
	// Levels out of range are clamped.
	Level int
	// Concurrency is the number of goroutines compressing blocks at once
	// (lz4 and xz; zstd uses at most two for a stream). 0 means
	// runtime.GOMAXPROCS(0); 1 compresses in the calling goroutine.
	Concurrency int
	// BlockSize is the amount of input compressed as one independent unit.
	// For lz4 it is rounded up to a frame block size (64 KiB, 256 KiB,
	// 1 MiB or 4 MiB; default 4 MiB). For xz each block becomes a separate
	// xz stream (default 8 MiB, at least 64 KiB). zstd ignores it. Memory
	// use grows as Concurrency × BlockSize.
	BlockSize int
}

func (o *CodecOptions) concurrency() int {
	if o == nil || o.Concurrency <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return o.Concurrency
}

func (o *CodecOptions) level() int {
	if o == nil {
		return 0
	}
	return o.Level
}

func (o *CodecOptions) blockSize(def int) int {
	if o == nil || o.BlockSize <= 0 {
		return def
	}
	return o.BlockSize
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
	case LZ4:
		return newLZ4Writer(w, opts)
	case XZ:
		return newXZWriter(w, opts)
	case Zstd:
		return newZstdWriter(w, opts)
	}
	return nil, fmt.Errorf("%w %q", ErrUnknownCodec, string(c))
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

func newZstdWriter(w io.Writer, opts *CodecOptions) (io.WriteCloser, error) {
	level := zstd.SpeedFastest
	if l := opts.level(); l > 1 {
		level = zstd.EncoderLevelFromZstd(l)
	}
	zw, err := zstd.NewWriter(w,
		zstd.WithEncoderLevel(level),
		zstd.WithEncoderConcurrency(opts.concurrency()),
		zstd.WithEncoderCRC(true))
	if err != nil {
		return nil, fmt.Errorf("archive: zstd: %w", err)
	}
	return zw, nil
}

// magics are the first bytes of each codec's streams.
var magics = []struct {
	codec Codec
	magic []byte
}{
	{LZ4, []byte{0x04, 0x22, 0x4d, 0x18}},
	{XZ, []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}},
	{Zstd, []byte{0x28, 0xb5, 0x2f, 0xfd}},
	{Gzip, []byte{0x1f, 0x8b}},
}

// DetectCodec returns the codec whose magic number starts head, or None.
// Six bytes are enough to tell every codec apart.
func DetectCodec(head []byte) Codec {
	for _, m := range magics {
		if bytes.HasPrefix(head, m.magic) {
			return m.codec
		}
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
// A zstd frame may ask for a window (the history kept in memory) of up to
// 1 GiB; larger ones are refused.
func NewReader(r io.Reader) (io.ReadCloser, Codec, error) {
	return newReader(r, maxZstdWindow)
}

// maxZstdWindow is the largest zstd window NewReader accepts.
const maxZstdWindow = 1 << 30

// newReader is NewReader refusing zstd windows larger than maxWindow bytes.
func newReader(r io.Reader, maxWindow uint64) (io.ReadCloser, Codec, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(6)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, None, err
	}
	c := DetectCodec(head)
	switch c {
	case LZ4:
		zr := lz4.NewReader(br)
		// One goroutine: memory stays bounded by one block.
		if err := zr.Apply(lz4.ConcurrencyOption(1)); err != nil {
			return nil, c, fmt.Errorf("archive: lz4: %w", err)
		}
		return &decodeReader{r: zr, codec: c}, c, nil
	case XZ:
		// SingleStream is false: concatenated streams and padding are read.
		zr, err := xz.NewReader(br)
		if err != nil {
			return nil, c, fmt.Errorf("archive: xz: %w", err)
		}
		return &decodeReader{r: zr, codec: c}, c, nil
	case Zstd:
		zr, err := zstd.NewReader(br,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(maxWindow))
		if err != nil {
			return nil, c, fmt.Errorf("archive: zstd: %w", err)
		}
		return &decodeReader{r: zr, codec: c, close: func() { zr.Close() }}, c, nil
	case Gzip:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, c, fmt.Errorf("archive: gzip: %w", err)
		}
		return &decodeReader{r: zr, codec: c, close: func() { zr.Close() }}, c, nil
	}
	return &plainReader{r: br}, None, nil
}

// A plainReader reads content that is not compressed; reads after Close
// fail.
type plainReader struct {
	r   *bufio.Reader
	err error
}

func (p *plainReader) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	return p.r.Read(b)
}

// Close drops the buffer. It does not close the underlying reader.
func (p *plainReader) Close() error {
	p.r = nil
	if p.err == nil {
		p.err = errReadAfterClose
	}
	return nil
}

var errReadAfterClose = errors.New("archive: read after Close")

// A decodeReader wraps a decompressor: it prefixes errors with the codec,
// turns a premature io.EOF into io.ErrUnexpectedEOF and releases the
// decompressor at the end.
type decodeReader struct {
	r     io.Reader
	codec Codec
	close func()
	err   error
}

func (d *decodeReader) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	n, err := d.r.Read(p)
	if err != nil {
		if err != io.EOF {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			err = fmt.Errorf("archive: %s: %w", d.codec, err)
		}
		d.err = err
		d.Close()
	}
	return n, err
}

// Close releases the decompressor. It does not close the underlying reader.
func (d *decodeReader) Close() error {
	if d.close != nil {
		d.close()
		d.close = nil
	}
	d.r = nil
	if d.err == nil {
		d.err = errReadAfterClose
	}
	return nil
}
