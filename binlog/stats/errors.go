package stats

import (
	"errors"
	"fmt"
)

// ErrBadOptions is wrapped by the error NewCollector returns for options
// out of range.
var ErrBadOptions = errors.New("stats: bad options")

// Error is a failure while collecting: the source's error, with the position
// of the last event counted.
type Error struct {
	File   string // file of the last event counted, "" before the first
	Offset int64  // offset after the last event counted
	Err    error
}

func (e *Error) Error() string {
	if e.File == "" && e.Offset == 0 {
		return "stats: " + e.Err.Error()
	}
	return fmt.Sprintf("stats: after %s:%d: %v", e.File, e.Offset, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }
