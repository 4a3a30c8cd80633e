package stats

import (
	"time"

	"github.com/binlogkit/binlogkit/binlog"
)

// Stats is a snapshot of what a Collector counted. It holds no reference to
// the Collector's state: later Adds do not change it.
type Stats struct {
	// First and Last are the earliest and latest event timestamps met
	// (events with a zero timestamp, such as fake rotates, are left out).
	First time.Time `json:"first"`
	Last  time.Time `json:"last"`
	// Files lists the files events came from, in the order met.
	Files []File `json:"files"`
	// Events counts every event, those expanded from a transaction payload
	// included. Bytes counts the bytes events occupy in their files (an
	// expanded event counts nothing: its payload event counts whole).
	Events int64 `json:"events"`
	Bytes  int64 `json:"bytes"`
	// Rows counts row changes (an update counts one per before/after pair).
	Rows int64 `json:"rows"`
	// Inserts, Updates and Deletes count row changes by kind.
	Inserts int64 `json:"inserts"`
	Updates int64 `json:"updates"`
	Deletes int64 `json:"deletes"`
	// Transactions counts the groups that ended (committed or rolled
	// back); RolledBack those ended by ROLLBACK; Unfinished those cut off
	// by the start of another group.
	Transactions int64 `json:"transactions"`
	RolledBack   int64 `json:"rolled_back"`
	Unfinished   int64 `json:"unfinished"`
	// Tables holds the counts per database, table and kind, sorted by
	// database, table and kind.
	Tables []Table `json:"tables"`
	// BucketWidth is the width of each of Buckets, which cover First to
	// Last without gaps (empty buckets included), oldest first.
	BucketWidth time.Duration `json:"bucket_width"`
	Buckets     []Bucket      `json:"buckets"`
	// Biggest holds the largest transactions by bytes, largest first;
	// Longest the longest by duration, longest first.
	Biggest []Tx `json:"biggest"`
	Longest []Tx `json:"longest"`
	// LargestRows holds the rows events with the largest images, largest
	// first.
	LargestRows []RowsEvent `json:"largest_rows"`
	// DDL lists the DDL statements in log order; DDLOmitted counts those
	// past Options.MaxDDL.
	DDL        []DDL `json:"ddl"`
	DDLOmitted int64 `json:"ddl_omitted"`
}

// File is what one file held.
type File struct {
	Name   string    `json:"name"`
	Events int64     `json:"events"`
	Bytes  int64     `json:"bytes"`
	First  time.Time `json:"first"`
	Last   time.Time `json:"last"`
}

// Kinds of Table entries and of RowsEvent.
const (
	KindInsert = "insert"
	KindUpdate = "update"
	KindDelete = "delete"
	KindDDL    = "ddl"
	// Statement-based INSERT (and REPLACE), UPDATE and DELETE: Query
	// events, whose rows are not in the log.
	KindInsertStatement = "insert-statement"
	KindUpdateStatement = "update-statement"
	KindDeleteStatement = "delete-statement"
	KindStatement       = "statement" // any other statement: GRANT, CALL, SAVEPOINT, ...
)

// Table counts the events of one kind on one table. Rows events count under
// their table. Statements count under the table they name and its
// database, as binlog.Query.Statement finds them (a DDL or a
// statement-based DML on a table); those that name no table (CREATE
// DATABASE, CREATE PROCEDURE, GRANT, ...) under their database, or their
// default database, with an empty table name.
type Table struct {
	Database string `json:"database"`
	Table    string `json:"table"`
	Kind     string `json:"kind"`
	Events   int64  `json:"events"`
	Rows     int64  `json:"rows"`
	Bytes    int64  `json:"bytes"`
}

// Bucket counts the events whose timestamp falls in [Start, Start+width).
type Bucket struct {
	Start        time.Time `json:"start"`
	Events       int64     `json:"events"`
	Bytes        int64     `json:"bytes"`
	Rows         int64     `json:"rows"`
	Inserts      int64     `json:"inserts"`
	Updates      int64     `json:"updates"`
	Deletes      int64     `json:"deletes"`
	DDL          int64     `json:"ddl"`
	Transactions int64     `json:"transactions"`
}

// Tx describes one transaction (event group).
type Tx struct {
	// Begin is the position of its first event, End the position after its
	// last one.
	Begin binlog.Position `json:"begin"`
	End   binlog.Position `json:"end"`
	// GTID is the group's GTID as text, "" when it has none.
	GTID string `json:"gtid,omitempty"`
	// Start is the earliest event timestamp of the group, Commit its commit
	// time (MySQL's immediate commit time when logged, else the latest event
	// timestamp); Duration is Commit - Start.
	Start    time.Time     `json:"start"`
	Commit   time.Time     `json:"commit"`
	Duration time.Duration `json:"duration"`
	Events   int64         `json:"events"`
	Bytes    int64         `json:"bytes"`
	Rows     int64         `json:"rows"`
	// Tables names the tables the group changed ("db.table"), at most 64;
	// TableCount counts them all, up to 64 exactly and more as "at least".
	Tables     []string `json:"tables,omitempty"`
	TableCount int      `json:"table_count"`
	RolledBack bool     `json:"rolled_back,omitempty"`
}

// RowsEvent describes one rows event.
type RowsEvent struct {
	Position binlog.Position `json:"position"`
	GTID     string          `json:"gtid,omitempty"`
	Time     time.Time       `json:"time"`
	Database string          `json:"database"`
	Table    string          `json:"table"`
	Kind     string          `json:"kind"`
	Rows     int64           `json:"rows"`
	// Bytes is the size of the event.
	Bytes int64 `json:"bytes"`
}

// DDL is one DDL statement.
type DDL struct {
	Position binlog.Position `json:"position"`
	GTID     string          `json:"gtid,omitempty"`
	Time     time.Time       `json:"time"`
	// Database and Table are what the statement acts on, as
	// binlog.Query.Statement finds them: the table it names and its
	// database, or, with Table empty, the database it creates, alters or
	// drops, or else its default database.
	Database  string `json:"database"`
	Table     string `json:"table,omitempty"`
	Statement string `json:"statement"`
}
