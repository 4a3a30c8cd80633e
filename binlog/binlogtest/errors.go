package binlogtest

import (
	"errors"
	"fmt"
)

// Errors of the Builder, wrapped in an *Error.
var (
	// ErrUnknownTable: a row for a table that CreateTable did not create.
	ErrUnknownTable = errors.New("binlogtest: unknown table")
	// ErrRow: a row with the wrong number of values.
	ErrRow = errors.New("binlogtest: row does not match the table")
	// ErrValue: a Go value that cannot be converted for its column.
	ErrValue = errors.New("binlogtest: value does not fit the column")
	// ErrFlavor: a feature the chosen server flavor does not have (a
	// tagged GTID on MySQL 8.0, compression on MariaDB, ...).
	ErrFlavor = errors.New("binlogtest: not supported by this flavor")
	// ErrState: a call out of order (Commit without Begin, Rotate inside a
	// transaction, ...).
	ErrState = errors.New("binlogtest: call out of order")
	// ErrOptions: options that contradict each other or do not parse.
	ErrOptions = errors.New("binlogtest: bad options")
	// ErrFault: a fault that does not apply (an event index past the end).
	ErrFault = errors.New("binlogtest: bad fault")
)

// Error is the error of a Builder call: the file being written, the index
// of the event the call was to write in it (0 is the format description),
// the method, and the cause, one of the sentinels above or an error of the
// binlog Encoder (binlog.ErrEncode).
type Error struct {
	File  string
	Event int
	Op    string
	Err   error
}

func (e *Error) Error() string {
	return fmt.Sprintf("binlogtest: %s: %s event %d: %v", e.Op, e.File, e.Event, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }
