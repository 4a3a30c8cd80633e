package binlog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// Rows event body layout (after the common header):
//
//	post-header: table id (6 bytes; 4 when the post-header is 6 bytes long),
//	             flags (2), v2 only: extra-data length (2, counting itself)
//	             and the extra data
//	body:        column count (packed), columns-present bitmap, for updates a
//	             second bitmap for the after image, then rows until the end:
//	             per image a null bitmap over the present columns and the
//	             values of the present non-NULL columns.
//
// PARTIAL_UPDATE_ROWS after images start with value options (packed) and,
// when PARTIAL_JSON_UPDATES is set, a bitmap with one bit per JSON column of
// the table. MariaDB's compressed rows events zlib-compress everything
// after the bitmaps.

// rowsEventInfo returns what an event type does and its default post-header
// length.
func rowsEventInfo(t EventType) (kind RowsKind, phl int, compressed bool) {
	switch t {
	case PreGAWriteRowsEvent:
		return Insert, 6, false
	case PreGAUpdateRowsEvent:
		return Update, 6, false
	case PreGADeleteRowsEvent:
		return Delete, 6, false
	case WriteRowsEventV1:
		return Insert, 8, false
	case UpdateRowsEventV1:
		return Update, 8, false
	case DeleteRowsEventV1:
		return Delete, 8, false
	case WriteRowsEventV2:
		return Insert, 10, false
	case UpdateRowsEventV2, PartialUpdateRowsEvent:
		return Update, 10, false
	case DeleteRowsEventV2:
		return Delete, 10, false
	case MariaWriteRowsCompressedEventV1:
		return Insert, 8, true
	case MariaUpdateRowsCompressedEventV1:
		return Update, 8, true
	case MariaDeleteRowsCompressedEventV1:
		return Delete, 8, true
	case MariaWriteRowsCompressedEvent:
		return Insert, 10, true
	case MariaUpdateRowsCompressedEvent:
		return Update, 10, true
	case MariaDeleteRowsCompressedEvent:
		return Delete, 10, true
	}
	return 0, 0, false
}

// decodeRows decodes a rows event body against the table maps in st.
func decodeRows(t EventType, body []byte, st *decodeState) (*Rows, error) {
	kind, defPHL, compressed := rowsEventInfo(t)
	if kind == 0 {
		return nil, fmt.Errorf("%w: event type %d is not a rows event", ErrUnsupported, t)
	}
	h, err := readRowsHead(body, kind, st.postHeaderLen(t, defPHL))
	if err != nil {
		return nil, err
	}
	var m *eventMem
	if st != nil {
		m = st.mem
	}
	var r *Rows
	if m != nil {
		r = &m.rows
		*r = Rows{}
	} else {
		r = new(Rows)
	}
	r.Kind, r.Partial = kind, t == PartialUpdateRowsEvent
	r.TableID, r.Flags, r.ExtraData = h.tableID, h.flags, h.extra
	var tm *TableMap
	if st != nil {
		tm = st.tables[r.TableID]
	}
	if tm == nil {
		return nil, fmt.Errorf("%w: table id %d", ErrMissingTableMap, r.TableID)
	}
	r.Table = tm
	cols := tm.Columns
	if h.ncol > len(cols) {
		return nil, corruptf("rows: %d columns, table map %s.%s has %d", h.ncol, tm.Schema, tm.Table, len(cols))
	}
	nc, bm, bmAfter := h.ncol, h.bm, h.bmAfter
	if nc&7 != 0 {
		r.colPad = bm[len(bm)-1] &^ (1<<(nc&7) - 1)
	}
	r.padKnown = true
	var present []bool
	if m != nil {
		if cap(m.present) < len(cols)*2 {
			m.present = make([]bool, len(cols)*2)
		}
		present = m.present[:len(cols)*2]
		clear(present)
	} else {
		present = make([]bool, len(cols)*2)
	}
	r.Present = present[:len(cols):len(cols)]
	for i := 0; i < nc; i++ {
		r.Present[i] = bm[i>>3]&(1<<(i&7)) != 0
	}
	if kind == Update {
		r.PresentAfter = present[len(cols):]
		for i := 0; i < nc; i++ {
			r.PresentAfter[i] = bmAfter[i>>3]&(1<<(i&7)) != 0
		}
	}
	data := body[h.data:]
	if compressed {
		if data, err = uncompressRows(data, st); err != nil {
			return nil, err
		}
	}
	if st != nil && st.opts != nil && st.opts.SkipRowValues {
		return r, nil
	}
	d := rowsDecoder{cols: cols, ncol: nc, partial: r.Partial, mem: m, limit: st.maxEventSize()}
	if st != nil && st.opts != nil && st.opts.KeepUndecodable {
		d.bad = &st.bad
	}
	err = d.decode(r, data, bm, bmAfter)
	r.nullPad = d.nullPad
	if err != nil {
		if t >= PreGAWriteRowsEvent && t <= PreGADeleteRowsEvent {
			// MySQL 5.1 pre-GA row images are not always in this layout.
			return nil, fmt.Errorf("%w: pre-GA rows event: %v", ErrUnsupported, err)
		}
		return nil, err
	}
	return r, nil
}

