package live

import (
	"errors"
	"fmt"

	"github.com/go-mysql-org/go-mysql/mysql"
)

var (
	// ErrClosed is returned by Stream.Next after Close.
	ErrClosed = errors.New("live: stream closed")
	// ErrPurged: the server cannot send the binlog from the requested
	// position (error 1236, ER_MASTER_FATAL_ERROR_READING_BINLOG): the
	// file was purged, the position or GTID set is not in its binlogs, or
	// it lacks transactions of the requested GTID set. Retrying cannot
	// help; the stream must restart from a position the server has.
	ErrPurged = errors.New("live: binlog not available on the server")
	// ErrAccessDenied: the server refused the account (error 1045) or the
	// account lacks a privilege replication needs, REPLICATION SLAVE
	// (error 1227).
	ErrAccessDenied = errors.New("live: access denied")
	// ErrServerGone: the server could not be reached, or the connection
	// failed and could not be reestablished within Options.MaxRetries.
	ErrServerGone = errors.New("live: server gone")
)

// A ServerError is an error the server reported, with its code, SQL state
// and message. errors.Is matches it against ErrPurged (code 1236) and
// ErrAccessDenied (1045, 1227).
type ServerError struct {
	Code    uint16
	State   string
	Message string
}

func (e *ServerError) Error() string {
	return fmt.Sprintf("live: server error %d (%s): %s", e.Code, e.State, e.Message)
}

// Is reports whether target is the sentinel for e's code.
func (e *ServerError) Is(target error) bool {
	switch target {
	case ErrPurged:
		return e.Code == 1236
	case ErrAccessDenied:
		return e.Code == 1045 || e.Code == 1227
	}
	return false
}

// goneError is a failure to reach the server: it wraps the cause and
// matches ErrServerGone.
type goneError struct {
	msg string
	err error
}

func (e *goneError) Error() string        { return e.msg + ": " + e.err.Error() }
func (e *goneError) Unwrap() error        { return e.err }
func (e *goneError) Is(target error) bool { return target == ErrServerGone }

// convert replaces the replication library's server errors with
// *ServerError, so that no go-mysql type reaches the caller.
func convert(err error) error {
	for e := err; e != nil; {
		if me, ok := e.(*mysql.MyError); ok {
			return &ServerError{Code: me.Code, State: me.State, Message: me.Message}
		}
		switch w := e.(type) {
		case interface{ Unwrap() error }:
			e = w.Unwrap()
		case interface{ Cause() error }: // pingcap/errors, under go-mysql
			e = w.Cause()
		default:
			e = nil
		}
	}
	return err
}

// isFatal reports errors that retrying cannot fix: bad credentials, a
// position or GTID the server does not have.
func isFatal(err error) bool {
	return errors.Is(err, ErrPurged) || errors.Is(err, ErrAccessDenied)
}

// connectError describes a failed connection to addr.
func connectError(addr string, err error) error {
	err = convert(err)
	if _, ok := err.(*ServerError); ok {
		return fmt.Errorf("live: connect to %s: %w", addr, err)
	}
	return &goneError{msg: "live: connect to " + addr, err: err}
}
