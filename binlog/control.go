package binlog

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"unsafe"

	"github.com/klauspost/compress/zstd"
)

// Decoders of the control events: everything but table maps and rows.

// Query status variable codes (log_event.h, MariaDB log_event.h).
const (
	qFlags2              = 0
	qSQLMode             = 1
	qCatalog             = 2
	qAutoIncrement       = 3
	qCharset             = 4
	qTimeZone            = 5
	qCatalogNZ           = 6
	qLCTimeNames         = 7
	qCharsetDatabase     = 8
	qTableMapForUpdate   = 9
	qMasterDataWritten   = 10
	qInvoker             = 11
	qUpdatedDBNames      = 12
	qMicroseconds        = 13
	qCommitTS            = 14
	qCommitTS2           = 15
	qExplicitDefaultsTS  = 16
	qDDLLoggedWithXID    = 17
	qDefaultCollationU8  = 18
	qSQLRequirePK        = 19
	qDefaultTableEncrypt = 20
	qMariaHRNow          = 128
	qMariaXID            = 129
	qMariaGTIDFlags3     = 130
	qMariaCharsetColls   = 131
)

func (st *decodeState) decodeQuery(body []byte, compressed bool) (*Query, error) {
	ph := st.postHeaderLen(QueryEvent, 13)
	if ph < 11 || len(body) < ph {
		return nil, corruptf("query event of %d bytes (post-header %d)", len(body), ph)
	}
	q := &Query{
		ThreadID:  binary.LittleEndian.Uint32(body),
		ExecTime:  binary.LittleEndian.Uint32(body[4:]),
		ErrorCode: binary.LittleEndian.Uint16(body[9:]),
	}
	dbLen := int(body[8])
	varsLen := 0
	if ph >= 13 {
		varsLen = int(binary.LittleEndian.Uint16(body[11:]))
	}
	rest := body[ph:]
	if varsLen+dbLen+1 > len(rest) {
		return nil, corruptf("query event status vars (%d) and db name (%d) over %d bytes", varsLen, dbLen, len(rest))
	}
	q.StatusVars = rest[:varsLen]
	parseStatusVars(q, q.StatusVars)
	q.Schema = string(rest[varsLen : varsLen+dbLen])
	text := rest[varsLen+dbLen+1:]
	if compressed {
		text, err := mariaUncompress(text, st.maxEventSize(), "compressed query")
		if err != nil {
			return nil, err
		}
		// text is a buffer of its own, which nothing else refers to or
		// changes: the string can use it rather than a copy.
		q.Query = unsafe.String(unsafe.SliceData(text), len(text))
		return q, nil
	}
	q.Query = string(text)
	return q, nil
}

// parseStatusVars extracts the variables Query exposes. Parsing stops at
// the first unknown code, since status variables carry no length.
func parseStatusVars(q *Query, v []byte) {
	for len(v) > 0 {
		code := v[0]
		v = v[1:]
		need := -1
		switch code {
		case qFlags2, qMasterDataWritten:
			need = 4
		case qSQLMode, qTableMapForUpdate, qDDLLoggedWithXID, qMariaXID:
			need = 8
			if code == qSQLMode && len(v) >= 8 {
				q.SQLMode = binary.LittleEndian.Uint64(v)
			}
		case qAutoIncrement:
			need = 4
			if len(v) >= 4 {
				q.AutoIncrementIncrement = binary.LittleEndian.Uint16(v)
				q.AutoIncrementOffset = binary.LittleEndian.Uint16(v[2:])
			}
		case qCharset:
			need = 6
			if len(v) >= 6 {
				q.Charset = &QueryCharset{
					Client:     binary.LittleEndian.Uint16(v),
					Connection: binary.LittleEndian.Uint16(v[2:]),
					Server:     binary.LittleEndian.Uint16(v[4:]),
				}
			}
		case qTimeZone, qCatalogNZ:
			if len(v) >= 1 {
				need = 1 + int(v[0])
				if code == qTimeZone && len(v) >= need {
					q.TimeZone = string(v[1:need])
				}
			}
		case qCatalog:
			if len(v) >= 1 {
				need = 1 + int(v[0]) + 1
			}
		case qLCTimeNames, qCharsetDatabase, qDefaultCollationU8:
			need = 2
		case qInvoker:
			if len(v) >= 1 {
				n := 1 + int(v[0])
				if len(v) > n {
					need = n + 1 + int(v[n])
				}
			}
		case qUpdatedDBNames:
			if len(v) >= 1 {
				count := int(v[0])
				need = 1
				if count != 254 { // OVER_MAX_DBS_IN_EVENT_MTS
					for i := 0; i < count && need < len(v); i++ {
						z := bytes.IndexByte(v[need:], 0)
						if z < 0 {
							need = -1
							break
						}
						need += z + 1
					}
				}
			}
		case qMicroseconds, qMariaHRNow:
			need = 3
		case qExplicitDefaultsTS, qSQLRequirePK, qDefaultTableEncrypt, qMariaGTIDFlags3:
			need = 1
		}
		if need < 0 || need > len(v) {
			return
		}
		v = v[need:]
	}
}

