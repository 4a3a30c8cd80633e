package binlog

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
)

// Encoders of the event bodies: the inverses of the decoders in next.go,
// control.go and tablemap.go. Each appends the body (post-header and data,
// no checksum) to dst.

// appendBody appends the body of an event of type t with payload p.
func (s *encodeState) appendBody(dst []byte, t EventType, p Payload) ([]byte, error) {
	mismatch := func() ([]byte, error) {
		return dst, encodeErrorf("a %T payload cannot be encoded as a %v event", p, t)
	}
	le := binary.LittleEndian
	switch p := p.(type) {
	case *Unknown:
		return append(dst, p.Body...), nil
	case *FormatDescription:
		switch t {
		case FormatDescriptionEvent:
			return appendFormatDescription(dst, p)
		case StartEventV3:
			if p.BinlogVersion != 3 || len(p.ServerVersion) > 50 {
				return dst, encodeErrorf("start event v3 of binlog version %d, server version %q", p.BinlogVersion, p.ServerVersion)
			}
			dst = le.AppendUint16(dst, p.BinlogVersion)
			dst = append(dst, p.ServerVersion...)
			dst = appendZeros(dst, 50-len(p.ServerVersion))
			return le.AppendUint32(dst, p.CreateTimestamp), nil
		}
		return mismatch()
	case *Query:
		if t != QueryEvent && t != MariaQueryCompressedEvent {
			return mismatch()
		}
		return s.appendQuery(dst, p, t == MariaQueryCompressedEvent)
	case *Rotate:
		if t != RotateEvent {
			return mismatch()
		}
		ph := 8
		if s.fd != nil {
			ph = postHeaderLen(s.fd, RotateEvent, 8)
		}
		if ph >= 8 {
			dst = le.AppendUint64(dst, p.Position)
			dst = appendZeros(dst, ph-8)
		} else if p.Position != 0 {
			return dst, encodeErrorf("rotate position %d in a format whose rotate post-header is %d bytes", p.Position, ph)
		} else {
			dst = appendZeros(dst, ph)
		}
		return append(dst, p.NextFile...), nil
	case *XID:
		if t != XIDEvent {
			return mismatch()
		}
		return le.AppendUint64(dst, p.XID), nil
	case *GTID:
		switch t {
		case GTIDEvent, AnonymousGTIDEvent:
			if p.MariaDB || p.Tag != "" {
				return mismatch()
			}
			return s.appendMySQLGTID(dst, p), nil
		case GTIDTaggedEvent:
			if p.MariaDB {
				return mismatch()
			}
			if p.Tag != "" && !validTag(p.Tag) {
				return dst, encodeErrorf("invalid GTID tag %q", p.Tag)
			}
			return appendTaggedGTID(dst, p), nil
		case MariaGTIDEvent:
			if !p.MariaDB {
				return mismatch()
			}
			dst = le.AppendUint64(dst, p.Sequence)
			dst = le.AppendUint32(dst, p.Domain)
			dst = append(dst, p.Flags)
			if p.Flags&2 != 0 {
				dst = le.AppendUint64(dst, p.CommitID)
			} else {
				dst = appendZeros(dst, 6)
			}
			return append(dst, p.Extra...), nil
		}
		return mismatch()
	case *PreviousGTIDs:
		if t != PreviousGTIDsEvent {
			return mismatch()
		}
		return appendPreviousGTIDs(dst, p)
	case *GTIDList:
		if t != MariaGTIDListEvent {
			return mismatch()
		}
		if len(p.GTIDs) >= 1<<28 || p.Flags >= 16 {
			return dst, encodeErrorf("gtid list of %d gtids with flags %d", len(p.GTIDs), p.Flags)
		}
		dst = le.AppendUint32(dst, uint32(len(p.GTIDs))|uint32(p.Flags)<<28)
		for _, g := range p.GTIDs {
			dst = le.AppendUint32(dst, g.Domain)
			dst = le.AppendUint32(dst, g.ServerID)
			dst = le.AppendUint64(dst, g.Sequence)
		}
		if len(p.GTIDs) == 0 {
			// MariaDB writes an empty list with two more zero bytes.
			dst = append(dst, 0, 0)
		}
		return dst, nil
	case *TableMap:
		if t != TableMapEvent {
			return mismatch()
		}
		return s.appendTableMap(dst, p)
	case *Rows:
		if !t.IsRows() {
			return mismatch()
		}
		return s.appendRows(dst, t, p)
	case *RowsQuery:
		switch t {
		case RowsQueryEvent:
			// A length byte that readers ignore: the text runs to the end.
			return append(append(dst, byte(len(p.Query))), p.Query...), nil
		case MariaAnnotateRowsEvent:
			return append(dst, p.Query...), nil
		}
		return mismatch()
	case *Heartbeat:
		if t == HeartbeatEventV2 {
			return dst, fmt.Errorf("%w: encoding a %v event", ErrUnsupported, t)
		}
		if t != HeartbeatEvent {
			return mismatch()
		}
		return append(dst, p.LogFile...), nil
	case *IntVar:
		if t != IntvarEvent {
			return mismatch()
		}
		return le.AppendUint64(append(dst, p.Type), p.Value), nil
	case *Rand:
		if t != RandEvent {
			return mismatch()
		}
		return le.AppendUint64(le.AppendUint64(dst, p.Seed1), p.Seed2), nil
	case *UserVar:
		if t != UserVarEvent {
			return mismatch()
		}
		dst = le.AppendUint32(dst, uint32(len(p.Name)))
		dst = append(dst, p.Name...)
		if p.IsNull {
			return append(dst, 1), nil
		}
		dst = append(dst, 0, p.ValueType)
		dst = le.AppendUint32(dst, p.Collation)
		dst = le.AppendUint32(dst, uint32(len(p.Value)))
		dst = append(dst, p.Value...)
		if p.Flags == 0 && !userVarFlags(s.fd) {
			return dst, nil
		}
		return append(dst, p.Flags), nil
	case *XAPrepare:
		if t != XAPrepareEvent {
			return mismatch()
		}
		if len(p.GTRID) > 64 || len(p.BQUAL) > 64 {
			return dst, encodeErrorf("xa prepare: gtrid of %d bytes, bqual of %d (64 at most)", len(p.GTRID), len(p.BQUAL))
		}
		b := byte(0)
		if p.OnePhase {
			b = 1
		}
		dst = le.AppendUint32(append(dst, b), uint32(p.FormatID))
		dst = le.AppendUint32(dst, uint32(len(p.GTRID)))
		dst = le.AppendUint32(dst, uint32(len(p.BQUAL)))
		return append(append(dst, p.GTRID...), p.BQUAL...), nil
	case *BinlogCheckpoint:
		if t != MariaBinlogCheckpointEvent {
			return mismatch()
		}
		return append(le.AppendUint32(dst, uint32(len(p.File))), p.File...), nil
	case *StartEncryption:
		if t != MariaStartEncryptionEvent {
			return mismatch()
		}
		return append(le.AppendUint32(append(dst, p.Scheme), p.KeyVersion), p.Nonce...), nil
	case *Incident:
		if t != IncidentEvent {
			return mismatch()
		}
		if len(p.Message) > 255 {
			return dst, encodeErrorf("incident message of %d bytes (255 at most)", len(p.Message))
		}
		dst = le.AppendUint16(dst, p.Code)
		return append(append(dst, byte(len(p.Message))), p.Message...), nil
	case *Stop:
		if t != StopEvent {
			return mismatch()
		}
		return dst, nil
	case *TransactionPayload:
		if t != TransactionPayloadEvent {
			return mismatch()
		}
		return appendTransactionPayload(dst, p), nil
	case nil:
		return dst, encodeErrorf("event without a payload")
	}
	return mismatch()
}

// userVarFlags reports whether a server of the format writes the flags
// byte of user variables even when it is 0: MySQL 5.5 and later, MariaDB
// (5.1.23 does not; where between is not known).
func userVarFlags(fd *FormatDescription) bool {
	if fd == nil {
		return true
	}
	v := serverVersion(fd.ServerVersion)
	return fd.MariaDB() || v >= 50500
}

// serverVersion returns the version of a server version string as
// major*10000 + minor*100 + patch (80032 for "8.0.32-debug").
func serverVersion(s string) int {
	var p [3]int
	i := 0
	for j := 0; j < len(s) && i < 3; {
		if s[j] < '0' || s[j] > '9' {
			break
		}
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			p[i] = min(p[i]*10+int(s[j]-'0'), 99)
			j++
		}
		i++
		if j < len(s) && s[j] == '.' {
			j++
		} else {
			break
		}
	}
	return p[0]*10000 + p[1]*100 + p[2]
}

func appendZeros(dst []byte, n int) []byte {
	for ; n > 0; n-- {
		dst = append(dst, 0)
	}
	return dst
}

func appendFormatDescription(dst []byte, fd *FormatDescription) ([]byte, error) {
	if fd.BinlogVersion != 4 {
		return dst, encodeErrorf("format description of binlog version %d (only 4 is written)", fd.BinlogVersion)
	}
	if len(fd.ServerVersion) > 50 {
		return dst, encodeErrorf("server version of %d bytes (50 at most)", len(fd.ServerVersion))
	}
	if fd.HeaderLength < minHeaderLen {
		return dst, encodeErrorf("format description header length %d < %d", fd.HeaderLength, minHeaderLen)
	}
	if fd.ChecksumAlg == ChecksumCRC32 && !versionHasChecksum(fd.ServerVersion) {
		return dst, encodeErrorf("CRC32 checksums announced by server version %q, which predates them", fd.ServerVersion)
	}
	dst = binary.LittleEndian.AppendUint16(dst, fd.BinlogVersion)
	dst = append(dst, fd.ServerVersion...)
	dst = appendZeros(dst, 50-len(fd.ServerVersion))
	dst = binary.LittleEndian.AppendUint32(dst, fd.CreateTimestamp)
	dst = append(dst, fd.HeaderLength)
	dst = append(dst, fd.PostHeaderLens...)
	if versionHasChecksum(fd.ServerVersion) {
		dst = append(dst, byte(fd.ChecksumAlg))
	}
	return dst, nil
}

// Query status variables written for a Query whose StatusVars is nil.
func appendQueryStatusVars(dst []byte, q *Query) []byte {
	le := binary.LittleEndian
	if q.SQLMode != 0 {
		dst = le.AppendUint64(append(dst, qSQLMode), q.SQLMode)
	}
	if q.AutoIncrementIncrement != 0 || q.AutoIncrementOffset != 0 {
		dst = le.AppendUint16(append(dst, qAutoIncrement), q.AutoIncrementIncrement)
		dst = le.AppendUint16(dst, q.AutoIncrementOffset)
	}
	if c := q.Charset; c != nil {
		dst = le.AppendUint16(append(dst, qCharset), c.Client)
		dst = le.AppendUint16(dst, c.Connection)
		dst = le.AppendUint16(dst, c.Server)
	}
	if q.TimeZone != "" && len(q.TimeZone) < 256 {
		dst = append(append(dst, qTimeZone, byte(len(q.TimeZone))), q.TimeZone...)
	}
	return dst
}

func (s *encodeState) appendQuery(dst []byte, q *Query, compressed bool) ([]byte, error) {
	ph := postHeaderLen(s.fd, QueryEvent, 13)
	if ph < 11 {
		return dst, encodeErrorf("query post-header of %d bytes", ph)
	}
	if len(q.Schema) > 255 {
		return dst, encodeErrorf("query schema name of %d bytes (255 at most)", len(q.Schema))
	}
	vars := q.StatusVars
	if vars == nil {
		vars = appendQueryStatusVars(nil, q)
	}
	if ph < 13 {
		vars = nil
	} else if len(vars) > 0xffff {
		return dst, encodeErrorf("query status variables of %d bytes", len(vars))
	}
	le := binary.LittleEndian
	dst = le.AppendUint32(dst, q.ThreadID)
	dst = le.AppendUint32(dst, q.ExecTime)
	dst = append(dst, byte(len(q.Schema)))
	dst = le.AppendUint16(dst, q.ErrorCode)
	if ph >= 13 {
		dst = le.AppendUint16(dst, uint16(len(vars)))
		dst = appendZeros(dst, ph-13)
	} else {
		dst = appendZeros(dst, ph-11)
	}
	dst = append(dst, vars...)
	dst = append(dst, q.Schema...)
	dst = append(dst, 0)
	if compressed {
		return mariaCompress(dst, []byte(q.Query))
	}
	return append(dst, q.Query...), nil
}

// mariaCompress appends src compressed as MariaDB's binlog_buf_compress
// does: a header byte 0x80 | n, n bytes of big-endian length, zlib data.
// The zlib stream is Go's, which need not be byte for byte the server's.
func mariaCompress(dst, src []byte) ([]byte, error) {
	n := uint64(len(src))
	lenlen := 1
	for n >= 1<<(8*lenlen) {
		lenlen++
	}
	if lenlen > 4 {
		return dst, encodeErrorf("compressed part of %d bytes", n)
	}
	dst = append(dst, 0x80|byte(lenlen))
	for i := lenlen - 1; i >= 0; i-- {
		dst = append(dst, byte(n>>(8*i)))
	}
	var b bytes.Buffer
	zw := zlib.NewWriter(&b)
	zw.Write(src)
	zw.Close()
	return append(dst, b.Bytes()...), nil
}

func (s *encodeState) appendMySQLGTID(dst []byte, g *GTID) []byte {
	le := binary.LittleEndian
	var f byte
	if g.CommitFlag {
		f = 1
	}
	dst = append(dst, f)
	dst = append(dst, g.SID[:]...)
	dst = le.AppendUint64(dst, uint64(g.GNO))
	if postHeaderLen(s.fd, GTIDEvent, 42) < 42 && g.LastCommitted == 0 && g.SequenceNumber == 0 {
		return dst // MySQL 5.6: no logical clock
	}
	dst = append(dst, 2)
	dst = le.AppendUint64(dst, uint64(g.LastCommitted))
	dst = le.AppendUint64(dst, uint64(g.SequenceNumber))
	if g.ImmediateCommitTime == 0 && g.OriginalCommitTime == 0 && g.TransactionLength == 0 &&
		g.ImmediateServerVersion == 0 && g.OriginalServerVersion == 0 {
		return dst // MySQL 5.7
	}
	if g.OriginalCommitTime != g.ImmediateCommitTime {
		dst = appendUint56(dst, g.ImmediateCommitTime|1<<55)
		dst = appendUint56(dst, g.OriginalCommitTime)
	} else {
		dst = appendUint56(dst, g.ImmediateCommitTime)
	}
	dst = appendPacked(dst, g.TransactionLength)
	if g.ImmediateServerVersion == 0 && g.OriginalServerVersion == 0 {
		return dst
	}
	if g.OriginalServerVersion != g.ImmediateServerVersion {
		dst = le.AppendUint32(dst, g.ImmediateServerVersion|1<<31)
		return le.AppendUint32(dst, g.OriginalServerVersion)
	}
	return le.AppendUint32(dst, g.ImmediateServerVersion)
}

func appendUint56(dst []byte, v uint64) []byte {
	return append(dst, byte(v), byte(v>>8), byte(v>>16), byte(v>>24), byte(v>>32), byte(v>>40), byte(v>>48))
}

// appendPacked appends a length-encoded integer (net_store_length).
func appendPacked(dst []byte, v uint64) []byte {
	switch {
	case v < 251:
		return append(dst, byte(v))
	case v < 1<<16:
		return append(dst, 0xfc, byte(v), byte(v>>8))
	case v < 1<<24:
		return append(dst, 0xfd, byte(v), byte(v>>8), byte(v>>16))
	}
	return binary.LittleEndian.AppendUint64(append(dst, 0xfe), v)
}

// appendVarlenUint appends v in the variable-length form of the MySQL
// serialization library (varlenUint reads it).
func appendVarlenUint(dst []byte, v uint64) []byte {
	n := 1
	for n < 9 && v >= 1<<(7*n) {
		n++
	}
	if n == 9 {
		return binary.LittleEndian.AppendUint64(append(dst, 0xff), v)
	}
	w := v<<n | (1<<(n-1) - 1)
	for i := 0; i < n; i++ {
		dst = append(dst, byte(w>>(8*i)))
	}
	return dst
}

func appendVarlenInt(dst []byte, v int64) []byte {
	u := uint64(v) << 1
	if v < 0 {
		u = uint64(-(v+1))<<1 | 1
	}
	return appendVarlenUint(dst, u)
}

