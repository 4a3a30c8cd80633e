// Package flashback undoes a range of a binlog: it writes the inverse SQL of
// its row events in exact reverse order, the last row of the last event
// first, so that applying the output (after rowevent.Header) to the state at
// the end of the range restores the state at its start. This is what
// binlog2sql -B and MyFlash do.
//
// A Writer takes the events in log order (WriteEvent) and writes the SQL to
// its output at Close. Rows within an event are reversed by
// rowevent.AppendInverse; the Writer reverses the events.
//
// # Ranges, flashback binlogs and the conflict check
//
// A Selector (NewSelector, Selection) picks the transactions of a range
// from any binlog.Source: positions, times, GTIDs, databases, tables and
// kinds, through binlog's filters. Transactions stay whole: a start or stop
// position inside one is refused (ErrCutTransaction, naming its begin and
// end), never half-undone. DDL, statement-logged DML, row images that are
// not FULL and rows between a SAVEPOINT and a logged ROLLBACK TO in the
// range are refused with their file and offset (ErrDDL, ErrStatementDML,
// ErrRowImage, ErrTxControl): they cannot be undone exactly.
//
// WriteSQL writes the inverse SQL of a selection; WriteBinlog writes a
// flashback binlog that mariadb-binlog FILE | mariadb (or mysqlbinlog |
// mysql) applies, as MyFlash does but: every file of the range is reversed
// as one (rows of an event, events of a statement, statements of a
// transaction, transactions); each statement carries the table maps of
// its rows events, by table id; STMT_END_F moves to the new last event;
// each transaction keeps its BEGIN … XID or COMMIT; no GTID events are
// written, so that a server with GTIDs (or gtid_strict_mode) gives the
// flashback new ones; positions and CRC32 are recomputed by
// binlog.Encoder; BinlogOptions.MaxSplitSize splits the output at
// transaction boundaries. Rows events read without values
// (binlog.ReaderOptions.SkipRowValues) are inverted from their bytes
// (binlog.SplitRowImages), several times faster than decoding and
// encoding values; decoded rows (a conflict report's filtered rows) go
// through the Encoder. Both are spooled to a temporary file per
// transaction, so memory is bounded by the largest transaction whatever
// the range.
//
// A Checker compares, before anything is applied, every row the range
// touched with its state on the server now (by primary key, else a UNIQUE
// key, else the whole row, the comparison made by the server with
// rowevent.AppendMatch) and reports each row changed since, with its key
// and columns (Report.Conflicts); OnConflict says whether to stop, leave
// those rows out (Report.Filter, Report.FilterSource) or go on. It also
// lists foreign keys of the tables, whose cascades the server does not
// log. No other tool checks this.
//
// Options works as its zero value, and a nil pointer means the zero
// value: each field's documentation says, in a sentence that starts "Zero
// means", what its zero value does.
//
// # Memory and disk
//
// The Writer keeps no SQL of the range in memory: each event's inverse SQL
// is appended, as it arrives, to a temporary file (Options.TempDir), each
// followed by a 16-byte trailer holding its length and statement count:
//
//	+---------+---------+---------+---------+-----+
//	| SQL e1  | len, n  | SQL e2  | len, n  | ... |
//	+---------+---------+---------+---------+-----+
//	                                  read back from the end at Close
//
// Close reads the records back from the end of the file with ReadAt,
// following the trailers, and removes the file. Memory is the inverse SQL of
// the largest event plus fixed buffers (about 768 KiB), whatever the length
// of the range; there is no per-event index in memory. Disk use is the size
// of the SQL plus 16 bytes per row event.
//
// # What cannot be undone
//
// Only row events are inverted. Query events other than transaction control
// (binlog.Query.Control: BEGIN, COMMIT, ROLLBACK, SAVEPOINT, ROLLBACK
// TO, RELEASE SAVEPOINT, XA) are DDL or statement-logged DML:
// they have no inverse, are skipped, as binlog2sql skips them, and are
// counted in Stats.Skipped so that a caller can warn.
package flashback