func (st *decodeState) decodeRotate(body []byte) (*Rotate, error) {
	ph := st.postHeaderLen(RotateEvent, 8)
	if st.fd == nil {
		ph = 8
	}
	if len(body) < ph {
		return nil, corruptf("rotate event of %d bytes", len(body))
	}
	r := &Rotate{NextFile: string(body[ph:])}
	if ph >= 8 {
		r.Position = binary.LittleEndian.Uint64(body)
	}
	return r, nil
}

func decodeMySQLGTID(body []byte, anonymous bool) (*GTID, error) {
	if len(body) < 25 {
		return nil, corruptf("gtid event of %d bytes", len(body))
	}
	g := &GTID{Anonymous: anonymous, CommitFlag: body[0]&1 != 0}
	copy(g.SID[:], body[1:17])
	g.GNO = int64(binary.LittleEndian.Uint64(body[17:]))
	rest := body[25:]
	if len(rest) >= 17 && rest[0] == 2 { // logical clock type code
		g.LastCommitted = int64(binary.LittleEndian.Uint64(rest[1:]))
		g.SequenceNumber = int64(binary.LittleEndian.Uint64(rest[9:]))
		rest = rest[17:]
		if len(rest) >= 7 {
			g.ImmediateCommitTime = uint56(rest)
			rest = rest[7:]
			if g.ImmediateCommitTime&(1<<55) != 0 {
				g.ImmediateCommitTime &^= 1 << 55
				if len(rest) < 7 {
					return nil, corruptf("gtid event: original commit timestamp cut")
				}
				g.OriginalCommitTime = uint56(rest)
				rest = rest[7:]
			} else {
				g.OriginalCommitTime = g.ImmediateCommitTime
			}
			if len(rest) > 0 {
				n, w := packedInt(rest)
				if w == 0 {
					return nil, corruptf("gtid event: bad transaction length")
				}
				g.TransactionLength = n
				rest = rest[w:]
			}
			if len(rest) >= 4 {
				v := binary.LittleEndian.Uint32(rest)
				rest = rest[4:]
				if v&(1<<31) != 0 {
					v &^= 1 << 31
					if len(rest) < 4 {
						return nil, corruptf("gtid event: original server version cut")
					}
					g.OriginalServerVersion = binary.LittleEndian.Uint32(rest)
				} else {
					g.OriginalServerVersion = v
				}
				g.ImmediateServerVersion = v
			}
		}
	}
	return g, nil
}

func uint56(b []byte) uint64 {
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48
}

// packedInt reads a length-encoded integer (net_field_length). It returns
// width 0 when b is too short or holds the NULL marker 251.
func packedInt(b []byte) (uint64, int) {
	if len(b) == 0 {
		return 0, 0
	}
	switch c := b[0]; {
	case c < 251:
		return uint64(c), 1
	case c == 252:
		if len(b) < 3 {
			return 0, 0
		}
		return uint64(binary.LittleEndian.Uint16(b[1:])), 3
	case c == 253:
		if len(b) < 4 {
			return 0, 0
		}
		return uint64(b[1]) | uint64(b[2])<<8 | uint64(b[3])<<16, 4
	case c == 254:
		if len(b) < 9 {
			return 0, 0
		}
		return binary.LittleEndian.Uint64(b[1:]), 9
	}
	return 0, 0
}

