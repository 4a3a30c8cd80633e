// Package binlog reads MySQL and MariaDB binary logs as a stream of typed
// events.
//
// # Reading
//
// A Reader reads one binlog from an io.Reader; Open opens a file, plain or
// compressed (lz4, xz, gzip and zstd are recognized by their magic bytes,
// not by the file name); OpenChain and OpenIndex read several files in
// order. All of them have the same shape:
//
//	r := binlog.NewReader(f, &binlog.ReaderOptions{Name: "binlog.000001"})
//	for {
//		ev, err := r.Next() // io.EOF at a clean end
//		if err != nil { ... }
//		switch p := ev.Payload.(type) {
//		case *binlog.Rows: ...
//		}
//	}
//
// or, with range-over-func, for ev, err := range r.All() { ... }.
//
// # Options
//
// ReaderOptions, FilterOptions and TxOptions work as their zero value, and
// a nil pointer means the zero value: each field's documentation says, in
// a sentence that starts "Zero means", what its zero value does. Limits
// are counted in bytes, and warnings go to a *slog.Logger. Options are
// checked when the object is built: NewFilter reports a bad pattern, not
// the first Next.
//
// # Wire format
//
// A binlog file is a 4-byte magic number followed by events:
//
//	+------+--------------------------------------+-------------------------------------+ ...
//	| fe   | header (19 bytes)                    | body              | CRC32 (4 bytes) |
//	| 'bin'| time type server_id size log_pos flg | post-header, data | when enabled    |
//	+------+--------------------------------------+-------------------------------------+ ...
//	  0      4                                      23
//
// The first event is a FORMAT_DESCRIPTION_EVENT: it gives the server
// version, the header length of the events after it, the post-header
// length of each event type, and whether events end with a CRC32. Every
// event knows the file it came from (Event.File), its start offset
// (Event.Offset) and the offset after it (Event.NextPos), so a consumer can
// resume at any event boundary.
//
// A rows event refers to a table by a numeric id that a TABLE_MAP_EVENT
// before it, in the same statement, defines. The Reader keeps the table
// maps of the current statement and forgets them at its end (STMT_END_F),
// as mysqlbinlog does, so memory stays bounded on endless streams.
//
// MySQL 8.0.20+ TRANSACTION_PAYLOAD_EVENTs (binlog_transaction_compression)
// are returned, then the events inside them, decompressed as they are read,
// one at a time, with Event.PayloadIndex 1, 2, ... and the Offset/NextPos of
// the payload event (the inner events have no position of their own in the
// file). An error inside a payload is reported at the payload event.
//
// # Errors
//
// Reading stops at the first error; errors are sticky. io.EOF means the
// input ended at an event boundary. Any other error is an *EventError with
// the file, the byte offset of the bad event and its type, wrapping one of
// the sentinel errors: ErrTruncated when the input ends inside an event
// (normal for the last event of a binlog the server is still writing: open
// the file again later with ReaderOptions.StartOffset set to the NextPos of
// the last good event), ErrChecksum,
// ErrEventTooLarge, ErrCorrupt, ErrBadMagic, ErrEncrypted,
// ErrMissingTableMap, ErrNoFormatDescription, ErrUnsupported. Event types
// this package does not know are not errors: they arrive with an *Unknown
// payload holding their raw body.
//
// CRC32 checksums are verified by default (ReaderOptions.IgnoreChecksums).
// The format description event's checksum is computed by the server with
// the "binlog in use" flag clear, and is checked that way.
//
// Memory: every size the input declares is capped by
// ReaderOptions.MaxEventSize (256 MiB by default), and nothing is
// allocated on the input's word alone: an event's bytes are read into a
// buffer grown as they arrive, so a header that lies about its size costs
// a few times the bytes really there, not what it claims. Over the limit,
// Next fails with ErrEventTooLarge, naming the size and the limit. The
// limit applies to each event of the file, to each event inside a MySQL
// compressed transaction (which is decompressed as a stream, one inner
// event at a time, never whole: a transaction of gigabytes takes the
// memory of its largest event), to the uncompressed size of a MariaDB
// compressed event, to the zstd window of a compressed transaction (at
// most 128 MiB), and to the decoded values of a rows event (a Value is 56
// bytes, one per column of the table and row image, however few bytes the
// image takes). Memory is thus bounded by the largest event, about 1.5
// times its size while it is read, plus its decoded values and, for a
// compressed transaction, its zstd window; not by the file or transaction
// size.
//
// # Values
//
// Row images are decoded into Values, one per column. The representation
// is exact and documented per Kind (see Kind): signed and unsigned integers
// are kept apart (KindInt, KindUint; an UNSIGNED column is never returned
// negative), DECIMAL is its exact decimal text, FLOAT and DOUBLE keep their
// bits, DATE/DATETIME/TIME are civil values (zero dates and negative or
// over-24-hour TIME are kept), TIMESTAMP is an instant returned in UTC
// (never shifted by the process time zone), strings keep their bytes in the
// column's charset and Text decodes them, BINARY(n) values get back the
// trailing zero bytes the server strips, ENUM and SET keep index and
// bitmask and give names when known, JSON is canonical JSON text, GEOMETRY
// is SRID + WKB.
//
// Column names, signedness, charsets, ENUM/SET members and the primary key
// come from the TABLE_MAP optional metadata that MySQL 8.0 and MariaDB
// 10.5+ write with binlog_row_metadata=FULL. Without it, the integers of a
// column of unknown signedness decode as signed and strings of unknown
// charset as bytes, as mysqlbinlog does; a Schema (ReaderOptions.Schema)
// supplies what the binlog lacks.
//
// Values that do not decode fail the event with ErrCorrupt; with
// ReaderOptions.KeepUndecodable, those whose length the format gives (JSON,
// DECIMAL, DATETIME, TIMESTAMP) are kept as KindUndecodable values and the
// rest of the row is decoded (MySQL 5.7.9 to 5.7.21 could log garbage for
// JSON generated columns).
//
// Byte slices in values point into the event's own buffer, never into a
// buffer the Reader reuses: events and their values may be kept after Next
// is called again.
//
// # Live streams, transactions, checkpoints (CDC)
//
// The subpackage binlog/live reads a live server over the replication
// protocol (live.Open) and returns a live.Stream with the same Next/All
// shape as a Reader, its events decoded by a Decoder as a Reader's are; it
// reconnects by itself and resumes from the last commit boundary it
// delivered (see live.Stream).
// Everything below composes over the Source interface, so it works the same
// on files and on live streams:
//
//	opts := &live.Options{...}
//	opts.Decode.Schema = schemahistory.New(nil) // given once: it follows DDL as events are decoded
//	last, err := binlog.LoadCheckpoint(path)  // fs.ErrNotExist: a first run (last is nil)
//	if last != nil {
//		opts.Position = last.Position
//	}
//	src, _ := live.Open(ctx, opts)            // or Open, OpenChain
//	srv := binlog.TrackServer(src, last)      // refuses a log that is not last's
//	f, err := binlog.NewFilter(srv, &binlog.FilterOptions{IncludeTables: []string{"shop.*"}}) // bad patterns: err
//	txs := binlog.NewTxReader(f, &binlog.TxOptions{MaxBuffered: 64 << 20})
//	for tx, err := range txs.All() {
//		... handle tx.Events ...
//		cp := txs.Checkpoint()                   // always at a commit boundary
//		cp.Server = srv.Server(cp.Position.File) // who wrote the log
//		binlog.SaveCheckpoint(path, cp)          // temp file, fsync, rename
//	}
//
// Choices where the references differ, written down:
//
//   - A checkpoint is taken after a transaction's commit event (XID, COMMIT
//     or a standalone DDL), never at its GTID event, and holds both the
//     position and the GTID set, so resuming never re-delivers or skips part
//     of a transaction. For exactly-once delivery save it after each
//     transaction you process (or keep your own transaction ids: Tx.GTID and
//     Tx.End identify a transaction).
//   - A checkpoint belongs to one log. It is stored in one strict,
//     versioned JSON format (see Checkpoint): LoadCheckpoint refuses
//     anything else with ErrBadCheckpoint (an empty or damaged file is
//     never "start from the beginning"; a missing file is fs.ErrNotExist,
//     for the caller to call a first run or an error), and SaveCheckpoint
//     refuses what it could not load back. It records the identity of the
//     server that wrote its file (ServerIdentity: flavor and server id,
//     from the format description event, the one thing both files and
//     streams say about their writer), and TrackServer refuses, with
//     ErrCheckpointMismatch, to resume it by position on a log another
//     server wrote, without its file, or without an event boundary at its
//     offset. Resuming by GTID set may continue on another server.
//   - Groups ended by ROLLBACK are skipped (TxOptions.IncludeRolledBack
//     delivers them marked); an incomplete group (cut by a crash) is never
//     delivered.
//   - Transactions larger than TxOptions.MaxBuffered arrive in chunks
//     (Tx.Partial), so memory stays bounded by that size, not by the
//     transaction.
//   - The schema history (package binlog/schemahistory, which brings in the
//     TiDB SQL parser; this package does not) applies
//     CREATE/ALTER/RENAME/DROP as they pass, so column names and types are
//     those of the table when the row was written, not today's; it is saved
//     with the checkpoint (Checkpoint.Extra). A table map that disagrees
//     with the history or a Schema fails with ErrSchemaMismatch naming the
//     table and position, unless the Schema's MismatchPolicy skips it.
//   - Filters keep transaction boundaries: position, time, GTID and server
//     id filters act on whole transactions, table and statement-kind
//     filters drop the events inside a transaction but keep its GTID, BEGIN
//     and commit.
//   - Times are instants: TIMESTAMP values and event times are UTC, and
//     filters take time.Time values that carry their zone.
//
// # Encoding
//
// The Encoder (and AppendEvent) writes events back as a binlog: the magic,
// then each event's payload encoded in the format of the format
// description in force, with the size, the end position (LogPos) and the
// CRC32 recomputed. Decoding a file and encoding its events again gives
// back its bytes, with these exceptions, which the tests count on every
// file of ../shared/binlogs:
//   - LogPos is the position in the file written: a relay log's source
//     positions, or the 0 of an event that had none, are not kept;
//   - MariaDB compressed events are compressed again by Go's zlib, whose
//     bytes may differ from the server's (the content is the same);
//   - the extra bytes of a common header longer than 19 bytes are written
//     as zeros;
//   - MySQL JSON is written from its text (a MySQL binary JSON
//     serializer): DECIMAL, DATE, TIME, DATETIME and other opaque values
//     inside a document come back as numbers and strings;
//   - events of the MySQL 5.2.2 development tree (wl2325), in layouts no
//     release has, and the events inside a TRANSACTION_PAYLOAD (the payload
//     event is written with its compressed bytes as they were).
//
// A row value that does not fit its column (kind, range, length,
// fractional digits) is an error naming the column, wrapping ErrEncode.
package binlog
