package binlog

import (
	"iter"
	"time"
	"unsafe"
)

// Tx is one event group of the log: a transaction (GTID or BEGIN ... XID or
// COMMIT), a standalone statement (a DDL, with or without its GTID), or a
// group ended by ROLLBACK.
//
// With TxOptions.MaxBuffered set, a large group arrives in several Tx
// values, chunks of the same group: every chunk but the last has Partial
// set; all carry the group's GTID, Begin and a Chunk number counting from
// 0; only the last one (Partial false) carries End, CommitTime, XID and
// RolledBack. A group is committed only when its last chunk arrives with
// RolledBack false: a consumer that applies chunks as they come must stage
// them and drop the staged chunks when the last chunk says RolledBack, when
// a chunk numbered 0 arrives while a group is still open, or when Next
// fails.
type Tx struct {
	// GTID is the group's GTID event payload, nil when the log has none
	// (GTIDs off, or a pre-GTID server). For MariaDB, GTID.ServerID is the
	// server id from the event header.
	GTID *GTID
	// Begin is the position of the group's first event (its GTID event, or
	// BEGIN when there is none).
	Begin Position
	// End is the position right after the group's last event (the XID,
	// COMMIT, ROLLBACK or the standalone statement): where a reader resumes
	// to read the next group. Zero in a Partial chunk.
	End Position
	// CommitTime is when the group was committed: the MySQL 8.0 GTID's
	// immediate commit time (microseconds) when present, otherwise the
	// header timestamp of the last event (seconds). UTC. Zero in a Partial
	// chunk.
	CommitTime time.Time
	// XID is the XID event's transaction id, 0 when the group ended with a
	// query (COMMIT, a DDL) rather than an XID event.
	XID uint64
	// Events holds the group's events in log order, its GTID, BEGIN and
	// COMMIT/XID events included. Events expanded from a MySQL
	// TRANSACTION_PAYLOAD follow the payload event. Control events met
	// inside a group (heartbeats, rotates, format descriptions) are not
	// included. With MaxBuffered, only this chunk's events.
	Events []*Event
	// RolledBack is set when the group ended with ROLLBACK: its changes
	// were not committed. Such groups are skipped unless
	// TxOptions.IncludeRolledBack is set.
	RolledBack bool
	// Size is the number of bytes the group's events occupy in the log (of
	// this chunk's events when chunked; events expanded from a transaction
	// payload count as zero, the payload event counts whole).
	Size int64
	// Partial is set on every chunk of a chunked group but the last.
	Partial bool
	// Chunk numbers the chunks of a chunked group from 0; it is 0 for a
	// group delivered whole.
	Chunk int
}

// TxOptions configures a TxReader. The zero value delivers whole,
// committed groups and skips rolled-back ones.
type TxOptions struct {
	// MaxBuffered bounds, in bytes of memory, how much of a group the
	// reader holds before delivering it: a group larger than that arrives
	// in chunks (see Tx), each of which holds at most MaxBuffered bytes
	// plus its last event. Zero means no bound: every group is delivered
	// whole, however large.
	//
	// An event counts what it holds: the capacity of its raw bytes
	// (Event.Raw) and, for a rows event, 48 bytes per row, 56 bytes per
	// value (Value's size) and the bytes of the values that do not point
	// into the raw bytes (decimal and JSON text, converted strings). An
	// event in pooled memory (Event.Release) counts the capacity of its
	// pooled buffers instead, slack included, since they are held whole.
	// Not counted: the Event and payload structs (a few hundred bytes per
	// event), table maps, and JSON partial-update diffs. A rows event of
	// small values typically holds 3 to 8 times its raw size.
	MaxBuffered int64
	// RowBytes is added to the count of MaxBuffered for each row of a
	// held rows event: the memory a consumer keeps per row beside the
	// event until the chunk is handled (package cdc counts its Record).
	// Zero adds nothing.
	RowBytes int64
	// IncludeRolledBack delivers groups ended by ROLLBACK, marked
	// RolledBack, instead of skipping them. Zero means groups ended by
	// ROLLBACK are skipped.
	IncludeRolledBack bool
	// GTIDs is the set of GTIDs executed before the first event the reader
	// will see (the set a Stream was started from, say). Checkpoint adds
	// each group's GTID to it. Zero (nil) means the reader starts from the
	// PREVIOUS_GTIDS or GTID_LIST event of the first file if it reads that
	// file from its start, and otherwise reports no GTID set in its
	// checkpoints. The reader does not modify the set given.
	GTIDs *GTIDSet
}

