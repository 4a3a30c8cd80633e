package binlog

import (
	"errors"
	"fmt"
	"io"
	"math"
)

// EncoderOptions configures an Encoder. The zero value (or nil) writes a
// binlog file: the magic, then events in the format their format
// description gives, with CRC32 checksums when its ChecksumAlg says so.
type EncoderOptions struct {
	// NoMagic leaves out the 4-byte magic (for appending to a file that has
	// it, or for a stream of events). False writes the magic first.
	NoMagic bool
	// StartOffset is the file position of the first event, from which the
	// end positions (LogPos) are computed. Zero means 4, just after the
	// magic.
	StartOffset int64
	// ClearInUse clears FlagBinlogInUse in the header of format
	// descriptions, for a file that is complete (a copy of an open
	// binlog, say). False writes the flags as given.
	ClearInUse bool
	// BufferSize is the number of bytes the Encoder gathers before writing
	// them to its writer in one call. Zero means 64 KiB; a negative value
	// writes every event at once.
	BufferSize int
}

// An Encoder writes events as a binlog: the inverse of a Reader. It
// recomputes each event's size, end position and checksum, and encodes
// its payload (never its Raw bytes) in the format of the format
// description in force, which the first event must be. Table maps written
// through it resolve the table of rows events whose Rows.Table is nil.
//
// Writes are buffered: call Flush at the end. Errors from the writer are
// sticky; encoding errors (a value that does not fit its column, say) are
// not, and leave nothing written.
//
// An Encoder is not safe for concurrent use.
type Encoder struct {
	w      io.Writer
	opts   EncoderOptions
	fd     *FormatDescription
	off    int64
	buf    []byte
	limit  int
	tables map[uint64]*TableMap
	err    error
}

// NewEncoder returns an Encoder writing to w. opts may be nil. It does no
// I/O: the magic is written with the first event.
func NewEncoder(w io.Writer, opts *EncoderOptions) *Encoder {
	e := &Encoder{w: w, tables: make(map[uint64]*TableMap)}
	if opts != nil {
		e.opts = *opts
	}
	e.off = e.opts.StartOffset
	if e.off <= 0 {
		e.off = 4
	}
	switch {
	case e.opts.BufferSize == 0:
		e.limit = 64 << 10
	case e.opts.BufferSize > 0:
		e.limit = e.opts.BufferSize
	}
	if !e.opts.NoMagic {
		e.buf = append(e.buf, Magic[:]...)
	}
	return e
}

// Offset returns the file position of the next event: the start offset
// (4 by default) plus the bytes of the events written so far.
func (e *Encoder) Offset() int64 { return e.off }

// FormatDescription returns the format description in force, nil before
// the first event.
func (e *Encoder) FormatDescription() *FormatDescription { return e.fd }

// WriteEvent encodes ev at the current offset and writes it. ev.Header
// gives Type, Timestamp, ServerID and Flags; EventSize and LogPos are
// recomputed. ev.Payload is encoded (ev.Raw is ignored); when
// ev.Header.Type is 0 it is chosen from the payload (DefaultType). The
// first event must have a *FormatDescription payload: it sets the format
// (header length, post-header lengths, checksum, flavor) of the events
// after it, as would any later one.
func (e *Encoder) WriteEvent(ev *Event) error {
	if e.err != nil {
		return e.err
	}
	fd, isFD := ev.Payload.(*FormatDescription)
	if e.fd == nil && !isFD {
		return &EventError{Offset: e.off, Type: ev.Header.Type,
			Err: fmt.Errorf("%w: the first event written must be a format description, not %T", ErrNoFormatDescription, ev.Payload)}
	}
	if isFD && e.opts.ClearInUse && ev.Header.Flags&FlagBinlogInUse != 0 {
		c := *ev
		c.Header.Flags &^= FlagBinlogInUse
		ev = &c
	}
	start := len(e.buf)
	enc := encodeState{fd: e.fd, tables: e.tables}
	var err error
	e.buf, err = enc.appendEvent(e.buf, ev, e.off, true)
	if err != nil {
		e.buf = e.buf[:start]
		return err
	}
	e.off += int64(len(e.buf) - start)
	if isFD {
		e.fd = fd
		clear(e.tables)
	}
	if tm, ok := ev.Payload.(*TableMap); ok {
		e.tables[tm.TableID] = tm
	}
	if len(e.buf) >= e.limit {
		return e.Flush()
	}
	return nil
}

// Flush writes the buffered bytes to the writer.
func (e *Encoder) Flush() error {
	if e.err != nil {
		return e.err
	}
	if len(e.buf) == 0 {
		return nil
	}
	if _, err := e.w.Write(e.buf); err != nil {
		e.err = err
		return err
	}
	e.buf = e.buf[:0]
	return nil
}

