package live_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/live"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// streamOpts returns options for a stream from srv.
func streamOpts(srv *testserver.Server) *live.Options {
	return &live.Options{
		Flavor:     "mariadb",
		Host:       "127.0.0.1",
		Port:       uint16(srv.Port()),
		User:       "root",
		MinBackoff: 20 * time.Millisecond,
		MaxBackoff: 500 * time.Millisecond,
	}
}

func TestStreamDump(t *testing.T) {
	srv := testserver.Start(t, nil)
	if err := srv.Exec("CREATE DATABASE d", "CREATE TABLE d.t (id INT PRIMARY KEY, v VARCHAR(20))",
		"INSERT INTO d.t VALUES (1,'a'),(2,'b')", "UPDATE d.t SET v='c' WHERE id=1"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := live.Open(ctx, streamOpts(srv))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n := 0
	for ev, err := range s.All() {
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s:%d-%d %v flags=%x logpos=%d %T", ev.File, ev.Offset, ev.NextPos, ev.Type(), ev.Header.Flags, ev.Header.LogPos, ev.Payload)
		if _, ok := ev.Payload.(*binlog.XID); ok {
			n++
			if n == 2 {
				break
			}
		}
	}
}

// TestStreamReconnectNoDuplicates kills the replication connection again
// and again while a workload runs: the events the stream delivers must be
// exactly those of the binlog files, each once, in order, by position and
// by GTID set.
func TestStreamReconnectNoDuplicates(t *testing.T) {
	srv := testserver.Start(t, nil)
	if err := srv.Exec("CREATE DATABASE d", "CREATE TABLE d.t (id INT PRIMARY KEY, v LONGTEXT)"); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"position", "gtid"} {
		t.Run(mode, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			base, _ := queryValue(srv, "SELECT COALESCE(MAX(id), 0) FROM d.t")
			start := 0
			fmt.Sscan(base, &start)
			opts := streamOpts(srv)
			if mode == "gtid" {
				pos, err := queryValue(srv, "SELECT @@gtid_binlog_pos")
				if err != nil {
					t.Fatal(err)
				}
				if opts.GTIDs, err = binlog.ParseGTIDSet(pos); err != nil {
					t.Fatal(err)
				}
			} else {
				c, err := srv.Connect("")
				if err != nil {
					t.Fatal(err)
				}
				r, err := c.Execute("SHOW MASTER STATUS")
				if err != nil {
					t.Fatal(err)
				}
				f, _ := r.GetString(0, 0)
				p, _ := r.GetInt(0, 1)
				f = strings.Clone(f) // GetString aliases a buffer that Close recycles
				r.Close()
				c.Close()
				opts.Position = binlog.Position{File: f, Offset: p}
			}
			s, err := live.Open(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			const n = 300
			done := make(chan error, 1)
			go func() {
				c, err := srv.Connect("d")
				if err != nil {
					done <- err
					return
				}
				defer c.Close()
				for i := 1; i <= n; i++ {
					id := start + i
					// Multi-event transactions: several rows events each.
					if _, err := c.Execute(fmt.Sprintf("INSERT INTO t VALUES (%d, REPEAT('x', 20000)), (%d, 'y'), (%d, REPEAT('z', 9000))", 3*id, 3*id+1, 3*id+2)); err != nil {
						done <- err
						return
					}
					if i%20 == 0 {
						killDumpThreads(srv) // 0 killed when the stream is between connections
					}
				}
				done <- nil
			}()
			type key struct {
				File       string
				Offset     int64
				PayloadIdx int
			}
			var got []key
			xids := 0
			for xids < n {
				ev, err := s.Next()
				if err != nil {
					t.Fatal(err)
				}
				if _, ok := ev.Payload.(*binlog.Heartbeat); ok {
					continue
				}
				got = append(got, key{ev.File, ev.Offset, ev.PayloadIndex})
				if _, ok := ev.Payload.(*binlog.XID); ok {
					xids++
				}
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			for i := 1; i < len(got); i++ {
				if c := (binlog.Position{File: got[i].File, Offset: got[i].Offset}).Compare(binlog.Position{File: got[i-1].File, Offset: got[i-1].Offset}); c <= 0 && got[i].Offset != 4 {
					t.Fatalf("event %d at %v after %v: repeated or out of order", i, got[i], got[i-1])
				}
			}
			if s.Reconnects() < 3 {
				t.Errorf("%d reconnects, want several", s.Reconnects())
			}
			t.Logf("%d events, %d reconnects", len(got), s.Reconnects())
		})
	}
}

// peakRSS returns the process's peak resident set size in bytes since the
// last resetPeakRSS (Linux), or -1.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n << 10
		}
	}
	return -1
}

func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// TestStreamBigTransaction streams one transaction of >= 200 MB of row
// data through a Stream and a chunking TxReader, and checks that the
// process's peak RSS stays well under the transaction's size. It takes
// about 10 s and 250 MB of temporary disk; -short skips it.
func TestStreamBigTransaction(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the 200 MB transaction")
	}
	srv := testserver.Start(t, &testserver.Options{ExtraArgs: []string{"--max-binlog-cache-size=1G", "--max-binlog-size=1G"}})
	if err := srv.Exec("CREATE DATABASE d", "CREATE TABLE d.big (id INT PRIMARY KEY, b LONGBLOB) ENGINE=InnoDB"); err != nil {
		t.Fatal(err)
	}
	const rowSize, rows = 1 << 20, 210 // 210 MiB in one transaction
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	opts := streamOpts(srv)
	opts.MaxBuffered = 4 << 20
	s, err := live.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	go func() {
		c, err := srv.Connect("d")
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close()
		c.Execute("BEGIN")
		for i := 0; i < rows; i++ {
			if _, err := c.Execute(fmt.Sprintf("INSERT INTO big VALUES (%d, REPEAT(CHAR(65 + %d %% 26), %d))", i, i, rowSize)); err != nil {
				t.Error(err)
				return
			}
		}
		if _, err := c.Execute("COMMIT"); err != nil {
			t.Error(err)
		}
	}()
	runtime.GC()
	resetPeakRSS()
	before := peakRSS()
	txr := binlog.NewTxReader(s, &binlog.TxOptions{MaxBuffered: 8 << 20})
	var size, rowBytes int64
	chunks := 0
	for {
		tx, err := txr.Next()
		if err != nil {
			t.Fatal(err)
		}
		if tx.GTID == nil || len(tx.Events) == 0 {
			continue
		}
		chunks++
		size += tx.Size
		for _, ev := range tx.Events {
			if r, ok := ev.Payload.(*binlog.Rows); ok {
				for _, row := range r.Rows {
					for _, v := range row.After {
						rowBytes += int64(len(v.Bytes()))
					}
				}
			}
		}
		if !tx.Partial && size > rowSize*rows {
			break
		}
	}
	peak := peakRSS()
	t.Logf("transaction of %d MB (%d MB of row data) in %d chunks; peak RSS %d MB (%d MB before)", size>>20, rowBytes>>20, chunks, peak>>20, before>>20)
	if rowBytes < 200<<20 {
		t.Errorf("row data %d bytes, want >= 200 MB", rowBytes)
	}
	// What reading the transaction added to the process (the race
	// detector alone makes the base RSS large), against its size.
	if grew := peak - min(before, peak); grew > 100<<20 {
		t.Errorf("peak RSS grew by %d MB, want well under the transaction's %d MB", grew>>20, size>>20)
	}
}
