// Package cdc is the change-data-capture pipeline a Go service embeds: it
// streams the committed row changes of a MySQL/MariaDB binlog (a live
// server or files) to a Sink, one transaction at a time, and keeps a
// checkpoint to resume from.
//
// Pipeline: source (live.Stream or binlog.ChainReader) → counting and
// heartbeat tap → binlog.TrackServer → binlog.Filter (KeepEmptyTransactions, so
// checkpoints advance over filtered transactions) → binlog.TxReader →
// change records (Record, rowevent.AppendChangeJSON) → Sink. The schema
// history (schemahistory.New) is the source's Schema: it follows DDL as
// events are decoded.
//
//	err := cdc.Run(ctx, cdc.NewJSONLines(os.Stdout), &cdc.Options{
//		Files:          []string{"mysql-bin.000001", "mysql-bin.000002"},
//		CheckpointPath: "cdc.checkpoint",
//	})
//
// Delivery: the records of a transaction are handed to Sink.Write together,
// in one Batch, once its commit has been read (rolled-back groups are never
// delivered; a transaction that holds more than Options.MaxTxBytes of
// memory, decoded values and records included, comes in several batches,
// see Batch.Partial). The checkpoint is saved only after the sink
// acknowledged: Write returned nil for every batch it covers and, when the
// sink is also a Flusher, Flush returned nil. Saves happen at most every
// Options.CheckpointEvery and when Run returns, so a clean stop (ctx
// canceled) delivers every committed change exactly once across restarts;
// a crash may repeat the transactions delivered since the last save
// (at-least-once), which a consumer detects with the records'
// (transaction.id, transaction.index).
//
// Checkpoint: a binlog.Checkpoint in its stored form (binlog.SaveCheckpoint),
// with the schema history in its Extra and, in its Server, the identity of
// the server that wrote the checkpoint's file (binlog.TrackServer). At the
// start:
//
//   - no file at Options.CheckpointPath is a first run: reading starts where
//     the options say (the first of Files, Filter.StartPosition, or
//     Stream.Position / Stream.GTIDs, else the server's first binlog), unless
//     Options.RequireCheckpoint makes it an error (ErrNoCheckpoint, which
//     also matches fs.ErrNotExist);
//   - a file that is not a checkpoint (empty, damaged, another format) fails
//     with binlog.ErrBadCheckpoint;
//   - a checkpoint of another log fails with binlog.ErrCheckpointMismatch
//     before any record is delivered: another server wrote its file (flavor
//     and server id differ), its file is not among Files (or no longer on
//     the server), or no event boundary lies at its offset.
//
// None of these ever starts again from the beginning: to start over, remove
// the checkpoint file.
//
// Memory: a run holds one transaction (or one batch of a large one) at a
// time, bounded by Options.MaxTxBytes, and gives the events' memory back to
// the reader once the sink has written them. Over a binlog of one 86 MB
// transaction of small rows, the command examples/cdc peaks at about
// 98 MB RSS with the default 64 MiB bound, 62 MB with 32 MiB and 31 MB
// with 8 MiB (GNU time, GOGC=100; 1.6 GB before the bound counted the
// decoded values); over the 59 MB benchmark binlog of small transactions,
// at 28 MB whatever the bound.
//
// Metrics counts what a run does and serves it in the Prometheus text
// format (Options.Metrics).
package cdc
