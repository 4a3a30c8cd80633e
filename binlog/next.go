package binlog

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Magic is the 4-byte signature at the start of every binlog file.
var Magic = [4]byte{0xfe, 'b', 'i', 'n'}

// encryptedMagic starts a MySQL 8.0 encrypted binlog file.
var encryptedMagic = [4]byte{0xfd, 'b', 'i', 'n'}

const (
	minHeaderLen = 19 // v3/v4 common header
	// readChunk bounds how much is allocated before bytes actually arrive.
	readChunk = 1 << 20
)

// Next returns the next event. At the end of the input it returns io.EOF
// if the input ended at an event boundary, and an *EventError wrapping
// ErrTruncated if it ended inside an event. Any other failure is an
// *EventError wrapping one of the package's sentinel errors; errors are
// sticky.
func (r *Reader) Next() (*Event, error) {
	for r.err == nil {
		var ev *Event
		var err error
		if p := r.payload; p != nil {
			ev, err = r.dec.st.nextInPayload(p, true)
			if err != nil {
				r.payload = nil
				if err != io.EOF {
					r.err = r.fail(p.offset, TransactionPayloadEvent, err)
					return nil, r.err
				}
			}
		}
		if ev == nil {
			if ev, err = r.next(); err != nil {
				r.err = err
				return nil, err
			}
		}
		// The Schema's tracker (SchemaTracker) sees the event and may drop it.
		drop, err := r.dec.st.track(ev)
		if err != nil {
			r.err = err
		} else if !drop {
			return ev, nil
		}
	}
	return nil, r.err
}

func (r *Reader) fail(off int64, t EventType, err error) error {
	var ee *EventError
	if errors.As(err, &ee) {
		return err
	}
	return &EventError{File: r.opts.Name, Offset: off, Type: t, Err: err}
}

func (r *Reader) next() (*Event, error) {
	if !r.started {
		r.started = true
		if r.opts.NoMagic {
			r.off = 4
		} else {
			var m [4]byte
			n, err := io.ReadFull(r.r, m[:])
			r.off += int64(n)
			switch {
			case err == io.EOF || err == io.ErrUnexpectedEOF:
				return nil, r.fail(0, 0, fmt.Errorf("%w: file shorter than the 4-byte magic", ErrTruncated))
			case err != nil:
				return nil, r.fail(0, 0, err)
			case m == encryptedMagic:
				return nil, r.fail(0, 0, fmt.Errorf("%w: MySQL encrypted binlog file (magic fd 62 69 6e); decrypt it with the server's keyring first", ErrEncrypted))
			case m != Magic:
				return nil, r.fail(0, 0, fmt.Errorf("%w: % x", ErrBadMagic, m[:]))
			}
			if r.opts.StartOffset > r.off {
				if err := r.skipTo(r.opts.StartOffset); err != nil {
					return nil, err
				}
			}
		}
	}
	start := r.off
	hdr := r.hdr[:minHeaderLen]
	n, err := io.ReadFull(r.r, hdr)
	r.off += int64(n)
	if err == io.EOF {
		return nil, io.EOF
	}
	if err == io.ErrUnexpectedEOF {
		return nil, r.fail(start, 0, fmt.Errorf("%w: %d of %d header bytes", ErrTruncated, n, minHeaderLen))
	}
	if err != nil {
		return nil, r.fail(start, 0, err)
	}
	h := parseHeader(hdr[:])
	hlen := r.headerLen(h.Type)
	size := int64(h.EventSize)
	if size < int64(hlen) {
		return nil, r.fail(start, h.Type, fmt.Errorf("%w: header declares %d bytes, less than the %d-byte header", ErrEventTooLarge, size, hlen))
	}
	if size > r.opts.MaxEventSize {
		return nil, r.fail(start, h.Type, fmt.Errorf("%w: header declares %d bytes, over ReaderOptions.MaxEventSize (%d)", ErrEventTooLarge, size, r.opts.MaxEventSize))
	}
	m := getMem()
	raw, err := readRaw(r.r, hdr, size, m, keptRaw(h.Type))
	r.off = start + int64(len(raw))
	if err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, r.fail(start, h.Type, fmt.Errorf("%w: %d of %d bytes", ErrTruncated, len(raw), size))
		}
		return nil, r.fail(start, h.Type, err)
	}
	ev := &m.ev
	*ev = Event{Header: h, File: r.opts.Name, Offset: start, NextPos: start + size, Raw: raw, mem: m}
	r.dec.st.mem = m
	err = r.dec.st.decode(ev, hlen, !r.opts.IgnoreChecksums, true)
	r.dec.st.mem = nil
	if err != nil {
		return nil, r.fail(start, h.Type, err)
	}
	if tp, ok := ev.Payload.(*TransactionPayload); ok && !r.opts.KeepPayloads {
		p, err := r.dec.st.openPayload(ev, tp)
		if err != nil {
			return nil, r.fail(start, h.Type, err)
		}
		r.payload = p
	}
	if _, ok := ev.Payload.(*StartEncryption); ok {
		// Everything after this event is encrypted: report it at the
		// next read rather than returning garbage.
		r.err = r.fail(r.off, 0, fmt.Errorf("%w: MariaDB encrypted binlog (START_ENCRYPTION_EVENT at offset %d); the events after it need the server's key", ErrEncrypted, start))
	}
	return ev, nil
}

// skipTo reads the format description at the start of the file, then
// discards the bytes before offset (ReaderOptions.StartOffset).
func (r *Reader) skipTo(offset int64) error {
	ev, err := r.next()
	if err == io.EOF {
		return r.fail(r.off, 0, fmt.Errorf("%w: file ends before the start offset %d", ErrTruncated, offset))
	}
	if err != nil {
		return err
	}
	if _, ok := ev.Payload.(*FormatDescription); !ok {
		return r.fail(ev.Offset, ev.Type(), fmt.Errorf("%w: %v event where the format description should be", ErrNoFormatDescription, ev.Type()))
	}
	if offset < r.off {
		return r.fail(offset, 0, fmt.Errorf("%w: start offset %d is inside the format description (it ends at %d)", ErrCorrupt, offset, r.off))
	}
	n, err := io.CopyN(io.Discard, r.r, offset-r.off)
	r.off += n
	if err == io.EOF {
		return r.fail(r.off, 0, fmt.Errorf("%w: file ends at %d, before the start offset %d", ErrTruncated, r.off, offset))
	}
	if err != nil {
		return r.fail(r.off, 0, err)
	}
	return nil
}

// headerLen returns the common header length for an event of type t.
func (r *Reader) headerLen(t EventType) int { return r.dec.headerLen(t) }

// readRaw returns the whole event: hdr, already read, then the rest of its
// size bytes from src (readGrow). Events up to maxPooledBytes go into m's
// buffer, grown as needed, unless m is nil or kept is set.
func readRaw(src io.Reader, hdr []byte, size int64, m *eventMem, kept bool) ([]byte, error) {
	first := min(size, readChunk)
	var raw []byte
	switch {
	case kept || m == nil:
		raw = make([]byte, len(hdr), first)
	case size <= maxPooledBytes && int64(cap(m.raw)) >= size:
		raw = m.raw[:len(hdr)]
	case size <= maxPooledBytes:
		m.raw = make([]byte, len(hdr), first)
		raw = m.raw
	default:
		raw = make([]byte, len(hdr), first)
	}
	copy(raw, hdr)
	return readGrow(src, raw, size-int64(len(hdr)))
}

