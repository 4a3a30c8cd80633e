package natssink_test

import (
	"context"
	"log"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/binlogkit/binlogkit/binlog/cdc"
	"github.com/binlogkit/binlogkit/binlog/cdc/natssink"
)

// A pipeline publishing the changes of a live server to the stream CDC,
// its checkpoint in the key-value bucket "cdc".
func Example() {
	ctx := context.Background()
	nc, err := nats.Connect("nats://127.0.0.1:4222", nats.ReconnectBufSize(-1), nats.MaxReconnects(-1))
	if err != nil {
		log.Fatal(err)
	}
	defer nc.Drain()
	js, err := jetstream.New(nc)
	if err != nil {
		log.Fatal(err)
	}
	sink, err := natssink.New(js, &natssink.Options{Subject: "cdc.{db}.{table}"})
	if err != nil {
		log.Fatal(err)
	}
	every := time.Second
	cfg := sink.StreamConfig("CDC", natssink.DuplicateWindow(every, 10*time.Minute))
	if _, err := js.CreateOrUpdateStream(ctx, cfg); err != nil {
		log.Fatal(err)
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "cdc"})
	if err != nil {
		log.Fatal(err)
	}
	cps, err := natssink.NewKVCheckpoints(kv, &natssink.KVOptions{Key: "db1"})
	if err != nil {
		log.Fatal(err)
	}
	opts := &cdc.Options{Checkpoints: cps, CheckpointEvery: every}
	opts.Stream.Host, opts.Stream.User, opts.Stream.Flavor = "db1", "repl", "mariadb"
	if err := cdc.Run(ctx, sink, opts); err != nil {
		log.Fatal(err)
	}
}