// varlenUint reads an unsigned integer of the MySQL serialization library
// (libs/mysql/serialization): the count of trailing one bits of the first
// byte is the count of bytes that follow it.
func varlenUint(b []byte) (uint64, int) {
	if len(b) == 0 {
		return 0, 0
	}
	n := bits.TrailingZeros8(^b[0]) + 1
	if n > len(b) {
		return 0, 0
	}
	if n == 9 {
		return binary.LittleEndian.Uint64(b[1:]), 9
	}
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v >> n, n
}

func varlenInt(b []byte) (int64, int) {
	u, n := varlenUint(b)
	if u&1 != 0 {
		return -int64(u>>1) - 1, n
	}
	return int64(u >> 1), n
}

// decodeTaggedGTID decodes MySQL 8.4's GTID_TAGGED_LOG_EVENT (serialization
// library format version 2: payload size, last non-ignorable field id, then
// field id/value pairs).
func decodeTaggedGTID(body []byte) (*GTID, error) {
	if len(body) < 1 {
		return nil, corruptf("empty tagged gtid event")
	}
	if body[0] != 2 {
		return nil, fmt.Errorf("%w: tagged gtid serialization version %d", ErrUnsupported, body[0])
	}
	p := body[1:]
	size, n := varlenUint(p)
	if n == 0 {
		return nil, corruptf("tagged gtid: bad payload size")
	}
	p = p[n:]
	lnif, n := varlenUint(p)
	if n == 0 {
		return nil, corruptf("tagged gtid: bad field id")
	}
	p = p[n:]
	used := uint64(len(body) - len(p))
	if size < used || size-used > uint64(len(p)) {
		return nil, corruptf("tagged gtid: payload size %d over %d bytes", size, len(body))
	}
	p = p[:size-used]
	g := &GTID{}
	sawOrigTS, sawOrigVer := false, false
	for len(p) > 0 {
		fid, n := varlenUint(p)
		if n == 0 {
			return nil, corruptf("tagged gtid: bad field id")
		}
		p = p[n:]
		var u uint64
		var i int64
		switch fid {
		case 0, 6, 7, 8, 9, 10, 11:
			u, n = varlenUint(p)
		case 2, 4, 5:
			i, n = varlenInt(p)
		case 1:
			for k := 0; k < 16; k++ {
				v, w := varlenUint(p)
				if w == 0 || v > 255 {
					return nil, corruptf("tagged gtid: bad uuid")
				}
				g.SID[k] = byte(v)
				p = p[w:]
			}
			continue
		case 3:
			l, w := varlenUint(p)
			if w == 0 || l > uint64(len(p)-w) {
				return nil, corruptf("tagged gtid: bad tag")
			}
			// A tag is a letter or underscore, then letters, digits and
			// underscores: anything else is refused here, so that no line
			// break, quote or comment terminator reaches the GTID text
			// that consumers copy into SQL and comments.
			tag := p[w : w+int(l)]
			if l > 0 && !validTag(string(tag)) {
				return nil, corruptf("tagged gtid: invalid tag %q", tag)
			}
			g.Tag = string(tag)
			p = p[w+int(l):]
			continue
		default:
			if fid <= lnif {
				return nil, fmt.Errorf("%w: tagged gtid field %d", ErrUnsupported, fid)
			}
			p = nil // ignorable and of unknown length: stop
			continue
		}
		if n == 0 {
			return nil, corruptf("tagged gtid: bad value of field %d", fid)
		}
		p = p[n:]
		switch fid {
		case 0:
			g.CommitFlag = u&1 != 0
		case 2:
			g.GNO = i
		case 4:
			g.LastCommitted = i
		case 5:
			g.SequenceNumber = i
		case 6:
			g.ImmediateCommitTime = u
		case 7:
			g.OriginalCommitTime, sawOrigTS = u, true
		case 8:
			g.TransactionLength = u
		case 9:
			g.ImmediateServerVersion = uint32(u)
		case 10:
			g.OriginalServerVersion, sawOrigVer = uint32(u), true
		}
	}
	if !sawOrigTS {
		g.OriginalCommitTime = g.ImmediateCommitTime
	}
	if !sawOrigVer {
		g.OriginalServerVersion = g.ImmediateServerVersion
	}
	return g, nil
}

