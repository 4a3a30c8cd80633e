package binlog

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
)

// A codec is a compression format Open recognizes by its magic bytes.
type codec struct {
	name  string   // "lz4", "xz", "gzip", "zstd"
	magic [][]byte // any of these starts a stream
	ext   []string // file name extensions Open strips from Event.File
	open  func(io.Reader) (io.Reader, io.Closer, error)
}

// codecs are the compression formats Open detects, by magic bytes.
var codecs = []codec{
	{
		name: "lz4",
		// Frame format, and the legacy format of "lz4 -l".
		magic: [][]byte{{0x04, 0x22, 0x4d, 0x18}, {0x02, 0x21, 0x4c, 0x18}},
		ext:   []string{".lz4"},
		open: func(r io.Reader) (io.Reader, io.Closer, error) {
			zr := lz4.NewReader(r)
			// One goroutine: memory stays bounded by one block.
			if err := zr.Apply(lz4.ConcurrencyOption(1)); err != nil {
				return nil, nil, err
			}
			return zr, nil, nil
		},
	},
	{
		name:  "xz",
		magic: [][]byte{{0xfd, '7', 'z', 'X', 'Z', 0x00}},
		ext:   []string{".xz"},
		open: func(r io.Reader) (io.Reader, io.Closer, error) {
			// ReaderConfig.SingleStream is false: concatenated streams
			// ("xz a; xz b; cat a.xz b.xz") and stream padding are read.
			zr, err := xz.NewReader(r)
			return zr, nil, err
		},
	},
	{
		name:  "gzip",
		magic: [][]byte{{0x1f, 0x8b}},
		ext:   []string{".gz", ".gzip"},
		open: func(r io.Reader) (io.Reader, io.Closer, error) {
			// Multistream is the default: concatenated members are read.
			zr, err := gzip.NewReader(r)
			if err != nil {
				return nil, nil, err
			}
			return zr, zr, nil
		},
	},
	{
		name:  "zstd",
		magic: [][]byte{{0x28, 0xb5, 0x2f, 0xfd}},
		ext:   []string{".zst", ".zstd"},
		open: func(r io.Reader) (io.Reader, io.Closer, error) {
			zr, err := zstd.NewReader(r,
				zstd.WithDecoderConcurrency(1),
				zstd.WithDecoderLowmem(true))
			if err != nil {
				return nil, nil, err
			}
			return zr, closerFunc(func() error { zr.Close(); return nil }), nil
		},
	},
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

// maxMagic is the longest codec or binlog magic number.
const maxMagic = 6

// detectCodec returns the codec whose magic number starts head, or nil.
func detectCodec(head []byte) *codec {
	for i := range codecs {
		for _, m := range codecs[i].magic {
			if bytes.HasPrefix(head, m) {
				return &codecs[i]
			}
		}
	}
	return nil
}

// fileBufSize is the size of the buffer over a file, and of the one over
// decompressed data.
const fileBufSize = 256 << 10

// A FileReader reads the events of one binlog file. It is a Reader (Next,
// All, InputOffset, ...) with a Close method.
type FileReader struct {
	*Reader
	f      *os.File
	dec    io.Closer // the decompressor, when it has resources to release
	codec  string
	closed bool
}

// Open opens the binlog file at path for reading. opts may be nil.
//
// Open recognizes compressed files by their first bytes, not by their name:
// lz4 (frame and legacy formats), xz, gzip and zstd streams are
// decompressed on the fly, concatenated streams included; any other
// content is read as a plain binlog. Offsets in events and errors are
// offsets in the decompressed binlog, as a server would report them.
//
// Open reads the first bytes of the (decompressed) content: if they are the
// magic number of a MySQL encrypted binlog (fd 62 69 6e) it returns an
// *EventError wrapping ErrEncrypted; if they are not the binlog magic
// number it returns one wrapping ErrBadMagic (unless opts.NoMagic is set).
// A file shorter than the magic number is left for Next to report.
//
// A compressed stream that ends early makes Next return an *EventError
// wrapping ErrTruncated; one that does not decompress, ErrCorrupt.
//
// When opts.Name is empty, events and errors name the file by its base
// name, without the compression extension when the content is compressed
// and the name has the matching extension: "mysql-bin.000001.lz4" holding
// lz4 data gives "mysql-bin.000001", the name the server gave the binlog.
//
// The caller must Close the FileReader.
func Open(path string, opts *ReaderOptions) (*FileReader, error) {
	var o ReaderOptions
	if opts != nil {
		o = *opts
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	fr, err := newFileReader(f, filepath.Base(path), &o)
	if err != nil {
		f.Close()
		return nil, err
	}
	return fr, nil
}

// newFileReader detects the codec of f and returns a FileReader over it.
// base is the base name of the file; o.Name overrides the derived name.
func newFileReader(f *os.File, base string, o *ReaderOptions) (*FileReader, error) {
	fr := &FileReader{f: f}
	name := o.Name
	if name == "" {
		name = base
	}
	var src io.Reader
	br := bufio.NewReaderSize(f, fileBufSize)
	head, err := br.Peek(maxMagic)
	if err != nil && err != io.EOF {
		return nil, err
	}
	if c := detectCodec(head); c != nil {
		fr.codec = c.name
		if o.Name == "" {
			name = stripExt(base, c.ext)
		}
		// The bufio.Reader over the file is larger than needed for a
		// compressed file, but it already holds the first bytes; a second
		// buffer, over the decompressed bytes, serves the small reads of
		// event headers.
		zr, closer, err := c.open(br)
		if err != nil {
			return nil, &EventError{File: name, Err: codecError(c.name, err)}
		}
		fr.dec = closer
		zbr := bufio.NewReaderSize(&codecReader{r: zr, name: c.name}, fileBufSize)
		// A failure here (a stream cut short, say) is left for Next to
		// report: the codecReader returns it again.
		head, _ = zbr.Peek(len(Magic))
		src = zbr
	} else {
		src = br
	}
	if !o.NoMagic && len(head) >= len(Magic) {
		var err error
		switch {
		case bytes.HasPrefix(head, Magic[:]):
		case bytes.HasPrefix(head, encryptedMagic[:]):
			err = fmt.Errorf("%w: MySQL encrypted binlog file (magic fd 62 69 6e); decrypt it with the server's keyring first", ErrEncrypted)
		default:
			err = fmt.Errorf("%w: % x", ErrBadMagic, head[:len(Magic)])
		}
		if err != nil {
			if fr.dec != nil {
				fr.dec.Close()
			}
			return nil, &EventError{File: name, Err: err}
		}
	}
	o.Name = name
	fr.Reader = NewReader(src, o)
	return fr, nil
}

// stripExt returns name without the first extension in exts it ends with
// (compared case-insensitively), unless that would leave it empty.
func stripExt(name string, exts []string) string {
	for _, ext := range exts {
		if len(name) > len(ext) && strings.EqualFold(name[len(name)-len(ext):], ext) {
			return name[:len(name)-len(ext)]
		}
	}
	return name
}

// Codec returns the compression format of the file: "lz4", "xz", "gzip",
// "zstd", or "" for a plain binlog.
func (fr *FileReader) Codec() string { return fr.codec }

// Close releases the decompressor and closes the file. Later calls to Close
// return nil; Next must not be called after Close.
func (fr *FileReader) Close() error {
	if fr.closed {
		return nil
	}
	fr.closed = true
	if fr.dec != nil {
		fr.dec.Close()
	}
	return fr.f.Close()
}

// codecReader reports decompression failures as binlog errors: an early end
// of the compressed stream wraps ErrTruncated, any other failure ErrCorrupt.
// io.EOF passes through unchanged.
type codecReader struct {
	r    io.Reader
	name string
	err  error
}

func (c *codecReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.r.Read(p)
	if err != nil && err != io.EOF {
		var pe *os.PathError
		if !errors.As(err, &pe) { // I/O errors from the file pass through
			err = codecError(c.name, err)
		}
		c.err = err
	}
	return n, err
}

// codecError wraps a decompressor's error in a binlog sentinel.
func codecError(name string, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: %s stream ends early", ErrTruncated, name)
	}
	return fmt.Errorf("%w: %s: %v", ErrCorrupt, name, err)
}
