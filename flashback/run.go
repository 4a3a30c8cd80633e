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
			if _, ok := ev.Payload.(*binlog.Rows); !ok {
				continue
			}
			if err := fw.WriteEvent(ev, &rowevent.Origin{Start: ev.Offset, End: ev.NextPos, Time: ev.Time()}); err != nil {
				return s.Summary(), err
			}
		}
	}
	return s.Summary(), fw.Close()
}
