package binlog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/binlogkit/binlogkit/internal/testbinlog"
	"github.com/google/go-cmp/cmp"
)

// payloadBinlog returns a MySQL binlog with two compressed transactions
// (BEGIN, table map, rows, XID inside) around a plain query, then, when
// bomb is set, a payload of 1 GiB of zeros that says so.
func payloadBinlog(bomb bool) []byte {
	sid := [16]byte{7}
	inner := func(id int32) []byte {
		tx := testbinlog.New(testbinlog.MySQL)
		n := tx.Len()
		tx.Query("app", "BEGIN").TableMap(5, "app", "t").
			WriteRows(5, testbinlog.Row{ID: id, V: "x"}, testbinlog.Row{ID: id + 1, V: "yy"}).XID(uint64(id))
		var out []byte
		b := tx.Bytes()[n:]
		for len(b) > 0 {
			size := int(b[9]) | int(b[10])<<8 | int(b[11])<<16
			out = append(out, testbinlog.PayloadEvent(b[4], b[19:size-4])...)
			b = b[size:]
		}
		return out
	}
	b := testbinlog.New(testbinlog.MySQL)
	tx1, tx2 := inner(1), inner(10)
	b.MySQLGTID(sid, 1).TransactionPayload(tx1, true, uint64(len(tx1)))
	b.MySQLGTID(sid, 2).Query("app", "CREATE TABLE u (a INT)")
	b.MySQLGTID(sid, 3).TransactionPayload(tx2, false, uint64(len(tx2)))
	if bomb {
		b.MySQLGTID(sid, 4).CompressedPayload(testbinlog.ZstdZeros(1<<30), 1<<30)
	}
	return b.Bytes()
}

// eventKey is what identifies an event and its place.
type eventKey struct {
	Type            EventType
	Offset, NextPos int64
	Index           int
	Desc            string
}

func keyOf(ev *Event) eventKey {
	return eventKey{ev.Type(), ev.Offset, ev.NextPos, ev.PayloadIndex, describe(ev)}
}

// TestPayloadEvents checks the events expanded from transaction payloads:
// their positions and indexes, the payload's Count once they are read, and
// that Release of the payload event or of the inner events does not change
// them.
func TestPayloadEvents(t *testing.T) {
	data := payloadBinlog(false)
	read := func(release bool) ([]eventKey, []*TransactionPayload) {
		r := NewReader(bytes.NewReader(data), &ReaderOptions{Name: "p"})
		var keys []eventKey
		var tps []*TransactionPayload
		for {
			ev, err := r.Next()
			if err == io.EOF {
				return keys, tps
			}
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, keyOf(ev))
			if tp, ok := ev.Payload.(*TransactionPayload); ok {
				tps = append(tps, tp)
			}
			if release {
				ev.Release()
			}
		}
	}
	keys, tps := read(false)
	var summary []string
	for _, k := range keys {
		summary = append(summary, fmt.Sprintf("%v@%d-%d/%d", k.Type, k.Offset, k.NextPos, k.Index))
	}
	w := walkRaw(data)
	p1, p2 := w.Offsets[2], w.Offsets[6] // FD, GTID, payload, GTID, query, GTID, payload
	e1, e2 := p1+w.Sizes[2], p2+w.Sizes[6]
	want := []string{
		"Format_desc@4-" + fmt.Sprint(w.Offsets[1]) + "/0",
		fmt.Sprintf("Gtid@%d-%d/0", w.Offsets[1], p1),
		fmt.Sprintf("Transaction_payload@%d-%d/0", p1, e1),
		fmt.Sprintf("Query@%d-%d/1", p1, e1), fmt.Sprintf("Table_map@%d-%d/2", p1, e1),
		fmt.Sprintf("Write_rows@%d-%d/3", p1, e1), fmt.Sprintf("Xid@%d-%d/4", p1, e1),
		fmt.Sprintf("Gtid@%d-%d/0", e1, w.Offsets[4]),
		fmt.Sprintf("Query@%d-%d/0", w.Offsets[4], w.Offsets[5]),
		fmt.Sprintf("Gtid@%d-%d/0", w.Offsets[5], p2),
		fmt.Sprintf("Transaction_payload@%d-%d/0", p2, e2),
		fmt.Sprintf("Query@%d-%d/1", p2, e2), fmt.Sprintf("Table_map@%d-%d/2", p2, e2),
		fmt.Sprintf("Write_rows@%d-%d/3", p2, e2), fmt.Sprintf("Xid@%d-%d/4", p2, e2),
	}
	if diff := cmp.Diff(want, summary); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	for i, tp := range tps {
		if tp.Count != 4 {
			t.Errorf("payload %d: Count %d after its events, want 4", i, tp.Count)
		}
	}
	for range 2 {
		got, _ := read(true)
		if diff := cmp.Diff(keys, got); diff != "" {
			t.Fatalf("with Release (-want +got):\n%s", diff)
		}
	}
}

// TestPayloadDecoder reads the payloads through a Decoder (as the live
// stream does): the same events as a Reader, and the bomb fails the same
// way, at the payload event.
func TestPayloadDecoder(t *testing.T) {
	data := payloadBinlog(true)
	var want []eventKey
	r := NewReader(bytes.NewReader(data), &ReaderOptions{Name: "binlog.000001"})
	var rerr error
	for {
		ev, err := r.Next()
		if err != nil {
			rerr = err
			break
		}
		want = append(want, keyOf(ev))
	}
	w := walkRaw(data)
	bombAt := w.Offsets[len(w.Offsets)-1]
	var ee *EventError
	if !errors.As(rerr, &ee) || !errors.Is(rerr, ErrCorrupt) || ee.Offset != bombAt || ee.Type != TransactionPayloadEvent {
		t.Fatalf("reader: %v, want ErrCorrupt at the payload at %d", rerr, bombAt)
	}

	d := NewDecoder(&ReaderOptions{Name: "binlog.000001"})
	var got []eventKey
	var serr error
decode:
	for i, off := range w.Offsets {
		ev, err := d.Decode(bytes.Clone(data[off : off+w.Sizes[i]]))
		for err == nil {
			got = append(got, keyOf(ev))
			ev, err = d.NextInPayload()
			if err == io.EOF {
				continue decode
			}
		}
		serr = err
		break
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoder events (-reader +decoder):\n%s", diff)
	}
	if !errors.As(serr, &ee) || !errors.Is(serr, ErrCorrupt) || ee.Offset != bombAt || ee.Type != TransactionPayloadEvent {
		t.Errorf("decoder: %v, want ErrCorrupt at the payload at %d", serr, bombAt)
	}
}