// A TxReader groups the events of a Source into transactions.
//
// Exactly once: a group is delivered when its last event has been read,
// never before (unless chunked, see Tx), so a group cut off by the end of
// the input, by a failing source or by a restarted stream is never
// delivered as committed. A group whose end never came and that is
// followed by the start of another group (a stream that restarted the group
// from its beginning, a server that crashed mid-write) is dropped and
// counted in Dropped. Checkpoint returns, after each Next, the position
// (and GTID set) right after the last group delivered or skipped: resuming
// from it delivers every later committed group exactly once.
//
// NewTxReader does no I/O. Errors are sticky. io.EOF is returned at the end
// of the source; an unfinished group at that point is not delivered (for a
// binlog still being written it will be complete when read again from the
// last checkpoint).
type TxReader struct {
	src  Source
	opts TxOptions

	tr    txTracker
	cur   *Tx   // group being assembled, nil outside a group
	buf   int64 // bytes held by cur's events (heldBytes), with MaxBuffered
	chunk int   // chunks of cur already delivered

	cp        Checkpoint
	server    ServerIdentity // of the file being read, from its format description
	gtids     *GTIDSet
	gtidKnown bool
	// contiguity from the start of a file, for seeding GTIDs from its
	// PREVIOUS_GTIDS / GTID_LIST event
	contig     bool
	contigFile string
	contigNext int64
	seenTx     bool

	dropped int
	err     error
}

// NewTxReader returns a TxReader over src. opts may be nil.
func NewTxReader(src Source, opts *TxOptions) *TxReader {
	r := &TxReader{src: src, gtids: &GTIDSet{}}
	if opts != nil {
		r.opts = *opts
	}
	if r.opts.GTIDs != nil {
		r.gtids = r.opts.GTIDs.Clone()
		r.gtidKnown = true
	}
	return r
}

// Dropped returns the number of unfinished groups dropped so far because
// another group started before their end.
func (r *TxReader) Dropped() int { return r.dropped }

// Checkpoint returns the checkpoint after the last group delivered by Next
// (or skipped because rolled back): its End, its commit time, and the GTID
// set executed up to it (nil when unknown, see TxOptions.GTIDs). Extra is
// left for the caller. Before the first group it holds a zero Position.
// The result is a copy the caller may keep and modify.
func (r *TxReader) Checkpoint() *Checkpoint {
	cp := r.cp
	if r.gtidKnown {
		cp.GTIDs = r.gtids.Clone()
	}
	return &cp
}

// All returns an iterator over the remaining groups. It yields (tx, nil)
// for each group and, if reading fails, one final (nil, err); it stops
// without an error at io.EOF. It is single-use, like Next.
func (r *TxReader) All() iter.Seq2[*Tx, error] {
	return seq(r.Next)
}

// Next returns the next group (or chunk of a group, see Tx).
func (r *TxReader) Next() (*Tx, error) {
	if r.err != nil {
		return nil, r.err
	}
	for {
		ev, err := r.src.Next()
		if err != nil {
			r.err = err
			return nil, err
		}
		r.trackContiguity(ev)
		if id, ok := ServerIdentityOf(ev); ok {
			r.server = id
		}
		step := r.tr.step(ev)
		switch step {
		case stepControl:
			r.control(ev)
			continue
		case stepStart:
			if r.cur != nil {
				r.dropped++
			}
			r.begin(ev)
			r.add(ev)
		case stepBody:
			r.add(ev)
		case stepCommit, stepRollback:
			if r.cur == nil { // a statement forming a group by itself
				r.begin(ev)
			}
			r.add(ev)
			tx := r.finish(ev, step == stepRollback)
			if tx != nil {
				return tx, nil
			}
			continue
		}
		if r.opts.MaxBuffered > 0 && r.buf > r.opts.MaxBuffered {
			return r.flushChunk(), nil
		}
	}
}

