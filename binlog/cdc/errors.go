package cdc

import (
	"errors"
	"io/fs"

	"github.com/binlogkit/binlogkit/binlog"
)

var (
	// ErrNoSink is returned by Run when the sink is nil.
	ErrNoSink = errors.New("cdc: no sink")
	// ErrNoCheckpoint is returned by Run when Options.RequireCheckpoint is
	// set and there is no checkpoint file. It matches fs.ErrNotExist too.
	ErrNoCheckpoint = noCheckpointError{}
	// ErrInvalidOptions is returned by Run, before it reads anything, for
	// options that cannot work: a negative CheckpointEvery,
	// RequireCheckpoint without a path, an unknown Stream.Flavor, or a
	// Filter that binlog.NewFilter rejects (its error is wrapped too).
	ErrInvalidOptions = errors.New("cdc: invalid options")
)

type noCheckpointError struct{}

func (noCheckpointError) Error() string { return "cdc: no checkpoint to resume from" }

func (noCheckpointError) Is(target error) bool { return target == fs.ErrNotExist }

// Error is an error of a step of the pipeline at a position of the log:
// loading or saving the checkpoint, making a record, or the sink's Write
// or Flush. Errors of the source (binlog, live) are returned as they are.
type Error struct {
	// Op is the step: "checkpoint", "record", "sink" or "flush".
	Op string
	// Position is where in the log: the rows event of a record, the
	// transaction's end for the sink, the checkpoint's position; zero when
	// unknown.
	Position binlog.Position
	// Path is the checkpoint file for Op "checkpoint", else "".
	Path string
	// Err is the underlying error.
	Err error
}

func (e *Error) Error() string {
	s := "cdc: " + e.Op
	if e.Path != "" {
		s += " " + e.Path
	}
	if !e.Position.IsZero() {
		s += " at " + e.Position.String()
	}
	return s + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }
