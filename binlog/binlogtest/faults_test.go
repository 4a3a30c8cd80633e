package binlogtest_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/binlogtest"
)

// readAll reads data to the end and returns the events and the error
// that stopped it (nil at a clean end).
func readAll(data []byte, opts *binlog.ReaderOptions) ([]*binlog.Event, error) {
	r := binlog.NewReader(bytes.NewReader(data), opts)
	var evs []*binlog.Event
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			return evs, nil
		}
		if err != nil {
			return evs, err
		}
		evs = append(evs, ev)
	}
}

func ordersBuilder(t *testing.T, opts *binlogtest.Options) *binlogtest.Builder {
	t.Helper()
	b := binlogtest.New(opts)
	must(t, b.CreateTable("shop", "orders", binlogtest.Int("id").PrimaryKey(), binlogtest.Text("note")))
	must(t, b.Insert("orders", binlogtest.Row{1, "one"}, binlogtest.Row{2, "two"}))
	must(t, b.Delete("orders", binlogtest.Row{2, "two"}))
	return b
}

func TestFaults(t *testing.T) {
	for _, opts := range []*binlogtest.Options{nil, {Flavor: binlogtest.MySQL80}, {NoChecksum: true}} {
		whole, err := ordersBuilder(t, opts).Bytes()
		if err != nil {
			t.Fatal(err)
		}
		evs, err := readAll(whole, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("Truncate", func(t *testing.T) {
			b := ordersBuilder(t, opts)
			at := evs[len(evs)-2].Offset + 10 // inside the next-to-last event
			must(t, b.Truncate(at))
			data, err := b.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(data)) != at {
				t.Errorf("truncated file of %d bytes, want %d", len(data), at)
			}
			if _, err := readAll(data, nil); !errors.Is(err, binlog.ErrTruncated) {
				t.Errorf("reading a truncated file: %v, want ErrTruncated", err)
			}
		})
		t.Run("FlipChecksum", func(t *testing.T) {
			b := ordersBuilder(t, opts)
			must(t, b.FlipChecksum(-1))
			data, err := b.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			_, err = readAll(data, nil)
			if opts != nil && opts.NoChecksum {
				if bytes.Equal(data, whole) {
					t.Errorf("FlipChecksum without checksums changed nothing")
				}
				return
			}
			var ee *binlog.EventError
			if !errors.Is(err, binlog.ErrChecksum) || !errors.As(err, &ee) || ee.Offset != evs[len(evs)-1].Offset {
				t.Errorf("reading a flipped checksum: %v, want ErrChecksum at %d", err, evs[len(evs)-1].Offset)
			}
		})
		t.Run("DropTableMap", func(t *testing.T) {
			b := ordersBuilder(t, opts)
			must(t, b.DropTableMap("shop.orders"))
			data, err := b.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := readAll(data, nil); !errors.Is(err, binlog.ErrMissingTableMap) {
				t.Errorf("reading without table maps: %v, want ErrMissingTableMap", err)
			}
		})
	}
}

func TestFaultOutOfRange(t *testing.T) {
	b := ordersBuilder(t, nil)
	must(t, b.FlipChecksum(1000))
	if _, err := b.Bytes(); !errors.Is(err, binlogtest.ErrFault) {
		t.Errorf("flipping event 1000: %v, want ErrFault", err)
	}
	b = ordersBuilder(t, nil)
	must(t, b.Truncate(1<<20))
	if _, err := b.Bytes(); !errors.Is(err, binlogtest.ErrFault) {
		t.Errorf("truncating past the end: %v, want ErrFault", err)
	}
}
