package flashback

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/binlogkit/binlogkit/binlog"
)

// BinlogOptions tunes a BinlogWriter. The zero value (or a nil
// *BinlogOptions) writes one output, spooling to os.TempDir().
type BinlogOptions struct {
	// TempDir is the directory of the spool file. Zero means os.TempDir().
	TempDir string
	// MaxSplitSize, when positive, starts a new output at a transaction
	// boundary when the next transaction would take the current one past
	// MaxSplitSize bytes (an output always holds at least one
	// transaction, so one larger than MaxSplitSize gets an output of its
	// own); each output starts with the magic and the format description.
	// NextFile opens the outputs after the first. Zero means one output,
	// whatever its size.
	MaxSplitSize int64
	// NextFile opens output n (2, 3, ...) when MaxSplitSize splits the
	// flashback; outputs are written in order and applied in order. The
	// BinlogWriter closes the outputs NextFile returns (when they are
	// io.Closers) after their last event; it never closes the writer given
	// to NewBinlogWriter. NumberedFiles makes the usual one. Zero (nil)
	// means no other output, which is only valid without MaxSplitSize.
	NextFile func(n int) (io.Writer, error)
}

// NumberedFiles returns a BinlogOptions.NextFile that creates base.000002,
// base.000003, ... (mode 0666 before umask, truncating). Calling it with 1
// creates base.000001, the first output, which the caller gives to
// NewBinlogWriter and closes.
func NumberedFiles(base string) func(n int) (io.Writer, error) {
	return func(n int) (io.Writer, error) {
		return os.Create(fmt.Sprintf("%s.%06d", base, n))
	}
}

// BinlogStats counts what a BinlogWriter has done.
type BinlogStats struct {
	Transactions int   // transactions spooled (with at least one rows event)
	Events       int64 // events written to the outputs, format descriptions included
	Bytes        int64 // bytes written to the outputs, magic included
	Files        int   // outputs written
}

// ErrNoFormat is returned by WriteTx before SetFormat.
var ErrNoFormat = errors.New("flashback: no format description: call SetFormat first")

// A BinlogWriter writes a flashback binlog: a binlog file whose events undo
// a range of transactions, read by mysqlbinlog/mariadb-binlog or a
// replica like any other. Create it with NewBinlogWriter, give it the
// source's format description with SetFormat, the selected transactions in
// log order with WriteTx (from a Selector), then call Close, which writes
// the output; or Discard to write nothing. A BinlogWriter is not safe for
// concurrent use.
//
// The output is the magic, the source's format description (checksums as
// the source has them, recomputed), then one transaction per transaction
// given, last first, each the inverse of the original (see the package
// documentation): no GTID events, so that the server applying it gives
// each transaction a GTID of its own (gtid_strict_mode and MySQL's
// GTID_MODE=ON accept it).
//
// Each transaction's inverse is encoded to a spool file as it arrives and
// read back, last first, at Close, which copies its events to the outputs
// with only their positions and checksums recomputed
// (binlog.Encoder.WriteRaw): memory is that of the largest transaction,
// whatever the length of the range. A rows event read without values
// (binlog.ReaderOptions.SkipRowValues: Rows.Rows is nil, Raw is there) is
// inverted from its bytes: its row images, split by binlog.SplitRowImages,
// reordered and swapped, never decoded; a rows event with values is
// encoded from them. Both give the same bytes.
type BinlogWriter struct {
	dst     io.Writer
	opts    BinlogOptions
	format  *binlog.Event             // the outputs' format description event
	spoolFD *binlog.FormatDescription // format of the spool: the source's, without checksums
	crc     bool                      // the outputs have checksums

	// images returns the row images of a rows event read without values
	// that the Selector split (nil: none did); ri is the BinlogWriter's
	// own, for the others.
	images func(*binlog.Event) *binlog.RowImages
	ri     binlog.RowImages
	bodies []byte // bodies of one transaction's inverse rows events, reused

	evs   []*binlog.Event // one transaction's inverse, reused
	rec   []byte          // one transaction's spool record, reused
	sizes []byte

	spoolFile
	stats BinlogStats
	err   error // sticky I/O error
	done  bool
}

// NewBinlogWriter returns a BinlogWriter that writes to w at Close. It
// checks opts and does no I/O: the spool file is created with the first
// transaction.
func NewBinlogWriter(w io.Writer, opts *BinlogOptions) (*BinlogWriter, error) {
	bw := &BinlogWriter{dst: w}
	if opts != nil {
		bw.opts = *opts
	}
	switch {
	case bw.opts.MaxSplitSize < 0:
		return nil, fmt.Errorf("flashback: BinlogOptions.MaxSplitSize %d is negative", bw.opts.MaxSplitSize)
	case bw.opts.MaxSplitSize > 0 && bw.opts.NextFile == nil:
		return nil, errors.New("flashback: BinlogOptions.MaxSplitSize needs NextFile")
	}
	return bw, nil
}

