package binlog

import (
	"fmt"
	"math"
)

// WriteRaw writes one event given as bytes, without encoding a payload: raw
// is a whole event without checksum, its common header in the format in
// force (AppendEvent under a format description without checksums makes
// such bytes; an Event.Raw read from a file with checksums needs its last
// 4 bytes cut). The Encoder copies raw, rewrites the header's event size
// and end position (LogPos) for the current offset, and appends the CRC32
// when the format in force has checksums. Format descriptions must be
// written with WriteEvent, which sets the format; table maps written here
// do not resolve Rows.Table for later WriteEvent calls.
func (e *Encoder) WriteRaw(raw []byte) error {
	if e.err != nil {
		return e.err
	}
	fail := func(t EventType, err error) error {
		return &EventError{Offset: e.off, Type: t, Err: err}
	}
	if len(raw) < minHeaderLen {
		return fail(0, corruptf("raw event of %d bytes", len(raw)))
	}
	t := EventType(raw[4])
	switch {
	case e.fd == nil:
		return fail(t, fmt.Errorf("%w: the first event written must be a format description", ErrNoFormatDescription))
	case t == FormatDescriptionEvent:
		return fail(t, encodeErrorf("write a format description with WriteEvent"))
	case len(raw) < headerLen(e.fd, t):
		return fail(t, corruptf("raw event of %d bytes", len(raw)))
	}
	crc := e.fd.ChecksumAlg == ChecksumCRC32
	size := int64(len(raw))
	if crc {
		size += 4
	}
	end := e.off + size
	if size > math.MaxUint32 || end > math.MaxUint32 {
		return fail(t, fmt.Errorf("%w: event of %d bytes at offset %d ends past 4 GiB", ErrEventTooLarge, size, e.off))
	}
	h := parseHeader(raw)
	h.EventSize, h.LogPos = uint32(size), uint32(end)
	start := len(e.buf)
	e.buf = append(e.buf, raw...)
	appendHeader(e.buf[start:start], h)
	if crc {
		e.buf = appendUint32LE(e.buf, eventCRC(e.buf[start:]))
	}
	e.off = end
	if len(e.buf) >= e.limit {
		return e.Flush()
	}
	return nil
}
