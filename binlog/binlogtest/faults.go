package binlogtest

import (
	"fmt"

	"github.com/binlogkit/binlogkit/binlog"
)

// fault is a damage done to a file when it is written out.
type fault struct {
	op    string
	event int    // FlipChecksum
	at    int64  // Truncate
	table string // DropTableMap
}

// Truncate cuts the current file at file position at (the bytes before it
// stay), as a copy taken while the server was writing, or a crash, leaves
// it: readers return binlog.ErrTruncated for an event cut in the middle.
// It is applied when the file is written out, after the other faults.
func (b *Builder) Truncate(at int64) error {
	const op = "Truncate"
	if err := b.check(op); err != nil {
		return err
	}
	if at < 0 {
		return b.fail(op, fmt.Errorf("%w: truncate at %d", ErrFault, at))
	}
	f := b.cur()
	f.faults = append(f.faults, fault{op: op, at: at})
	return nil
}

// FlipChecksum inverts the stored CRC32 of event i of the current file (0
// is the format description; -1 the last event, -2 the one before), so
// that readers return binlog.ErrChecksum for it. In a file without
// checksums it inverts the same bytes, the end of the event's body, which
// a reader may or may not notice.
// The index counts the events of the file as written, after DropTableMap.
func (b *Builder) FlipChecksum(i int) error {
	const op = "FlipChecksum"
	if err := b.check(op); err != nil {
		return err
	}
	f := b.cur()
	f.faults = append(f.faults, fault{op: op, event: i})
	return nil
}

// DropTableMap leaves out of the current file the table map events of
// table ("db.table" or "table"), so that its rows events have none:
// readers return binlog.ErrMissingTableMap. Table maps inside a MySQL
// compressed transaction payload are kept.
func (b *Builder) DropTableMap(table string) error {
	const op = "DropTableMap"
	if err := b.check(op); err != nil {
		return err
	}
	t, err := b.lookup(table)
	if err != nil {
		return b.fail(op, err)
	}
	f := b.cur()
	f.faults = append(f.faults, fault{op: op, table: t.db + "." + t.name})
	return nil
}

// dropped returns the indexes of the events DropTableMap leaves out.
func (f *file) dropped() map[int]bool {
	out := map[int]bool{}
	for _, ft := range f.faults {
		if ft.op != "DropTableMap" {
			continue
		}
		for i, ev := range f.events {
			if tm, ok := ev.Payload.(*binlog.TableMap); ok && tm.Schema+"."+tm.Table == ft.table {
				out[i] = true
			}
		}
	}
	return out
}

// apply applies the checksum flips and truncations to data, the encoded
// file whose events end at ends (offsets in data).
func (f *file) apply(data []byte, ends []int) ([]byte, error) {
	for _, ft := range f.faults {
		if ft.op != "FlipChecksum" {
			continue
		}
		i := ft.event
		if i < 0 {
			i += len(ends)
		}
		if i < 0 || i >= len(ends) {
			return nil, &Error{Op: ft.op, File: f.name, Event: ft.event,
				Err: fmt.Errorf("%w: event %d of %d", ErrFault, ft.event, len(ends))}
		}
		end := ends[i]
		data[end-1] ^= 0xff
		if len(data) >= 4 {
			data[end-4] ^= 0xff
		}
	}
	for _, ft := range f.faults {
		if ft.op != "Truncate" {
			continue
		}
		cut := ft.at
		if f.start != 4 {
			cut -= f.start // no magic: data starts at the start position
		}
		if cut < 0 || cut > int64(len(data)) {
			return nil, &Error{Op: ft.op, File: f.name,
				Err: fmt.Errorf("%w: truncate at %d of a %d-byte file", ErrFault, ft.at, len(data))}
		}
		data = data[:cut]
	}
	return data, nil
}