func (r *TxReader) begin(ev *Event) {
	r.seenTx = true
	r.cur = &Tx{Begin: Position{File: ev.File, Offset: ev.Offset}}
	r.buf = 0
	r.chunk = 0
	if g, ok := ev.Payload.(*GTID); ok {
		if g.MariaDB && g.ServerID == 0 {
			c := *g
			c.ServerID = ev.Header.ServerID
			g = &c
		}
		r.cur.GTID = g
	}
}

func (r *TxReader) add(ev *Event) {
	r.cur.Events = append(r.cur.Events, ev)
	if r.opts.MaxBuffered > 0 {
		r.buf += heldBytes(ev, r.opts.RowBytes)
	}
	if ev.PayloadIndex == 0 {
		r.cur.Size += int64(len(ev.Raw))
	}
}

// flushChunk delivers the events buffered so far as a Partial chunk.
func (r *TxReader) flushChunk() *Tx {
	c := r.cur
	next := &Tx{GTID: c.GTID, Begin: c.Begin}
	c.Partial = true
	c.Chunk = r.chunk
	r.chunk++
	r.cur = next
	r.buf = 0
	return c
}

// finish closes the current group with its last event ev. It returns nil
// when the group is skipped.
func (r *TxReader) finish(ev *Event, rolledBack bool) *Tx {
	tx := r.cur
	r.cur = nil
	tx.End = Position{File: ev.File, Offset: ev.NextPos}
	tx.RolledBack = rolledBack
	tx.Chunk = r.chunk
	tx.CommitTime = ev.Time()
	if g := tx.GTID; g != nil && g.ImmediateCommitTime != 0 {
		tx.CommitTime = time.UnixMicro(int64(g.ImmediateCommitTime)).UTC()
	}
	if x, ok := ev.Payload.(*XID); ok {
		tx.XID = x.XID
	}
	r.gtids.Add(tx.GTID)
	r.cp = Checkpoint{Position: tx.End, Time: tx.CommitTime, Server: r.server}
	if rolledBack && !r.opts.IncludeRolledBack && r.chunk == 0 {
		return nil
	}
	return tx
}

// control handles an event outside the groups' contents.
func (r *TxReader) control(ev *Event) {
	if r.gtidKnown || r.seenTx || !r.contig {
		return
	}
	switch p := ev.Payload.(type) {
	case *PreviousGTIDs:
		r.gtids.AddPrevious(p)
		r.gtidKnown = true
	case *GTIDList:
		r.gtids.AddList(p)
		r.gtidKnown = true
	}
}

// trackContiguity records whether the events seen so far run without a gap
// from the start (offset 4) of their file.
func (r *TxReader) trackContiguity(ev *Event) {
	if ev.PayloadIndex > 0 {
		return
	}
	switch ev.Payload.(type) {
	case *Heartbeat:
		return
	case *Rotate:
		if ev.Header.Timestamp == 0 || ev.Header.LogPos == 0 {
			return // a fake rotate: not part of the file
		}
	}
	if ev.Offset == 4 {
		r.contig, r.contigFile = true, ev.File
	} else if r.contig && (ev.File != r.contigFile || ev.Offset != r.contigNext) {
		r.contig = false
	}
	r.contigNext = ev.NextPos
}

// txStep says what an event does to the group structure.
type txStep int

const (
	stepControl  txStep = iota // outside any group's contents
	stepStart                  // opens a group (dropping an unfinished one)
	stepBody                   // inside the open group
	stepCommit                 // ends the group, committed
	stepRollback               // ends the group, rolled back
)

// txTracker follows the group structure of an event sequence:
//
//   - MySQL: GTID, then either BEGIN ... XID|COMMIT|ROLLBACK, or one
//     statement (a DDL) that ends the group;
//   - MariaDB: GTID (BEGIN is implied) ... XID|COMMIT|ROLLBACK, or, with
//     FL_STANDALONE, one statement that ends the group;
//   - no GTIDs: BEGIN ... XID|COMMIT|ROLLBACK, and any other statement
//     is a group by itself, with the INTVAR, RAND and USER_VAR events
//     before it (its context); rows events outside BEGIN (which servers do
//     not write) open a group that the next XID or COMMIT ends.
//
// An XA_PREPARE event ends the group of an XA transaction's first phase;
// its "XA COMMIT" arrives later as a group of its own.
type txTracker struct {
	open  bool // inside a group
	begun bool // the group is transactional (BEGIN seen or implied)
}

func (t *txTracker) step(ev *Event) txStep {
	switch p := ev.Payload.(type) {
	case *GTID:
		t.open = true
		t.begun = p.MariaDB && !p.Standalone()
		return stepStart
	case *Query:
		switch p.Control() {
		case TxBegin, TxXAStart:
			if t.open && !t.begun {
				t.begun = true
				return stepBody
			}
			t.open, t.begun = true, true
			return stepStart
		case TxCommit:
			if !t.open {
				return stepControl
			}
			t.open = false
			return stepCommit
		case TxRollback:
			if !t.open {
				return stepControl
			}
			t.open = false
			return stepRollback
		}
		if t.open && t.begun {
			return stepBody
		}
		// A standalone statement: ends the group its GTID opened, or is a
		// group by itself.
		t.open = false
		return stepCommit
	case *XID, *XAPrepare:
		if !t.open {
			return stepControl
		}
		t.open = false
		return stepCommit
	case *IntVar, *Rand, *UserVar:
		if !t.open {
			// The context of the next statement, which, without a BEGIN
			// before them, is an autocommitted statement ending the group
			// (MySQL 5.0 logs INTVAR, INSERT and no BEGIN).
			t.open, t.begun = true, false
			return stepStart
		}
		return stepBody
	case *TableMap, *Rows, *RowsQuery, *TransactionPayload:
		if !t.open {
			t.open, t.begun = true, true
			return stepStart
		}
		return stepBody
	case *Unknown:
		if t.open {
			return stepBody
		}
	}
	return stepControl
}

// heldBytes is the memory ev holds, as TxOptions.MaxBuffered counts it,
// with rowBytes more for each row of a rows event.
func heldBytes(ev *Event, rowBytes int64) int64 {
	r, _ := ev.Payload.(*Rows)
	if m := ev.mem; m != nil && (r == nil || r == &m.rows) {
		n := int64(cap(m.raw)) + int64(cap(m.vals))*valueSize + int64(cap(m.rowList))*rowSize +
			int64(cap(m.arena)) + int64(cap(m.present))
		if r != nil {
			n += int64(len(r.Rows)) * rowBytes
			n += valueBytesOutside(r, m.raw, m.arena)
		}
		return n
	}
	n := int64(cap(ev.Raw))
	if r == nil {
		return n
	}
	n += int64(len(r.Rows)) * (rowSize + rowBytes)
	for i := range r.Rows {
		n += int64(len(r.Rows[i].Before)+len(r.Rows[i].After)) * valueSize
	}
	return n + valueBytesOutside(r, ev.Raw, nil)
}

// valueBytesOutside sums the bytes of r's values that lie in neither a
// nor b: memory of their own rather than views of the event's buffers.
func valueBytesOutside(r *Rows, a, b []byte) int64 {
	var n int64
	for i := range r.Rows {
		for _, img := range [2][]Value{r.Rows[i].Before, r.Rows[i].After} {
			for j := range img {
				v := img[j].b
				if len(v) > 0 && !within(v, a) && !within(v, b) {
					n += int64(cap(v))
				}
			}
		}
	}
	return n
}

// within reports whether v starts inside buf's backing array.
func within(v, buf []byte) bool {
	if cap(buf) == 0 {
		return false
	}
	p := uintptr(unsafe.Pointer(unsafe.SliceData(v)))
	s := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	return p >= s && p < s+uintptr(cap(buf))
}