// SetFormat gives the FORMAT_DESCRIPTION event of the source
// (Selector.Format). The first one given describes every output: rows
// events are re-encoded in it. Later calls do nothing. Its in-use flag is
// cleared in the outputs.
func (w *BinlogWriter) SetFormat(ev *binlog.Event) error {
	if w.format != nil || ev == nil {
		return nil
	}
	fd, ok := ev.Payload.(*binlog.FormatDescription)
	if !ok {
		return fmt.Errorf("flashback: SetFormat: %T is not a format description", ev.Payload)
	}
	sfd := *fd
	sfd.ChecksumAlg = binlog.ChecksumOff
	h := ev.Header
	h.Flags &^= binlog.FlagBinlogInUse
	w.format = &binlog.Event{Header: h, File: ev.File, Offset: ev.Offset, Payload: fd}
	w.spoolFD = &sfd
	w.crc = fd.ChecksumAlg == binlog.ChecksumCRC32
	return nil
}

// Stats returns the counts so far.
func (w *BinlogWriter) Stats() BinlogStats { return w.stats }

// WriteTx takes the next transaction of the range, in log order, and
// spools its inverse. Only its rows events, table maps, BEGIN and
// COMMIT/XID are used; a transaction without rows events is ignored. An
// error for the transaction (a row image that is not FULL) is an
// *EventError and leaves the BinlogWriter as it was; an I/O error of the
// spool is returned by every later call.
func (w *BinlogWriter) WriteTx(tx *binlog.Tx) error {
	if w.done {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	if w.format == nil {
		return ErrNoFormat
	}
	w.bodies = w.bodies[:0]
	evs, err := invertTxWith(w.evs[:0], tx, w.invertRows)
	w.evs = evs
	defer clear(w.evs)
	if err != nil || len(evs) == 0 {
		return err
	}
	rec, sizes := w.rec[:0], w.sizes[:0]
	for _, ev := range evs {
		n := len(rec)
		if rec, err = binlog.AppendEvent(rec, ev, w.spoolFD, 4); err != nil {
			return &EventError{File: ev.File, Offset: ev.Offset, Err: err}
		}
		sizes = binary.LittleEndian.AppendUint32(sizes, uint32(len(rec)-n))
	}
	rec = append(rec, sizes...)
	w.rec, w.sizes = rec, sizes
	if err := w.spool(rec, int64(len(evs))); err != nil {
		w.err = &EventError{File: tx.Begin.File, Offset: tx.Begin.Offset, Err: fmt.Errorf("flashback: spool: %w", err)}
		return w.err
	}
	w.stats.Transactions++
	return nil
}

// invertRows returns the inverse of the rows event ev, which ends its
// statement when last says so: from its bytes when it was read without
// values (binlog.ReaderOptions.SkipRowValues: Rows.Rows is nil and Raw is
// there), else from its values.
func (w *BinlogWriter) invertRows(ev *binlog.Event, last bool) (*binlog.Event, error) {
	r := ev.Payload.(*binlog.Rows)
	if r.Rows != nil || ev.Raw == nil {
		return invertRows(ev, last), nil
	}
	var ri *binlog.RowImages
	if w.images != nil {
		ri = w.images(ev)
	}
	if ri == nil {
		ri = &w.ri
		if err := binlog.SplitRowImages(ri, ev, w.format.Payload.(*binlog.FormatDescription)); err != nil {
			return nil, &EventError{File: ev.File, Offset: ev.Offset, Err: err}
		}
	}
	inv, bodies, err := invertRowsRaw(w.bodies, ev, ri, last)
	w.bodies = bodies
	return inv, err
}

// spool appends one record to the spool file: rec, then its trailer
// (length of rec, n events). rec ends with the n event sizes, uint32s.
func (w *BinlogWriter) spool(rec []byte, n int64) error {
	return w.spoolTo(w.opts.TempDir, "flashback-*.binlog", rec, n)
}

// Close writes the outputs: the magic, the format description and the
// spooled transactions, last first, splitting at MaxSplitSize; then it
// removes the spool file. It closes the outputs NextFile opened, not the
// first one. Without SetFormat it writes nothing. After an I/O error of
// WriteTx it writes nothing and returns that error. Later calls return
// nil.
func (w *BinlogWriter) Close() error {
	if w.done {
		return nil
	}
	defer w.Discard()
	if w.err != nil {
		return w.err
	}
	if w.format == nil {
		return nil
	}
	o := &outputs{w: w, dst: w.dst}
	if err := o.start(); err != nil {
		return err
	}
	if w.f != nil {
		if err := w.bw.Flush(); err != nil {
			return fmt.Errorf("flashback: spool: %w", err)
		}
		if err := w.replay(o); err != nil {
			o.abandon()
			return err
		}
	}
	return o.finish()
}

// replay writes the events of the spooled records, last first, to the
// outputs, as they are but for their positions and checksums.
func (w *BinlogWriter) replay(o *outputs) error {
	r := &backReader{f: w.f, win: make([]byte, 0, readWindow)}
	var big []byte
	for end := w.size; end > 0; {
		t, err := r.slice(end-trailerLen, trailerLen)
		if err != nil {
			return err
		}
		l := int64(binary.LittleEndian.Uint64(t[:8]))
		n := int64(binary.LittleEndian.Uint64(t[8:]))
		start := end - trailerLen - l
		if l < 0 || start < 0 || n < 0 || n*4 > l {
			return fmt.Errorf("%w: record at %d: length %d, %d events", errSpool, end-trailerLen, l, n)
		}
		var rec []byte
		if l <= int64(cap(r.win)) {
			if rec, err = r.slice(start, l); err != nil {
				return err
			}
		} else {
			big = append(big[:0], make([]byte, l)...)
			if _, err := w.f.ReadAt(big, start); err != nil {
				return fmt.Errorf("flashback: spool: %w", err)
			}
			rec = big
		}
		if err := o.writeRecord(rec, int(n)); err != nil {
			return err
		}
		end = start
	}
	return nil
}

// outputs is the sequence of outputs that Close writes.
type outputs struct {
	w     *BinlogWriter
	n     int       // number of the current output
	dst   io.Writer // the current output
	enc   *binlog.Encoder
	first int64 // offset after the format description
	txs   int   // transactions in the current output
}

// start begins output o.n+1 on o.dst.
func (o *outputs) start() error {
	o.n++
	o.enc = binlog.NewEncoder(o.dst, nil)
	if err := o.enc.WriteEvent(o.w.format); err != nil {
		return err
	}
	o.first = o.enc.Offset()
	o.txs = 0
	o.w.stats.Events++
	o.w.stats.Files++
	return nil
}

// end flushes the current output and closes it unless it is the first.
func (o *outputs) end() error {
	err := o.enc.Flush()
	o.w.stats.Bytes += o.enc.Offset()
	if c, ok := o.dst.(io.Closer); ok && o.n > 1 {
		if cerr := c.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// abandon closes the current output after a failure.
func (o *outputs) abandon() {
	if c, ok := o.dst.(io.Closer); ok && o.n > 1 {
		c.Close()
	}
}

func (o *outputs) finish() error { return o.end() }

// writeRecord writes the events of one spooled transaction, rec, holding n
// events followed by their sizes, starting a new output first when
// MaxSplitSize says so.
func (o *outputs) writeRecord(rec []byte, n int) error {
	body := len(rec) - 4*n
	sizes := rec[body:]
	if max := o.w.opts.MaxSplitSize; max > 0 && o.txs > 0 {
		size := int64(body)
		if o.w.crc {
			size += 4 * int64(n)
		}
		if o.enc.Offset()+size > max {
			if err := o.end(); err != nil {
				return err
			}
			next, err := o.w.opts.NextFile(o.n + 1)
			if err != nil {
				return fmt.Errorf("flashback: next output: %w", err)
			}
			o.dst = next
			if err := o.start(); err != nil {
				return err
			}
		}
	}
	off := 0
	for i := range n {
		sz := int(binary.LittleEndian.Uint32(sizes[4*i:]))
		if sz <= 0 || off+sz > body {
			return fmt.Errorf("%w: event size %d", errSpool, sz)
		}
		if err := o.enc.WriteRaw(rec[off : off+sz]); err != nil {
			return err
		}
		off += sz
		o.w.stats.Events++
	}
	o.txs++
	return nil
}

// Discard removes the spool file without writing anything (unless Close
// did). It is safe to defer it after NewBinlogWriter. Later WriteTx calls
// fail with ErrClosed.
func (w *BinlogWriter) Discard() error {
	w.done = true
	w.evs, w.rec, w.sizes, w.bodies = nil, nil, nil, nil
	return w.remove()
}
