package rowevent

import "time"

// InsertMode chooses the verb of INSERT statements.
type InsertMode uint8

const (
	// Insert writes INSERT INTO.
	Insert InsertMode = iota
	// InsertIgnore writes INSERT IGNORE INTO.
	InsertIgnore
	// Replace writes REPLACE INTO.
	Replace
)

// Options tunes the SQL. The zero value (or a nil *Options) locates rows by
// primary key, sets only changed columns in UPDATE, writes one row per
// INSERT and no comments.
type Options struct {
	// WhereAllColumns locates rows by every column of the image, with
	// LIMIT 1, even when the primary key is known.
	WhereAllColumns bool
	// UpdateAllColumns sets every column of the new image in UPDATE, not
	// only the changed ones.
	UpdateAllColumns bool
	// OmitPrimaryKey leaves the primary key columns out of forward INSERTs,
	// so that the server assigns new AUTO_INCREMENT values (binlog2sql's
	// --no-primary-key). Inverse INSERTs always keep them.
	OmitPrimaryKey bool
	// InsertBatch is the most rows one INSERT holds: rows of one event are
	// grouped into multi-row INSERTs. 0 or 1: one row per INSERT.
	InsertBatch int
	// InsertMode is INSERT, INSERT IGNORE or REPLACE.
	InsertMode InsertMode
	// JSONCast writes JSON values (MySQL's binary JSON) as
	// CAST(… AS JSON).
	JSONCast bool
	// PositionalNames names columns `@1`, `@2`, … when the table map does not
	// know their names, instead of failing with ErrNoColumnNames. The SQL
	// then applies only to a table whose columns have those names.
	PositionalNames bool
	// NoSchemaName writes `table` rather than `db`.`table`.
	NoSchemaName bool
	// Position, when not nil, ends every statement with a comment telling
	// where the event is: "#start 4 end 388 time 2024-05-01 12:00:00 gtid
	// 0-1-7", like binlog2sql. It describes one event, so set it per call.
	Position *Position
}

// Position locates an event for the comments of Options.Position.
type Position struct {
	Start, End int64     // offsets of the event (the start of its transaction, for binlog2sql's style) and of the byte after it
	Time       time.Time // event time; zero: omitted
	GTID       string    // "" : omitted
}
