package live_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/live"
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

// txRecord is what the CDC consumer stores for one transaction: enough to
// check that each committed transaction arrives once, whole, in order.
type txRecord struct {
	GTID string
	End  string
	Rows int    // row changes
	Hash string // digest of the raw bytes of the transaction's rows events
}

func recordOf(tx *binlog.Tx) txRecord {
	h := sha256.New()
	rows := 0
	for _, ev := range tx.Events {
		if r, ok := ev.Payload.(*binlog.Rows); ok {
			h.Write(ev.Raw[19:]) // body: the header's log_pos differs in no way, but keep to the body
			rows += len(r.Rows)
		}
	}
	g := ""
	if tx.GTID != nil {
		g = tx.GTID.String()
	}
	return txRecord{GTID: g, End: tx.End.String(), Rows: rows, Hash: hex.EncodeToString(h.Sum(nil)[:8])}
}

// sinkState is the consumer's durable state: saved in the checkpoint's
// Extra, in the same atomic write as the position, as a real sink would
// commit its writes and its checkpoint together.
type sinkState struct {
	Delivered int `json:"delivered"`
}

// workload runs n transactions of mixed shapes on its own connection.
func workload(ctx context.Context, srv *testserver.Server, n int, rnd *rand.Rand) error {
	c, err := srv.Connect("cdc")
	if err != nil {
		return err
	}
	defer c.Close()
	next := 1
	live := []int{}
	for i := 0; i < n; i++ {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if i%4 == 0 {
			time.Sleep(5 * time.Millisecond) // spread the workload over a few seconds
		}
		var stmts []string
		switch k := rnd.IntN(10); {
		case k < 4 || len(live) < 10: // multi-row insert
			q := "INSERT INTO t (id, v, note) VALUES "
			for j := 0; j < 1+rnd.IntN(4); j++ {
				if j > 0 {
					q += ","
				}
				q += fmt.Sprintf("(%d, %d, 'n%d')", next, rnd.IntN(1000), i)
				live = append(live, next)
				next++
			}
			stmts = []string{q}
		case k < 7: // multi-row update
			lo := live[rnd.IntN(len(live))]
			stmts = []string{fmt.Sprintf("UPDATE t SET v = v + 1, note = 'u%d' WHERE id BETWEEN %d AND %d", i, lo, lo+3)}
		case k < 8: // delete
			j := rnd.IntN(len(live))
			stmts = []string{fmt.Sprintf("DELETE FROM t WHERE id = %d", live[j])}
			live = append(live[:j], live[j+1:]...)
		default: // a multi-statement transaction
			lo := live[rnd.IntN(len(live))]
			stmts = []string{"BEGIN",
				fmt.Sprintf("INSERT INTO t (id, v, note) VALUES (%d, 0, 'tx%d')", next, i),
				fmt.Sprintf("UPDATE t SET v = v * 2 WHERE id >= %d AND id < %d", lo, lo+5),
				fmt.Sprintf("DELETE FROM t WHERE id = %d", next),
				"COMMIT"}
			next++
		}
		for _, q := range stmts {
			if _, err := c.Execute(q); err != nil {
				if isConnErr(err) {
					// The server is restarting: reconnect and retry the
					// transaction (it was not committed, or the retry fails
					// on the duplicate key and is skipped).
					for ctx.Err() == nil {
						time.Sleep(50 * time.Millisecond)
						if c, err = srv.Connect("cdc"); err == nil {
							break
						}
					}
					if ctx.Err() != nil {
						return ctx.Err()
					}
					i--
					break
				}
				return fmt.Errorf("%s: %w", q, err)
			}
		}
	}
	return nil
}

