// Package natssink publishes the change records of the CDC pipeline
// (package binlog/cdc) to a NATS JetStream stream, exactly once end to end.
//
//	nc, _ := nats.Connect(url, nats.ReconnectBufSize(-1), nats.MaxReconnects(-1))
//	js, _ := jetstream.New(nc)
//	sink, _ := natssink.New(js, nil)             // cdc.{db}.{table}, one message per row change
//	kv, _ := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "cdc"})
//	cps, _ := natssink.NewKVCheckpoints(kv, nil) // key "checkpoint"
//	err := cdc.Run(ctx, sink, &cdc.Options{Checkpoints: cps, CheckpointEvery: time.Second})
//
// # Messages
//
// One message per change record (Options.PerTransaction: one per
// transaction, or per chunk of a transaction larger than
// cdc.Options.MaxTxBytes). The body is the record in the rowevent.AppendChangeJSON
// format (per transaction: the records, one per line). The subject comes
// from Options.Subject, "cdc.{db}.{table}" by default, where {db}, {table}
// and {op} stand for the database, the table and the kind of change
// (insert, update, delete), each escaped to one valid subject token (see
// Escape): ASCII letters, digits, '-' and '_' stay as they are; every other
// byte, '.', '*', '>', white space and non-ASCII UTF-8 included, is written
// "%XX" (upper-case hex), and the empty name is "%". The escaping is
// injective, so two tables never share a subject by accident.
//
// Headers (constants Header…): Nats-Msg-Id (below), Cdc-Gtid (absent when
// the transaction has none), Cdc-Position (file:offset of the rows event,
// of the transaction's first event per transaction), Cdc-Tx-Id and
// Cdc-Tx-Index (rowevent.Change's transaction id and index; per
// transaction, the index of the first record and Cdc-Count), Cdc-Kind
// (insert, update or delete; absent per transaction).
//
// # Exactly once
//
// Nats-Msg-Id is [Options.Origin ":"] txid "/" index, where txid is the
// transaction's GTID, or file:offset of its first event when it has none:
// the same change gets the same id on every replay. Write publishes
// without waiting for acks (but for the bound below); the pipeline calls
// Flush, which returns once every message written is acknowledged, before
// each checkpoint save, so the checkpoint never passes an unacknowledged
// message, and it advances by whole transactions. A crash thus replays at
// most the transactions published since the last checkpoint save, and the
// stream drops them as duplicates as long as they fall in its duplicate
// window (jetstream.StreamConfig.Duplicates): make it longer than the
// checkpoint interval plus the longest time a pipeline may stay down
// (DuplicateWindow; StreamConfig takes the window). When the log has no GTIDs and several servers publish into one
// stream, set Origin so that their file:offset ids cannot collide.
//
// # Order and back-pressure
//
// Messages are published asynchronously, in log order, at most
// Options.MaxPending unacknowledged at a time: Write waits for the oldest
// ack when the window is full. When a publish fails (NATS down, an ack lost
// or late, a stream leader moving), the sink waits for the acks still in
// flight, backs off exponentially and publishes again from the first
// message that was not acknowledged, in order; the ones the server already
// stored come back as duplicates. Meanwhile Write (or Flush) does not
// return, so the pipeline stops reading the binlog: memory stays bounded
// (MaxPending messages plus one batch, cdc.Options.MaxTxBytes) and nothing
// is lost. A canceled ctx stops the retries; so does, in Flush, a canceled
// ctx of the last Write (a stop while NATS is unreachable), and the
// checkpoint then stays before the unacknowledged messages. Commit order per
// subject holds as long as the connection does not buffer messages across a
// reconnect (nats.ReconnectBufSize(-1)), which New requires: otherwise a
// message lost with a dead socket could be published again after later ones
// that were buffered and sent on the new connection. Metrics counts
// messages stored after a later one (OutOfOrder), which should stay 0.
//
// # Checkpoints
//
// KVCheckpoints keeps the pipeline's checkpoint (binlog.Checkpoint in its
// stored JSON form) in a JetStream key-value bucket, so that a pipeline on
// another host can take over. Saves are conditional on the revision loaded
// or saved last: a second pipeline writing the same key makes the first
// fail with ErrConflict rather than both publishing.
package natssink
