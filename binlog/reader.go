package binlog

import (
	"io"

	"iter"

	"github.com/klauspost/compress/zstd"
)

// ReaderOptions configures a Reader. The zero value (or a nil pointer) reads
// a binlog file from its magic number, verifies checksums, expands
// transaction payloads and decodes row values.
type ReaderOptions struct {
	// Name is the file name reported in Event.File and in errors.
	Name string
	// MaxEventSize bounds the size an event header may declare; larger
	// events fail with ErrEventTooLarge. 0 means 1 GiB (the largest
	// max_allowed_packet a server accepts).
	MaxEventSize int64
	// IgnoreChecksums skips CRC32 verification.
	IgnoreChecksums bool
	// NoMagic says src starts directly with an event rather than with the
	// 4-byte binlog magic (a replication stream, say). Offsets then start
	// at 4, as in the file the events came from.
	NoMagic bool
	// Schema supplies column names, signedness, charsets and ENUM/SET
	// members that TABLE_MAP metadata lacks. nil: use only the binlog.
	Schema Schema
	// SkipRowValues leaves Rows.Rows nil: rows events are framed and their
	// table resolved, but values are not decoded. For consumers that only
	// need positions (archivers) this is much faster.
	SkipRowValues bool
	// KeepPayloads returns TRANSACTION_PAYLOAD events without expanding the
	// events inside them.
	KeepPayloads bool
	// StartOffset, when past the format description, makes the Reader
	// read the format description (which every later event needs), skip
	// the bytes up to StartOffset without decoding them, and return events
	// from there on: resuming at a checkpoint or at the NextPos of the last
	// event read from a file that was still being written. It must be an
	// event boundary; the format description itself is not returned (see
	// Reader.FormatDescription). Not used with NoMagic.
	StartOffset int64
}

// A Reader reads events from a binlog.
//
// NewReader does no I/O. Errors are sticky: after Next returns an error
// other than io.EOF, every later call returns the same error.
type Reader struct {
	r    io.Reader
	opts ReaderOptions
	st   decodeState
	off  int64 // offset of the next byte to read from r
	err  error
	// pending holds events expanded from a transaction payload.
	pending []*Event
	started bool
	hdr     [64]byte
	buf     []byte
}

// decodeState is what the decoding of one event depends on: the format
// description in force and the table maps seen so far.
type decodeState struct {
	fd     *FormatDescription
	tables map[uint64]*TableMap
	opts   *ReaderOptions
	zstd   *zstd.Decoder // created on the first transaction payload
	mem    *eventMem     // pooled memory of the event being decoded, or nil
}

// NewReader returns a Reader reading from src. opts may be nil.
func NewReader(src io.Reader, opts *ReaderOptions) *Reader {
	r := &Reader{r: src}
	if opts != nil {
		r.opts = *opts
	}
	if r.opts.MaxEventSize <= 0 {
		r.opts.MaxEventSize = 1 << 30
	}
	r.st.tables = make(map[uint64]*TableMap)
	r.st.opts = &r.opts
	return r
}

// InputOffset returns the offset in the file of the next byte the Reader
// will read: after a successful Next, the NextPos of the last event read
// from the file.
func (r *Reader) InputOffset() int64 { return r.off }

// FormatDescription returns the format description in force, nil before
// the first one is read.
func (r *Reader) FormatDescription() *FormatDescription { return r.st.fd }

// All returns an iterator over the remaining events. It yields (event, nil)
// for each event and, if reading fails, one final (nil, err); it stops
// without an error at the end of the input. Like Next, it is single-use:
// iterating again continues where the last iteration stopped.
func (r *Reader) All() iter.Seq2[*Event, error] {
	return seq(r.Next)
}
