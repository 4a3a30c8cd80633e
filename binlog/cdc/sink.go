package cdc

import (
	"bufio"
	"context"
	"io"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/rowevent"
)

// A Sink receives the change records of the committed transactions, one
// Batch per transaction (or per chunk of a large one), in commit order.
//
// Write must not keep b, its Records or their Rows after it returns: they
// are reused (the events' memory goes back to the reader, binlog.Event.Release). A nil error acknowledges the batch: Run may then save a
// checkpoint past it, so a sink that buffers must either make the records
// durable before returning or also implement Flusher. A non-nil error
// stops Run, which returns it in an *Error with Op "sink"; the checkpoint
// then stays at the last acknowledged transaction.
type Sink interface {
	Write(ctx context.Context, b *Batch) error
}

// A Flusher is a Sink that buffers: Run calls Flush before each checkpoint
// save and when it returns, and saves the checkpoint only if Flush
// returned nil. Its ctx is not canceled with Run's, so that the last flush
// of a clean stop goes through.
type Flusher interface {
	Flush(ctx context.Context) error
}

// Batch is the records of one transaction (or, when Partial, of one chunk
// of a transaction too large to hold in memory).
type Batch struct {
	// GTID is the transaction's GTID in server notation, "" when it has
	// none (or an anonymous one).
	GTID string
	// Begin and End are the positions of the transaction's first event and
	// after its commit (End is zero for a partial chunk).
	Begin, End binlog.Position
	// CommitTime is the commit time, zero for a partial chunk.
	CommitTime time.Time
	// Partial is set on the chunks of a large transaction; all but the last
	// have Partial set and the checkpoint does not advance past them.
	Partial bool
	// Chunk counts the chunks of a transaction from 0.
	Chunk int
	// Checkpoint is the checkpoint after this batch when the sink is a
	// CheckpointSink that keeps it (see there), to store with the records
	// in one transaction; nil otherwise and for all but the last chunk of
	// a partial transaction.
	Checkpoint *binlog.Checkpoint
	// Records are the row changes, in log order. A transaction that the
	// filter emptied has none (the sink is still called, so that the
	// checkpoint advances; it may ignore the batch).
	Records []Record
}

// Record is one row change: row Row of the rows event Rows.
type Record struct {
	// Change locates the change and its transaction (Change.Index counts
	// the transaction's row changes from 0 across chunks).
	Change rowevent.Change
	// Rows is the decoded rows event, with its table map.
	Rows *binlog.Rows
	// Row is the index of the row in Rows.Rows.
	Row int
}

// AppendJSON appends the record in the rowevent.AppendChangeJSON format,
// without a newline.
func (r *Record) AppendJSON(dst []byte, opts *rowevent.ChangeOptions) ([]byte, error) {
	return rowevent.AppendChangeJSON(dst, &r.Change, r.Rows, r.Row, opts)
}

// JSONLines is a Sink that writes each record as one line of JSON
// (rowevent.AppendChangeJSON) to a writer, through a buffer that Flush
// writes out. It does not close the writer.
type JSONLines struct {
	w    *bufio.Writer
	opts rowevent.ChangeOptions
	buf  []byte
}

var (
	_ Sink    = (*JSONLines)(nil)
	_ Flusher = (*JSONLines)(nil)
)

// NewJSONLines returns a JSONLines sink writing to w, with the record
// options opts (nil: the defaults).
func NewJSONLines(w io.Writer, opts *rowevent.ChangeOptions) *JSONLines {
	s := &JSONLines{w: bufio.NewWriterSize(w, 256<<10)}
	if opts != nil {
		s.opts = *opts
	}
	return s
}

// Write writes the records of b, one per line.
func (s *JSONLines) Write(_ context.Context, b *Batch) error {
	for i := range b.Records {
		r := &b.Records[i]
		var err error
		s.buf, err = r.AppendJSON(s.buf[:0], &s.opts)
		if err != nil {
			return &Error{Op: "record", Position: binlog.Position{File: r.Change.File, Offset: r.Change.Offset}, Err: err}
		}
		s.buf = append(s.buf, '\n')
		if _, err := s.w.Write(s.buf); err != nil {
			return err
		}
	}
	return nil
}

// Flush writes the buffered records to the writer.
func (s *JSONLines) Flush(context.Context) error { return s.w.Flush() }