// readGrow appends n bytes read from src to buf. n comes from the input and
// is not trusted: buf grows only as the bytes arrive, doubling (by at least
// readChunk) each time it is full, and taking the full size in one step
// once an eighth of it has arrived. A size that lies thus costs at most
// about nine times the bytes really received (or readChunk), and a true
// size at most 1.5 times itself while the buffer grows. It returns buf with
// the bytes read so far, and io.EOF or io.ErrUnexpectedEOF when src ends
// first.
func readGrow(src io.Reader, buf []byte, n int64) ([]byte, error) {
	end := int64(len(buf)) + n
	for int64(len(buf)) < end {
		if len(buf) == cap(buf) {
			c := min(max(2*int64(len(buf)), int64(len(buf))+readChunk), end)
			if 8*int64(len(buf)) >= end {
				c = end
			}
			nb := make([]byte, len(buf), c)
			copy(nb, buf)
			buf = nb
		}
		k, err := io.ReadFull(src, buf[len(buf):min(int64(cap(buf)), end)])
		buf = buf[:len(buf)+k]
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// decode fills ev.Payload from ev.Raw. hlen is the common header length;
// checksum says whether to verify the CRC32 when the format has one; top is
// false for events inside a transaction payload (which carry no checksum).
func (st *decodeState) decode(ev *Event, hlen int, verify, top bool) error {
	raw := ev.Raw
	t := ev.Header.Type
	if t == FormatDescriptionEvent {
		fd, err := decodeFormatDescription(raw[hlen:])
		if err != nil {
			return err
		}
		if fd.ChecksumAlg == ChecksumCRC32 && verify {
			if err := checkCRC(raw); err != nil {
				return err
			}
		}
		st.fd = fd
		clear(st.tables)
		ev.Payload = fd
		return nil
	}
	if t == StartEventV3 && st.fd == nil {
		fd, err := decodeStartV3(raw[hlen:])
		if err != nil {
			return err
		}
		st.fd = fd
		ev.Payload = fd
		return nil
	}
	body := raw[hlen:]
	if st.fd == nil {
		switch t {
		case RotateEvent, HeartbeatEvent, HeartbeatEventV2:
			// A replication stream starts with a fake rotate, before any
			// format description; its checksum state is unknown.
		default:
			return fmt.Errorf("%w: %v event before it", ErrNoFormatDescription, t)
		}
	} else if top && st.fd.ChecksumAlg == ChecksumCRC32 {
		if len(body) < 4 {
			return corruptf("event too short for its checksum")
		}
		if verify {
			if err := checkCRC(raw); err != nil {
				return err
			}
		}
		body = body[:len(body)-4]
	}
	p, err := st.decodeBody(t, ev.Header.Flags, body)
	if len(st.bad) > 0 {
		if rows, ok := p.(*Rows); ok && err == nil {
			st.reportBad(ev, rows)
		}
		clear(st.bad)
		st.bad = st.bad[:0]
	}
	if err != nil {
		return err
	}
	if g, ok := p.(*GTID); ok && g.MariaDB {
		g.ServerID = ev.Header.ServerID // domain-SERVER-sequence: the header's server id
		if fixed := mariaGTIDFixedLen(g.Flags); len(body) > fixed {
			// A copy: the event's bytes may be pooled (Release).
			g.Extra = append([]byte(nil), body[fixed:]...)
		}
	}
	ev.Payload = p
	return nil
}

// mariaGTIDFixedLen returns the length of the fixed part of a MariaDB GTID
// event body with the given flags: sequence, domain, flags, then the commit
// id (FL_GROUP_COMMIT_ID) or 6 zero bytes.
func mariaGTIDFixedLen(flags uint8) int {
	if flags&2 != 0 {
		return 21
	}
	return 19
}

// postHeaderLen returns the post-header length the format description in
// force gives for t, or def when it gives none (or st is nil).
func (st *decodeState) postHeaderLen(t EventType, def int) int {
	if st == nil {
		return def
	}
	return postHeaderLen(st.fd, t, def)
}

func (st *decodeState) decodeBody(t EventType, flags uint16, body []byte) (Payload, error) {
	switch t {
	case QueryEvent:
		return st.decodeQuery(body, false)
	case MariaQueryCompressedEvent:
		return st.decodeQuery(body, true)
	case RotateEvent:
		return st.decodeRotate(body)
	case XIDEvent:
		if len(body) < 8 {
			return nil, corruptf("xid event of %d bytes", len(body))
		}
		return &XID{XID: binary.LittleEndian.Uint64(body)}, nil
	case TableMapEvent:
		tm, err := decodeTableMap(body, st)
		if err != nil {
			return nil, err
		}
		st.tables[tm.TableID] = tm
		return tm, nil
	case GTIDEvent, AnonymousGTIDEvent:
		return decodeMySQLGTID(body, t == AnonymousGTIDEvent)
	case GTIDTaggedEvent:
		return decodeTaggedGTID(body)
	case MariaGTIDEvent:
		return decodeMariaGTID(body)
	case PreviousGTIDsEvent:
		return decodePreviousGTIDs(body)
	case MariaGTIDListEvent:
		return decodeGTIDList(body)
	case RowsQueryEvent:
		if len(body) < 1 {
			return nil, corruptf("empty rows query event")
		}
		return &RowsQuery{Query: string(body[1:])}, nil
	case MariaAnnotateRowsEvent:
		return &RowsQuery{Query: string(body)}, nil
	case HeartbeatEvent:
		return &Heartbeat{LogFile: string(body)}, nil
	case HeartbeatEventV2:
		return decodeHeartbeatV2(body)
	case IntvarEvent:
		if len(body) < 9 {
			return nil, corruptf("intvar event of %d bytes", len(body))
		}
		return &IntVar{Type: body[0], Value: binary.LittleEndian.Uint64(body[1:])}, nil
	case RandEvent:
		if len(body) < 16 {
			return nil, corruptf("rand event of %d bytes", len(body))
		}
		return &Rand{Seed1: binary.LittleEndian.Uint64(body), Seed2: binary.LittleEndian.Uint64(body[8:])}, nil
	case UserVarEvent:
		return decodeUserVar(body)
	case XAPrepareEvent:
		return decodeXAPrepare(body)
	case MariaBinlogCheckpointEvent:
		if len(body) < 4 {
			return nil, corruptf("binlog checkpoint event of %d bytes", len(body))
		}
		n := binary.LittleEndian.Uint32(body)
		if int64(n) > int64(len(body)-4) {
			return nil, corruptf("binlog checkpoint name length %d over %d bytes", n, len(body)-4)
		}
		return &BinlogCheckpoint{File: string(body[4 : 4+n])}, nil
	case MariaStartEncryptionEvent:
		if len(body) < 5 {
			return nil, corruptf("start encryption event of %d bytes", len(body))
		}
		return &StartEncryption{Scheme: body[0], KeyVersion: binary.LittleEndian.Uint32(body[1:]), Nonce: body[5:]}, nil
	case IncidentEvent:
		if len(body) < 2 {
			return nil, corruptf("incident event of %d bytes", len(body))
		}
		inc := &Incident{Code: binary.LittleEndian.Uint16(body)}
		if len(body) > 2 {
			n := int(body[2])
			if n > len(body)-3 {
				return nil, corruptf("incident message length %d over %d bytes", n, len(body)-3)
			}
			inc.Message = string(body[3 : 3+n])
		}
		return inc, nil
	case StopEvent:
		return &Stop{}, nil
	case TransactionPayloadEvent:
		return decodeTransactionPayloadHeader(body)
	}
	if t.IsRows() {
		rows, err := decodeRows(t, body, st)
		if err != nil {
			return nil, err
		}
		if rows.EndOfStatement() {
			// Table ids are only valid up to the end of their statement
			// (mysqlbinlog forgets them there too); forgetting keeps the
			// map bounded on long streams. The Rows keep their pointer.
			clear(st.tables)
		}
		return rows, nil
	}
	return &Unknown{Body: body}, nil
}

func decodeFormatDescription(body []byte) (*FormatDescription, error) {
	// binlog_version(2) server_version(50) create_timestamp(4)
	// header_length(1) post_header_lens(n) [checksum_alg(1) crc(4)]
	if len(body) < 57 {
		return nil, corruptf("format description of %d bytes", len(body))
	}
	fd := &FormatDescription{
		BinlogVersion:   binary.LittleEndian.Uint16(body),
		ServerVersion:   string(bytes.TrimRight(body[2:52], "\x00")),
		CreateTimestamp: binary.LittleEndian.Uint32(body[52:]),
		HeaderLength:    body[56],
		ChecksumAlg:     ChecksumUndefined,
	}
	if fd.BinlogVersion != 4 {
		return nil, fmt.Errorf("%w: format description with binlog version %d", ErrUnsupported, fd.BinlogVersion)
	}
	if fd.HeaderLength < minHeaderLen {
		return nil, corruptf("format description header length %d < %d", fd.HeaderLength, minHeaderLen)
	}
	lens := body[57:]
	if versionHasChecksum(fd.ServerVersion) {
		if len(lens) < 5 {
			return nil, corruptf("format description too short for its checksum algorithm")
		}
		fd.ChecksumAlg = ChecksumAlg(lens[len(lens)-5])
		lens = lens[:len(lens)-5]
		if fd.ChecksumAlg != ChecksumOff && fd.ChecksumAlg != ChecksumCRC32 && fd.ChecksumAlg != ChecksumUndefined {
			return nil, fmt.Errorf("%w: checksum algorithm %d", ErrUnsupported, fd.ChecksumAlg)
		}
	}
	fd.PostHeaderLens = lens
	return fd, nil
}

// decodeStartV3 decodes a START_EVENT_V3 (binlog version 3, MySQL 4.x and
// 5.0) into an equivalent format description.
func decodeStartV3(body []byte) (*FormatDescription, error) {
	if len(body) < 56 {
		return nil, corruptf("start event v3 of %d bytes", len(body))
	}
	fd := &FormatDescription{
		BinlogVersion:   binary.LittleEndian.Uint16(body),
		ServerVersion:   string(bytes.TrimRight(body[2:52], "\x00")),
		CreateTimestamp: binary.LittleEndian.Uint32(body[52:]),
		HeaderLength:    minHeaderLen,
		ChecksumAlg:     ChecksumUndefined,
	}
	if fd.BinlogVersion != 3 {
		return nil, fmt.Errorf("%w: binlog version %d (MySQL 3.23)", ErrUnsupported, fd.BinlogVersion)
	}
	// Post-header lengths of binlog v3: Query 11, Rotate 8 (Load events
	// are not decoded).
	fd.PostHeaderLens = make([]byte, 27)
	fd.PostHeaderLens[QueryEvent-1] = 11
	fd.PostHeaderLens[RotateEvent-1] = 8
	fd.PostHeaderLens[StartEventV3-1] = 56
	return fd, nil
}

// versionHasChecksum reports whether a server of this version writes the
// checksum algorithm into its format description: MySQL 5.6.1 and later,
// MariaDB 5.3 and later.
func versionHasChecksum(v string) bool {
	var p [3]int
	i := 0
	for j := 0; j < len(v) && i < 3; {
		if v[j] < '0' || v[j] > '9' {
			break
		}
		n := 0
		for j < len(v) && v[j] >= '0' && v[j] <= '9' {
			n = n*10 + int(v[j]-'0')
			if n > 1<<20 {
				return false
			}
			j++
		}
		p[i] = n
		i++
		if j < len(v) && v[j] == '.' {
			j++
		} else {
			break
		}
	}
	if containsFold(v, "mariadb") {
		return p[0] > 5 || p[0] == 5 && p[1] >= 3
	}
	return p[0] > 5 || p[0] == 5 && (p[1] > 6 || p[1] == 6 && p[2] >= 1)
}

// mariaUncompress inflates a MariaDB compressed event part
// (log_event.cc binlog_buf_uncompress, for query text and row images): a
// header byte 0x80 | algorithm<<4 | n (algorithm 0 is zlib), n bytes of
// big-endian uncompressed length, then zlib data. what names the part in
// errors. The length the header declares is capped by limit and trusted
// for nothing else: the output grows as the data inflates (readGrow), and
// must come to that length exactly.
func mariaUncompress(src []byte, limit int64, what string) ([]byte, error) {
	if len(src) < 1 || src[0]&0x80 == 0 {
		return nil, corruptf("%s: bad header", what)
	}
	if alg := src[0] >> 4 & 7; alg != 0 {
		return nil, fmt.Errorf("%w: %s: compression algorithm %d", ErrUnsupported, what, alg)
	}
	n := int(src[0] & 7)
	if n < 1 || n > 4 || len(src) < 1+n {
		return nil, corruptf("%s: bad length width %d", what, n)
	}
	var ulen int64
	for _, b := range src[1 : 1+n] {
		ulen = ulen<<8 | int64(b)
	}
	if ulen > limit {
		return nil, fmt.Errorf("%w: %s: uncompressed length %d over ReaderOptions.MaxEventSize (%d)", ErrEventTooLarge, what, ulen, limit)
	}
	zr, err := zlib.NewReader(bytes.NewReader(src[1+n:]))
	if err != nil {
		return nil, corruptf("%s: zlib: %v", what, err)
	}
	out, err := readGrow(zr, make([]byte, 0, min(ulen, readChunk)), ulen)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return nil, corruptf("%s: inflated to %d bytes, header says %d", what, len(out), ulen)
	case err != nil:
		return nil, corruptf("%s: zlib: %v", what, err)
	}
	// The data must end here (and its checksum match).
	var one [1]byte
	k, err := io.ReadFull(zr, one[:])
	switch {
	case k > 0:
		return nil, corruptf("%s: inflates to more than the %d bytes the header says", what, ulen)
	case err != io.EOF:
		return nil, corruptf("%s: zlib: %v", what, err)
	}
	return out, nil
}

// keptRaw reports whether the raw bytes of an event of type t outlive the
// event: the decoder keeps format descriptions and table maps, and reads
// the events inside a transaction payload from its bytes after returning
// it (its caller may have released it by then). Such events are read into
// memory of their own, not the pool's (Release).
func keptRaw(t EventType) bool {
	switch t {
	case FormatDescriptionEvent, StartEventV3, TableMapEvent, TransactionPayloadEvent:
		return true
	}
	return false
}
