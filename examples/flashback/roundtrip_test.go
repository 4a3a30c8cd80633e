package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/binlogkit/binlogkit/internal/workload"
)

// TestRoundTrip is the acceptance round trip of the command: a seeded
// random workload (internal/workload: every column type and edge value,
// tables with and without keys) of 500 transactions over at least 3
// binlogs runs on a real server; from the after-state, (a) the --sql output
// applied with the mariadb client and (b) the --out binlog applied with
// `mariadb-binlog FILE | mariadb` must give the expected state, judged by
// CHECKSUM TABLE: the before-state for the whole range, that table's
// before-state (the others untouched) for one table, and the state at the
// window's start for a time window ending at the end of the range (computed
// by the server: `mariadb-binlog --stop-datetime` of the original binlogs
// applied to the before-state). With binlog_row_metadata=FULL the command
// reads the files alone; with NO_LOG, on a stock latin1 server with
// gtid_strict_mode=ON, it is given the server (-h -P -u), which gives the
// column names and runs the conflict check (clean: nothing changed since).
func TestRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	for _, mode := range []struct {
		name string
		opts testserver.Options
	}{
		{"FULL", testserver.Options{RowMetadata: "FULL", ExtraArgs: []string{"--max-binlog-size=131072"}}},
		{"NO_LOG_gtid_strict", testserver.Options{RowMetadata: "NO_LOG", DefaultCharset: true,
			ExtraArgs: []string{"--max-binlog-size=131072", "--gtid-strict-mode=ON"}}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			srv := testserver.Start(t, &mode.opts)
			run := workload.Record(t, srv, 1, &workload.Options{Transactions: 500, Restart: true})
			if len(run.Paths) < 3 {
				t.Fatalf("%d binlogs, want at least 3", len(run.Paths))
			}
			t.Logf("workload: %d statements (%d refused), %d binlogs, %v", run.OK, run.Failed, len(run.Paths), run.Elapsed.Round(time.Millisecond))
			check := []string{"-h", "127.0.0.1", "-P", strconv.Itoa(srv.Port()), "-u", "root"}
			var server []string
			if mode.opts.RowMetadata == "NO_LOG" {
				// The check runs, and must not stop the round trip: see
				// check_clean for what it reports.
				server = append(check, "--on-conflict", "force")
			}

			// From the after-state nothing changed since the range: the
			// conflict check must report nothing.
			t.Run("check_clean", func(t *testing.T) {
				copyTables(t, srv, run.DB, run.AfterDB, workload.Tables)
				out, stderr, code := flashbackCmd(t, append(append([]string{"--databases", run.DB, "--quiet", "--dry-run"}, check...), run.Paths...)...)
				if code != 0 || strings.Contains(stderr, "changed since") {
					t.Errorf("conflict check from the after-state: exit %d, want 0 and no conflict\n%.3000s", code, stderr)
				}
				if !strings.Contains(out, "transactions: ") {
					t.Errorf("dry run: %s", out)
				}
			})

			// The time window: from a second boundary between two
			// transactions, about two thirds into the range, to its end.
			boundary := timeBoundary(t, run.Paths)
			T := boundary.UTC().Format(time.DateTime)
			copyTables(t, srv, run.DB, run.BeforeDB, workload.Tables)
			script := testserver.MariaDBBinlog(t, append([]string{"--disable-log-bin", "--stop-datetime=" + T}, run.Paths...)...)
			// Unlogged, the GTIDs are not wanted; gtid_strict_mode refuses
			// to set gtid_seq_no back even so.
			script = gtidSeqNo.ReplaceAllString(script, "")
			if err := srv.ExecScript(script); err != nil {
				t.Fatalf("replaying up to %s: %v", T, err)
			}
			atT := run.Checksums(t, run.DB)

			oneTable := make(map[string]string)
			for tb, sum := range run.After {
				oneTable[tb] = sum
			}
			oneTable["t_all"] = run.Before["t_all"]

			for _, c := range []struct {
				name string
				args []string
				want map[string]string
			}{
				{"whole", []string{"--databases", run.DB}, run.Before},
				{"one_table", []string{"--tables", run.DB + ".t_all"}, oneTable},
				{"window", []string{"--databases", run.DB, "--start-datetime", T, "--time-zone", "UTC"}, atT},
			} {
				args := append(append(c.args, server...), "--quiet")
				t.Run(c.name+"/sql", func(t *testing.T) {
					copyTables(t, srv, run.DB, run.AfterDB, workload.Tables)
					out := mustFlashback(t, append(append(args, "--sql"), run.Paths...)...)
					if err := srv.ExecScript(out); err != nil {
						t.Fatalf("applying the SQL: %v", err)
					}
					checkState(t, run, c.want)
				})
				t.Run(c.name+"/binlog", func(t *testing.T) {
					copyTables(t, srv, run.DB, run.AfterDB, workload.Tables)
					dir := t.TempDir()
					outArgs := []string{"--out", filepath.Join(dir, "fb")}
					if c.name == "whole" {
						outArgs = append(outArgs, "--maxSplitSize", "65536")
					}
					mustFlashback(t, append(append(args, outArgs...), run.Paths...)...)
					files, err := filepath.Glob(filepath.Join(dir, "fb*"))
					if err != nil || len(files) == 0 {
						t.Fatalf("no output: %v", err)
					}
					sort.Strings(files)
					if c.name == "whole" && len(files) < 2 {
						t.Errorf("--maxSplitSize 65536: %d output, want several", len(files))
					}
					srv.ApplyBinlogs(t, files...)
					checkState(t, run, c.want)
				})
			}
			t.Logf("%s: %v in all", mode.name, time.Since(start).Round(time.Millisecond))
		})
	}
}

