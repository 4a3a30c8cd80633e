package binlog

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dropTracker is a SchemaTracker that records what it observes, drops the
// events of one type and fails at one offset.
type dropTracker struct {
	StaticSchema
	drop   EventType
	failAt int64
	seen   []eventKey
}

var errTrackerTest = errors.New("tracker test failure")

func (d *dropTracker) Observe(ev *Event) error {
	d.seen = append(d.seen, keyOf(ev))
	switch {
	case ev.Offset == d.failAt:
		return errTrackerTest
	case ev.Type() == d.drop:
		return ErrSkipEvent
	}
	return nil
}

// TestSchemaTracker: the Reader and the Decoder show the tracker every
// event they return, those inside transaction payloads included, in the
// same order, and drop the events it drops.
func TestSchemaTracker(t *testing.T) {
	data := payloadBinlog(false)
	var all []eventKey
	for ev, err := range NewReader(bytes.NewReader(data), &ReaderOptions{Name: "binlog.000001"}).All() {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, keyOf(ev))
	}
	var want []eventKey // all but the dropped rows events
	inPayload := 0
	for _, k := range all {
		if k.Type != WriteRowsEventV2 {
			want = append(want, k)
		}
		if k.Index > 0 {
			inPayload++
		}
	}
	if inPayload == 0 || len(want) == len(all) {
		t.Fatalf("the test binlog has %d events in payloads, %d rows events", inPayload, len(all)-len(want))
	}

	rt := &dropTracker{drop: WriteRowsEventV2, failAt: -1}
	var got []eventKey
	for ev, err := range NewReader(bytes.NewReader(data), &ReaderOptions{Name: "binlog.000001", Schema: rt}).All() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, keyOf(ev))
	}
	if diff := cmp.Diff(all, rt.seen); diff != "" {
		t.Errorf("reader: observed (-all +observed):\n%s", diff)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reader: returned (-want +got):\n%s", diff)
	}

	dt := &dropTracker{drop: WriteRowsEventV2, failAt: -1}
	d := NewDecoder(&ReaderOptions{Name: "binlog.000001", Schema: dt})
	got = nil
	w := walkRaw(data)
	for i, off := range w.Offsets {
		ev, err := d.Decode(bytes.Clone(data[off : off+w.Sizes[i]]))
		for ; err == nil; ev, err = d.NextInPayload() {
			if ev != nil {
				got = append(got, keyOf(ev))
			}
		}
		if err != io.EOF {
			t.Fatalf("decoder at %d: %v", off, err)
		}
	}
	if diff := cmp.Diff(all, dt.seen); diff != "" {
		t.Errorf("decoder: observed (-all +observed):\n%s", diff)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoder: returned (-want +got):\n%s", diff)
	}

	// An error stops the Reader at the event, for good.
	failAt := w.Offsets[len(w.Offsets)-2]
	r := NewReader(bytes.NewReader(data), &ReaderOptions{Name: "binlog.000001", Schema: &dropTracker{failAt: failAt}})
	var err error
	for err == nil {
		_, err = r.Next()
	}
	var ee *EventError
	if !errors.Is(err, errTrackerTest) || !errors.As(err, &ee) || ee.Offset != failAt || ee.File != "binlog.000001" {
		t.Fatalf("reader: %v, want the tracker's error at %d", err, failAt)
	}
	if _, err2 := r.Next(); err2 != err {
		t.Errorf("after the error: %v, want the same error", err2)
	}
}
