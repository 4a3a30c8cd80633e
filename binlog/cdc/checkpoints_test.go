package cdc

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
)

// txSink is a CheckpointSink that keeps records and checkpoint together,
// as a database transaction would, and fails ("crashes") after n batches.
type txSink struct {
	n       int // batches to store before failing; < 0: never fail
	records []string
	cp      *binlog.Checkpoint
}

func (s *txSink) Write(_ context.Context, b *Batch) error {
	if s.n == 0 {
		return errBoom
	}
	s.n--
	for _, r := range b.Records {
		s.records = append(s.records, fmt.Sprintf("%s:%d#%d", r.Change.File, r.Change.Offset, r.Row))
	}
	if b.Checkpoint != nil {
		cp := *b.Checkpoint
		s.cp = &cp
	} else if !b.Partial {
		return errors.New("batch without a checkpoint")
	}
	return nil
}

func (s *txSink) LoadCheckpoint(context.Context) (*binlog.Checkpoint, error) {
	if s.cp == nil {
		return nil, fs.ErrNotExist
	}
	return s.cp, nil
}

// TestCheckpointSinkExactlyOnce: a sink that stores the checkpoint with its
// records gets every record exactly once across any number of crashes.
func TestCheckpointSinkExactlyOnce(t *testing.T) {
	all := &txSink{n: -1}
	if err := Run(context.Background(), all, &Options{Files: []string{dmlFull}}); err != nil {
		t.Fatal(err)
	}
	if len(all.records) == 0 {
		t.Fatal("no records")
	}
	s := &txSink{}
	for run := 0; ; run++ {
		s.n = 2 + run%3
		err := Run(context.Background(), s, &Options{Files: []string{dmlFull}})
		if err == nil {
			break
		}
		if !errors.Is(err, errBoom) {
			t.Fatal(err)
		}
		if run > 1000 {
			t.Fatal("no progress")
		}
	}
	if fmt.Sprint(s.records) != fmt.Sprint(all.records) {
		t.Errorf("records across crashes differ from one run:\n got %d %v\nwant %d %v", len(s.records), s.records, len(all.records), all.records)
	}
}

// memStore is a CheckpointStore in memory.
type memStore struct {
	cp    *binlog.Checkpoint
	saves int
}

func (m *memStore) LoadCheckpoint(context.Context) (*binlog.Checkpoint, error) {
	if m.cp == nil {
		return nil, fs.ErrNotExist
	}
	return m.cp, nil
}

func (m *memStore) SaveCheckpoint(_ context.Context, cp *binlog.Checkpoint) error {
	c := *cp
	m.cp = &c
	m.saves++
	return nil
}

// TestCheckpointStore: Options.Checkpoints replaces the file; a rerun
// resumes after the last acknowledged transaction.
func TestCheckpointStore(t *testing.T) {
	st := &memStore{}
	s := &failSink{n: 3}
	if err := Run(context.Background(), s, &Options{Files: []string{dmlFull}, Checkpoints: st}); !errors.Is(err, errBoom) {
		t.Fatalf("Run: %v, want errBoom", err)
	}
	if st.cp == nil || st.cp.Position != s.last {
		t.Fatalf("stored checkpoint %v, want at %v", st.cp, s.last)
	}
	if err := Run(context.Background(), &failSink{n: -1}, &Options{Files: []string{dmlFull}, Checkpoints: st, CheckpointPath: "x"}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("Checkpoints and CheckpointPath: %v, want ErrInvalidOptions", err)
	}
}

// canceledStore fails its load with the context's error, as a store
// reached over the network does when Run is stopped while starting.
type canceledStore struct{ memStore }

func (c *canceledStore) LoadCheckpoint(ctx context.Context) (*binlog.Checkpoint, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestStopWhileStarting: a stop while Run starts is a clean stop (nil), as
// it is later.
func TestStopWhileStarting(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Run(ctx, &failSink{n: -1}, &Options{Files: []string{dmlFull}, Checkpoints: &canceledStore{}}); err != nil {
		t.Errorf("Run stopped while loading the checkpoint: %v, want nil", err)
	}
}