// rowsHead is the part of a rows event body before its row images.
type rowsHead struct {
	tableID     uint64
	flags       uint16
	flagsAt     int    // offset of the flags in the body
	extra       []byte // v2 extra data, nil when absent
	ncol        int    // columns in the bitmaps
	bmAt        int    // offset of the columns bitmap in the body
	bm, bmAfter []byte // columns bitmaps; bmAfter for updates only
	data        int    // offset of the row images in the body
}

// readRowsHead reads the head of the body of a rows event of the kind
// given, whose post-header is phl bytes long: the one reading of that
// layout, shared by the decoder and SplitRowImages.
func readRowsHead(body []byte, kind RowsKind, phl int) (rowsHead, error) {
	var h rowsHead
	c := &rdCursor{b: body}
	if phl == 6 {
		h.tableID = c.uintN(4, "table id")
	} else {
		h.tableID = c.uintN(6, "table id")
	}
	h.flagsAt = c.pos
	h.flags = uint16(c.uintN(2, "flags"))
	if phl == 10 {
		n := int(c.uintN(2, "extra data length"))
		if c.err == nil && n < 2 {
			return h, corruptf("rows: extra data length %d", n)
		}
		if n > 2 {
			h.extra = c.bytes(n-2, "extra data")
		}
	} else if phl > c.pos {
		c.bytes(phl-c.pos, "post-header")
	}
	ncol := c.packed("column count")
	if c.err != nil {
		return h, c.err
	}
	if ncol > uint64(len(body)-c.pos)*8 {
		return h, corruptf("rows: %d columns: bitmap past end of event", ncol)
	}
	h.ncol = int(ncol)
	h.bmAt = c.pos
	h.bm = c.bytes((h.ncol+7)/8, "columns bitmap")
	if kind == Update {
		h.bmAfter = c.bytes((h.ncol+7)/8, "after-image columns bitmap")
	}
	h.data = c.pos
	return h, c.err
}

// uncompressRows undoes MariaDB's binlog_buf_compress (mariaUncompress).
func uncompressRows(b []byte, st *decodeState) ([]byte, error) {
	return mariaUncompress(b, st.maxEventSize(), "compressed rows")
}

// reportBad counts the values of the rows event ev kept undecodable
// (ReaderOptions.KeepUndecodable) and logs each with where it is.
func (st *decodeState) reportBad(ev *Event, rows *Rows) {
	st.undecodable += int64(len(st.bad))
	lg := st.opts.Logger
	if lg == nil {
		return
	}
	for _, b := range st.bad {
		image := "before"
		img := rows.Rows[b.row].Before
		if b.after {
			image, img = "after", rows.Rows[b.row].After
		}
		col := &rows.Table.Columns[b.column]
		lg.Warn("binlog: undecodable value kept",
			"file", ev.File, "offset", ev.Offset, "payload_index", ev.PayloadIndex, "event", ev.Type().String(),
			"table", rows.Table.Schema+"."+rows.Table.Table, "row", b.row+1, "image", image,
			"column", b.column+1, "column_name", col.Name, "column_type", int(col.Type),
			"bytes", len(img[b.column].b), "error", b.err)
	}
}

// rowsDecoder decodes the row images of one event.
type rowsDecoder struct {
	cols    []Column
	ncol    int // columns in the event's bitmaps (<= len(cols))
	partial bool
	njson   int       // JSON columns in the table (PARTIAL_UPDATE_ROWS)
	arena   []byte    // converted bytes (decimal text, JSON text, re-padded BINARY)
	mem     *eventMem // pooled memory to decode into, or nil
	limit   int64     // ReaderOptions.MaxEventSize: bounds the decoded rows
	// bad, when not nil, receives the values kept undecodable
	// (ReaderOptions.KeepUndecodable); row and after say where the image
	// being decoded is.
	bad   *[]badValue
	row   int
	after bool
	// nullPad is the unused bits of the last byte of the first null
	// bitmap (Rows.nullPad); seen says whether one was read.
	nullPad uint8
	seen    bool
}

// badValue is a row value kept undecodable (ReaderOptions.KeepUndecodable).
type badValue struct {
	row    int  // index in Rows.Rows
	after  bool // in the after image of an update
	column int  // index in the table's columns
	err    error
}

// undecodableError is returned by rowsDecoder.value for a value whose
// length is known but whose bytes do not decode: raw are the stored bytes,
// which ReaderOptions.KeepUndecodable keeps.
type undecodableError struct {
	raw []byte
	err error
}

func (e *undecodableError) Error() string { return e.err.Error() }
func (e *undecodableError) Unwrap() error { return e.err }

