package rowevent

import "time"

// InsertVerb chooses the verb of INSERT statements. (The kind of a row
// change is binlog.RowsKind: binlog.Insert, binlog.Update, binlog.Delete.)
type InsertVerb uint8

const (
	// VerbInsert writes INSERT INTO. The zero value.
	VerbInsert InsertVerb = iota
	// VerbInsertIgnore writes INSERT IGNORE INTO.
	VerbInsertIgnore
	// VerbReplace writes REPLACE INTO.
	VerbReplace
)

// Options tunes the SQL. The zero value (or a nil *Options) locates rows by
// primary key, sets only changed columns in UPDATE, writes one row per
// INSERT, writes text as text ('émile') and no comments.
type Options struct {
	// WhereAllColumns locates rows by every column of the image, with
	// LIMIT 1, even when the primary key is known. Zero means rows are
	// located by their primary key when the table map gives one.
	WhereAllColumns bool
	// UpdateAllColumns sets every column of the new image in UPDATE, not
	// only the changed ones. Zero means UPDATE sets only the changed
	// columns.
	UpdateAllColumns bool
	// OmitPrimaryKey leaves the primary key columns out of forward INSERTs,
	// so that the server assigns new AUTO_INCREMENT values (binlog2sql's
	// --no-primary-key). Inverse INSERTs always keep them. Zero means
	// forward INSERTs keep every column.
	OmitPrimaryKey bool
	// InsertBatch is the most rows one INSERT holds: rows of one event are
	// grouped into multi-row INSERTs; 1 (or a negative value) writes one
	// row per INSERT. Zero means one row per INSERT.
	InsertBatch int
	// InsertVerb is INSERT, INSERT IGNORE or REPLACE. Zero means INSERT
	// (VerbInsert).
	InsertVerb InsertVerb
	// JSONCast writes JSON values (MySQL's binary JSON) as
	// CAST(… AS JSON), for MySQL. Zero means JSON values are written as
	// string literals, as MariaDB (whose JSON is text) needs.
	JSONCast bool
	// HexStrings writes every character string that is not printable ASCII
	// (without a backslash) as _charset X'…', and compares strings in WHERE
	// with X'…', as versions before text literals did: SQL that means the
	// same whatever the session's sql_mode and connection character set,
	// but that nobody can review (binlog2sql's --hex-strings). Zero means
	// text that can travel exactly through the utf8mb4 connection of
	// Header is written as text: 'émile', '李四', 'a\nb' (see the package
	// documentation).
	HexStrings bool
	// PositionalNames names columns `@1`, `@2`, … when the table map does not
	// know their names, instead of failing with ErrNoColumnNames. The SQL
	// then applies only to a table whose columns have those names. Zero
	// means an event without column names fails with ErrNoColumnNames.
	PositionalNames bool
	// NoSchemaName writes `table` rather than `db`.`table`. Zero means
	// tables are qualified by their database.
	NoSchemaName bool
	// Origin, when not nil, ends every statement with a comment telling
	// where the event is: "#start 4 end 388 time 2024-05-01 12:00:00 gtid
	// 0-1-7", like binlog2sql. It describes one event, so set it per call.
	// The comment stays on the statement's line whatever the GTID holds: a
	// backslash, line feed, carriage return, other control character or */
	// in it is written \\, \n, \r, \xNN or *\/. Zero (nil) means no
	// comment.
	Origin *Origin
}

// Origin says where an event came from, for the comments of
// Options.Origin. (A place in the binary logs is binlog.Position; an Origin
// adds the event's end, time and GTID for people reading the SQL.)
type Origin struct {
	Start, End int64     // offsets of the event (the start of its transaction, for binlog2sql's style) and of the byte after it
	Time       time.Time // event time; zero means it is omitted
	GTID       string    // the GTID's text; zero ("") means it is omitted
}
