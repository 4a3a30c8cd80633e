package binlog

import (
	"fmt"
	"io"
)

// A Decoder turns the raw bytes of events, one event at a time, into
// *Events. It is the decoding a Reader does on a file, for bytes that come
// from elsewhere: a replication connection (the live stream subpackage),
// a queue, a test.
//
// A Decoder is stateful: it keeps the format description in force (which
// gives the header and post-header lengths and the checksum algorithm)
// and the table maps seen so far (which rows events need), across calls,
// as well as the current binlog file name and the position after the last
// event. Events must therefore be given in log order, starting with the
// format description (or, on a replication connection, the fake rotate
// and the format description the server sends first).
//
// Positions: Event.File is the current file (from Reset, then from rotate
// events); Event.Offset is computed from the header's end position
// (LogPos) when there is one, else it is the position after the previous
// event.
//
// A Decoder is not safe for concurrent use.
type Decoder struct {
	opts    ReaderOptions
	st      decodeState
	file    string
	nextPos int64
	payload *payloadReader
}

// NewDecoder returns a Decoder decoding with opts, which may be nil:
// Schema, SkipRowValues, IgnoreChecksums, KeepPayloads, KeepUndecodable
// (with its Logger) and MaxEventSize (default DefaultMaxEventSize) apply;
// Name gives the file name of the first events (see Reset); NoMagic and
// StartOffset are ignored.
func NewDecoder(opts *ReaderOptions) *Decoder {
	d := &Decoder{}
	if opts != nil {
		d.opts = *opts
	}
	d.opts.NoMagic = true
	if d.opts.MaxEventSize <= 0 {
		d.opts.MaxEventSize = DefaultMaxEventSize
	}
	d.Reset(Position{File: d.opts.Name, Offset: 4})
	return d
}

// Reset forgets the format description, the table maps and any unread
// events of a transaction payload, and sets the position of the next
// event to pos: the state at the start of a new replication connection.
func (d *Decoder) Reset(pos Position) {
	d.st = decodeState{tables: make(map[uint64]*TableMap), opts: &d.opts, undecodable: d.st.undecodable}
	d.payload = nil
	d.file, d.nextPos = pos.File, pos.Offset
}

// Position returns the current file and the position after the last event
// decoded (where the next event starts).
func (d *Decoder) Position() Position { return Position{File: d.file, Offset: d.nextPos} }

// FormatDescription returns the format description in force, nil before
// the first one is decoded.
func (d *Decoder) FormatDescription() *FormatDescription { return d.st.fd }

// UndecodableValues returns the number of row values kept undecodable so
// far (ReaderOptions.KeepUndecodable).
func (d *Decoder) UndecodableValues() int64 { return d.st.undecodable }

// Decode decodes one whole event, raw, which becomes the Event's Raw (the
// Decoder keeps format descriptions, table maps and transaction payloads,
// so raw must not be modified afterwards).
//
// It returns (nil, nil) for a fake rotate event (timestamp or end position
// 0: what a server sends at the start of a replication connection to say
// where it starts), after taking its file name and position, and for an
// event the Schema's SchemaTracker drops (ErrSkipEvent). Heartbeats
// are returned with Offset and NextPos both at the position after the
// last event sent (they are not in the log and do not move the position).
//
// Unless ReaderOptions.KeepPayloads is set, a transaction payload event is
// returned as such and the events inside it are then returned by
// NextInPayload, which should be called until io.EOF before the next
// Decode (Decode drops the unread ones).
//
// Errors are *EventError values wrapping the package's sentinels; the
// Decoder may be used again after one.
func (d *Decoder) Decode(raw []byte) (*Event, error) {
	d.payload = nil
	if len(raw) < minHeaderLen {
		return nil, &EventError{File: d.file, Offset: d.nextPos, Err: fmt.Errorf("%w: %d-byte event", ErrTruncated, len(raw))}
	}
	h := parseHeader(raw)
	if int64(h.EventSize) != int64(len(raw)) {
		return nil, &EventError{File: d.file, Offset: d.nextPos, Type: h.Type,
			Err: fmt.Errorf("%w: header says %d bytes, got %d", ErrEventTooLarge, h.EventSize, len(raw))}
	}
	if int64(len(raw)) > d.opts.MaxEventSize {
		return nil, &EventError{File: d.file, Offset: d.nextPos, Type: h.Type,
			Err: fmt.Errorf("%w: %d bytes, over ReaderOptions.MaxEventSize (%d)", ErrEventTooLarge, len(raw), d.opts.MaxEventSize)}
	}
	size := int64(len(raw))
	ev := &Event{Header: h, File: d.file, Raw: raw}
	switch {
	case h.Type == FormatDescriptionEvent && h.LogPos == 0:
		// Sent at the start of a connection, from the start of the file.
		ev.Offset = 4
	case h.LogPos == 0 || h.Type == HeartbeatEvent || h.Type == HeartbeatEventV2:
		ev.Offset = d.nextPos
	default:
		ev.Offset = int64(h.LogPos) - size
	}
	ev.NextPos = ev.Offset + size
	// Events a server makes up for a connection (fake rotate, heartbeats,
	// artificial events) carry a checksum only if the connection asked for
	// one; tell by the bytes.
	synthetic := h.Type == HeartbeatEvent || h.Type == HeartbeatEventV2 || h.Flags&0x20 != 0 ||
		h.Type == RotateEvent && (h.Timestamp == 0 || h.LogPos == 0)
	top := true
	if synthetic && d.st.fd != nil && d.st.fd.ChecksumAlg == ChecksumCRC32 && !crcMatches(raw) {
		top = false
	}
	hlen := d.headerLen(h.Type)
	if len(raw) < hlen {
		return nil, &EventError{File: d.file, Offset: ev.Offset, Type: h.Type, Err: corruptf("event of %d bytes", len(raw))}
	}
	if err := d.st.decode(ev, hlen, !d.opts.IgnoreChecksums, top); err != nil {
		return nil, &EventError{File: d.file, Offset: ev.Offset, Type: h.Type, Err: err}
	}
	switch p := ev.Payload.(type) {
	case *Rotate:
		if h.Timestamp == 0 || h.LogPos == 0 {
			// Fake rotate: where this connection starts.
			d.file, d.nextPos = p.NextFile, int64(p.Position)
			return nil, nil
		}
	case *Heartbeat:
		ev.NextPos = ev.Offset
		if h.LogPos != 0 {
			ev.Offset, ev.NextPos = int64(h.LogPos), int64(h.LogPos)
		}
		return ev, nil
	case *TransactionPayload:
		if !d.opts.KeepPayloads {
			pr, err := d.st.openPayload(ev, p)
			if err != nil {
				return nil, &EventError{File: d.file, Offset: ev.Offset, Type: h.Type, Err: err}
			}
			d.payload = pr
		}
	}
	if h.Type != FormatDescriptionEvent || h.LogPos != 0 {
		d.nextPos = ev.NextPos
	}
	if r, ok := ev.Payload.(*Rotate); ok {
		d.file, d.nextPos = r.NextFile, int64(r.Position)
	}
	if drop, err := d.st.track(ev); drop || err != nil {
		return nil, err // a dropped event returns (nil, nil), as a fake rotate
	}
	return ev, nil
}