// checkState fails the test unless the workload's tables have the
// checksums of want.
func checkState(t *testing.T, run *workload.Run, want map[string]string) {
	t.Helper()
	got := run.Checksums(t, run.DB)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("checksums %v, want %v", got, want)
	}
}

// timeBoundary returns a time T such that every event of the transactions
// before some transaction is older than T and every event from it on is at
// T or later: a window starting at T is the same for mariadb-binlog
// --start/--stop-datetime (which look at every event) and for flashback
// (which looks at each transaction's first event). It picks the boundary
// nearest to two thirds of the range.
func timeBoundary(t *testing.T, paths []string) time.Time {
	t.Helper()
	cr, err := binlog.OpenChain(paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cr.Close()
	txr := binlog.NewTxReader(cr, nil)
	var lo, hi []uint32 // per transaction: oldest and newest event
	for {
		tx, err := txr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		l, h := ^uint32(0), uint32(0)
		for _, ev := range tx.Events {
			l, h = min(l, ev.Header.Timestamp), max(h, ev.Header.Timestamp)
		}
		lo, hi = append(lo, l), append(hi, h)
	}
	n := len(lo)
	suffixMin := make([]uint32, n+1)
	suffixMin[n] = ^uint32(0)
	for i := n - 1; i >= 0; i-- {
		suffixMin[i] = min(lo[i], suffixMin[i+1])
	}
	best, prefixMax := -1, uint32(0)
	for i := 1; i < n; i++ {
		prefixMax = max(prefixMax, hi[i-1])
		if prefixMax < suffixMin[i] && (best < 0 || abs(i-2*n/3) < abs(best-2*n/3)) {
			best = i
		}
	}
	if best < 0 {
		t.Fatalf("the %d transactions have no second boundary between them", n)
	}
	t.Logf("time window: transactions %d to %d of %d", best+1, n, n)
	return time.Unix(int64(suffixMin[best]), 0)
}

// gtidSeqNo matches the statements of mariadb-binlog that set the GTID.
var gtidSeqNo = regexp.MustCompile(`(?m)^/\*M!100001 SET @@session\.gtid_seq_no=\d+\*/\n?/\*!\*/;`)

func abs(x int) int { return max(x, -x) }
