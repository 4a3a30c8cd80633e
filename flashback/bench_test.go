package flashback_test

import (
	"io"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/flashback"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// BenchmarkWriteBinlog writes the flashback binlog of the shared benchmark
// binlog (see testserver.BenchBinlog) to io.Discard, in process: the one to
// profile (-cpuprofile) when examples/flashback's BenchmarkFlashbackCommand
// shows a regression. "values" reads with decoded rows (the path of a
// filtered source), "raw" with ReaderOptions.SkipRowValues.
func BenchmarkWriteBinlog(b *testing.B) {
	path, size := testserver.BenchBinlog(b, 56<<20)
	for _, c := range []struct {
		name string
		skip bool
	}{{"values", false}, {"raw", true}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			for range b.N {
				r, err := binlog.OpenChain([]string{path}, &binlog.ReaderOptions{SkipRowValues: c.skip})
				if err != nil {
					b.Fatal(err)
				}
				sel := &flashback.Selection{SkipStatements: true}
				if _, err := flashback.WriteBinlog(io.Discard, r, sel, &flashback.BinlogOptions{TempDir: b.TempDir()}); err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
		})
	}
}
