// Package testbinlog builds small binlog files byte by byte, for tests that
// feed the readers and tools crafted input no server would write: hostile
// GTID tags, statement text with line breaks and comment terminators,
// sizes that lie, compression bombs. It is a test aid only: the events it
// writes are the minimum the decoders need, checked by its own test
// against package binlog. It does not import binlog, so that binlog's own
// tests can use it.
//
// Well-formed files (tables of any column type, transactions, GTIDs,
// compressed payloads, rotations) are written by the public package
// binlog/binlogtest, on top of the binlog Encoder; tests outside package
// binlog should use it. This package stays, deliberately, for two things
// binlogtest cannot do: input a correct encoder refuses to write or a
// server never logs (sizes and lengths that lie, invalid tags, bombs,
// events out of their usual order), and the internal tests of package
// binlog itself, which cannot import binlogtest (it imports binlog).
package testbinlog

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"io"

	"github.com/klauspost/compress/zstd"
)

// Event type codes used here (log_event.h).
const (
	QueryEvent              = 2
	StopEvent               = 3
	RotateEvent             = 4
	FormatDescriptionEvent  = 15
	XIDEvent                = 16
	TableMapEvent           = 19
	WriteRowsEventV2        = 30
	GTIDEvent               = 33
	TransactionPayloadEvent = 40
	GTIDTaggedEvent         = 42
	MariaGTIDEvent          = 162
	// MariaQueryCompressedEvent is a Query whose statement text is
	// zlib-compressed (MariaCompressed).
	MariaQueryCompressedEvent = 165
)

// Flavor is the server a Builder imitates.
type Flavor int

const (
	MariaDB Flavor = iota // MariaDB 10.11
	MySQL                 // MySQL 8.4
)

// Builder appends events to a binlog file in memory. Every event has a
// 19-byte header and a CRC32, and its log position is its end offset.
type Builder struct {
	flavor   Flavor
	buf      []byte
	ServerID uint32
	Time     uint32 // header timestamp of the next events
}

// New starts a file with the magic and a format description.
func New(flavor Flavor) *Builder {
	b := &Builder{flavor: flavor, buf: []byte{0xfe, 'b', 'i', 'n'}, ServerID: 1, Time: 1700000000}
	body := binary.LittleEndian.AppendUint16(nil, 4)
	ver := make([]byte, 50)
	if flavor == MySQL {
		copy(ver, "8.4.0")
	} else {
		copy(ver, "10.11.6-MariaDB-log")
	}
	body = append(body, ver...)
	body = binary.LittleEndian.AppendUint32(body, 0) // create timestamp
	body = append(body, 19)
	lens := make([]byte, 168) // post-header lengths by type - 1
	lens[QueryEvent-1] = 13
	lens[RotateEvent-1] = 8
	lens[TableMapEvent-1] = 8
	lens[WriteRowsEventV2-1] = 10
	lens[GTIDEvent-1] = 42
	lens[TransactionPayloadEvent-1] = 40
	lens[MariaGTIDEvent-1] = 19
	lens[MariaQueryCompressedEvent-1] = 13
	if flavor == MySQL {
		lens = lens[:GTIDTaggedEvent]
	}
	body = append(body, lens...)
	body = append(body, 1) // checksum: CRC32
	return b.Event(FormatDescriptionEvent, body)
}

// Bytes returns the file so far.
func (b *Builder) Bytes() []byte { return b.buf }

// Len returns the size of the file so far: the offset of the next event.
func (b *Builder) Len() int { return len(b.buf) }

// Event appends an event of type t with body, its header and CRC32.
func (b *Builder) Event(t byte, body []byte) *Builder {
	b.buf = AppendEvent(b.buf, t, b.ServerID, b.Time, body)
	return b
}

// AppendEvent appends to dst an event of type t with body as it would be
// at offset len(dst) of a file: header (log position = end), body, CRC32.
func AppendEvent(dst []byte, t byte, serverID, ts uint32, body []byte) []byte {
	start := len(dst)
	size := 19 + len(body) + 4
	dst = binary.LittleEndian.AppendUint32(dst, ts)
	dst = append(dst, t)
	dst = binary.LittleEndian.AppendUint32(dst, serverID)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(size))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(start+size))
	dst = binary.LittleEndian.AppendUint16(dst, 0)
	dst = append(dst, body...)
	return binary.LittleEndian.AppendUint32(dst, crc32.ChecksumIEEE(dst[start:]))
}

// Header appends only an event header that declares size bytes, and
// nothing more: a file that claims an event it does not hold.
func (b *Builder) Header(t byte, size uint32) *Builder {
	b.buf = binary.LittleEndian.AppendUint32(b.buf, b.Time)
	b.buf = append(b.buf, t)
	b.buf = binary.LittleEndian.AppendUint32(b.buf, b.ServerID)
	b.buf = binary.LittleEndian.AppendUint32(b.buf, size)
	b.buf = binary.LittleEndian.AppendUint32(b.buf, uint32(len(b.buf)-13)+size)
	b.buf = binary.LittleEndian.AppendUint16(b.buf, 0)
	return b
}

// QueryBody returns the body of a Query event: default database db,
// statement q, no status variables.
func QueryBody(db, q string) []byte {
	body := binary.LittleEndian.AppendUint32(nil, 7) // thread id
	body = binary.LittleEndian.AppendUint32(body, 0) // exec time
	body = append(body, byte(len(db)))
	body = binary.LittleEndian.AppendUint16(body, 0) // error code
	body = binary.LittleEndian.AppendUint16(body, 0) // status vars length
	body = append(body, db...)
	body = append(body, 0)
	return append(body, q...)
}

// Query appends a Query event.
func (b *Builder) Query(db, q string) *Builder { return b.Event(QueryEvent, QueryBody(db, q)) }

// XID appends an XID (commit) event.
func (b *Builder) XID(xid uint64) *Builder {
	return b.Event(XIDEvent, binary.LittleEndian.AppendUint64(nil, xid))
}

// MariaGTID appends a MariaDB GTID event opening a transaction (standalone:
// a single statement, such as DDL, with no BEGIN implied).
func (b *Builder) MariaGTID(domain uint32, seq uint64, standalone bool) *Builder {
	body := binary.LittleEndian.AppendUint64(nil, seq)
	body = binary.LittleEndian.AppendUint32(body, domain)
	flags := byte(0)
	if standalone {
		flags |= 1
	}
	body = append(body, flags)
	body = append(body, make([]byte, 6)...)
	return b.Event(MariaGTIDEvent, body)
}

// MySQLGTID appends an untagged MySQL GTID event.
func (b *Builder) MySQLGTID(sid [16]byte, gno int64) *Builder {
	body := []byte{1}
	body = append(body, sid[:]...)
	body = binary.LittleEndian.AppendUint64(body, uint64(gno))
	body = append(body, 2) // logical clock
	body = binary.LittleEndian.AppendUint64(body, 0)
	body = binary.LittleEndian.AppendUint64(body, 1)
	return b.Event(GTIDEvent, body)
}

// TaggedGTID appends a MySQL 8.4 GTID_TAGGED_LOG_EVENT for sid:tag:gno.
// The tag is written as given, valid or not.
func (b *Builder) TaggedGTID(sid [16]byte, tag string, gno int64) *Builder {
	var f []byte
	f = appendVarlen(f, 0) // commit flag
	f = appendVarlen(f, 1)
	f = appendVarlen(f, 1) // uuid
	for _, c := range sid {
		f = appendVarlen(f, uint64(c))
	}
	f = appendVarlen(f, 2) // gno
	f = appendVarlen(f, zigzag(gno))
	f = appendVarlen(f, 3) // tag
	f = appendVarlen(f, uint64(len(tag)))
	f = append(f, tag...)
	lnif := appendVarlen(nil, 3)
	// Body: version 2, payload size (the whole body), last non-ignorable
	// field id, fields; the size counts itself.
	for n := 1; n <= 9; n++ {
		size := uint64(1 + n + len(lnif) + len(f))
		sz := appendVarlen(nil, size)
		if len(sz) == n {
			body := append([]byte{2}, sz...)
			body = append(body, lnif...)
			return b.Event(GTIDTaggedEvent, append(body, f...))
		}
	}
	panic("testbinlog: tagged gtid too large")
}

// appendVarlen writes v in the MySQL serialization library's variable
// length format: the count of trailing one bits of the first byte is the
// count of bytes that follow it.
func appendVarlen(dst []byte, v uint64) []byte {
	for n := 1; n <= 8; n++ {
		if v < 1<<(7*n) {
			x := v<<n | (1<<(n-1) - 1)
			for i := 0; i < n; i++ {
				dst = append(dst, byte(x>>(8*i)))
			}
			return dst
		}
	}
	dst = append(dst, 0xff)
	return binary.LittleEndian.AppendUint64(dst, v)
}

func zigzag(i int64) uint64 {
	if i < 0 {
		return uint64(-i-1)<<1 | 1
	}
	return uint64(i) << 1
}

// Table types used by TableMap and TableMapCols.
const (
	TypeLong    = 3
	TypeVarchar = 15
	TypeJSON    = 245
)

// TableMap appends a table map of table id for db.table with columns
// `id INT NOT NULL` and `v VARCHAR(255)` (utf8mb4, NULL allowed).
func (b *Builder) TableMap(id uint64, db, table string) *Builder {
	body := binary.LittleEndian.AppendUint32(nil, uint32(id))
	body = binary.LittleEndian.AppendUint16(body, uint16(id>>32))
	body = binary.LittleEndian.AppendUint16(body, 1) // flags
	body = append(body, byte(len(db)))
	body = append(body, db...)
	body = append(body, 0, byte(len(table)))
	body = append(body, table...)
	body = append(body, 0, 2, TypeLong, TypeVarchar)
	body = append(body, 2)                               // metadata length
	body = binary.LittleEndian.AppendUint16(body, 255*4) // VARCHAR(255) utf8mb4: max bytes
	body = append(body, 0b10)                            // null bitmap: v nullable
	// Optional metadata: default charset 45 (utf8mb4_general_ci), column names.
	body = append(body, 2, 1, 45)
	names := []byte{2, 'i', 'd', 1, 'v'}
	body = append(body, 4, byte(len(names)))
	return b.Event(TableMapEvent, append(body, names...))
}

// WriteRows appends a WRITE_ROWS v2 event for the table map id inserting
// rows (id, v) of the TableMap layout.
func (b *Builder) WriteRows(id uint64, rows ...Row) *Builder {
	body := binary.LittleEndian.AppendUint32(nil, uint32(id))
	body = binary.LittleEndian.AppendUint16(body, uint16(id>>32))
	body = binary.LittleEndian.AppendUint16(body, 1) // STMT_END_F
	body = binary.LittleEndian.AppendUint16(body, 2) // extra data length
	body = append(body, 2, 0b11)                     // columns, bitmap
	for _, r := range rows {
		body = append(body, 0) // null bitmap
		body = binary.LittleEndian.AppendUint32(body, uint32(r.ID))
		body = binary.LittleEndian.AppendUint16(body, uint16(len(r.V)))
		body = append(body, r.V...)
	}
	return b.Event(WriteRowsEventV2, body)
}

// Col is a column of a table map written by TableMapCols: its type code,
// its metadata bytes as the table map stores them (none for INT, the
// length-prefix size 4 for JSON), and its name.
type Col struct {
	Type byte
	Meta []byte
	Name string
}

// TableMapCols appends a table map of table id for db.table with cols, all
// nullable, and their names in the optional metadata.
func (b *Builder) TableMapCols(id uint64, db, table string, cols ...Col) *Builder {
	body := binary.LittleEndian.AppendUint32(nil, uint32(id))
	body = binary.LittleEndian.AppendUint16(body, uint16(id>>32))
	body = binary.LittleEndian.AppendUint16(body, 1) // flags
	body = append(body, byte(len(db)))
	body = append(body, db...)
	body = append(body, 0, byte(len(table)))
	body = append(body, table...)
	body = append(body, 0)
	body = appendPacked(body, uint64(len(cols)))
	var meta, names []byte
	for _, c := range cols {
		body = append(body, c.Type)
		meta = append(meta, c.Meta...)
		names = appendPacked(names, uint64(len(c.Name)))
		names = append(names, c.Name...)
	}
	body = appendPacked(body, uint64(len(meta)))
	body = append(body, meta...)
	nulls := make([]byte, (len(cols)+7)/8)
	for i := range nulls {
		nulls[i] = 0xff
	}
	body = append(body, nulls...)
	body = append(body, 4) // optional metadata: column names
	body = appendPacked(body, uint64(len(names)))
	return b.Event(TableMapEvent, append(body, names...))
}

// WriteRowsImages appends a WRITE_ROWS v2 event for the table map id of
// ncols columns, all present, inserting rows whose images the caller
// wrote: each a null bitmap then the values, as the server stores them.
func (b *Builder) WriteRowsImages(id uint64, ncols int, images ...[]byte) *Builder {
	body := binary.LittleEndian.AppendUint32(nil, uint32(id))
	body = binary.LittleEndian.AppendUint16(body, uint16(id>>32))
	body = binary.LittleEndian.AppendUint16(body, 1) // STMT_END_F
	body = binary.LittleEndian.AppendUint16(body, 2) // extra data length
	body = appendPacked(body, uint64(ncols))
	for i := 0; i < (ncols+7)/8; i++ {
		bits := byte(0xff)
		if rest := ncols - 8*i; rest < 8 {
			bits = 1<<rest - 1
		}
		body = append(body, bits)
	}
	for _, img := range images {
		body = append(body, img...)
	}
	return b.Event(WriteRowsEventV2, body)
}

// Row is a row of the TableMap layout.
type Row struct {
	ID int32
	V  string
}

