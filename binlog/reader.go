package binlog

import (
	"io"
	"iter"
	"log/slog"

	"github.com/klauspost/compress/zstd"
)

// DefaultMaxEventSize is the default of ReaderOptions.MaxEventSize: 256 MiB.
const DefaultMaxEventSize = 256 << 20

// ReaderOptions configures a Reader. The zero value (or a nil pointer) reads
// a binlog file from its magic number, verifies checksums, expands
// transaction payloads and decodes row values.
type ReaderOptions struct {
	// Name is the file name reported in Event.File and in errors. Zero
	// means no name: Event.File and errors give "".
	Name string
	// MaxEventSize bounds, in bytes, the memory one event may take: the
	// size its header declares (in the file or inside a MySQL transaction
	// payload), the uncompressed size of a MariaDB compressed event, the
	// zstd window of a transaction payload, and the decoded values of a
	// rows event. More fails with an *EventError wrapping ErrEventTooLarge
	// that gives the size and the limit. A server writes events up to its
	// max_allowed_packet (at most 1 GiB), so raise it to read larger ones.
	// Zero (or a negative value) means DefaultMaxEventSize, 256 MiB.
	MaxEventSize int64
	// IgnoreChecksums skips CRC32 verification. Zero means every event's
	// CRC32 is verified when the format description says events have one.
	IgnoreChecksums bool
	// NoMagic says src starts directly with an event rather than with the
	// 4-byte binlog magic (a replication stream, say). Offsets then start
	// at 4, as in the file the events came from. Zero means src starts
	// with the magic number, as a file does.
	NoMagic bool
	// Schema supplies column names, signedness, charsets and ENUM/SET
	// members that TABLE_MAP metadata lacks. Zero means the binlog alone
	// describes its tables.
	Schema Schema
	// SkipRowValues leaves Rows.Rows nil: rows events are framed and their
	// table resolved, but values are not decoded. For consumers that only
	// need positions (archivers) this is much faster. Zero means row
	// values are decoded.
	SkipRowValues bool
	// KeepPayloads returns TRANSACTION_PAYLOAD events without expanding the
	// events inside them. Zero means the payload event is returned, then
	// the events inside it, one at a time.
	KeepPayloads bool
	// KeepUndecodable keeps reading past a row value whose bytes do not
	// decode, where the format gives the value's length so that the rest
	// of the row still decodes: binary JSON and partial JSON updates
	// (length-prefixed; MySQL 5.7.9 to 5.7.21 could log garbage for JSON
	// generated columns, bug #88791), and DECIMAL, DATETIME, DATETIME2 and
	// TIMESTAMP2 (fixed length given by the table map) with out-of-range
	// contents. The value becomes a KindUndecodable Value holding its
	// stored bytes; each one is counted (Reader.UndecodableValues) and
	// logged to Logger at level Warn with its file, offset, table, row and
	// column. Other failures (a length past the end of the event, an
	// unknown type) still fail the event. Zero means a value that does
	// not decode fails its event with ErrCorrupt.
	KeepUndecodable bool
	// Logger receives the Reader's warnings (undecodable values kept by
	// KeepUndecodable). Zero means the warnings are discarded.
	Logger *slog.Logger
	// StartOffset, when past the format description, makes the Reader
	// read the format description (which every later event needs), skip
	// the bytes up to StartOffset without decoding them, and return events
	// from there on: resuming at a checkpoint or at the NextPos of the last
	// event read from a file that was still being written. It must be an
	// event boundary; the format description itself is not returned (see
	// Reader.FormatDescription). Not used with NoMagic. Zero means events
	// are returned from the start of the file.
	StartOffset int64
}

// A Reader reads events from a binlog.
//
// NewReader does no I/O. Errors are sticky: after Next returns an error
// other than io.EOF, every later call returns the same error.
type Reader struct {
	r    io.Reader
	opts ReaderOptions
	// dec holds the decoding state (format description, table maps); the
	// Reader reads the bytes of each event and decodes them with it, in
	// pooled memory, at the offsets it reads them from.
	dec Decoder
	off int64 // offset of the next byte to read from r
	err error
	// payload reads the events inside the transaction payload event last
	// returned, one at a time; nil when there is none.
	payload *payloadReader
	started bool
	hdr     [64]byte
}

// decodeState is what the decoding of one event depends on: the format
// description in force and the table maps seen so far.
type decodeState struct {
	fd     *FormatDescription
	tables map[uint64]*TableMap
	opts   *ReaderOptions
	zstd   *zstd.Decoder // created on the first transaction payload
	mem    *eventMem     // pooled memory of the event being decoded, or nil
	// bad lists the values of the event being decoded that were kept
	// undecodable (ReaderOptions.KeepUndecodable); undecodable counts them
	// all.
	bad         []badValue
	undecodable int64
}

// maxEventSize returns ReaderOptions.MaxEventSize with its default.
func (st *decodeState) maxEventSize() int64 {
	if st == nil || st.opts == nil || st.opts.MaxEventSize <= 0 {
		return DefaultMaxEventSize
	}
	return st.opts.MaxEventSize
}

// NewReader returns a Reader reading from src. opts may be nil.
func NewReader(src io.Reader, opts *ReaderOptions) *Reader {
	r := &Reader{r: src}
	if opts != nil {
		r.opts = *opts
	}
	if r.opts.MaxEventSize <= 0 {
		r.opts.MaxEventSize = DefaultMaxEventSize
	}
	r.dec.st.tables = make(map[uint64]*TableMap)
	r.dec.st.opts = &r.opts
	return r
}

// InputOffset returns the offset in the file of the next byte the Reader
// will read: after a successful Next, the NextPos of the last event read
// from the file.
func (r *Reader) InputOffset() int64 { return r.off }

// UndecodableValues returns the number of row values kept undecodable so
// far (ReaderOptions.KeepUndecodable); always 0 without that option.
func (r *Reader) UndecodableValues() int64 { return r.dec.st.undecodable }

// FormatDescription returns the format description in force, nil before
// the first one is read.
func (r *Reader) FormatDescription() *FormatDescription { return r.dec.st.fd }

// All returns an iterator over the remaining events. It yields (event, nil)
// for each event and, if reading fails, one final (nil, err); it stops
// without an error at the end of the input. Like Next, it is single-use:
// iterating again continues where the last iteration stopped.
func (r *Reader) All() iter.Seq2[*Event, error] {
	return seq(r.Next)
}
