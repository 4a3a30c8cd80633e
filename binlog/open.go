package binlog

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/binlogkit/binlogkit/internal/compress"
)

// maxMagic is the longest codec or binlog magic number.
const maxMagic = compress.MagicLen

// fileBufSize is the size of the buffer over a file, and of the one over
// decompressed data.
const fileBufSize = 256 << 10

// A FileReader reads the events of one binlog file. It is a Reader (Next,
// All, InputOffset, ...) with a Close method.
type FileReader struct {
	*Reader
	f      *os.File
	dec    io.Closer // the decompressor of a compressed file
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
// A zstd window above 1 GiB or an xz dictionary above 64 MiB (what xz -9
// uses) is refused, with ErrCorrupt, before it is allocated.
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

// LogName returns the name Open gives the events of the file at path when
// opts.Name is empty: its base name without a compression extension
// (.lz4, .xz, .gz, .gzip, .zst, .zstd, in any case). Open drops the
// extension only when the content is compressed in that format; LogName
// looks at the name alone, so that a command can match a server's binlog
// name ("mysql-bin.000001") against its compressed copy without reading it.
func LogName(path string) string {
	base := filepath.Base(path)
	for _, name := range []string{compress.LZ4, compress.XZ, compress.Gzip, compress.Zstd} {
		if s := compress.Lookup(name).TrimExt(base); s != base {
			return s
		}
	}
	return base
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
	if c := compress.Detect(head); c != nil {
		fr.codec = c.Name
		if o.Name == "" {
			name = c.TrimExt(base)
		}
		// The bufio.Reader over the file is larger than needed for a
		// compressed file, but it already holds the first bytes; a second
		// buffer, over the decompressed bytes, serves the small reads of
		// event headers.
		zr, err := compress.NewReader(c, br, nil)
		if err != nil {
			return nil, &EventError{File: name, Err: codecError(c.Name, err)}
		}
		fr.dec = zr
		zbr := bufio.NewReaderSize(&codecReader{r: zr, name: c.Name}, fileBufSize)
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

// codecError wraps a decompressor's error (which names the codec) in a
// binlog sentinel.
func codecError(name string, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: %s stream ends early", ErrTruncated, name)
	}
	return fmt.Errorf("%w: %v", ErrCorrupt, err)
}
