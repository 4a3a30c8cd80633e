package binlog

import (
	"bytes"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// payloadCmp compares payloads by value: Values by their contents, the
// unexported state of Rows and TransactionPayload included.
var payloadCmp = []cmp.Option{
	cmp.Comparer(func(a, b Value) bool {
		if a.kind == KindJSON && b.kind == KindJSON && !bytes.Equal(a.b, b.b) {
			// MySQL JSON whose text does not tell its binary form
			// (opaque values: the package doc, "Encoding"): one must be
			// what the other's text encodes to.
			return jsonReencodes(a.b, b.b) || jsonReencodes(b.b, a.b)
		}
		if a.kind != b.kind || a.num != b.num || a.prec != b.prec || a.coll != b.coll || !bytes.Equal(a.b, b.b) {
			return false
		}
		if (a.names == nil) != (b.names == nil) || a.names != nil && !cmp.Equal(*a.names, *b.names) {
			return false
		}
		return (a.diffs == nil) == (b.diffs == nil) && (a.diffs == nil || cmp.Equal(*a.diffs, *b.diffs))
	}),
	cmp.AllowUnexported(Rows{}, TransactionPayload{}),
	// Count is only known once the payload has been read through.
	cmpopts.IgnoreFields(TransactionPayload{}, "Count"),
}

// FuzzEncode decodes its input as a binlog; every event that decodes is
// encoded again (one Encoder for the stream) and the result is read back:
// the events must be the same (type, time, server id, flags, payload).
func FuzzEncode(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	for _, s := range encodedSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := &ReaderOptions{MaxEventSize: 1 << 20}
		var want []*Event
		var out bytes.Buffer
		enc := NewEncoder(&out, nil)
		r := NewReader(bytes.NewReader(data), opts)
		started := false
		for {
			ev, err := r.Next()
			if err != nil {
				break
			}
			if ev.PayloadIndex > 0 {
				continue
			}
			if _, ok := ev.Payload.(*FormatDescription); ok {
				started = true
			}
			if !started {
				continue
			}
			if err := enc.WriteEvent(ev); err != nil {
				if errors.Is(err, ErrUnsupported) {
					continue
				}
				t.Fatalf("event at %d (%v): %v", ev.Offset, ev.Type(), err)
			}
			want = append(want, ev)
		}
		if err := enc.Flush(); err != nil {
			t.Fatal(err)
		}
		r2 := NewReader(bytes.NewReader(out.Bytes()), opts)
		i := 0
		for {
			ev, err := r2.Next()
			if err != nil {
				if i < len(want) {
					t.Fatalf("re-encoded stream: event %d of %d (%v, at %d in the input): %v", i+1, len(want), want[i].Type(), want[i].Offset, err)
				}
				break
			}
			if ev.PayloadIndex > 0 {
				continue
			}
			if i >= len(want) {
				t.Fatalf("re-encoded stream has more events than the %d written", len(want))
			}
			w := want[i]
			i++
			wh, gh := w.Header, ev.Header
			wh.EventSize, wh.LogPos, gh.EventSize, gh.LogPos = 0, 0, 0, 0
			if wh != gh {
				t.Fatalf("event %d (at %d): header %+v, want %+v", i, w.Offset, gh, wh)
			}
			if d := cmp.Diff(w.Payload, ev.Payload, payloadCmp...); d != "" {
				t.Fatalf("event %d (%v at %d): payload mismatch (-want +got):\n%s", i, w.Type(), w.Offset, d)
			}
		}
	})
}

// jsonReencodes reports whether the JSON text a, encoded as MySQL binary
// JSON and decoded again, is b.
func jsonReencodes(a, b []byte) bool {
	bin, err := appendJSONBinary(nil, a)
	if err != nil {
		return false
	}
	text, err := appendJSON(nil, bin)
	return err == nil && bytes.Equal(text, b)
}
