package binlog

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"
)

// A ChainReader reads the events of several binlog files in order, as if
// they were one stream: the files a server wrote one after the other, from
// a list or from the server's .index file.
//
// Each file is opened with Open (so compressed files are read too) when the
// previous one ends, and closed when its last event has been read: at most
// one file is open at a time. Every event carries the name of its file in
// Event.File, and offsets are offsets in that file.
//
// Errors are sticky, as with Reader. A file ending in the middle of an
// event gives an *EventError wrapping ErrTruncated, whether it is the last
// file of the chain (a server may still be writing it) or not (the file was
// cut); the ChainReader does not go on to the next file.
type ChainReader struct {
	paths []string
	opts  ReaderOptions
	i     int         // index in paths of cur, or of the next file to open
	cur   *FileReader // nil between files
	err   error
}

// OpenChain returns a ChainReader over the files at paths, read in the
// given order. opts may be nil; opts.Name is ignored (each file is named by
// its base name, as Open does). OpenChain opens the first file, so that a
// missing or unreadable one is reported at once; the others are opened
// when they are reached.
func OpenChain(paths []string, opts *ReaderOptions) (*ChainReader, error) {
	c := &ChainReader{paths: append([]string(nil), paths...)}
	if opts != nil {
		c.opts = *opts
	}
	c.opts.Name = ""
	if len(c.paths) > 0 {
		fr, err := Open(c.paths[0], &c.opts)
		if err != nil {
			return nil, err
		}
		c.cur = fr
	}
	return c, nil
}

// maxIndexSize bounds the size of a .index file OpenIndex reads.
const maxIndexSize = 64 << 20

// OpenIndex returns a ChainReader over the files listed in a MySQL or
// MariaDB binlog index file (mysql-bin.index, say): one path per line, in
// order. Relative paths, such as "./mysql-bin.000001", are relative to the
// directory of the index file; blank lines are skipped. See OpenChain.
func OpenIndex(indexPath string, opts *ReaderOptions) (*ChainReader, error) {
	paths, err := ReadIndex(indexPath)
	if err != nil {
		return nil, err
	}
	return OpenChain(paths, opts)
}

// ReadIndex returns the binlog paths a server's index file (binlog.index)
// lists, in order. The server writes them relative to its data directory
// ("./binlog.000001") unless --log-bin named an absolute path. A relative
// path is resolved against the index file's directory; when no file is
// there, the file of the same name beside the index is used (an index in a
// subdirectory of the data directory lists "./logs/binlog.000001").
func ReadIndex(indexPath string) ([]string, error) {
	f, err := os.Open(indexPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dir := filepath.Dir(indexPath)
	var paths []string
	sc := bufio.NewScanner(io.LimitReader(f, maxIndexSize))
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if !filepath.IsAbs(line) {
			p := filepath.Join(dir, line)
			if _, err := os.Stat(p); err != nil {
				if q := filepath.Join(dir, filepath.Base(line)); fileExists(q) {
					p = q
				}
			}
			line = p
		}
		paths = append(paths, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("binlog: reading index %s: %w", indexPath, err)
	}
	return paths, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Paths returns the paths of the files in the chain, in reading order.
func (c *ChainReader) Paths() []string { return append([]string(nil), c.paths...) }

// Next returns the next event of the chain, or io.EOF after the last event
// of the last file. See Reader.Next.
func (c *ChainReader) Next() (*Event, error) {
	if c.err != nil {
		return nil, c.err
	}
	for c.i < len(c.paths) {
		if c.cur == nil {
			fr, err := Open(c.paths[c.i], &c.opts)
			if err != nil {
				c.err = err
				return nil, err
			}
			c.cur = fr
		}
		ev, err := c.cur.Next()
		if err == nil {
			return ev, nil
		}
		if err != io.EOF {
			c.err = err
			return nil, err
		}
		cerr := c.cur.Close()
		c.cur = nil
		if cerr != nil {
			c.err = cerr
			return nil, cerr
		}
		c.i++
	}
	return nil, io.EOF
}

// All returns an iterator over the remaining events of the chain, with the
// semantics of Reader.All.
func (c *ChainReader) All() iter.Seq2[*Event, error] {
	return seq(c.Next)
}

// Close closes the file being read, if any. Next must not be called after
// Close.
func (c *ChainReader) Close() error {
	c.i = len(c.paths)
	if c.err == nil {
		c.err = fmt.Errorf("binlog: read from a closed ChainReader")
	}
	if c.cur == nil {
		return nil
	}
	err := c.cur.Close()
	c.cur = nil
	return err
}
