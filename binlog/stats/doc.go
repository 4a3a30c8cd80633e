// Package stats counts what a binlog holds: row changes, events and bytes per
// database, table and kind, the same per time bucket, and transactions (size,
// rows, duration, tables touched), with the biggest and longest of them, the
// DDL statements and the rows events with the largest images.
//
// A Collector is fed events one at a time (Add), from any binlog.Source:
// files, chains, compressed files or a live stream; Collect does that for a
// whole Source. Statistics are streaming and memory is bounded whatever the
// size of the log:
//
//	per table and kind     at most Options.MaxTables entries; the rest is counted
//	                       under the table "(other)"
//	per time bucket        at most Options.MaxBuckets buckets; when the time span
//	                       needs more, buckets are merged into wider ones
//	                       (1s, 5s, 15s, 1m, 5m, 15m, 1h, 6h, 1d, 7d, 28d)
//	top lists              Options.TopN entries each (heaps)
//	DDL list               Options.MaxDDL statements, then only a count
//	open transaction       a set of at most 64 table names
//
// Transaction boundaries come from the events themselves, as the binlog
// package classifies them: a GTID event or BEGIN opens a group, an XID event,
// COMMIT, ROLLBACK or XA PREPARE closes it, and a statement outside a group
// (or right after a GTID without BEGIN, as MySQL logs DDL) is a group of its
// own (see binlog.Query.Control); so is a statement preceded by the INTVAR,
// RAND or USER_VAR events of its context, as MySQL 5.0 logs autocommitted
// statements. Statements are classified (DDL, statement-based insert,
// update or delete, other) and credited to the table they name by
// binlog.Query.Statement; statement text is never parsed here.
//
// Rows are counted from decoded rows events, or, when the events were read
// with binlog.ReaderOptions.SkipRowValues (much faster), from the row image
// layout (binlog.SplitRowImages) without decoding values.
package stats
