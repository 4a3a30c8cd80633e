package cdc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/live"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// runFor runs cfg until stop reports true of the output written so far, or
// for at most d, then cancels it (a clean stop) and returns Run's error.
func runFor(cfg *Options, out *syncBuffer, d time.Duration, stop func(string) bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- Run(ctx, NewJSONLines(out, nil), cfg) }()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-tick.C:
			if stop(out.String()) {
				cancel()
				return <-done
			}
		}
	}
}

// workloadSQL is the same workload for both servers: same statements, so
// the same binlog file names and, event for event, the same offsets.
func workloadSQL(from, to int) []string {
	var stmts []string
	if from == 1 {
		stmts = append(stmts, "CREATE DATABASE w", "CREATE TABLE w.t (id INT PRIMARY KEY, v VARCHAR(20))")
	}
	for i := from; i <= to; i++ {
		stmts = append(stmts, fmt.Sprintf("INSERT INTO w.t VALUES (%d, 'v%d')", i, i))
	}
	return stmts
}

// TestServerCheckpointOfAnotherServer: a checkpoint taken on one server is
// refused on another whose binlogs have the same names and the same
// offsets (issue 9, item 5: it was accepted, since it recorded no server
// identity, and the run went on with the other server's transactions), on
// the live stream and on its files, before any record is written. On its
// own server, it resumes.
func TestServerCheckpointOfAnotherServer(t *testing.T) {
	a := testserver.Start(t, nil)                                                       // server_id 1
	b := testserver.Start(t, &testserver.Options{ExtraArgs: []string{"--server-id=2"}}) // server_id 2
	if err := a.Exec(workloadSQL(1, 5)...); err != nil {
		t.Fatal(err)
	}
	if err := b.Exec(workloadSQL(1, 10)...); err != nil {
		t.Fatal(err)
	}
	cpPath := filepath.Join(t.TempDir(), "cp.json")
	streamOf := func(srv *testserver.Server) live.Options {
		return live.Options{Flavor: "mariadb", Host: "127.0.0.1", Port: uint16(srv.Port()), User: "root",
			MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, MaxRetries: 3}
	}
	out := &syncBuffer{}
	cfg := &Options{Stream: streamOf(a), CheckpointPath: cpPath}
	if err := runFor(cfg, out, 20*time.Second, func(s string) bool { return strings.Count(s, "\n") >= 5 }); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "\n"); n != 5 {
		t.Fatalf("first run on A: %d records, want 5", n)
	}
	saved, err := os.ReadFile(cpPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(saved), `"server":{"flavor":"mariadb","server_id":1}`) {
		t.Errorf("the checkpoint records no server identity: %s", saved)
	}

	// The same checkpoint on B: refused, live and from files.
	paths, err := b.BinlogPaths()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cfg  Options
	}{
		{"stream", Options{Stream: streamOf(b)}},
		{"files", Options{Files: paths}},
	} {
		out := &syncBuffer{}
		cfg := tc.cfg
		cfg.CheckpointPath = cpPath
		err := runFor(&cfg, out, 3*time.Second, func(string) bool { return false })
		if !errors.Is(err, binlog.ErrCheckpointMismatch) {
			t.Errorf("%s of server B with A's checkpoint: %v, %d records; want binlog.ErrCheckpointMismatch", tc.name, err, strings.Count(out.String(), "\n"))
		} else if !strings.Contains(err.Error(), "server 2") {
			t.Errorf("%s: error %q does not name the other server", tc.name, err)
		}
		if out.String() != "" {
			t.Errorf("%s: records written before the mismatch:\n%s", tc.name, out.String())
		}
		if b, _ := os.ReadFile(cpPath); string(b) != string(saved) {
			t.Errorf("%s: the checkpoint changed to %s", tc.name, b)
		}
	}

	// On A it resumes with the next transactions.
	if err := a.Exec(workloadSQL(6, 7)...); err != nil {
		t.Fatal(err)
	}
	out = &syncBuffer{}
	cfg = &Options{Stream: streamOf(a), CheckpointPath: cpPath}
	if err := runFor(cfg, out, 20*time.Second, func(s string) bool { return strings.Count(s, "\n") >= 2 }); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); strings.Count(got, "\n") != 2 || !strings.Contains(got, `"v":"v6"`) || !strings.Contains(got, `"v":"v7"`) {
		t.Errorf("resumed on A: want the records of 6 and 7, got:\n%s", got)
	}
}