func isConnErr(err error) bool {
	s := err.Error()
	for _, m := range []string{"connection", "EOF", "broken pipe", "reset", "shutdown", "1927", "2013", "2006"} {
		if contains(s, m) {
			return true
		}
	}
	return false
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// killDumpThreads kills the server's binlog dump connections: the stream
// must reconnect by itself, resuming mid-transaction.
func killDumpThreads(srv *testserver.Server) (int, error) {
	c, err := srv.Connect("")
	if err != nil {
		return 0, err
	}
	defer c.Close()
	r, err := c.Execute("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'")
	if err != nil {
		return 0, err
	}
	n := r.RowNumber()
	for i := 0; i < n; i++ {
		id, _ := r.GetInt(i, 0)
		c.Execute(fmt.Sprintf("KILL CONNECTION %d", id))
	}
	return n, nil
}

// queryValue runs q on a new connection of its own.
func queryValue(srv *testserver.Server, q string) (string, error) {
	c, err := srv.Connect("")
	if err != nil {
		return "", err
	}
	defer c.Close()
	r, err := c.Execute(q)
	if err != nil {
		return "", err
	}
	defer r.Close()
	v, err := r.GetString(0, 0)
	return strings.Clone(v), err // GetString aliases a buffer that Close recycles
}

// restartServer stops the server (SIGTERM, a clean shutdown) and starts it
// again on the same data directory, binary logs and port.
func restartServer(ctx context.Context, t *testing.T, srv *testserver.Server) error {
	return srv.Restart(ctx)
}

// TestCDCExactlyOnce streams a workload of 1,200 transactions while the
// consumer is killed at random points and resumed from its checkpoint, and
// while the server drops the replication connection and restarts. Every committed transaction must be delivered exactly
// once, whole, in commit order: the delivered sequence must equal the one
// read from the binlog files afterwards.
func TestCDCExactlyOnce(t *testing.T) {
	srv := testserver.Start(t, &testserver.Options{ExtraArgs: []string{"--max-binlog-size=262144"}})
	if err := srv.Exec("CREATE DATABASE cdc",
		"CREATE TABLE cdc.t (id INT PRIMARY KEY, v INT NOT NULL, note VARCHAR(40)) ENGINE=InnoDB"); err != nil {
		t.Fatal(err)
	}
	const nTx = 1200
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rnd := rand.New(rand.NewPCG(seed, 1))

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	var wg sync.WaitGroup
	var werr error
	wdone := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(wdone)
		werr = workload(ctx, srv, nTx, rand.New(rand.NewPCG(seed, 2)))
	}()

	// Disturbances: kill the dump connection now and then, and restart
	// the server once if the harness supports it.
	var restarted, killed int
	var reconnects atomic.Int64
	ddone := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(ddone)
		for i := 0; ; i++ {
			select {
			case <-wdone:
				if reconnects.Load() >= 3 || ctx.Err() != nil {
					return
				}
			default:
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Duration(50+rand.IntN(200)) * time.Millisecond):
			}
			if i == 4 {
				if err := restartServer(ctx, t, srv); err != nil {
					t.Errorf("restart: %v", err)
					return
				}
				restarted++
				continue
			}
			if n, err := killDumpThreads(srv); err == nil {
				killed += n
			}
		}
	}()

	cpPath := filepath.Join(t.TempDir(), "cdc.checkpoint")
	var delivered []txRecord
	kills := 0
	var lastGTID string
	for ctx.Err() == nil {
		// Resume from the checkpoint, as a restarted process would.
		cp, err := binlog.LoadCheckpoint(cpPath)
		var state sinkState
		opts := streamOpts(srv)
		if err == nil {
			opts.Position = cp.Position
			if err := json.Unmarshal(cp.Extra, &state); err != nil {
				t.Fatal(err)
			}
		}
		delivered = delivered[:state.Delivered] // what was not checkpointed is lost with the process
		s, err := live.Open(ctx, opts)
		if err != nil {
			// The server may be restarting.
			time.Sleep(100 * time.Millisecond)
			continue
		}
		// Kill the consumer at a random point.
		timer := time.AfterFunc(time.Duration(50+rnd.IntN(500))*time.Millisecond, func() { s.Close() })
		txr := binlog.NewTxReader(s, nil)
		for {
			tx, err := txr.Next()
			if err != nil {
				if !errors.Is(err, live.ErrClosed) && ctx.Err() == nil {
					t.Fatalf("Next: %v", err)
				}
				kills++
				break
			}
			delivered = append(delivered, recordOf(tx))
			cp := txr.Checkpoint()
			cp.Extra, _ = json.Marshal(sinkState{Delivered: len(delivered)})
			if err := binlog.SaveCheckpoint(cpPath, cp); err != nil {
				t.Fatal(err)
			}
		}
		timer.Stop()
		reconnects.Add(int64(s.Reconnects()))
		s.Close()
		select {
		case <-ddone:
			if lastGTID == "" {
				lastGTID, _ = queryValue(srv, "SELECT @@gtid_binlog_pos")
			}
		default:
		}
		if lastGTID != "" && len(delivered) > 0 && delivered[len(delivered)-1].GTID == lastGTID {
			break
		}
	}
	wg.Wait()
	if werr != nil {
		t.Fatalf("workload: %v", werr)
	}
	if ctx.Err() != nil {
		t.Fatalf("timed out: %d transactions delivered, last %v, want up to %s", len(delivered), delivered[len(delivered)-1], lastGTID)
	}

	// The reference: the same binlogs read from the files.
	paths, err := srv.BinlogPaths()
	if err != nil {
		t.Fatal(err)
	}
	chain, err := binlog.OpenChain(paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer chain.Close()
	var want []txRecord
	for tx, err := range binlog.NewTxReader(chain, nil).All() {
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, recordOf(tx))
	}
	rowsTotal := 0
	for _, r := range want {
		rowsTotal += r.Rows
	}
	t.Logf("%d transactions, %d row changes, %d binlog files; consumer killed %d times, %d dump threads killed, %d server restarts, %d stream reconnects",
		len(want), rowsTotal, len(paths), kills, killed, restarted, reconnects.Load())
	if len(want) < nTx {
		t.Errorf("binlogs hold %d transactions, want >= %d", len(want), nTx)
	}
	if diff := cmp.Diff(want, delivered); diff != "" {
		t.Errorf("delivered transactions mismatch (-want +got):\n%s", diff)
	}
	if kills < 3 || reconnects.Load() < 3 {
		t.Errorf("too few disturbances: %d consumer kills, %d reconnects", kills, reconnects.Load())
	}
}