// AppendEvent appends ev, encoded as one whole event at file position
// offset under the format description fd, to dst, and returns the extended
// buffer; for callers without a stream of events. fd may be nil when ev is
// itself a format description (or a rotate before one). Rows events need
// their Rows.Table. See Encoder.WriteEvent for what is encoded. On error
// dst is returned unchanged with an *EventError.
func AppendEvent(dst []byte, ev *Event, fd *FormatDescription, offset int64) ([]byte, error) {
	enc := encodeState{fd: fd}
	return enc.appendEvent(dst, ev, offset, true)
}

// DefaultType returns the event type that encodes payload p under the
// format description fd (nil means MySQL's defaults): rows events in v2
// for MySQL and v1 for MariaDB, GTIDs in the form their fields say, and so
// on. It returns 0 for a payload whose type cannot be told (*Unknown).
func DefaultType(p Payload, fd *FormatDescription) EventType {
	maria := fd != nil && fd.MariaDB()
	switch p := p.(type) {
	case *FormatDescription:
		return FormatDescriptionEvent
	case *Query:
		return QueryEvent
	case *Rotate:
		return RotateEvent
	case *XID:
		return XIDEvent
	case *GTID:
		switch {
		case p.MariaDB:
			return MariaGTIDEvent
		case p.Tag != "":
			return GTIDTaggedEvent
		case p.Anonymous:
			return AnonymousGTIDEvent
		}
		return GTIDEvent
	case *PreviousGTIDs:
		return PreviousGTIDsEvent
	case *GTIDList:
		return MariaGTIDListEvent
	case *TableMap:
		return TableMapEvent
	case *Rows:
		switch {
		case p.Partial:
			return PartialUpdateRowsEvent
		case maria:
			return [...]EventType{WriteRowsEventV1, UpdateRowsEventV1, DeleteRowsEventV1}[min(max(int(p.Kind), 1), 3)-1]
		}
		return [...]EventType{WriteRowsEventV2, UpdateRowsEventV2, DeleteRowsEventV2}[min(max(int(p.Kind), 1), 3)-1]
	case *RowsQuery:
		if maria {
			return MariaAnnotateRowsEvent
		}
		return RowsQueryEvent
	case *Heartbeat:
		return HeartbeatEvent
	case *TransactionPayload:
		return TransactionPayloadEvent
	case *IntVar:
		return IntvarEvent
	case *Rand:
		return RandEvent
	case *UserVar:
		return UserVarEvent
	case *XAPrepare:
		return XAPrepareEvent
	case *BinlogCheckpoint:
		return MariaBinlogCheckpointEvent
	case *StartEncryption:
		return MariaStartEncryptionEvent
	case *Incident:
		return IncidentEvent
	case *Stop:
		return StopEvent
	}
	return 0
}

// ErrEncode is wrapped by the errors of the Encoder and AppendEvent about
// events that cannot be encoded: a payload that does not match its event
// type, a value that does not fit its column.
var ErrEncode = errors.New("binlog: cannot encode")

// encodeState is what encoding one event needs: the format in force and,
// for an Encoder, the table maps written.
type encodeState struct {
	fd     *FormatDescription
	tables map[uint64]*TableMap
}

// appendEvent appends the whole event ev at offset. top is false for an
// event inside a transaction payload (no checksum).
func (s *encodeState) appendEvent(dst []byte, ev *Event, offset int64, top bool) ([]byte, error) {
	h := ev.Header
	if h.Type == 0 {
		h.Type = DefaultType(ev.Payload, s.fd)
	}
	fail := func(err error) ([]byte, error) {
		return dst, &EventError{Offset: offset, Type: h.Type, Err: err}
	}
	fd := s.fd
	newFD, isFD := ev.Payload.(*FormatDescription)
	if isFD {
		fd = newFD
	}
	start := len(dst)
	hlen := headerLen(s.fd, h.Type)
	out := appendHeader(dst, h)
	for len(out)-start < hlen {
		out = append(out, 0)
	}
	out, err := s.appendBody(out, h.Type, ev.Payload)
	if err != nil {
		return fail(err)
	}
	crc := false
	switch {
	case isFD:
		// A checksum-aware server always checksums its format
		// description, whatever the algorithm it announces.
		crc = versionHasChecksum(newFD.ServerVersion)
	case top && fd != nil:
		crc = fd.ChecksumAlg == ChecksumCRC32
	}
	size := int64(len(out) - start)
	if crc {
		size += 4
	}
	end := offset + size
	if size > math.MaxUint32 || end > math.MaxUint32 || offset < 0 {
		return fail(fmt.Errorf("%w: event of %d bytes at offset %d ends past 4 GiB", ErrEventTooLarge, size, offset))
	}
	h.EventSize = uint32(size)
	h.LogPos = uint32(end)
	appendHeader(out[start:start], h)
	if crc {
		out = appendUint32LE(out, eventCRC(out[start:]))
	}
	return out, nil
}

func appendUint32LE(b []byte, v uint32) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}

// encodeErrorf returns an error wrapping ErrEncode.
func encodeErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrEncode}, args...)...)
}