// appendTaggedGTID appends a GTID_TAGGED_LOG_EVENT body (serialization
// format version 2; decodeTaggedGTID reads it).
func appendTaggedGTID(dst []byte, g *GTID) []byte {
	var f []byte
	var flags uint64
	if g.CommitFlag {
		flags = 1
	}
	f = appendVarlenUint(append(f, 0), flags)
	f = append(f, 1<<1) // field 1: the uuid, one varlen byte each
	for _, b := range g.SID {
		f = appendVarlenUint(f, uint64(b))
	}
	f = appendVarlenInt(appendVarlenUint(f, 2), g.GNO)
	f = appendVarlenUint(appendVarlenUint(f, 3), uint64(len(g.Tag)))
	f = append(f, g.Tag...)
	f = appendVarlenInt(appendVarlenUint(f, 4), g.LastCommitted)
	f = appendVarlenInt(appendVarlenUint(f, 5), g.SequenceNumber)
	f = appendVarlenUint(appendVarlenUint(f, 6), g.ImmediateCommitTime)
	if g.OriginalCommitTime != g.ImmediateCommitTime {
		f = appendVarlenUint(appendVarlenUint(f, 7), g.OriginalCommitTime)
	}
	f = appendVarlenUint(appendVarlenUint(f, 8), g.TransactionLength)
	f = appendVarlenUint(appendVarlenUint(f, 9), uint64(g.ImmediateServerVersion))
	if g.OriginalServerVersion != g.ImmediateServerVersion {
		f = appendVarlenUint(appendVarlenUint(f, 10), uint64(g.OriginalServerVersion))
	}
	const lastNonIgnorable = 0 // as MySQL 8.4 and 9 write it
	// The size counts the whole body, its own varlen bytes included.
	lnif := appendVarlenUint(nil, lastNonIgnorable)
	n := uint64(1)
	size := uint64(0)
	for {
		size = 1 + n + uint64(len(lnif)) + uint64(len(f))
		if varlenLen(size) == n {
			break
		}
		n = varlenLen(size)
	}
	dst = append(dst, 2)
	dst = appendVarlenUint(dst, size)
	dst = append(dst, lnif...)
	return append(dst, f...)
}

func varlenLen(v uint64) uint64 { return uint64(len(appendVarlenUint(nil, v))) }

func appendPreviousGTIDs(dst []byte, p *PreviousGTIDs) ([]byte, error) {
	le := binary.LittleEndian
	tagged := false
	for i := range p.Sets {
		if tag := p.Sets[i].Tag; tag != "" {
			if !validTag(tag) {
				return dst, encodeErrorf("invalid GTID tag %q", tag)
			}
			tagged = true
		}
	}
	n := uint64(len(p.Sets))
	if tagged {
		dst = le.AppendUint64(dst, 1<<56|n<<8|1)
	} else {
		dst = le.AppendUint64(dst, n)
	}
	for i := range p.Sets {
		s := &p.Sets[i]
		dst = append(dst, s.SID[:]...)
		if tagged {
			dst = appendVarlenUint(dst, uint64(len(s.Tag)))
			dst = append(dst, s.Tag...)
		}
		dst = le.AppendUint64(dst, uint64(len(s.Intervals)))
		for _, iv := range s.Intervals {
			dst = le.AppendUint64(dst, uint64(iv.Start))
			dst = le.AppendUint64(dst, uint64(iv.End))
		}
	}
	return dst, nil
}

// appendTransactionPayload appends the header fields and the (compressed)
// payload bytes of a TRANSACTION_PAYLOAD_EVENT as MySQL orders them.
func appendTransactionPayload(dst []byte, tp *TransactionPayload) []byte {
	field := func(dst []byte, typ, v uint64) []byte {
		dst = appendPacked(dst, typ)
		dst = appendPacked(dst, uint64(len(appendPacked(nil, v))))
		return appendPacked(dst, v)
	}
	dst = field(dst, payloadCompressionType, uint64(tp.Compression))
	if tp.Compression != 255 {
		dst = field(dst, payloadUncompressedSize, tp.UncompressedSize)
	}
	dst = field(dst, payloadSize, uint64(len(tp.data)))
	dst = appendPacked(dst, payloadEndMark)
	return append(dst, tp.data...)
}

