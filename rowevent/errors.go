package rowevent

import "errors"

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
)
