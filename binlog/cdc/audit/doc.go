// Package audit keeps a tamper-evident audit trail of the row changes of a
// MySQL or MariaDB binlog in a SQL database: SQLite (one file, WAL mode) as
// the embedded default, PostgreSQL for teams, with the same schema and
// queries. It is a sink of the CDC pipeline (package binlog/cdc):
//
//	db, _ := sql.Open("sqlite", "file:audit.db?_pragma=busy_timeout(10000)") // modernc.org/sqlite
//	store, err := audit.Open(ctx, db, &audit.Options{Key: key})
//	...
//	err = cdc.Run(ctx, store, &cdc.Options{Files: files})
//
// The package imports no database driver: the caller opens the *sql.DB and
// names its Dialect, so a SQLite program does not link a PostgreSQL driver
// and the reverse (examples/audit links both).
//
// # Records
//
// One record (Entry) per row change: the server's commit time, the GTID, the
// binlog file and position of the rows event, the database, table and kind,
// the primary key as text (KeyText) and as JSON, the before and after images
// as JSON in the change record encoding (rowevent.Change), and the
// transaction id and the change's index in it. Records are numbered from 1
// (seq) in commit order.
//
// # Exactly once
//
// Store is a cdc.CheckpointSink: cdc.Run hands each transaction's records
// with the checkpoint after it, and Write stores both in the same database
// transaction; cdc.Run loads the checkpoint back from the store when it
// starts. A crash (or a kill) at any moment therefore loses nothing and
// repeats nothing: the records and the checkpoint of a transaction are
// either both stored or both not. Options.GroupCommit puts several binlog
// transactions in one database transaction, for speed, with the same
// guarantee.
//
// # The chain
//
// Each record carries the SHA-256 of the previous record (PrevHash; 64 zero
// digits for the first), its own SHA-256 (Hash) over every field but seq in
// a fixed, length-prefixed encoding, and, when Options.Key is set, the
// HMAC-SHA256 of its Hash under that key (MAC). The chain head (the last
// seq and hash) is stored with the checkpoint, under a MAC too. Verify walks
// the chain and names the first bad record and the damage: Edited (content
// or MAC does not match), Deleted (a link points to a missing record, or the
// head is missing), Reordered (a record is not where its link puts it), or
// Inserted (a record nothing links to, beside its predecessor's real
// successor). Without a key, whoever can write the database can rewrite
// every record from a damaged one to the end and the head consistently;
// with a key kept away from the database, they cannot.
//
// # Schema
//
// Open creates the tables and migrates them (audit_schema_version holds
// the version, SchemaVersion): audit_records (one row per record, indexed
// by table and key, by kind and time, and by time) and audit_state (the
// checkpoint and the chain head). Times are stored as microseconds since
// the Unix epoch (UTC), so that the queries are the same in both dialects.
package audit
