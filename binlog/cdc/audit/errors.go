package audit

import (
	"errors"
	"fmt"
)

var (
	// ErrUnknownDialect is returned by Open for a Dialect it does not know.
	ErrUnknownDialect = errors.New("audit: unknown dialect")
	// ErrNewerSchema is returned by Open when the store's schema version is
	// newer than this package knows: a newer tool wrote it.
	ErrNewerSchema = errors.New("audit: store schema is newer than this version")
	// ErrConcurrentWriter is returned by Write when another writer appended
	// to the chain since this Store loaded it: one chain has one writer.
	ErrConcurrentWriter = errors.New("audit: another writer appended to the store")
	// ErrBadRecord is returned by Write when a change record cannot be
	// made from a row change (its JSON is not what rowevent writes).
	ErrBadRecord = errors.New("audit: bad change record")
	// ErrNotKeyed is returned by Verify with a key for a store whose
	// chain head carries no MAC: it was written without a key (or its MACs
	// were removed), so the key cannot vouch for it.
	ErrNotKeyed = errors.New("audit: the store was written without a key")
	// ErrBadState is returned when the stored chain head or checkpoint
	// cannot be read back.
	ErrBadState = errors.New("audit: bad store state")
)

// Error is an error of a store operation, at the sequence number of the
// record concerned when there is one.
type Error struct {
	// Op is the operation: "open", "migrate", "write", "commit", "load",
	// "query" or "verify".
	Op string
	// Seq is the sequence number of the record concerned, 0 when none.
	Seq int64
	// Err is the underlying error.
	Err error
}

func (e *Error) Error() string {
	if e.Seq != 0 {
		return fmt.Sprintf("audit: %s: record %d: %v", e.Op, e.Seq, e.Err)
	}
	return fmt.Sprintf("audit: %s: %v", e.Op, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }
