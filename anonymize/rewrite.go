package anonymize

import (
	"errors"
	"fmt"
	"io"

	"github.com/binlogkit/binlogkit/binlog"
)

// RewriteOptions configures Rewrite. The zero value (or nil) writes a
// complete binlog file: the magic, then the events.
type RewriteOptions struct {
	// KeepInUse keeps the "binlog in use" flag of the format description
	// as the input has it (a copy of a file the server was still writing).
	// False clears it: the output is a complete file, as mariadb-binlog
	// expects of a closed binlog.
	KeepInUse bool
	// BufferSize is the number of bytes gathered before each write to the
	// output. Zero means 64 KiB; a negative value writes each event at
	// once.
	BufferSize int
}

// RewriteStats counts what Rewrite and WriteSQL did.
type RewriteStats struct {
	Events  int64 // events read from the source (those inside compressed transactions included)
	Written int64 // events written (Rewrite) or turned into SQL (WriteSQL)
	Masked  int64 // events whose payload the masker changed
	Dropped int64 // events the masker dropped (Rows_query, Annotate_rows by default)
	Bytes   int64 // bytes written: the output file's size for Rewrite
}

// Rewrite reads the events of src, masks each with m (Masker.Event) and
// writes them to w as a binlog file through a binlog.Encoder: sizes, end
// positions and CRC32 checksums are recomputed, so dropping an event
// (a Rows_query or Annotate_rows event, whose statement text holds every
// value of the statement) or changing the length of a value leaves a
// valid log. Events the masker leaves as they are are copied from their
// raw bytes (binlog.Encoder.WriteRaw).
//
// src is read event by event and nothing is kept between events but the
// table maps the Encoder needs, so memory is bounded by the largest event
// (plus the output buffer), and each event is released once written
// (binlog.Event.Release: src's events are Rewrite's alone); src may be a binlog.Reader of a plain or
// compressed file (binlog.Open) or a chain (binlog.OpenChain). A chain
// gives one output holding each file's events, its format description and
// rotate included; rewrite file by file to keep the files apart. A Rotate
// at the end of the input, naming the next file, is kept.
//
// A MySQL compressed transaction (TRANSACTION_PAYLOAD) is written
// uncompressed: its events, masked, in place of the payload event.
//
// Rewrite does not flush or close w beyond the Encoder's own buffer: the
// output is whole when it returns nil. Errors of the source are returned
// as they are (a *binlog.EventError); errors of masking or encoding an
// event are *binlog.EventError values naming the input file and offset of
// the event.
func Rewrite(w io.Writer, src binlog.Source, m *Masker, opts *RewriteOptions) (RewriteStats, error) {
	var o RewriteOptions
	if opts != nil {
		o = *opts
	}
	var st RewriteStats
	if m == nil {
		return st, errors.New("anonymize: Rewrite needs a Masker")
	}
	cw := &countingWriter{w: w}
	enc := binlog.NewEncoder(cw, &binlog.EncoderOptions{ClearInUse: !o.KeepInUse, BufferSize: o.BufferSize})
	inCRC := false // the input's events end with a CRC32
	for {
		ev, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return st, err
		}
		st.Events++
		if _, ok := ev.Payload.(*binlog.TransactionPayload); ok {
			// Its events follow, one by one, and are written in its place.
			release(ev)
			continue
		}
		out, keep, err := m.Event(ev)
		if err != nil {
			return st, eventError(ev, err)
		}
		if !keep {
			st.Dropped++
			release(ev)
			continue
		}
		if fd, ok := ev.Payload.(*binlog.FormatDescription); ok {
			inCRC = fd.ChecksumAlg == binlog.ChecksumCRC32
		}
		if out != ev {
			st.Masked++
		}
		if err := writeEvent(enc, out, out == ev, inCRC); err != nil {
			return st, eventError(ev, err)
		}
		st.Written++
		release(ev)
	}
	err := enc.Flush()
	st.Bytes = cw.n
	return st, err
}

// writeEvent writes ev. An event the masker left unchanged is copied from
// its raw bytes (crc: they end with a checksum, which the Encoder
// recomputes) rather than encoded again; format descriptions, which set
// the output's format, and events without raw bytes are encoded.
func writeEvent(enc *binlog.Encoder, ev *binlog.Event, unchanged bool, crc bool) error {
	raw := ev.Raw
	if _, fd := ev.Payload.(*binlog.FormatDescription); fd || !unchanged || len(raw) == 0 {
		return enc.WriteEvent(ev)
	}
	if crc && ev.PayloadIndex == 0 {
		if len(raw) < 4 {
			return enc.WriteEvent(ev)
		}
		raw = raw[:len(raw)-4]
	}
	return enc.WriteRaw(raw)
}

// release gives the pooled memory of ev back to its reader once it is
// written (binlog.Event.Release), so that the next events decode into it
// and the garbage collector has next to nothing to do. Nothing of ev is
// used afterwards: the Encoder has copied its bytes, and the table maps it
// keeps are only read for rows events without a Rows.Table, which the
// Reader never returns.
func release(ev *binlog.Event) { ev.Release() }

// eventError returns err as an error about the input event ev: an
// *binlog.EventError naming ev's file, offset and type. An Encoder error
// (which names the output offset) keeps its sentinel.
func eventError(ev *binlog.Event, err error) error {
	var ee *binlog.EventError
	if errors.As(err, &ee) && ee.File == "" {
		err = fmt.Errorf("output offset %d: %w", ee.Offset, ee.Err)
	}
	return &binlog.EventError{File: ev.File, Offset: ev.Offset, Type: ev.Type(), Err: err}
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