func decodeMariaGTID(body []byte) (*GTID, error) {
	if len(body) < 13 {
		return nil, corruptf("mariadb gtid event of %d bytes", len(body))
	}
	g := &GTID{
		MariaDB:  true,
		Sequence: binary.LittleEndian.Uint64(body),
		Domain:   binary.LittleEndian.Uint32(body[8:]),
		Flags:    body[12],
	}
	if g.Flags&2 != 0 {
		if len(body) < 21 {
			return nil, corruptf("mariadb gtid event: commit id cut")
		}
		g.CommitID = binary.LittleEndian.Uint64(body[13:])
	}
	return g, nil
}

func decodePreviousGTIDs(body []byte) (*PreviousGTIDs, error) {
	if len(body) < 8 {
		return nil, corruptf("previous gtids event of %d bytes", len(body))
	}
	h := binary.LittleEndian.Uint64(body)
	tagged := h>>56 == 1
	n := h
	if tagged {
		n = (h >> 8) & (1<<48 - 1)
	}
	p := body[8:]
	if n > uint64(len(p))/24 {
		return nil, corruptf("previous gtids: %d sids in %d bytes", n, len(p))
	}
	pg := &PreviousGTIDs{Sets: make([]UUIDSet, 0, n)}
	for i := uint64(0); i < n; i++ {
		var s UUIDSet
		if len(p) < 16 {
			return nil, corruptf("previous gtids: sid cut")
		}
		copy(s.SID[:], p)
		p = p[16:]
		if tagged {
			l, w := varlenUint(p)
			if w == 0 || l > uint64(len(p)-w) {
				return nil, corruptf("previous gtids: bad tag")
			}
			if tag := p[w : w+int(l)]; l > 0 && !validTag(string(tag)) {
				return nil, corruptf("previous gtids: invalid tag %q", tag)
			}
			s.Tag = string(p[w : w+int(l)])
			p = p[w+int(l):]
		}
		if len(p) < 8 {
			return nil, corruptf("previous gtids: interval count cut")
		}
		k := binary.LittleEndian.Uint64(p)
		p = p[8:]
		if k > uint64(len(p))/16 {
			return nil, corruptf("previous gtids: %d intervals in %d bytes", k, len(p))
		}
		s.Intervals = make([]GTIDInterval, k)
		for j := range s.Intervals {
			s.Intervals[j] = GTIDInterval{int64(binary.LittleEndian.Uint64(p)), int64(binary.LittleEndian.Uint64(p[8:]))}
			p = p[16:]
		}
		pg.Sets = append(pg.Sets, s)
	}
	return pg, nil
}

func decodeGTIDList(body []byte) (*GTIDList, error) {
	if len(body) < 4 {
		return nil, corruptf("gtid list event of %d bytes", len(body))
	}
	v := binary.LittleEndian.Uint32(body)
	n := v & (1<<28 - 1)
	p := body[4:]
	if uint64(n) > uint64(len(p))/16 {
		return nil, corruptf("gtid list: %d gtids in %d bytes", n, len(p))
	}
	l := &GTIDList{Flags: uint8(v >> 28), GTIDs: make([]MariaGTID, n)}
	for i := range l.GTIDs {
		l.GTIDs[i] = MariaGTID{
			Domain:   binary.LittleEndian.Uint32(p),
			ServerID: binary.LittleEndian.Uint32(p[4:]),
			Sequence: binary.LittleEndian.Uint64(p[8:]),
		}
		p = p[16:]
	}
	return l, nil
}

func decodeHeartbeatV2(body []byte) (*Heartbeat, error) {
	// Serialization library format; the fields are informational.
	return &Heartbeat{}, nil
}

