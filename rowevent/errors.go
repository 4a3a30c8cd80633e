package rowevent

import (
	"errors"
	"strconv"
	"strings"
)

var (
	// ErrNoColumnNames: the table map knows no column names
	// (binlog_row_metadata=MINIMAL or NO_LOG without a binlog.Schema), so
	// no SQL can name the columns. Options.PositionalNames writes `@1`, `@2`,
	// … instead.
	ErrNoColumnNames = errors.New("rowevent: column names unknown")
	// ErrNoTable: the rows event has no table map.
	ErrNoTable = errors.New("rowevent: rows event without table map")
	// ErrIncompleteImage: a row image lacks a column the statement needs
	// (binlog_row_image=MINIMAL or NOBLOB): the before image of an update
	// cannot be restored, or a row cannot be located.
	ErrIncompleteImage = errors.New("rowevent: row image lacks columns")
	// ErrNoLiteral: a value has no SQL literal (a partial JSON update, say).
	ErrNoLiteral = errors.New("rowevent: value has no SQL literal")
	// ErrBadRows: the rows event disagrees with its table map or with the
	// arguments: a row image with another number of values than the table
	// has columns, a primary key column out of range, an unknown rows
	// kind, a row index beyond the event's rows.
	ErrBadRows = errors.New("rowevent: rows event does not match its table")
)

// An Error reports why a rows event, one of its rows or one column's value
// could not be written, and where: the table, the row and the column.
// Every function of this package that fails on an event, a row or a
// column returns an *Error; Err wraps one of the sentinels above or the cause
// (binlog.ErrUndecodable for a value the reader could not decode), so
// that errors.Is and errors.As both answer.
type Error struct {
	Schema string // database of the event's table; "" when unknown (no table map, AppendMatch)
	Table  string // the event's table; "" when unknown
	// Row is the index in binlog.Rows.Rows of the row that failed; -1 when
	// the error is about the whole event or a lone value (AppendMatch).
	Row int
	// Column is the name of the column whose value failed, or "@n" for
	// the n-th column (from 1) when names are unknown; "" when the error is
	// not about one column.
	Column string
	Err    error
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Schema != "" || e.Table != "" {
		b.WriteString(e.Schema)
		b.WriteByte('.')
		b.WriteString(e.Table)
		b.WriteString(": ")
	}
	if e.Row >= 0 {
		b.WriteString("row ")
		b.WriteString(strconv.Itoa(e.Row))
		b.WriteString(": ")
	}
	if e.Column != "" {
		b.WriteString("column ")
		b.WriteString(e.Column)
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("rowevent: error")
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// columnErr returns the error err about the column called name, for the
// caller to place in its table and row.
func columnErr(name string, err error) *Error {
	return &Error{Row: -1, Column: name, Err: err}
}