func (d *rowsDecoder) decode(r *Rows, data, bm, bmAfter []byte) error {
	ncols := len(d.cols)
	nimg := 1
	if r.Kind == Update {
		nimg = 2
	}
	if d.partial {
		for i := range d.cols {
			if d.cols[i].BinlogType == TypeJSON {
				d.njson++
			}
		}
	}
	stride := nimg * ncols
	if len(data) == 0 {
		return nil
	}
	// The decoded rows are bounded like the event's bytes: a row image
	// has one Value per column of the table, so a few bytes can stand for
	// a wide row (a minimal image, NULLs), and a hostile table map can
	// claim millions of columns.
	perRow := int64(stride)*valueSize + rowSize
	tooLarge := func(nrows int) error {
		return fmt.Errorf("%w: rows: %d rows of %d values (%d bytes each) and %d bytes of text, over ReaderOptions.MaxEventSize (%d)",
			ErrEventTooLarge, nrows, stride, valueSize, len(d.arena), d.limit)
	}
	if perRow > d.limit {
		return tooLarge(1)
	}
	m := d.mem
	for i := range d.cols {
		if d.cols[i].Type == TypeNewDecimal {
			// Decimal text is at most about twice its stored size.
			if m != nil && cap(m.arena) >= 2*len(data) {
				d.arena = m.arena[:0]
			} else {
				d.arena = make([]byte, 0, 2*len(data))
				if m != nil {
					m.arena = d.arena
				}
			}
			break
		}
	}
	// Row images go into chunks of Values: the first holds one row, the
	// next the estimated rest (from the first row's size), then more
	// chunks as needed. Nothing is copied and little is left unused. With
	// pooled memory the first chunk is the pool's, as large as it has
	// grown, and each row is cleared before use (absent columns are the
	// zero Value).
	var chunk []Value
	var rows []Row
	if m != nil {
		if cap(m.vals) < stride {
			m.vals = make([]Value, stride)
		}
		chunk = m.vals[:cap(m.vals)]
		rows = m.rowList[:0]
	} else {
		chunk = make([]Value, stride)
	}
	pos := 0
	for pos < len(data) {
		if len(chunk) < stride {
			per := pos / len(rows)
			n := (len(data)-pos)/max(per, 1) + 1
			if m != nil {
				// The pool's chunk, grown for the next events, with
				// some room for events of this size.
				n += n / 4
			}
			left := (d.limit - int64(len(rows))*perRow - int64(len(d.arena))) / perRow
			if left < 1 {
				return tooLarge(len(rows) + 1)
			}
			n = int(min(int64(n), left))
			chunk = make([]Value, n*stride)
			if m != nil {
				m.vals = chunk
			}
			if cap(rows)-len(rows) < n {
				rows = append(make([]Row, 0, len(rows)+n), rows...)
			}
		}
		row := chunk[:stride:stride]
		chunk = chunk[stride:]
		if m != nil {
			clear(row)
		}
		rowStart := pos
		var err error
		d.row, d.after = len(rows), r.Kind == Insert
		if r.Kind == Update {
			if pos, err = d.image(data, pos, bm, row[:ncols], false); err != nil {
				return err
			}
			d.after = true
			if pos, err = d.image(data, pos, bmAfter, row[ncols:], d.partial); err != nil {
				return err
			}
		} else if pos, err = d.image(data, pos, bm, row, false); err != nil {
			return err
		}
		if pos == rowStart {
			return corruptf("rows: empty row image at byte %d", pos)
		}
		var rw Row
		switch r.Kind {
		case Insert:
			rw.After = row
		case Delete:
			rw.Before = row
		default:
			rw.Before = row[:ncols:ncols]
			rw.After = row[ncols:]
		}
		rows = append(rows, rw)
		if int64(len(rows))*perRow+int64(len(d.arena)) > d.limit {
			return tooLarge(len(rows))
		}
	}
	if m != nil {
		m.rowList = rows
	}
	r.Rows = rows
	return nil
}

// imageHeader reads the start of a row image at data[pos:] whose columns
// bitmap is bm (ncol columns): for the after image of a partial update
// (after), the value options and the partial-update bitmap of its njson
// JSON columns; then the NULL bitmap of the present columns. It returns
// the partial-update bitmap (nil when absent), the NULL bitmap, the number
// of present columns and the position of the first value. The decoder and
// SplitRowImages share it.
func imageHeader(data []byte, pos int, bm []byte, ncol, njson int, after bool) (partialBits, nulls []byte, npresent, next int, err error) {
	if after {
		opts, n := rdPacked(data[pos:])
		if n == 0 {
			return nil, nil, 0, 0, corruptf("rows: bad value options at byte %d", pos)
		}
		pos += n
		if opts&1 != 0 {
			nb := (njson + 7) / 8
			if nb > len(data)-pos {
				return nil, nil, 0, 0, corruptf("rows: partial-update bitmap past end of event")
			}
			partialBits = data[pos : pos+nb]
			pos += nb
		}
	}
	for i, b := range bm {
		if i == len(bm)-1 && ncol&7 != 0 {
			b &= 1<<(ncol&7) - 1
		}
		npresent += bits.OnesCount8(b)
	}
	nullLen := (npresent + 7) / 8
	if nullLen > len(data)-pos {
		return nil, nil, 0, 0, corruptf("rows: null bitmap past end of event at byte %d", pos)
	}
	return partialBits, data[pos : pos+nullLen], npresent, pos + nullLen, nil
}

// image decodes one row image at data[pos:] into out (len(out) == number
// of table columns) and returns the position after it.
func (d *rowsDecoder) image(data []byte, pos int, bm []byte, out []Value, after bool) (int, error) {
	nc := d.ncol
	partialBits, nulls, npresent, pos, err := imageHeader(data, pos, bm, nc, d.njson, after)
	if err != nil {
		return 0, err
	}
	nullLen := len(nulls)
	if !d.seen {
		d.seen = true
		if npresent&7 != 0 {
			d.nullPad = nulls[nullLen-1] &^ (1<<(npresent&7) - 1)
		}
	}
	ni, ji := 0, 0
	for i := 0; i < nc; i++ {
		col := &d.cols[i]
		isPartial := false
		if partialBits != nil && col.BinlogType == TypeJSON {
			isPartial = partialBits[ji>>3]&(1<<(ji&7)) != 0
			ji++
		}
		if bm[i>>3]&(1<<(i&7)) == 0 {
			continue
		}
		if nulls[ni>>3]&(1<<(ni&7)) != 0 {
			ni++
			out[i] = Value{kind: KindNull}
			continue
		}
		ni++
		n, err := d.value(col, data[pos:], &out[i], isPartial)
		if err != nil {
			var ue *undecodableError
			if !errors.As(err, &ue) {
				return 0, fmt.Errorf("column %d (%s): %w", i+1, col.Name, err)
			}
			if d.bad == nil {
				return 0, fmt.Errorf("column %d (%s): %w", i+1, col.Name, ue.err)
			}
			out[i] = Value{kind: KindUndecodable, b: ue.raw}
			*d.bad = append(*d.bad, badValue{row: d.row, after: d.after, column: i, err: ue.err})
		}
		pos += n
	}
	return pos, nil
}

var errShort = corruptf("value past end of event")

// valueLen returns the stored length of the non-NULL value of col at the
// start of b: the one home of the value-length rules, used by the decoder
// (value) and by SplitRowImages. It returns errShort when b is shorter
// than the value, a corruption error for column metadata that gives no
// length, and ErrUnsupported for a column type it does not know.
func valueLen(col *Column, b []byte) (int, error) {
	meta := int(col.Meta)
	n := 0
	switch col.Type {
	case TypeTiny, TypeYear:
		n = 1
	case TypeShort:
		n = 2
	case TypeInt24, TypeDate, TypeNewDate, TypeTime:
		n = 3
	case TypeLong, TypeFloat, TypeTimestamp:
		n = 4
	case TypeLongLong, TypeDouble, TypeDateTime:
		n = 8
	case TypeNull:
		return 0, nil
	case TypeNewDecimal:
		prec, scale := meta>>8, meta&0xff
		if prec < 1 || prec > 65 || scale > prec {
			return 0, corruptf("decimal(%d,%d): bad precision or scale", prec, scale)
		}
		n = decimalSize(prec, scale)
	case TypeBit:
		nbits := (meta>>8)*8 + meta&0xff
		if n = (nbits + 7) / 8; n > 8 {
			return 0, corruptf("bit(%d) too wide", nbits)
		}
	case TypeTime2:
		if meta > 6 {
			return 0, corruptf("time(%d): bad precision", meta)
		}
		n = 3 + fspBytes(meta)
	case TypeDateTime2:
		if meta > 6 {
			return 0, corruptf("datetime(%d): bad precision", meta)
		}
		n = 5 + fspBytes(meta)
	case TypeTimestamp2:
		if meta > 6 {
			return 0, corruptf("timestamp(%d): bad precision", meta)
		}
		n = 4 + fspBytes(meta)
	case TypeVarchar, TypeVarString, TypeString:
		return prefixedLen(b, prefixLen(col))
	case TypeEnum:
		if n = meta & 0xff; n != 1 && n != 2 {
			return 0, corruptf("enum pack length %d", n)
		}
	case TypeSet:
		if n = meta & 0xff; n < 1 || n > 8 {
			return 0, corruptf("set pack length %d", n)
		}
	case TypeBlob, TypeTinyBlob, TypeMediumBlob, TypeLongBlob, TypeGeometry, TypeJSON, TypeVector:
		if meta < 1 || meta > 4 {
			return 0, corruptf("blob length-prefix size %d", meta)
		}
		return prefixedLen(b, meta)
	case TypeDecimal:
		return 0, fmt.Errorf("%w: old DECIMAL column type", ErrUnsupported)
	default:
		return 0, fmt.Errorf("%w: column type %d in rows", ErrUnsupported, col.Type)
	}
	if len(b) < n {
		return 0, errShort
	}
	return n, nil
}