func decodeUserVar(body []byte) (*UserVar, error) {
	if len(body) < 4 {
		return nil, corruptf("user var event of %d bytes", len(body))
	}
	n := binary.LittleEndian.Uint32(body)
	p := body[4:]
	if uint64(n)+1 > uint64(len(p)) {
		return nil, corruptf("user var name length %d over %d bytes", n, len(p))
	}
	u := &UserVar{Name: string(p[:n]), IsNull: p[n] != 0}
	p = p[n+1:]
	if u.IsNull {
		return u, nil
	}
	if len(p) < 9 {
		return nil, corruptf("user var value header cut")
	}
	u.ValueType = p[0]
	u.Collation = binary.LittleEndian.Uint32(p[1:])
	vl := binary.LittleEndian.Uint32(p[5:])
	p = p[9:]
	if uint64(vl) > uint64(len(p)) {
		return nil, corruptf("user var value length %d over %d bytes", vl, len(p))
	}
	u.Value = p[:vl]
	if len(p) > int(vl) {
		u.Flags = p[vl]
	}
	return u, nil
}

func decodeXAPrepare(body []byte) (*XAPrepare, error) {
	if len(body) < 13 {
		return nil, corruptf("xa prepare event of %d bytes", len(body))
	}
	x := &XAPrepare{OnePhase: body[0] != 0, FormatID: int32(binary.LittleEndian.Uint32(body[1:]))}
	g := binary.LittleEndian.Uint32(body[5:])
	b := binary.LittleEndian.Uint32(body[9:])
	p := body[13:]
	if g > 64 || b > 64 || int(g+b) > len(p) {
		return nil, corruptf("xa prepare: gtrid %d + bqual %d over %d bytes", g, b, len(p))
	}
	x.GTRID, x.BQUAL = p[:g], p[g:g+b]
	return x, nil
}

// Transaction payload header field types.
const (
	payloadEndMark          = 0
	payloadSize             = 1
	payloadCompressionType  = 2
	payloadUncompressedSize = 3
)

// decodeTransactionPayloadHeader decodes the header fields of a
// TRANSACTION_PAYLOAD_EVENT and keeps the payload bytes for expansion.
func decodeTransactionPayloadHeader(body []byte) (*TransactionPayload, error) {
	tp := &TransactionPayload{}
	p := body
	for {
		ft, n := packedInt(p)
		if n == 0 {
			return nil, corruptf("transaction payload: bad header field")
		}
		p = p[n:]
		if ft == payloadEndMark {
			break
		}
		fl, n := packedInt(p)
		if n == 0 || fl > uint64(len(p)-n) {
			return nil, corruptf("transaction payload: bad header field length")
		}
		p = p[n:]
		v, _ := packedInt(p[:fl])
		switch ft {
		case payloadCompressionType:
			tp.Compression = uint8(v)
		case payloadUncompressedSize:
			tp.UncompressedSize = v
		}
		p = p[fl:]
	}
	tp.data = p
	return tp, nil
}

// maxZstdWindow is the largest zstd window a transaction payload may use:
// 128 MiB, that of the highest level MySQL allows
// (binlog_transaction_compression_level_zstd 22); level 3, the default,
// uses 2 MiB at most.
const maxZstdWindow = 1 << 27

// payloadReader reads the events inside a TRANSACTION_PAYLOAD event one at
// a time, decompressing as it goes: memory holds one inner event and the
// zstd window, never the whole uncompressed transaction. It keeps what it
// needs of the payload event, which the caller may Release meanwhile (the
// compressed bytes are not pooled: keptRaw).
type payloadReader struct {
	tp              *TransactionPayload
	offset, nextPos int64 // of the payload event
	file            string
	src             io.Reader // the uncompressed bytes
	read            uint64    // uncompressed bytes consumed
	count           int       // events returned
	zstd            bool
}

// openPayload starts reading the events inside the payload event ev.
func (st *decodeState) openPayload(ev *Event, tp *TransactionPayload) (*payloadReader, error) {
	p := &payloadReader{tp: tp, offset: ev.Offset, nextPos: ev.NextPos, file: ev.File}
	switch tp.Compression {
	case 0:
		if st.zstd == nil {
			// One goroutine, and a window of at most maxZstdWindow (and
			// MaxEventSize): a frame that declares more fails instead of
			// allocating it.
			dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
				zstd.WithDecoderMaxMemory(uint64(min(st.maxEventSize(), maxZstdWindow))))
			if err != nil {
				return nil, err
			}
			st.zstd = dec
		}
		// A bytes.Reader, not a bytes.Buffer: the decoder would decode a
		// Buffer whole (DecodeAll) instead of streaming it.
		if err := st.zstd.Reset(bytes.NewReader(tp.data)); err != nil {
			return nil, corruptf("transaction payload: zstd: %v", err)
		}
		p.src, p.zstd = st.zstd, true
	case 255:
		p.src = bytes.NewReader(tp.data)
	default:
		return nil, fmt.Errorf("%w: transaction payload compression %d", ErrUnsupported, tp.Compression)
	}
	return p, nil
}

// nextInPayload returns the next event inside the payload p, decoded, or
// io.EOF after the last one, when the payload has uncompressed to exactly
// the size its header declares (and its Count is set). Events carry the
// payload event's File, Offset and NextPos, and PayloadIndex 1, 2, ...
// With pooled set, they are read into pooled memory (Event.Release), as
// the events of the file. Any other error is to be reported at the payload
// event.
func (st *decodeState) nextInPayload(p *payloadReader, pooled bool) (*Event, error) {
	size := p.tp.UncompressedSize
	at := p.read
	if at >= size {
		// All the declared bytes are read: the data must end here.
		var one [1]byte
		n, err := io.ReadFull(p.src, one[:])
		if n > 0 {
			return nil, corruptf("transaction payload: uncompresses to more than the %d bytes its header declares", size)
		}
		if err != io.EOF {
			return nil, p.readError(err, st)
		}
		p.tp.Count = p.count
		p.close(st)
		return nil, io.EOF
	}
	if size-at < minHeaderLen {
		return nil, corruptf("transaction payload: %d bytes left at payload byte %d, too few for an event header", size-at, at)
	}
	var hdr [minHeaderLen]byte
	if _, err := io.ReadFull(p.src, hdr[:]); err != nil {
		return nil, p.readError(err, st)
	}
	h := parseHeader(hdr[:])
	esize := int64(h.EventSize)
	switch {
	case esize < minHeaderLen || uint64(esize) > size-at:
		return nil, corruptf("transaction payload: event %d (%v) of %d bytes at payload byte %d, in a payload of %d bytes", p.count+1, h.Type, esize, at, size)
	case esize > st.maxEventSize():
		return nil, fmt.Errorf("%w: transaction payload: event %d (%v) of %d bytes, over ReaderOptions.MaxEventSize (%d)", ErrEventTooLarge, p.count+1, h.Type, esize, st.maxEventSize())
	case h.Type == TransactionPayloadEvent || h.Type == FormatDescriptionEvent:
		return nil, corruptf("transaction payload: nested %v event", h.Type)
	}
	var m *eventMem
	if pooled {
		m = getMem()
	}
	raw, err := readRaw(p.src, hdr[:], esize, m, keptRaw(h.Type))
	if err != nil {
		return nil, p.readError(err, st)
	}
	p.read += uint64(esize)
	p.count++
	ev := &Event{}
	if m != nil {
		ev = &m.ev
	}
	*ev = Event{Header: h, File: p.file, Offset: p.offset, NextPos: p.nextPos, PayloadIndex: p.count, Raw: raw, mem: m}
	st.mem = m
	err = st.decode(ev, minHeaderLen, false, false)
	st.mem = nil
	if err != nil {
		return nil, fmt.Errorf("payload event %d (%v): %w", p.count, h.Type, err)
	}
	return ev, nil
}

// readError describes a failure to read the uncompressed bytes of p.
func (p *payloadReader) readError(err error, st *decodeState) error {
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return corruptf("transaction payload: uncompresses to fewer than the %d bytes its header declares", p.tp.UncompressedSize)
	case errors.Is(err, zstd.ErrWindowSizeExceeded) || errors.Is(err, zstd.ErrDecoderSizeExceeded):
		return fmt.Errorf("%w: transaction payload: zstd window over %d bytes (the least of ReaderOptions.MaxEventSize and 128 MiB): %v",
			ErrEventTooLarge, min(st.maxEventSize(), maxZstdWindow), err)
	}
	return corruptf("transaction payload: zstd: %v", err)
}

// close lets go of the payload's bytes.
func (p *payloadReader) close(st *decodeState) {
	if p.zstd && st.zstd != nil {
		st.zstd.Reset(nil)
	}
	p.src = nil
}
