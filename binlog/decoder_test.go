package binlog

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDecoderMatchesReader decodes every event of the test binlogs with a
// Decoder, one raw event at a time: the same events, at the same
// positions, as the Reader gives, and a CommitTracker over them ends at
// the end of the last complete group.
func TestDecoderMatchesReader(t *testing.T) {
	paths, _ := filepath.Glob("testdata/*.binlog")
	if len(paths) == 0 {
		t.Skip("no test binlogs")
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var want []eventKey
			r := NewReader(bytes.NewReader(data), &ReaderOptions{Name: "f.000001"})
			for {
				ev, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, keyOf(ev))
			}
			d := NewDecoder(&ReaderOptions{Name: "f.000001"})
			ct := NewCommitTracker(Position{File: "f.000001", Offset: 4}, nil)
			var got []eventKey
			w := walkRaw(data)
			for i, off := range w.Offsets {
				ev, err := d.Decode(bytes.Clone(data[off : off+w.Sizes[i]]))
				for err == nil {
					got = append(got, keyOf(ev))
					ct.Add(ev)
					if ev, err = d.NextInPayload(); err == io.EOF {
						break
					}
				}
				if err != io.EOF {
					t.Fatalf("event at %d: %v", off, err)
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("decoder events (-reader +decoder):\n%s", diff)
			}
			// The files end with a rotate (to the next file) or at the end
			// of their last group.
			end := Position{File: "f.000001", Offset: int64(len(data))}
			var last *Event
			r = NewReader(bytes.NewReader(data), &ReaderOptions{Name: "f.000001"})
			for ev, err := range r.All() {
				if err != nil {
					t.Fatal(err)
				}
				last = ev
			}
			if rot, ok := last.Payload.(*Rotate); ok {
				end = Position{File: rot.NextFile, Offset: int64(rot.Position)}
			}
			if p := d.Position(); p != end {
				t.Errorf("decoder position %v, want %v", p, end)
			}
			if p := ct.Position(); p != end {
				t.Errorf("commit boundary %v, want %v", p, end)
			}
		})
	}
}