// appendTableMap appends a TABLE_MAP_EVENT body (decodeTableMap reads it).
func (s *encodeState) appendTableMap(dst []byte, tm *TableMap) ([]byte, error) {
	phl := postHeaderLen(s.fd, TableMapEvent, 8)
	if len(tm.Schema) > 255 || len(tm.Table) > 255 {
		return dst, encodeErrorf("table map %s.%s: name over 255 bytes", tm.Schema, tm.Table)
	}
	if len(tm.Columns) > maxColumns {
		return dst, encodeErrorf("table map %s.%s: %d columns (%d at most)", tm.Schema, tm.Table, len(tm.Columns), maxColumns)
	}
	dst = appendTableID(dst, tm.TableID, phl)
	dst = binary.LittleEndian.AppendUint16(dst, tm.Flags)
	dst = appendZeros(dst, phl-8)
	dst = append(append(dst, byte(len(tm.Schema))), tm.Schema...)
	dst = append(dst, 0)
	dst = append(append(dst, byte(len(tm.Table))), tm.Table...)
	dst = append(dst, 0)
	dst = appendPacked(dst, uint64(len(tm.Columns)))
	for i := range tm.Columns {
		dst = append(dst, byte(tm.Columns[i].BinlogType))
	}
	if oldTableMap(s.fd, tm) {
		return dst, nil
	}
	var meta []byte
	for i := range tm.Columns {
		c := &tm.Columns[i]
		m := c.Meta
		switch c.BinlogType {
		case TypeString, TypeNewDecimal, TypeEnum, TypeSet:
			meta = append(meta, byte(m>>8), byte(m))
		case TypeVarString, TypeVarchar, TypeBit:
			meta = append(meta, byte(m), byte(m>>8))
		case TypeBlob, TypeDouble, TypeFloat, TypeGeometry, TypeJSON, TypeVector,
			TypeTime2, TypeDateTime2, TypeTimestamp2, TypeTinyBlob, TypeMediumBlob, TypeLongBlob:
			meta = append(meta, byte(m))
		case TypeDecimal, TypeTiny, TypeShort, TypeLong, TypeNull, TypeTimestamp, TypeLongLong,
			TypeInt24, TypeDate, TypeTime, TypeDateTime, TypeYear, TypeNewDate:
		default:
			return dst, encodeErrorf("table map %s.%s: column %d (%s) has unknown type %d", tm.Schema, tm.Table, i+1, c.Name, c.BinlogType)
		}
	}
	dst = appendPacked(dst, uint64(len(meta)))
	dst = append(dst, meta...)
	nulls := make([]byte, (len(tm.Columns)+7)/8)
	for i := range tm.Columns {
		if tm.Columns[i].Nullable {
			nulls[i/8] |= 1 << (i % 8)
		}
	}
	dst = append(dst, nulls...)
	return append(dst, tm.OptionalMetadata...), nil
}

// oldTableMap reports whether a table map is written in the format of
// MySQL 5.1 before 5.1.18, without metadata or null bitmap: for such a
// server, or for a table map decoded from that format (every column
// nullable, one of a type whose metadata is unknown).
func oldTableMap(fd *FormatDescription, tm *TableMap) bool {
	if tm.OptionalMetadata != nil {
		return false
	}
	unknown := false
	for i := range tm.Columns {
		c := &tm.Columns[i]
		if !c.Nullable || c.Meta != 0 {
			return false
		}
		switch c.BinlogType {
		case TypeString, TypeNewDecimal, TypeVarString, TypeVarchar, TypeBit, TypeEnum, TypeSet,
			TypeBlob, TypeDouble, TypeFloat, TypeGeometry, TypeJSON, TypeVector,
			TypeTime2, TypeDateTime2, TypeTimestamp2, TypeTinyBlob, TypeMediumBlob, TypeLongBlob,
			TypeDecimal, TypeTiny, TypeShort, TypeLong, TypeNull, TypeTimestamp, TypeLongLong,
			TypeInt24, TypeDate, TypeTime, TypeDateTime, TypeYear, TypeNewDate:
		default:
			unknown = true
		}
	}
	if fd != nil && !fd.MariaDB() {
		if v := serverVersion(fd.ServerVersion); v >= 50100 && v < 50118 {
			return true
		}
	}
	return unknown
}

// appendTableID appends a table id of 6 bytes, or 4 when the post-header
// is 6 bytes long (MySQL 5.1.0-5.1.15).
func appendTableID(dst []byte, id uint64, phl int) []byte {
	n := 6
	if phl == 6 {
		n = 4
	}
	for i := 0; i < n; i++ {
		dst = append(dst, byte(id>>(8*i)))
	}
	return dst
}
