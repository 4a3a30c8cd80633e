package flashback

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// errSpool reports a spool file that does not hold what the Writer wrote.
var errSpool = errors.New("flashback: spool file damaged")

// spoolFile is the temporary file a Writer or a BinlogWriter spools its
// records to, created with the first record: each record, then a trailer
// holding its length and a count (statements, events), so that the records
// can be read back from the end.
type spoolFile struct {
	f    *os.File
	bw   *bufio.Writer
	size int64 // bytes written to f (through bw)
}

// spoolTo appends one record to the spool file (created in dir, or the
// system's temporary directory, named after pattern): rec, then its
// trailer (length of rec, n).
func (s *spoolFile) spoolTo(dir, pattern string, rec []byte, n int64) error {
	if s.f == nil {
		if dir == "" {
			dir = os.TempDir()
		}
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return err
		}
		s.f, s.bw = f, bufio.NewWriterSize(f, spoolBuffer)
	}
	var t [trailerLen]byte
	binary.LittleEndian.PutUint64(t[:8], uint64(len(rec)))
	binary.LittleEndian.PutUint64(t[8:], uint64(n))
	if _, err := s.bw.Write(rec); err != nil {
		return err
	}
	if _, err := s.bw.Write(t[:]); err != nil {
		return err
	}
	s.size += int64(len(rec)) + trailerLen
	return nil
}

// remove closes and removes the spool file, if any.
func (s *spoolFile) remove() error {
	if s.f == nil {
		return nil
	}
	name := s.f.Name()
	err := s.f.Close()
	if rerr := os.Remove(name); err == nil {
		err = rerr
	}
	s.f, s.bw = nil, nil
	return err
}

// spool appends one record to the spool file: the SQL b of an event, then
// its trailer (length of b, n statements).
func (w *Writer) spool(b []byte, n int64) error {
	return w.spoolTo(w.opts.TempDir, "flashback-*.sql", b, n)
}

// replay writes the records of the spool file, last first, to the output,
// through out (whose content goes first), and returns what is left of out
// to write.
func (w *Writer) replay(out []byte) ([]byte, error) {
	r := &backReader{f: w.f, win: make([]byte, 0, readWindow)}
	var stmts int64
	for end := w.size; end > 0; {
		t, err := r.slice(end-trailerLen, trailerLen)
		if err != nil {
			return out, err
		}
		l := int64(binary.LittleEndian.Uint64(t[:8]))
		n := int64(binary.LittleEndian.Uint64(t[8:]))
		start := end - trailerLen - l
		if l < 0 || start < 0 {
			return out, fmt.Errorf("%w: record at %d: length %d", errSpool, end-trailerLen, l)
		}
		if l <= int64(cap(r.win)) {
			b, err := r.slice(start, l)
			if err != nil {
				return out, err
			}
			if len(out)+len(b) > cap(out) && len(out) > 0 {
				if _, err := w.dst.Write(out); err != nil {
					return out, err
				}
				out = out[:0]
			}
			out = append(out, b...)
		} else {
			// A record larger than the window: stream it.
			if len(out) > 0 {
				if _, err := w.dst.Write(out); err != nil {
					return out, err
				}
				out = out[:0]
			}
			if err := r.copy(w.dst, start, l); err != nil {
				return out, err
			}
		}
		end = start
		stmts += n
		if w.opts.BatchSize > 0 && stmts >= int64(w.opts.BatchSize) {
			stmts = 0
			if len(out) > 0 {
				if _, err := w.dst.Write(out); err != nil {
					return out, err
				}
				out = out[:0]
			}
			if f, ok := w.dst.(interface{ Flush() error }); ok {
				if err := f.Flush(); err != nil {
					return out, err
				}
			}
			if w.opts.AfterBatch != nil {
				w.opts.AfterBatch()
			}
		}
	}
	return out, nil
}

// backReader reads a file backwards through a window: slice loads the
// window so that it ends at the end of the range asked for.
type backReader struct {
	f   io.ReaderAt
	win []byte
	lo  int64 // file offset of win[0]
}

// slice returns bytes [off, off+n) of the file, n <= cap(win), valid until
// the next call.
func (r *backReader) slice(off, n int64) ([]byte, error) {
	if off >= r.lo && off+n <= r.lo+int64(len(r.win)) {
		return r.win[off-r.lo : off-r.lo+n], nil
	}
	hi := off + n
	lo := max(0, hi-int64(cap(r.win)))
	r.win = r.win[:hi-lo]
	if _, err := r.f.ReadAt(r.win, lo); err != nil {
		r.win = r.win[:0]
		return nil, fmt.Errorf("flashback: spool: %w", err)
	}
	r.lo = lo
	return r.win[off-lo:], nil
}

// copy writes bytes [off, off+n) of the file to w through the window, which
// it leaves empty.
func (r *backReader) copy(w io.Writer, off, n int64) error {
	buf := r.win[:cap(r.win)]
	r.win = r.win[:0]
	if _, err := io.CopyBuffer(onlyWriter{w}, io.NewSectionReader(r.f, off, n), buf); err != nil {
		return fmt.Errorf("flashback: spool: %w", err)
	}
	return nil
}

// onlyWriter hides a ReadFrom method of w, so that io.CopyBuffer uses the
// buffer given.
type onlyWriter struct{ io.Writer }
