package binlog

import (
	"fmt"
)

// RowImages says where the parts of a rows event are in its bytes, for
// tools that move rows without decoding their values (flashback reverses
// them, and swaps an update's images). SplitRowImages fills it; the layout
// it describes is drawn at the top of rowsdecode.go.
type RowImages struct {
	// Head is the event's body (after the common header) up to its first
	// row image: the post-header (table id, flags, v2 extra data), the
	// column count and the columns bitmap, two for an update (before
	// image, then after image).
	Head []byte
	// FlagsAt is the offset in Head of the 2-byte little-endian flags
	// (Rows.Flags).
	FlagsAt int
	// BitmapAt is the offset in Head of the columns bitmap and BitmapLen
	// its length; an update's after-image bitmap follows it.
	BitmapAt, BitmapLen int
	// Data holds the row images, one after the other, uncompressed.
	Data []byte
	// Ends holds the end offset in Data of each image, in order: one image
	// per row for inserts and deletes, two for updates (before, after).
	Ends []int
	// Compressed reports a MariaDB compressed rows event: in the event,
	// Head is followed by Data compressed, not by Data.
	Compressed bool
}

// Rows returns the number of rows: the number of images, halved for an
// update (kind).
func (ri *RowImages) Rows(kind RowsKind) int {
	if kind == Update {
		return len(ri.Ends) / 2
	}
	return len(ri.Ends)
}

// Image returns image i of Data.
func (ri *RowImages) Image(i int) []byte {
	start := 0
	if i > 0 {
		start = ri.Ends[i-1]
	}
	return ri.Data[start:ri.Ends[i]]
}

// SplitRowImages fills ri with the layout of the rows event ev, read
// (with or without ReaderOptions.SkipRowValues) under the format
// description fd: ev.Raw gives the bytes, ev.Payload (a *Rows) the table
// map whose column types give the lengths of the values. Nothing is
// decoded but lengths; Head and, unless the event is compressed, Data
// alias ev.Raw. ri's slices are reused. A rows event whose bytes do not
// hold what its table map says gives an *EventError wrapping ErrCorrupt
// (or ErrUnsupported for a column type without a known length), never a
// panic.
func SplitRowImages(ri *RowImages, ev *Event, fd *FormatDescription) error {
	ends := ri.Ends[:0]
	*ri = RowImages{}
	t := ev.Header.Type
	fail := func(err error) error {
		ri.Ends = ends[:0]
		return &EventError{File: ev.File, Offset: ev.Offset, Type: t, Err: err}
	}
	kind, defPHL, compressed := rowsEventInfo(t)
	r, ok := ev.Payload.(*Rows)
	switch {
	case kind == 0 || !ok:
		return fail(fmt.Errorf("%w: a %v event with a %T payload is not a rows event", ErrUnsupported, t, ev.Payload))
	case r.Table == nil:
		return fail(fmt.Errorf("%w: table id %d", ErrMissingTableMap, r.TableID))
	}
	hlen := headerLen(fd, t)
	body := ev.Raw
	if ev.PayloadIndex == 0 && fd != nil && fd.ChecksumAlg == ChecksumCRC32 {
		if len(body) < hlen+4 {
			return fail(corruptf("rows: event of %d bytes", len(body)))
		}
		body = body[:len(body)-4]
	}
	if len(body) < hlen {
		return fail(corruptf("rows: event of %d bytes", len(body)))
	}
	body = body[hlen:]
	h, err := readRowsHead(body, kind, postHeaderLen(fd, t, defPHL))
	if err != nil {
		return fail(err)
	}
	cols := r.Table.Columns
	if h.ncol > len(cols) {
		return fail(corruptf("rows: %d columns, table map %s.%s has %d", h.ncol, r.Table.Schema, r.Table.Table, len(cols)))
	}
	data := body[h.data:]
	if compressed {
		if data, err = mariaUncompress(data, DefaultMaxEventSize, "compressed rows"); err != nil {
			return fail(err)
		}
	}
	s := imageSplitter{cols: cols[:h.ncol], partial: t == PartialUpdateRowsEvent}
	if s.partial {
		for i := range s.cols {
			if s.cols[i].BinlogType == TypeJSON {
				s.njson++
			}
		}
	}
	for pos := 0; pos < len(data); {
		start := pos
		if pos, err = s.imageEnd(data, pos, h.bm, false); err != nil {
			return fail(err)
		}
		ends = append(ends, pos)
		if kind == Update {
			if pos, err = s.imageEnd(data, pos, h.bmAfter, s.partial); err != nil {
				return fail(err)
			}
			ends = append(ends, pos)
		}
		if pos == start {
			return fail(corruptf("rows: empty row image at byte %d", pos))
		}
	}
	*ri = RowImages{
		Head:       body[:h.data:h.data],
		FlagsAt:    h.flagsAt,
		BitmapAt:   h.bmAt,
		BitmapLen:  len(h.bm),
		Data:       data,
		Ends:       ends,
		Compressed: compressed,
	}
	return nil
}

// imageSplitter finds the ends of the row images of one event.
type imageSplitter struct {
	cols    []Column // the columns in the event's bitmaps
	partial bool     // PARTIAL_UPDATE_ROWS
	njson   int      // JSON columns, for the partial-update bitmap
}

// imageEnd returns the end of the row image at data[pos:] whose columns
// bitmap is bm; after is true for the after image of a partial update,
// which starts with value options. The layout is rowsDecoder.image's;
// value lengths are valueLen's.
func (s *imageSplitter) imageEnd(data []byte, pos int, bm []byte, after bool) (int, error) {
	_, nulls, _, pos, err := imageHeader(data, pos, bm, len(s.cols), s.njson, after)
	if err != nil {
		return 0, err
	}
	ni := 0
	for i := range s.cols {
		if bm[i>>3]&(1<<(i&7)) == 0 {
			continue
		}
		null := nulls[ni>>3]&(1<<(ni&7)) != 0
		ni++
		if null {
			continue
		}
		n, err := valueLen(&s.cols[i], data[pos:])
		if err != nil {
			return 0, fmt.Errorf("column %d (%s): %w", i+1, s.cols[i].Name, err)
		}
		pos += n
	}
	return pos, nil
}
