package flashback

import (
	"errors"
	"io"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/rowevent"
)

// WriteBinlog writes the flashback binlog of the transactions that sel
// (nil: all) selects in src to w, and returns what it undoes. It wires a
// Selector to a BinlogWriter; see them for the details. On error nothing
// is written (the outputs of a split may have been created).
//
// Read src with binlog.ReaderOptions.SkipRowValues when nothing needs the
// row values: rows events are then inverted from their bytes (split by
// binlog.SplitRowImages, never decoded), several times faster than from
// values, with the same output. A source whose rows are decoded (one that
// Report.FilterSource filters, which needs the values) is inverted from
// its values. WriteBinlog releases each transaction's events
// (binlog.Event.Release) once it is spooled.
func WriteBinlog(w io.Writer, src binlog.Source, sel *Selection, opts *BinlogOptions) (Summary, error) {
	s, err := NewSelector(src, sel)
	if err != nil {
		return Summary{}, err
	}
	bw, err := NewBinlogWriter(w, opts)
	if err != nil {
		return Summary{}, err
	}
	defer bw.Discard()
	bw.images = s.rowImages
	for {
		tx, err := s.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return s.Summary(), err
		}
		if err := bw.SetFormat(s.Format()); err != nil {
			return s.Summary(), err
		}
		if err := bw.WriteTx(tx); err != nil {
			return s.Summary(), err
		}
		// The inverse is spooled: the events' memory goes back to the
		// Reader's pool for the next ones (binlog.Event.Release).
		for i, ev := range tx.Events {
			ev.Release()
			tx.Events[i] = nil
		}
	}
	if err := bw.SetFormat(s.Format()); err != nil {
		return s.Summary(), err
	}
	return s.Summary(), bw.Close()
}

// ErrNoRowValues is returned by WriteSQL for a rows event read without
// its values (binlog.ReaderOptions.SkipRowValues), which the SQL needs.
var ErrNoRowValues = errors.New("flashback: rows event read without values (ReaderOptions.SkipRowValues): the SQL needs them")

// WriteSQL writes the inverse SQL of the transactions that sel (nil: all)
// selects in src to w, with a position comment on each statement, and
// returns what it undoes. It wires a Selector to a Writer; see them for
// the details. On error nothing is written.
func WriteSQL(w io.Writer, src binlog.Source, sel *Selection, opts *Options) (Summary, error) {
	s, err := NewSelector(src, sel)
	if err != nil {
		return Summary{}, err
	}
	fw := NewWriter(w, opts)
	defer fw.Discard()
	for {
		tx, err := s.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return s.Summary(), err
		}
		for _, ev := range tx.Events {
			r, ok := ev.Payload.(*binlog.Rows)
			if !ok {
				continue
			}
			if ri := s.rowImages(ev); r.Rows == nil && ri != nil && ri.Rows(r.Kind) > 0 {
				return s.Summary(), &EventError{File: ev.File, Offset: ev.Offset, Err: ErrNoRowValues}
			}
			if err := fw.WriteEvent(ev, &rowevent.Origin{Start: ev.Offset, End: ev.NextPos, Time: ev.Time()}); err != nil {
				return s.Summary(), err
			}
		}
	}
	return s.Summary(), fw.Close()
}
