package main

import (
	"bytes"
	"flag"
	"fmt"
	"strconv"
	"testing"

	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/binlogkit/binlogkit/internal/workload"
)

var (
	rtSeeds = flag.Int("roundtrip.seeds", 5, "seeds of the round-trip test, per metadata setting")
	rtTx    = flag.Int("roundtrip.tx", 500, "transactions per round-trip seed")
)

// TestRoundTrip is the project's random round trip, through the command
// line as a DBA runs it: a seeded workload (internal/workload: every column
// type and edge value, tables without a key whose rows differ only in a
// FLOAT, DOUBLE or JSON column, duplicate rows, a UNIQUE key over NULLable
// columns, the server's default charset, savepoints and ROLLBACK TO, big
// transactions, a server restart) runs on a real server; `binlog2sql -B`
// of its binlogs applied to the after-state must give the before-state,
// and `binlog2sql` applied to that must give the after-state again, judged
// by CHECKSUM TABLE. With binlog_row_metadata=FULL the names come from the
// binlog, on a server with the harness's utf8mb4 default; with NO_LOG from
// the server through -h/-P/-u, on a stock latin1 server.
func TestRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	for _, meta := range []string{"FULL", "NO_LOG"} {
		t.Run(meta, func(t *testing.T) {
			srv := testserver.Start(t, &testserver.Options{RowMetadata: meta, DefaultCharset: meta == "NO_LOG"})
			for seed := 1; seed <= *rtSeeds; seed++ {
				t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
					run := workload.Record(t, srv, uint64(seed), &workload.Options{Transactions: *rtTx, Restart: seed == 1})
					args := append([]string{"-d", run.DB}, run.Paths...)
					if meta == "NO_LOG" {
						args = append(args, "-h", "127.0.0.1", "-P", strconv.Itoa(srv.Port()), "-u", "root")
					}
					back := binlog2sql(t, append([]string{"-B"}, args...)...)
					run.Apply(t, "binlog2sql -B", back, "before")
					fwd := binlog2sql(t, args...)
					run.Apply(t, "binlog2sql", fwd, "after")
					t.Logf("seed %d: %d statements (%d refused), %d binlogs, forward SQL %d bytes, flashback %d bytes, workload %v",
						seed, run.OK, run.Failed, len(run.Paths), len(fwd), len(back), run.Elapsed.Round(1e6))
				})
			}
		})
	}
}

// binlog2sql runs the command in process and returns its output.
func binlog2sql(t *testing.T, args ...string) string {
	t.Helper()
	cfg, err := parseFlags(args)
	if err != nil {
		t.Fatalf("binlog2sql %q: %v", args, err)
	}
	var out bytes.Buffer
	if err := run(cfg, &out); err != nil {
		t.Fatalf("binlog2sql %q: %v", args, err)
	}
	return out.String()
}