// NextInPayload returns the next event inside the transaction payload
// event last returned by Decode, or io.EOF when there is none (left). The
// events carry the payload event's File, Offset and NextPos, and
// PayloadIndex 1, 2, ... A failure is an *EventError at the payload event;
// after it, NextInPayload returns io.EOF.
func (d *Decoder) NextInPayload() (*Event, error) {
	p := d.payload
	if p == nil {
		return nil, io.EOF
	}
	for {
		ev, err := d.st.nextInPayload(p, false)
		if err != nil {
			d.payload = nil
			if err == io.EOF {
				return nil, io.EOF
			}
			return nil, &EventError{File: p.file, Offset: p.offset, Type: TransactionPayloadEvent, Err: err}
		}
		if drop, err := d.st.track(ev); err != nil {
			return nil, err
		} else if !drop {
			return ev, nil
		}
	}
}

// headerLen returns the common header length for an event of type t.
func (d *Decoder) headerLen(t EventType) int {
	return headerLen(d.st.fd, t)
}

func crcMatches(raw []byte) bool {
	_, ok := Checksum(raw)
	return ok
}

// A CommitTracker follows the groups (transactions) of an event sequence,
// by the rules a TxReader uses, and keeps the last commit boundary: the
// position, and the GTID set when tracking one, to resume from so that no
// group is lost or repeated. The live stream resumes from it after a
// reconnection.
type CommitTracker struct {
	tr    txTracker
	pos   Position
	gtids *GTIDSet
	group *GTID
}

// NewCommitTracker returns a tracker starting at the commit boundary
// start. gtids, when non-nil, is the executed GTID set at start (it is
// copied); the tracker then adds to it the GTID of each group that ends.
func NewCommitTracker(start Position, gtids *GTIDSet) *CommitTracker {
	t := &CommitTracker{pos: start}
	if gtids != nil {
		t.gtids = gtids.Clone()
	}
	return t
}

// Add follows ev, the next event of the sequence.
func (t *CommitTracker) Add(ev *Event) {
	switch t.tr.step(ev) {
	case stepStart:
		t.group, _ = ev.Payload.(*GTID)
	case stepCommit, stepRollback:
		if t.gtids != nil && t.group != nil {
			g := t.group
			if g.MariaDB && g.ServerID == 0 {
				c := *g
				c.ServerID = ev.Header.ServerID
				g = &c
			}
			t.gtids.Add(g)
		}
		t.group = nil
		t.pos = Position{File: ev.File, Offset: ev.NextPos}
	case stepControl:
		if !t.tr.open && ev.PayloadIndex == 0 {
			if r, ok := ev.Payload.(*Rotate); ok {
				t.pos = Position{File: r.NextFile, Offset: int64(r.Position)}
			} else if _, ok := ev.Payload.(*FormatDescription); !ok {
				t.pos = Position{File: ev.File, Offset: ev.NextPos}
			}
		}
	}
}

// Position returns the last commit boundary.
func (t *CommitTracker) Position() Position { return t.pos }

// GTIDs returns the executed GTID set at the last commit boundary, nil
// when the tracker was started without one. It is the tracker's own set:
// clone it to keep it.
func (t *CommitTracker) GTIDs() *GTIDSet { return t.gtids }