// TransactionPayload appends a MySQL TRANSACTION_PAYLOAD event holding
// data (events without CRC32, as MySQL stores them inside), zstd-compressed
// when compress is set, whose header declares uncompressed bytes.
func (b *Builder) TransactionPayload(data []byte, compress bool, uncompressed uint64) *Builder {
	payload := data
	ctype := uint64(255)
	if compress {
		payload = Zstd(data)
		ctype = 0
	}
	var body []byte
	field := func(t, v uint64) {
		body = appendPacked(body, t)
		fv := appendPacked(nil, v)
		body = appendPacked(body, uint64(len(fv)))
		body = append(body, fv...)
	}
	field(1, uint64(len(payload)))
	field(2, ctype)
	field(3, uncompressed)
	body = append(body, 0) // end mark
	return b.Event(TransactionPayloadEvent, append(body, payload...))
}

// CompressedPayload appends a MySQL TRANSACTION_PAYLOAD event holding zst,
// zstd data as given (concatenated frames, say: Zstd(events) followed by
// ZstdZeros(n)), whose header declares uncompressed bytes.
func (b *Builder) CompressedPayload(zst []byte, uncompressed uint64) *Builder {
	var body []byte
	field := func(t, v uint64) {
		body = appendPacked(body, t)
		fv := appendPacked(nil, v)
		body = appendPacked(body, uint64(len(fv)))
		body = append(body, fv...)
	}
	field(1, uint64(len(zst)))
	field(2, 0)
	field(3, uncompressed)
	body = append(body, 0) // end mark
	return b.Event(TransactionPayloadEvent, append(body, zst...))
}

// MariaCompressed returns a MariaDB compressed event part
// (binlog_buf_compress) that declares ulen uncompressed bytes, in a 4-byte
// length, and holds data zlib-compressed: the statement of a
// MariaQueryCompressedEvent (QueryBody(db, string(part))). Pass ulen =
// len(data) for a true header.
func MariaCompressed(ulen uint32, data []byte) []byte {
	part := []byte{0x80 | 4}
	part = binary.BigEndian.AppendUint32(part, ulen)
	var z bytes.Buffer
	w, err := zlib.NewWriterLevel(&z, zlib.BestCompression)
	if err != nil {
		panic(err)
	}
	w.Write(data)
	w.Close()
	return append(part, z.Bytes()...)
}

// MariaCompressedZeros is MariaCompressed for n zero bytes, compressed as
// they stream: a zlib bomb of about n/1000 bytes.
func MariaCompressedZeros(ulen uint32, n int64) []byte {
	part := []byte{0x80 | 4}
	part = binary.BigEndian.AppendUint32(part, ulen)
	var z bytes.Buffer
	w, err := zlib.NewWriterLevel(&z, zlib.BestCompression)
	if err != nil {
		panic(err)
	}
	writeZeros(w, n)
	w.Close()
	return append(part, z.Bytes()...)
}

// PayloadEvent returns an event for the inside of a transaction payload:
// header and body, no CRC32.
func PayloadEvent(t byte, body []byte) []byte {
	ev := AppendEvent(nil, t, 1, 1700000000, body)
	ev = ev[:len(ev)-4]
	binary.LittleEndian.PutUint32(ev[9:], uint32(len(ev)))
	return ev
}

// Zstd compresses data at the fastest level.
func Zstd(data []byte) []byte {
	var out bytes.Buffer
	w, err := zstd.NewWriter(&out, zstd.WithEncoderLevel(zstd.SpeedFastest))
	if err != nil {
		panic(err)
	}
	w.Write(data)
	w.Close()
	return out.Bytes()
}

// ZstdZeros returns the zstd compression of n zero bytes, streamed: a
// bomb of a few hundred bytes for gigabytes.
func ZstdZeros(n int64) []byte {
	var out bytes.Buffer
	w, err := zstd.NewWriter(&out, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithEncoderConcurrency(1))
	if err != nil {
		panic(err)
	}
	writeZeros(w, n)
	w.Close()
	return out.Bytes()
}

func appendPacked(dst []byte, v uint64) []byte {
	switch {
	case v < 251:
		return append(dst, byte(v))
	case v < 1<<16:
		return binary.LittleEndian.AppendUint16(append(dst, 252), uint16(v))
	case v < 1<<24:
		return append(dst, 253, byte(v), byte(v>>8), byte(v>>16))
	}
	return binary.LittleEndian.AppendUint64(append(dst, 254), v)
}

// writeZeros writes n zero bytes to w, a megabyte at a time.
func writeZeros(w io.Writer, n int64) {
	zeros := make([]byte, 1<<20)
	for n > 0 {
		k := min(n, int64(len(zeros)))
		w.Write(zeros[:k])
		n -= k
	}
}
