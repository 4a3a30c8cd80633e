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
