package natssink

import (
	"context"
	"errors"
	"io/fs"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/binlogkit/binlogkit/binlog"
)

func TestKVCheckpoints(t *testing.T) {
	ns := startNATS(t)
	_, js := connect(t, ns.url())
	ctx := context.Background()
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "cp"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewKVCheckpoints(kv, &KVOptions{Key: "a b"}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("key with a space: %v, want ErrInvalidOptions", err)
	}
	a, _ := NewKVCheckpoints(kv, nil)
	if _, err := a.LoadCheckpoint(ctx); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("first load: %v, want fs.ErrNotExist", err)
	}
	cp := &binlog.Checkpoint{Position: binlog.Position{File: "binlog.000001", Offset: 4}}
	if err := a.SaveCheckpoint(ctx, cp); err != nil {
		t.Fatal(err)
	}
	cp.Position.Offset = 400
	if err := a.SaveCheckpoint(ctx, cp); err != nil {
		t.Fatal(err)
	}
	// Another host takes over.
	b, _ := NewKVCheckpoints(kv, nil)
	got, err := b.LoadCheckpoint(ctx)
	if err != nil || got.Position != cp.Position {
		t.Fatalf("load: %v, %v; want %v", got, err, cp.Position)
	}
	cp.Position.Offset = 800
	if err := b.SaveCheckpoint(ctx, cp); err != nil {
		t.Fatal(err)
	}
	// The old pipeline, still running, must not overwrite it.
	cp.Position.Offset = 500
	var e *Error
	if err := a.SaveCheckpoint(ctx, cp); !errors.Is(err, ErrConflict) || !errors.As(err, &e) || e.Op != "save" {
		t.Errorf("save of the replaced pipeline: %v, want ErrConflict", err)
	}
	// A value that is not a checkpoint.
	if _, err := kv.PutString(ctx, "bad", "{}"); err != nil {
		t.Fatal(err)
	}
	c, _ := NewKVCheckpoints(kv, &KVOptions{Key: "bad"})
	if _, err := c.LoadCheckpoint(ctx); !errors.Is(err, binlog.ErrBadCheckpoint) {
		t.Errorf("bad value: %v, want binlog.ErrBadCheckpoint", err)
	}
}

func TestNewNeedsNoReconnectBuffer(t *testing.T) {
	ns := startNATS(t)
	nc, err := nats.Connect(ns.url())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	if _, err := New(js, nil); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("New over a buffering connection: %v, want ErrInvalidOptions", err)
	}
}
