package cdc

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
)

const dmlFull = "../testdata/dml.full.binlog"

// failSink acknowledges n batches with records, then fails.
type failSink struct {
	n    int
	last binlog.Position
}

var errBoom = errors.New("boom")

func (s *failSink) Write(_ context.Context, b *Batch) error {
	if len(b.Records) == 0 {
		return nil
	}
	if s.n == 0 {
		return errBoom
	}
	s.n--
	s.last = b.End
	return nil
}

// TestSinkErrorKeepsCheckpoint: a sink error stops Run with an *Error, and
// the checkpoint is that of the last acknowledged transaction, so a rerun
// delivers the failed transaction again.
func TestSinkErrorKeepsCheckpoint(t *testing.T) {
	cp := filepath.Join(t.TempDir(), "cp")
	s := &failSink{n: 3}
	err := Run(context.Background(), s, &Options{Files: []string{dmlFull}, CheckpointPath: cp})
	var e *Error
	if !errors.As(err, &e) || e.Op != "sink" || !errors.Is(err, errBoom) {
		t.Fatalf("Run: %v, want an *Error of the sink wrapping errBoom", err)
	}
	got, err := binlog.LoadCheckpoint(cp)
	if err != nil {
		t.Fatal(err)
	}
	if got.Position != s.last {
		t.Errorf("checkpoint at %v, want %v (the last acknowledged transaction)", got.Position, s.last)
	}
	// A rerun resumes with the transaction that failed.
	var out bytes.Buffer
	if err := Run(context.Background(), NewJSONLines(&out, nil), &Options{Files: []string{dmlFull}, CheckpointPath: cp}); err != nil {
		t.Fatal(err)
	}
	var all bytes.Buffer
	if err := Run(context.Background(), NewJSONLines(&all, nil), &Options{Files: []string{dmlFull}}); err != nil {
		t.Fatal(err)
	}
	if out.Len() == 0 || !bytes.HasSuffix(all.Bytes(), out.Bytes()) || out.Len() == all.Len() {
		t.Errorf("rerun wrote %d of %d bytes, not a proper suffix of a full run", out.Len(), all.Len())
	}
}

func TestOptionErrors(t *testing.T) {
	if err := Run(context.Background(), nil, nil); !errors.Is(err, ErrNoSink) {
		t.Errorf("nil sink: %v", err)
	}
	sink := NewJSONLines(&bytes.Buffer{}, nil)
	if err := Run(context.Background(), sink, &Options{RequireCheckpoint: true}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("RequireCheckpoint without a path: %v", err)
	}
	err := Run(context.Background(), sink, &Options{Files: []string{dmlFull}, RequireCheckpoint: true,
		CheckpointPath: filepath.Join(t.TempDir(), "none")})
	if !errors.Is(err, ErrNoCheckpoint) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("no checkpoint: %v, want ErrNoCheckpoint and fs.ErrNotExist", err)
	}
}
