package rowevent

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/binlogkit/binlogkit/internal/workload"
)

var (
	rtSeeds = flag.Int("roundtrip.seeds", 2, "seeds of the round-trip test, per metadata setting")
	rtTx    = flag.Int("roundtrip.tx", 500, "transactions per round-trip seed")
)

// TestRoundTrip runs a seeded random workload (internal/workload) on a real
// server and checks, with CHECKSUM TABLE, that the inverse SQL of its
// binlog, applied in reverse event order to the after-state, gives the
// before-state, and that the forward SQL applied to that before-state
// gives the after-state again. With binlog_row_metadata=NO_LOG the column
// names, signedness, charsets and keys come from the server's
// information_schema; that server keeps its default character set
// (latin1), as a stock install does. The example binlog2sql runs the same
// workload through its command line, with more seeds.
func TestRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	for _, meta := range []string{"FULL", "NO_LOG"} {
		t.Run(meta, func(t *testing.T) {
			srv := testserver.Start(t, &testserver.Options{RowMetadata: meta, DefaultCharset: meta == "NO_LOG"})
			for seed := 1; seed <= *rtSeeds; seed++ {
				t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
					roundTrip(t, srv, uint64(seed), meta == "NO_LOG")
				})
			}
		})
	}
}

func roundTrip(t *testing.T, srv *testserver.Server, seed uint64, useSchema bool) {
	run := workload.Record(t, srv, seed, &workload.Options{Transactions: *rtTx, Restart: seed == 1})
	ropts := &binlog.ReaderOptions{}
	if useSchema {
		ropts.Schema = workload.ServerSchema(t, srv, run.DB)
	}
	cr, err := binlog.OpenChain(run.Paths, ropts)
	if err != nil {
		t.Fatal(err)
	}
	defer cr.Close()
	opts := &Options{InsertBatch: 3}
	fwd := []byte(Header)
	var inv [][]byte
	nevents, nrows := 0, 0
	for {
		ev, err := cr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rows, ok := ev.Payload.(*binlog.Rows)
		if !ok || rows.Table.Schema != run.DB {
			continue
		}
		nevents++
		nrows += len(rows.Rows)
		if fwd, err = AppendForward(fwd, rows, opts); err != nil {
			t.Fatalf("%s@%d: %v", ev.File, ev.Offset, err)
		}
		b, err := AppendInverse(nil, rows, opts)
		if err != nil {
			t.Fatalf("%s@%d: %v", ev.File, ev.Offset, err)
		}
		inv = append(inv, b)
	}
	back := []byte(Header)
	for i := len(inv) - 1; i >= 0; i-- {
		back = append(back, inv[i]...)
	}
	if dump := os.Getenv("ROWEVENT_DUMP"); dump != "" {
		os.WriteFile(dump+".fwd.sql", fwd, 0o644)
		os.WriteFile(dump+".inv.sql", back, 0o644)
	}
	run.Apply(t, "inverse", string(back), "before")
	run.Apply(t, "forward", string(fwd), "after")
	t.Logf("seed %d: %d statements ok (%d refused), %d binlogs, %d rows events, %d rows, forward SQL %d bytes, workload %v",
		seed, run.OK, run.Failed, len(run.Paths), nevents, nrows, len(fwd), run.Elapsed.Round(1e6))
}
