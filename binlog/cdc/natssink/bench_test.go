package natssink

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog/cdc"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// BenchmarkPublish runs the pipeline over the benchmark binlog
// (testserver.BenchBinlog) into JetStream (an in-process server, file
// storage) and, for comparison, into JSON lines on a discarded stdout.
// It reports change records (one message each, or one message per
// transaction) and transactions per second.
//
//	go test ./binlog/cdc/natssink -run '^$' -bench Publish -benchtime 1x
func BenchmarkPublish(b *testing.B) {
	path, _ := testserver.BenchBinlog(b, 56<<20)
	run := func(b *testing.B, sink func(b *testing.B) cdc.Sink) {
		var rows, txs int64
		var elapsed time.Duration
		for b.Loop() {
			s := sink(b)
			var m cdc.Metrics
			start := time.Now()
			if err := cdc.Run(context.Background(), s, &cdc.Options{Files: []string{path}, Metrics: &m, CheckpointEvery: time.Second}); err != nil {
				b.Fatal(err)
			}
			elapsed += time.Since(start)
			rows += m.Snapshot().Rows
			txs += m.Snapshot().Transactions
		}
		b.ReportMetric(float64(rows)/elapsed.Seconds(), "records/s")
		b.ReportMetric(float64(txs)/elapsed.Seconds(), "tx/s")
	}
	b.Run("stdout-json", func(b *testing.B) {
		run(b, func(*testing.B) cdc.Sink { return cdc.NewJSONLines(io.Discard, nil) })
	})
	for _, perTx := range []bool{false, true} {
		name := "nats"
		if perTx {
			name = "nats-per-transaction"
		}
		b.Run(name, func(b *testing.B) {
			run(b, func(b *testing.B) cdc.Sink {
				b.StopTimer()
				defer b.StartTimer()
				ns := startNATS(b)
				_, js := connect(b, ns.url())
				s, err := New(js, &Options{PerTransaction: perTx})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := js.CreateStream(context.Background(), s.StreamConfig("CDC", 2*time.Minute)); err != nil {
					b.Fatal(err)
				}
				return s
			})
		})
	}
}
