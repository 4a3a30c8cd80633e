package cdc

import (
	"context"
	"fmt"

	"github.com/binlogkit/binlogkit/binlog"
)

// A CheckpointStore keeps the pipeline's checkpoint somewhere other than a
// local file (Options.CheckpointPath): a key-value bucket of a message
// system, a table, so that another host can take over.
type CheckpointStore interface {
	// LoadCheckpoint returns the saved checkpoint, or an error matching
	// fs.ErrNotExist when there is none yet (a first run).
	LoadCheckpoint(ctx context.Context) (*binlog.Checkpoint, error)
	// SaveCheckpoint stores cp, replacing the one saved before. Run calls
	// it only after the sink acknowledged every batch up to cp.
	SaveCheckpoint(ctx context.Context, cp *binlog.Checkpoint) error
}

// A CheckpointSink stores the checkpoint together with the records,
// atomically (in the same database transaction, say), which turns the
// pipeline's at-least-once delivery into exactly-once across crashes. When
// the sink given to Run is a CheckpointSink and Options.Checkpoints and
// CheckpointPath are zero, Run loads the checkpoint from the sink at the
// start, and gives every Batch that ends a transaction the checkpoint
// after it (Batch.Checkpoint), which the sink stores with the batch's
// records; Run then saves no checkpoint of its own.
type CheckpointSink interface {
	Sink
	// LoadCheckpoint returns the checkpoint stored with the last batch, or
	// an error matching fs.ErrNotExist when there is none yet.
	LoadCheckpoint(ctx context.Context) (*binlog.Checkpoint, error)
}

// fileCheckpoints is the CheckpointStore of Options.CheckpointPath.
type fileCheckpoints string

func (f fileCheckpoints) LoadCheckpoint(context.Context) (*binlog.Checkpoint, error) {
	return binlog.LoadCheckpoint(string(f))
}

func (f fileCheckpoints) SaveCheckpoint(_ context.Context, cp *binlog.Checkpoint) error {
	return binlog.SaveCheckpoint(string(f), cp)
}

// sinkCheckpoints is the CheckpointStore of a CheckpointSink: saving is the
// sink's business, done with each batch.
type sinkCheckpoints struct{ s CheckpointSink }

func (s sinkCheckpoints) LoadCheckpoint(ctx context.Context) (*binlog.Checkpoint, error) {
	return s.s.LoadCheckpoint(ctx)
}

func (sinkCheckpoints) SaveCheckpoint(context.Context, *binlog.Checkpoint) error { return nil }

// checkpointStore returns where the checkpoint is kept, and whether the
// sink stores it with the batches; nil when none is kept.
func (o *Options) checkpointStore(sink Sink) (store CheckpointStore, withBatches bool, where string) {
	switch {
	case o.Checkpoints != nil:
		return o.Checkpoints, false, fmt.Sprintf("%T", o.Checkpoints)
	case o.CheckpointPath != "":
		return fileCheckpoints(o.CheckpointPath), false, o.CheckpointPath
	}
	if cs, ok := sink.(CheckpointSink); ok {
		return sinkCheckpoints{cs}, true, fmt.Sprintf("%T", sink)
	}
	return nil, false, ""
}
