package audit

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog/cdc"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// BenchmarkWrite measures records per second into each store over the
// benchmark binlog (internal/testserver.BenchBinlog), with the default
// key-less chain and with a key, committing every 1 and every 256 binlog
// transactions.
//
//	go test ./binlog/cdc/audit -run '^$' -bench Write -benchtime 1x
func BenchmarkWrite(b *testing.B) {
	path, size := testserver.BenchBinlog(b, 56<<20)
	for _, be := range backends(b) {
		for _, group := range []int{1, 256} {
			b.Run(fmt.Sprintf("%s/group=%d", be.name, group), func(b *testing.B) {
				b.SetBytes(size)
				var records int64
				var elapsed time.Duration
				for b.Loop() {
					b.StopTimer()
					db, d := be.open(b)
					s, err := Open(context.Background(), db, &Options{Dialect: d, Key: []byte("bench"), GroupCommit: group})
					if err != nil {
						b.Fatal(err)
					}
					m := &cdc.Metrics{}
					b.StartTimer()
					start := time.Now()
					if err := cdc.Run(context.Background(), s, &cdc.Options{Files: []string{path}, Metrics: m}); err != nil {
						b.Fatal(err)
					}
					elapsed += time.Since(start)
					records += m.Snapshot().Rows
				}
				b.ReportMetric(float64(records)/elapsed.Seconds(), "records/s")
			})
		}
	}
}
