package flashback

import (
	"encoding/binary"
	"fmt"

	"github.com/binlogkit/binlogkit/binlog"
)

// stmtEndFlag is STMT_END_F of Rows.Flags.
const stmtEndFlag = 1

// inverseType maps a rows event type to the type of its inverse: WRITE and
// DELETE swap, UPDATE stays, in the same version; MariaDB's compressed
// events (which the Reader decompresses) become uncompressed ones.
var inverseType = map[binlog.EventType]binlog.EventType{
	binlog.WriteRowsEventV1:                 binlog.DeleteRowsEventV1,
	binlog.DeleteRowsEventV1:                binlog.WriteRowsEventV1,
	binlog.UpdateRowsEventV1:                binlog.UpdateRowsEventV1,
	binlog.WriteRowsEventV2:                 binlog.DeleteRowsEventV2,
	binlog.DeleteRowsEventV2:                binlog.WriteRowsEventV2,
	binlog.UpdateRowsEventV2:                binlog.UpdateRowsEventV2,
	binlog.MariaWriteRowsCompressedEventV1:  binlog.DeleteRowsEventV1,
	binlog.MariaDeleteRowsCompressedEventV1: binlog.WriteRowsEventV1,
	binlog.MariaUpdateRowsCompressedEventV1: binlog.UpdateRowsEventV1,
	binlog.MariaWriteRowsCompressedEvent:    binlog.DeleteRowsEventV2,
	binlog.MariaDeleteRowsCompressedEvent:   binlog.WriteRowsEventV2,
	binlog.MariaUpdateRowsCompressedEvent:   binlog.UpdateRowsEventV2,
}

// invertTx appends to dst the events of the flashback of tx, in the order
// they are to be written:
//
//	BEGIN                        the original's BEGIN, or one made for it
//	table maps of statement n    every table its rows events use
//	inverse of statement n       its rows events last first, each with its
//	  ...                        rows last first; STMT_END_F on the last
//	table maps of statement 1
//	inverse of statement 1
//	XID or COMMIT                as the original ends (COMMIT for XA)
//
// No GTID event is written: the server that applies the flashback gives
// each transaction a GTID of its own. tx's events are not modified. A
// transaction without rows events gives nothing.
func invertTx(dst []*binlog.Event, tx *binlog.Tx) ([]*binlog.Event, error) {
	return invertTxWith(dst, tx, nil)
}

// invertTxWith is invertTx with the rows events inverted by inv; nil
// means invertRows (from the values).
func invertTxWith(dst []*binlog.Event, tx *binlog.Tx, inv func(ev *binlog.Event, last bool) (*binlog.Event, error)) ([]*binlog.Event, error) {
	if inv == nil {
		inv = func(ev *binlog.Event, last bool) (*binlog.Event, error) { return invertRows(ev, last), nil }
	}
	var begin, end *binlog.Event
	var stmts [][]*binlog.Event // rows events of each statement, in log order
	var cur []*binlog.Event
	tables := map[uint64]*binlog.TableMap{} // of cur, by table id
	maps := map[*binlog.TableMap]*binlog.Event{}
	closeStmt := func() {
		if len(cur) > 0 {
			stmts = append(stmts, cur)
			cur = nil
			clear(tables)
		}
	}
	for _, ev := range tx.Events {
		switch p := ev.Payload.(type) {
		case *binlog.TableMap:
			maps[p] = ev
		case *binlog.Rows:
			if _, ok := inverseType[ev.Header.Type]; !ok && ev.Header.Type != 0 {
				return dst, &EventError{File: ev.File, Offset: ev.Offset, Err: fmt.Errorf("flashback: cannot invert a %v event", ev.Header.Type)}
			}
			if err := checkRows(p); err != nil {
				return dst, &EventError{File: ev.File, Offset: ev.Offset, Err: err}
			}
			if p.Table == nil {
				return dst, &EventError{File: ev.File, Offset: ev.Offset, Err: fmt.Errorf("flashback: rows event without its table map (table id %d)", p.TableID)}
			}
			if tm := tables[p.TableID]; tm != nil && tm != p.Table && !sameTable(tm, p.Table) {
				// A table id reused for another table: the statement
				// boundary was filtered out.
				closeStmt()
			}
			tables[p.TableID] = p.Table
			cur = append(cur, ev)
			if p.EndOfStatement() {
				closeStmt()
			}
		case *binlog.Query:
			closeStmt()
			switch p.Control() {
			case binlog.TxBegin:
				if begin == nil {
					begin = ev
				}
			case binlog.TxCommit:
				end = ev
			}
		case *binlog.XID:
			closeStmt()
			end = ev
		}
	}
	closeStmt()
	if len(stmts) == 0 {
		return dst, nil
	}
	first := tx.Events[0]
	if begin == nil {
		begin = &binlog.Event{
			Header:  binlog.Header{Type: binlog.QueryEvent, Timestamp: first.Header.Timestamp, ServerID: first.Header.ServerID},
			Payload: &binlog.Query{Query: "BEGIN"},
		}
	}
	if end == nil {
		last := tx.Events[len(tx.Events)-1]
		end = &binlog.Event{
			Header:  binlog.Header{Type: binlog.QueryEvent, Timestamp: last.Header.Timestamp, ServerID: last.Header.ServerID},
			Payload: &binlog.Query{Query: "COMMIT"},
		}
	}
	dst = append(dst, copyHeader(begin))
	for i := len(stmts) - 1; i >= 0; i-- {
		stmt := stmts[i]
		seen := map[uint64]bool{}
		for _, ev := range stmt {
			r := ev.Payload.(*binlog.Rows)
			if seen[r.TableID] {
				continue
			}
			seen[r.TableID] = true
			tm := maps[r.Table]
			if tm == nil {
				tm = &binlog.Event{
					Header:  binlog.Header{Type: binlog.TableMapEvent, Timestamp: ev.Header.Timestamp, ServerID: ev.Header.ServerID},
					Payload: r.Table,
				}
			}
			dst = append(dst, copyHeader(tm))
		}
		for j := len(stmt) - 1; j >= 0; j-- {
			ev, err := inv(stmt[j], j == 0)
			if err != nil {
				return dst, err
			}
			dst = append(dst, ev)
		}
	}
	return append(dst, copyHeader(end)), nil
}

// sameTable reports whether two table maps describe the same table.
func sameTable(a, b *binlog.TableMap) bool {
	return a.Schema == b.Schema && a.Table == b.Table && len(a.Columns) == len(b.Columns)
}

// copyHeader returns an event with ev's header and payload, for writing:
// the Encoder recomputes size and position.
func copyHeader(ev *binlog.Event) *binlog.Event {
	h := ev.Header
	if h.Type == binlog.MariaQueryCompressedEvent {
		h.Type = binlog.QueryEvent
	}
	return &binlog.Event{Header: h, File: ev.File, Offset: ev.Offset, Payload: ev.Payload}
}

// invertRows returns the inverse of the rows event ev: WRITE and DELETE
// swapped, UPDATE images swapped, rows in reverse order, STMT_END_F set
// when last says so. ev is not modified.
func invertRows(ev *binlog.Event, last bool) *binlog.Event {
	r := ev.Payload.(*binlog.Rows)
	inv := &binlog.Rows{
		TableID:      r.TableID,
		Table:        r.Table,
		Flags:        r.Flags &^ stmtEndFlag,
		ExtraData:    r.ExtraData,
		Present:      r.Present,
		PresentAfter: r.PresentAfter,
		Rows:         make([]binlog.Row, len(r.Rows)),
	}
	if last {
		inv.Flags |= stmtEndFlag
	}
	switch r.Kind {
	case binlog.Insert:
		inv.Kind = binlog.Delete
	case binlog.Delete:
		inv.Kind = binlog.Insert
	default:
		inv.Kind = r.Kind
		inv.Present, inv.PresentAfter = r.PresentAfter, r.Present
	}
	for i, row := range r.Rows {
		inv.Rows[len(r.Rows)-1-i] = binlog.Row{Before: row.After, After: row.Before}
	}
	h := ev.Header
	if t, ok := inverseType[h.Type]; ok {
		h.Type = t
	} else {
		h.Type = 0 // chosen by the Encoder from the payload
	}
	return &binlog.Event{Header: h, File: ev.File, Offset: ev.Offset, Payload: inv}
}

// invertRowsRaw returns the inverse of the rows event ev from its bytes,
// laid out in ri (binlog.SplitRowImages), without decoding a value: the
// same head with STMT_END_F set when last says so and, for an update, the
// two columns bitmaps swapped; then the row images, last row first, an
// update's after image before its before image. The payload is a
// *binlog.Unknown holding the new body, of the inverse type (uncompressed),
// for the Encoder to copy, appended to buf, which is returned extended. ev
// is not modified.
func invertRowsRaw(buf []byte, ev *binlog.Event, ri *binlog.RowImages, last bool) (*binlog.Event, []byte, error) {
	r := ev.Payload.(*binlog.Rows)
	t, ok := inverseType[ev.Header.Type]
	if !ok || r.Partial {
		return nil, buf, &EventError{File: ev.File, Offset: ev.Offset, Err: fmt.Errorf("flashback: cannot invert a %v event", ev.Header.Type)}
	}
	start := len(buf)
	buf = append(buf, ri.Head...)
	head := buf[start:]
	flags := r.Flags &^ stmtEndFlag
	if last {
		flags |= stmtEndFlag
	}
	binary.LittleEndian.PutUint16(head[ri.FlagsAt:], flags)
	out := buf
	if r.Kind == binlog.Update {
		bm := head[ri.BitmapAt : ri.BitmapAt+2*ri.BitmapLen]
		copy(bm, ri.Head[ri.BitmapAt+ri.BitmapLen:ri.BitmapAt+2*ri.BitmapLen])
		copy(bm[ri.BitmapLen:], ri.Head[ri.BitmapAt:ri.BitmapAt+ri.BitmapLen])
		for i := len(ri.Ends) - 2; i >= 0; i -= 2 {
			out = append(out, ri.Image(i+1)...)
			out = append(out, ri.Image(i)...)
		}
	} else {
		for i := len(ri.Ends) - 1; i >= 0; i-- {
			out = append(out, ri.Image(i)...)
		}
	}
	h := ev.Header
	h.Type = t
	body := out[start:len(out):len(out)]
	return &binlog.Event{Header: h, File: ev.File, Offset: ev.Offset, Payload: &binlog.Unknown{Body: body}}, out, nil
}
