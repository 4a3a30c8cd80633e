package natssink

import (
	"errors"

	"github.com/binlogkit/binlogkit/binlog"
)

var (
	// ErrInvalidOptions is returned by New and NewKVCheckpoints for options
	// that cannot work: a bad subject template, a negative bound, a key
	// that is not a valid key-value key, a connection that buffers across
	// reconnects.
	ErrInvalidOptions = errors.New("natssink: invalid options")
	// ErrPublish wraps an error of a publish that retrying cannot fix (a
	// message larger than the server's max payload, a subject the server
	// refuses).
	ErrPublish = errors.New("natssink: publish failed")
	// ErrConflict is returned by KVCheckpoints.SaveCheckpoint when another
	// pipeline saved the checkpoint since this one loaded or saved it.
	ErrConflict = errors.New("natssink: checkpoint saved by another pipeline")
)

// Error is an error of the sink or of the checkpoint store, with where in
// the log it happened.
type Error struct {
	// Op is the step: "publish", "load" or "save".
	Op string
	// Subject is the subject of the message that failed, or the bucket and
	// key of the checkpoint ("bucket/key"); "" when unknown.
	Subject string
	// Position is the position of the rows event (publish) or of the
	// checkpoint (save); zero when unknown.
	Position binlog.Position
	// Err is the underlying error.
	Err error
}

func (e *Error) Error() string {
	s := "natssink: " + e.Op
	if e.Subject != "" {
		s += " " + e.Subject
	}
	if !e.Position.IsZero() {
		s += " at " + e.Position.String()
	}
	return s + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }
