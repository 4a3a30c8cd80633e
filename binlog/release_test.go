package binlog

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

func TestReleaseSizes(t *testing.T) {
	if s := unsafe.Sizeof(Value{}); s != valueSize {
		t.Errorf("Value is %d bytes, valueSize says %d", s, valueSize)
	}
	if s := unsafe.Sizeof(Row{}); s != rowSize {
		t.Errorf("Row is %d bytes, rowSize says %d", s, rowSize)
	}
}

// TestRelease reads every testdata binlog twice: once keeping each event
// (clones), once releasing each event after taking its listing. The
// listings must agree: pooled memory never leaks from one event into the
// next (absent columns, shorter rows, other tables).
func TestRelease(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.binlog"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no testdata binlogs: %v", err)
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			read := func(release bool) []string {
				f, err := os.Open(p)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				r := NewReader(f, &ReaderOptions{Name: filepath.Base(p)})
				var out []string
				for {
					ev, err := r.Next()
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
					out = append(out, describe(ev))
					if release {
						ev.Release()
					}
				}
				return out
			}
			want := read(false)
			for range 2 {
				if diff := cmp.Diff(want, read(true)); diff != "" {
					t.Fatalf("with Release (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// describe lists an event with every row value.
func describe(ev *Event) string {
	s := ev.Type().String() + " " + string(rune('0'+ev.PayloadIndex%10))
	if r, ok := ev.Payload.(*Rows); ok {
		for _, row := range r.Rows {
			for _, img := range [][]Value{row.Before, row.After} {
				s += " |"
				for _, v := range img {
					s += " " + v.Kind().String() + ":" + v.String()
				}
			}
		}
	}
	return s + " " + string(ev.Raw)
}
