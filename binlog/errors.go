package binlog

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by a Reader wraps one of these in an
// *EventError, so callers test them with errors.Is and locate them with
// errors.As.
var (
	// ErrBadMagic: the input does not start with the binlog magic bytes
	// fe 62 69 6e.
	ErrBadMagic = errors.New("binlog: bad magic number")
	// ErrEncrypted: the file is a MySQL encrypted binlog (magic fd 62 69 6e)
	// or a MariaDB binlog encrypted with START_ENCRYPTION; it cannot be read
	// without the server's keyring.
	ErrEncrypted = errors.New("binlog: encrypted binlog")
	// ErrTruncated: the input ended in the middle of an event. For a binlog
	// that a server is still writing this is normal: the rest of the event
	// has not been written yet, and a later read from the same offset may
	// succeed. For a closed file it means the file was cut.
	ErrTruncated = errors.New("binlog: truncated event")
	// ErrChecksum: the CRC32 stored in an event does not match its bytes.
	ErrChecksum = errors.New("binlog: checksum mismatch")
	// ErrEventTooLarge: an event header declares a size over
	// ReaderOptions.MaxEventSize, or under the header size.
	ErrEventTooLarge = errors.New("binlog: event size out of range")
	// ErrCorrupt: an event's body does not decode (a length points past the
	// end of the event, an impossible value, and the like).
	ErrCorrupt = errors.New("binlog: corrupt event")
	// ErrMissingTableMap: a rows event names a table id with no TABLE_MAP
	// event before it.
	ErrMissingTableMap = errors.New("binlog: rows event without table map")
	// ErrNoFormatDescription: events appear before any
	// FORMAT_DESCRIPTION_EVENT, so their layout is unknown.
	ErrNoFormatDescription = errors.New("binlog: no format description event")
	// ErrUnsupported: a valid construct this package does not decode (an old
	// binlog version, an unknown compression algorithm, ...).
	ErrUnsupported = errors.New("binlog: unsupported")
	// ErrSchemaMismatch: a TABLE_MAP event's column count differs from the
	// definition of the table given by ReaderOptions.Schema (or by the
	// schema history of package schemahistory), so the Schema cannot say
	// which column is which.
	ErrSchemaMismatch = errors.New("binlog: row image does not match the known schema")
	// ErrUndecodable: a KindUndecodable value (ReaderOptions.KeepUndecodable)
	// was asked for a form it has not, by Value.MarshalJSON. Not returned
	// by a Reader.
	ErrUndecodable = errors.New("binlog: undecodable value")
)

// EventError reports where reading or decoding failed.
type EventError struct {
	File   string    // file name as given to Open or ReaderOptions.Name; may be empty
	Offset int64     // byte offset of the start of the bad event (or of the bad input)
	Type   EventType // type of the bad event, 0 when the header itself is bad
	Err    error     // one of the sentinel errors above, possibly wrapped with detail
}

func (e *EventError) Error() string {
	file := e.File
	if file == "" {
		file = "binlog"
	}
	if e.Type != 0 {
		return fmt.Sprintf("%s: offset %d: %v event: %v", file, e.Offset, e.Type, e.Err)
	}
	return fmt.Sprintf("%s: offset %d: %v", file, e.Offset, e.Err)
}

func (e *EventError) Unwrap() error { return e.Err }

// corruptf returns an error wrapping ErrCorrupt with detail.
func corruptf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}