// prefixedLen returns the stored length of a value made of a lp-byte
// little-endian length and that many bytes, at the start of b.
func prefixedLen(b []byte, lp int) (int, error) {
	if len(b) < lp {
		return 0, errShort
	}
	l := 0
	for i := lp - 1; i >= 0; i-- {
		l = l<<8 | int(b[i])
	}
	if l > len(b)-lp {
		return 0, errShort
	}
	return lp + l, nil
}

// value decodes one non-NULL value of col at the start of b into v and
// returns its stored length (valueLen).
func (d *rowsDecoder) value(col *Column, b []byte, v *Value, partial bool) (int, error) {
	n, err := valueLen(col, b)
	if err != nil {
		return 0, err
	}
	b = b[:n:n]
	meta := int(col.Meta)
	switch col.Type {
	case TypeTiny:
		if col.Unsigned {
			*v = Value{kind: KindUint, num: uint64(b[0])}
		} else {
			*v = Value{kind: KindInt, num: uint64(int64(int8(b[0])))}
		}
	case TypeShort:
		u := binary.LittleEndian.Uint16(b)
		if col.Unsigned {
			*v = Value{kind: KindUint, num: uint64(u)}
		} else {
			*v = Value{kind: KindInt, num: uint64(int64(int16(u)))}
		}
	case TypeInt24:
		u := uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16
		if col.Unsigned {
			*v = Value{kind: KindUint, num: uint64(u)}
		} else {
			*v = Value{kind: KindInt, num: uint64(int64(int32(u<<8) >> 8))}
		}
	case TypeLong:
		u := binary.LittleEndian.Uint32(b)
		if col.Unsigned {
			*v = Value{kind: KindUint, num: uint64(u)}
		} else {
			*v = Value{kind: KindInt, num: uint64(int64(int32(u)))}
		}
	case TypeLongLong:
		k := KindInt
		if col.Unsigned {
			k = KindUint
		}
		*v = Value{kind: k, num: binary.LittleEndian.Uint64(b)}
	case TypeFloat:
		*v = Value{kind: KindFloat, num: uint64(binary.LittleEndian.Uint32(b))}
	case TypeDouble:
		*v = Value{kind: KindDouble, num: binary.LittleEndian.Uint64(b)}
	case TypeYear:
		y := uint64(b[0])
		if y != 0 {
			y += 1900
		}
		*v = Value{kind: KindYear, num: y}
	case TypeNull:
		*v = Value{kind: KindNull}
	case TypeNewDecimal:
		prec, scale := meta>>8, meta&0xff
		start := len(d.arena)
		if d.arena, err = appendDecimal(d.arena, b, prec, scale); err != nil {
			return n, &undecodableError{raw: b, err: err}
		}
		*v = Value{kind: KindDecimal, b: d.arena[start:len(d.arena):len(d.arena)]}
	case TypeBit:
		*v = Value{kind: KindBit, num: beUint(b), prec: uint8((meta>>8)*8 + meta&0xff)}
	case TypeDate, TypeNewDate:
		*v = Value{kind: KindDate, num: decodeDate(b)}
	case TypeTime:
		*v = Value{kind: KindTime, num: decodeTime(b)}
	case TypeDateTime:
		num, err := decodeDateTime(binary.LittleEndian.Uint64(b))
		if err != nil {
			return n, &undecodableError{raw: b, err: err}
		}
		*v = Value{kind: KindDateTime, num: num}
	case TypeTimestamp:
		*v = Value{kind: KindTimestamp, num: uint64(binary.LittleEndian.Uint32(b)) << 20}
	case TypeTime2:
		*v = Value{kind: KindTime, num: decodeTime2(b, meta), prec: uint8(meta)}
	case TypeDateTime2:
		num, err := decodeDateTime2(b, meta)
		if err != nil {
			return n, &undecodableError{raw: b, err: err}
		}
		*v = Value{kind: KindDateTime, num: num, prec: uint8(meta)}
	case TypeTimestamp2:
		num, err := decodeTimestamp2(b, meta)
		if err != nil {
			return n, &undecodableError{raw: b, err: err}
		}
		*v = Value{kind: KindTimestamp, num: num, prec: uint8(meta)}
	case TypeVarchar, TypeVarString:
		d.setStr(col, b[prefixLen(col):], v)
	case TypeString:
		_, maxLen := stringMeta(col.Meta)
		d.str(col, b[prefixLen(col):], maxLen, v)
	case TypeEnum:
		*v = Value{kind: KindEnum, num: uint64(b[0]), names: &col.EnumValues}
		if n == 2 {
			v.num |= uint64(b[1]) << 8
		}
	case TypeSet:
		var mask uint64
		for i := n - 1; i >= 0; i-- {
			mask = mask<<8 | uint64(b[i])
		}
		*v = Value{kind: KindSet, num: mask, names: &col.SetValues}
	default: // blobs, geometry, JSON, vector: valueLen knows no other type
		p := b[meta:]
		switch col.Type {
		case TypeGeometry:
			*v = Value{kind: KindGeometry, b: p}
		case TypeVector:
			*v = Value{kind: KindVector, b: p}
		case TypeJSON:
			if partial {
				diffs, err := decodeJSONDiffs(p)
				if err != nil {
					return n, &undecodableError{raw: p, err: err}
				}
				*v = Value{kind: KindJSONDiff, diffs: &diffs}
				break
			}
			start := len(d.arena)
			if len(p) == 0 {
				d.arena = append(d.arena, "null"...)
			} else {
				if d.arena, err = appendJSON(d.arena, p); err != nil {
					d.arena = d.arena[:start]
					return n, &undecodableError{raw: p, err: err}
				}
			}
			*v = Value{kind: KindJSON, b: d.arena[start:len(d.arena):len(d.arena)]}
		default:
			d.setStr(col, p, v)
		}
	}
	return n, nil
}

// prefixLen returns the size of the length prefix of a CHAR or VARCHAR
// value of col: 2 bytes when the column holds more than 255 bytes.
func prefixLen(col *Column) int {
	maxLen := int(col.Meta)
	if col.Type == TypeString {
		_, maxLen = stringMeta(col.Meta)
	}
	if maxLen > 255 {
		return 2
	}
	return 1
}

// str sets v to the CHAR value p (without its length prefix), re-padding
// BINARY(padTo) values with zero bytes.
func (d *rowsDecoder) str(col *Column, p []byte, padTo int, v *Value) {
	if l := len(p); padTo > l && col.Collation == 63 {
		start := len(d.arena)
		d.arena = append(d.arena, p...)
		for i := l; i < padTo; i++ {
			d.arena = append(d.arena, 0)
		}
		*v = Value{kind: KindBytes, b: d.arena[start:len(d.arena):len(d.arena)]}
		return
	}
	d.setStr(col, p, v)
}

func (d *rowsDecoder) setStr(col *Column, p []byte, v *Value) {
	switch charsetIndex(col.Collation) {
	case csBinary, csUnknown:
		*v = Value{kind: KindBytes, b: p}
	default:
		*v = Value{kind: KindString, b: p, coll: col.Collation}
	}
}
