package compress

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
)

// Default limits of ReaderOptions.
const (
	// DefaultMaxWindow is the largest zstd window NewReader accepts by
	// default: 1 GiB, more than zstd --long=30 asks for.
	DefaultMaxWindow = 1 << 30
	// DefaultMaxDict is the largest xz dictionary NewReader accepts by
	// default: 64 MiB, what xz -9 uses.
	DefaultMaxDict = 64 << 20
)

// Sentinel errors. Errors from a Reader wrap them, or io.ErrUnexpectedEOF
// when a stream ends early, or the decompressor's own error.
var (
	// ErrTooLarge: a stream asks for a zstd window or an xz dictionary
	// above the reader's limit.
	ErrTooLarge = errors.New("compress: history buffer above the limit")
	// ErrMalformed: the framing of an xz stream is not valid.
	ErrMalformed = errors.New("compress: malformed stream")
	// ErrClosed: Read was called after Close.
	ErrClosed = errors.New("compress: read after Close")
)

// ReaderOptions limit the memory of a Reader. The zero value (or nil)
// gives the defaults.
type ReaderOptions struct {
	// MaxWindow is the largest zstd window (the history a decoder keeps in
	// memory) accepted, in bytes; a frame asking for more is refused. Zero
	// means DefaultMaxWindow (1 GiB); it is raised to at least 1 KiB.
	MaxWindow uint64
	// MaxDict is the largest xz dictionary accepted, in bytes; a block
	// asking for more is refused before the dictionary is allocated. Zero
	// means DefaultMaxDict (64 MiB, what xz -9 uses).
	MaxDict int64
}

func (o *ReaderOptions) maxWindow() uint64 {
	if o == nil || o.MaxWindow == 0 {
		return DefaultMaxWindow
	}
	return max(o.MaxWindow, 1<<10)
}

func (o *ReaderOptions) maxDict() int64 {
	if o == nil || o.MaxDict <= 0 {
		return DefaultMaxDict
	}
	return o.MaxDict
}

// A Reader reads the decompressed content of a stream. Its errors are
// sticky and name the format ("xz: ..."); a stream that ends early gives
// one wrapping io.ErrUnexpectedEOF, never a silent short read. The
// decompressor is released at io.EOF, at the first error, or at Close.
type Reader struct {
	r     io.Reader
	name  string // "" for plain content
	close func()
	err   error
}

// NewReader returns a reader of the content of r decompressed as f, or of
// r unchanged when f is nil. It reads the stream header of the xz and gzip
// formats at once. Close frees the decompressor (for zstd, a goroutine
// too) and does not close r. opts may be nil.
//
// lz4 and zstd decode on one goroutine, so that memory stays bounded by
// one block or one window.
func NewReader(f *Format, r io.Reader, opts *ReaderOptions) (*Reader, error) {
	if f == nil {
		return &Reader{r: r}, nil
	}
	d := &Reader{name: f.Name}
	switch f.Name {
	case LZ4:
		zr := lz4.NewReader(r)
		if err := zr.Apply(lz4.ConcurrencyOption(1)); err != nil {
			return nil, d.wrap(err)
		}
		d.r = zr
	case XZ:
		// SingleStream is false: concatenated streams ("xz a; xz b;
		// cat a.xz b.xz") and stream padding are read. The guard checks
		// each block's dictionary size before xz allocates it.
		zr, err := xz.NewReader(newXZGuard(r, opts.maxDict()))
		if err != nil {
			return nil, d.wrap(err)
		}
		d.r = zr
	case Gzip:
		// Multistream is the default: concatenated members are read.
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, d.wrap(err)
		}
		d.r, d.close = zr, func() { zr.Close() }
	case Zstd:
		zr, err := zstd.NewReader(r,
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(opts.maxWindow()))
		if err != nil {
			return nil, d.wrap(err)
		}
		d.r, d.close = zr, zr.Close
	default:
		return nil, fmt.Errorf("compress: unknown format %q", f.Name)
	}
	return d, nil
}

// Format returns the name of the format read, or "" for plain content.
func (d *Reader) Format() string { return d.name }

func (d *Reader) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	n, err := d.r.Read(p)
	if err != nil {
		if err != io.EOF {
			err = d.wrap(err)
		}
		d.err = err
		d.release()
	}
	return n, err
}

// wrap names the format in err and turns an early io.EOF into
// io.ErrUnexpectedEOF. zstd reports a window above the limit in its own
// words; it is made to wrap ErrTooLarge.
func (d *Reader) wrap(err error) error {
	if d.name == "" {
		return err
	}
	if errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.ErrUnexpectedEOF
	}
	if errors.Is(err, zstd.ErrWindowSizeExceeded) {
		err = fmt.Errorf("%w: %w", ErrTooLarge, err)
	}
	return fmt.Errorf("%s: %w", d.name, err)
}

// Close releases the decompressor. It does not close the underlying
// reader; reads after Close fail with ErrClosed. It always returns nil.
func (d *Reader) Close() error {
	d.release()
	if d.err == nil {
		d.err = ErrClosed
	}
	return nil
}

func (d *Reader) release() {
	if d.close != nil {
		d.close()
		d.close = nil
	}
	d.r = nil
}
