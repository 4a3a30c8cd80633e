package schemahistory

import (
	"errors"
	"strings"
)

// Errors.
var (
	// ErrUnknown: a table's definition is unknown because a DDL
	// statement on it could not be parsed, and a TABLE_MAP event for it
	// arrived. Returned by Observe, so by the Reader, inside a
	// *binlog.EventError. A TABLE_MAP event whose column count differs
	// from the history's definition fails with binlog.ErrSchemaMismatch
	// instead.
	ErrUnknown = errors.New("schemahistory: table schema unknown after an unparsed DDL statement")
	// ErrBadDDL: SeedDDL was given a statement it cannot parse or apply.
	ErrBadDDL = errors.New("schemahistory: DDL not understood")
	// ErrBadJSON: UnmarshalJSON was given something other than the JSON
	// of MarshalJSON: not JSON, or a version it does not know.
	ErrBadJSON = errors.New("schemahistory: bad saved history")
	// ErrNilEvent: Apply or Observe was given a nil event.
	ErrNilEvent = errors.New("schemahistory: nil event")
)

// An Error reports a failure of one of the History's own methods (SeedDDL,
// UnmarshalJSON, and Apply or Observe given a nil event), and the table it
// concerns when there is one. Err wraps one of the sentinels above.
//
// Observe's verdict on a TABLE_MAP event is not an *Error but a
// *binlog.EventError, carrying the event's file and offset, that wraps
// ErrUnknown or binlog.ErrSchemaMismatch: the Reader returns it as it
// returns its own event errors.
type Error struct {
	Op     string // the method that failed: "SeedDDL", "UnmarshalJSON", "Apply" or "Observe"
	Schema string // SeedDDL: the database of the table concerned, else the default database; "" otherwise
	Table  string // SeedDDL: the table the failing statement changes; "" when not one table
	Err    error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.Schema != "" || e.Table != "" {
		b.WriteByte(' ')
		b.WriteString(e.Schema)
		if e.Table != "" {
			b.WriteByte('.')
			b.WriteString(e.Table)
		}
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("schemahistory: error")
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }
