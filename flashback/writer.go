package flashback

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/rowevent"
)

// Options tunes a Writer. The zero value (or a nil *Options) writes the
// inverse SQL with rowevent's defaults, no header, without pauses, spooling
// to os.TempDir().
type Options struct {
	// SQL tunes the statements (see rowevent.Options). Its Origin is
	// ignored: pass each event's origin to WriteEvent. Zero means the
	// defaults of rowevent.Options.
	SQL rowevent.Options
	// TempDir is the directory of the spool file. Zero means os.TempDir().
	TempDir string
	// Header writes rowevent.Header before the statements, so that the
	// output applies as is through the mysql or mariadb client. Zero means
	// no header: the statements alone.
	Header bool
	// BatchSize, when positive, makes Close call AfterBatch each time at
	// least BatchSize statements have been written since the last call
	// (counted at event boundaries: an event is never split), after writing
	// them and flushing the output if it has a Flush() error method (as
	// bufio.Writer has). binlog2sql's --back-interval is BatchSize 1000 with
	// an AfterBatch that sleeps. Zero (or a negative value) means no
	// batches: AfterBatch is never called.
	BatchSize int
	// AfterBatch is called after each batch. Zero (nil) means no call.
	AfterBatch func()
}

// Stats counts what a Writer has seen.
type Stats struct {
	Events int // row events with at least one row, spooled
	// Statements counts the inverse statements spooled, as lines: a
	// statement and its position comment are one line (rowevent escapes
	// the comment), unless a table or column name holds a line break.
	Statements int64
	Bytes      int64 // bytes of inverse SQL spooled
	// Skipped counts Query events other than transaction control (DDL,
	// statement-logged DML): they cannot be undone and are left out.
	Skipped int
}

// EventError is the error of WriteEvent for an event whose inverse cannot
// be written: it tells where the event is.
type EventError struct {
	File   string // the event's File; may be empty
	Offset int64  // the event's Offset
	Err    error  // a rowevent error (ErrNoColumnNames, ErrIncompleteImage, ...) or an I/O error
}

func (e *EventError) Error() string {
	file := e.File
	if file == "" {
		file = "binlog"
	}
	return fmt.Sprintf("flashback: %s: offset %d: %v", file, e.Offset, e.Err)
}

func (e *EventError) Unwrap() error { return e.Err }

// ErrClosed is returned by WriteEvent after Close or Discard.
var ErrClosed = errors.New("flashback: writer closed")

// spoolBuffer is the size of the buffer of writes to the spool file, of the
// window of reads from it and of the buffer of writes to the output (vars
// for tests).
var (
	spoolBuffer = 256 << 10
	readWindow  = 256 << 10
	outBuffer   = 256 << 10
)

// trailerLen is the size of the record trailer: SQL length and statement
// count, little-endian uint64s.
const trailerLen = 16

// A Writer writes the inverse SQL of row events in reverse order. Create it
// with NewWriter, feed it events in log order with WriteEvent, then call
// Close, which writes the SQL; or Discard to write nothing. Nothing reaches
// the output before Close. A Writer is not safe for concurrent use.
type Writer struct {
	dst  io.Writer
	opts Options
	buf  []byte // one event's SQL, reused
	spoolFile
	stats Stats
	err   error // sticky I/O error
	done  bool
}

// NewWriter returns a Writer that writes to w at Close. It does no I/O: the
// spool file is created with the first event that has rows.
func NewWriter(w io.Writer, opts *Options) *Writer {
	fw := &Writer{dst: w}
	if opts != nil {
		fw.opts = *opts
	}
	fw.opts.SQL.Origin = nil
	return fw
}

// Stats returns the counts so far.
func (w *Writer) Stats() Stats { return w.stats }

// WriteEvent takes the next event of the range, in log order. A *binlog.Rows
// payload has its inverse SQL spooled, with a position comment when pos is
// not nil (see rowevent.Options.Origin); a Query payload other than
// transaction control is counted in Stats.Skipped; other events are
// ignored. An error for the event (no column names, say) is an *EventError
// and leaves the Writer as it was; an I/O error of the spool file is
// returned by every later call.
func (w *Writer) WriteEvent(ev *binlog.Event, pos *rowevent.Origin) error {
	if w.done {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	switch p := ev.Payload.(type) {
	case *binlog.Query:
		if !p.Control().IsControl() {
			w.stats.Skipped++
		}
		return nil
	case *binlog.Rows:
		if len(p.Rows) == 0 {
			return nil
		}
		opts := w.opts.SQL
		opts.Origin = pos
		b, err := rowevent.AppendInverse(w.buf[:0], p, &opts)
		if err != nil {
			return &EventError{File: ev.File, Offset: ev.Offset, Err: err}
		}
		w.buf = b
		return w.spoolEvent(ev, b)
	}
	return nil
}

// WriteInverse takes the next rows event of the range, in log order, with
// sql, its inverse SQL made by the caller with rowevent.AppendInverse and
// the Writer's Options.SQL: for callers that make the SQL of several events
// at once on other goroutines. sql is copied; empty sql is ignored.
func (w *Writer) WriteInverse(ev *binlog.Event, sql []byte) error {
	if w.done {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	if len(sql) == 0 {
		return nil
	}
	return w.spoolEvent(ev, sql)
}

// spoolEvent spools b, the inverse SQL of ev, and counts it.
func (w *Writer) spoolEvent(ev *binlog.Event, b []byte) error {
	n := int64(bytes.Count(b, []byte{'\n'}))
	if err := w.spool(b, n); err != nil {
		w.err = &EventError{File: ev.File, Offset: ev.Offset, Err: err}
		return w.err
	}
	w.stats.Events++
	w.stats.Statements += n
	w.stats.Bytes += int64(len(b))
	return nil
}

// Close writes the header (Options.Header) and the spooled SQL, last event
// first, to the output, and removes the spool file. It does not close the
// output. After an error of WriteEvent's I/O it writes nothing and returns
// that error. Later calls return nil.
func (w *Writer) Close() error {
	if w.done {
		return nil
	}
	defer w.Discard()
	if w.err != nil {
		return w.err
	}
	out := make([]byte, 0, outBuffer)
	if w.opts.Header {
		out = rowevent.AppendHeader(out)
	}
	if w.f != nil {
		if err := w.bw.Flush(); err != nil {
			return fmt.Errorf("flashback: spool: %w", err)
		}
		var err error
		if out, err = w.replay(out); err != nil {
			return err
		}
	}
	if len(out) > 0 {
		if _, err := w.dst.Write(out); err != nil {
			return err
		}
	}
	return nil
}

// Discard removes the spool file without writing anything (unless Close
// did). It is safe to defer it after NewWriter: after Close it does
// nothing. Later WriteEvent calls fail with ErrClosed.
func (w *Writer) Discard() error {
	w.done = true
	w.buf = nil
	return w.remove()
}
