package binlog_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/live"
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

// TestFilterServer filters a live stream and the server's binlog files
// with the same options, one criterion at a time and combined: both must
// give the same transactions, rows events and statements, at the same
// positions.
func TestFilterServer(t *testing.T) {
	srv := testserver.Start(t, nil)
	if err := srv.Exec("CREATE DATABASE a", "CREATE DATABASE b",
		"CREATE TABLE a.t1 (id INT PRIMARY KEY, v INT)", "CREATE TABLE a.t2 (id INT PRIMARY KEY, v INT)",
		"CREATE TABLE b.t1 (id INT PRIMARY KEY, v INT)"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 30; i++ {
		if i == 15 {
			if err := srv.FlushBinaryLogs(); err != nil {
				t.Fatal(err)
			}
		}
		if err := srv.Exec("BEGIN",
			fmt.Sprintf("INSERT INTO a.t1 VALUES (%d, %d)", i, i),
			fmt.Sprintf("INSERT INTO b.t1 VALUES (%d, %d)", i, i),
			fmt.Sprintf("UPDATE a.t2 SET v = v + 1 WHERE id = %d", i-1),
			fmt.Sprintf("INSERT INTO a.t2 VALUES (%d, 0)", i),
			fmt.Sprintf("DELETE FROM a.t1 WHERE id = %d", i-2),
			"COMMIT"); err != nil {
			t.Fatal(err)
		}
	}
	// The stop position: the end of the workload. One more transaction
	// follows it, so that the stream sees an event past it.
	st, err := srv.Query("SHOW MASTER STATUS")
	if err != nil {
		t.Fatal(err)
	}
	var end binlog.Position
	fmt.Sscan(string(st[0][1]), &end.Offset)
	end.File = string(st[0][0])
	if err := srv.Exec("INSERT INTO b.t1 VALUES (1000, 0)"); err != nil {
		t.Fatal(err)
	}
	paths, err := srv.BinlogPaths()
	if err != nil {
		t.Fatal(err)
	}
	sid, err := srv.QueryValue("SELECT @@server_id")
	if err != nil {
		t.Fatal(err)
	}
	var serverID uint32
	fmt.Sscan(sid, &serverID)
	mid := binlog.Position{File: filepath.Base(paths[len(paths)-1]), Offset: 4}

	tests := []struct {
		name string
		opts binlog.FilterOptions
	}{
		{"none", binlog.FilterOptions{}},
		{"database", binlog.FilterOptions{IncludeDatabases: []string{"a"}}},
		{"exclude table", binlog.FilterOptions{ExcludeTables: []string{"a.t?"}}},
		{"kinds", binlog.FilterOptions{Kinds: binlog.StmtUpdate | binlog.StmtDDL}},
		{"start position", binlog.FilterOptions{StartPosition: mid}},
		{"gtids", binlog.FilterOptions{IncludeGTIDs: mustGTIDs(t, fmt.Sprintf("0-%d-20", serverID)), ExcludeGTIDs: mustGTIDs(t, fmt.Sprintf("0-%d-10", serverID))}},
		{"other server id", binlog.FilterOptions{ServerIDs: []uint32{serverID + 1}, KeepEmptyTransactions: true}},
		{"server id", binlog.FilterOptions{ServerIDs: []uint32{serverID}}},
		{"combined", binlog.FilterOptions{StartPosition: mid, IncludeTables: []string{"*.t1"}, Kinds: binlog.StmtDelete | binlog.StmtInsert,
			ExcludeDatabases: []string{"b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			opts.StopPosition = end
			c, err := binlog.OpenChain(paths, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			want := txContent(t, mustFilter(t, c, &opts))

			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s, err := live.Open(ctx, &live.Options{Flavor: "mariadb", Host: "127.0.0.1",
				Port: uint16(srv.Port()), User: "root"})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			got := txContent(t, mustFilter(t, s, &opts))
			if len(want) == 0 && tt.name != "other server id" {
				t.Fatal("nothing selected")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("stream vs files mismatch (-files +stream):\n%s", diff)
			}
		})
	}
}

// txContent returns the transaction events of src as "file:offset kind".
func txContent(t *testing.T, src *binlog.Filter) []string {
	t.Helper()
	var out []string
	var evs []*binlog.Event
	for ev, err := range src.All() {
		if err != nil {
			t.Fatal(err)
		}
		switch ev.Payload.(type) {
		case *binlog.GTID, *binlog.Query, *binlog.Rows, *binlog.TableMap, *binlog.XID:
			out = append(out, fmt.Sprintf("%s:%d %s", ev.File, ev.Offset, describe(ev)))
		}
		evs = append(evs, ev)
	}
	checkWellFormed(t, evs)
	return out
}

func mustFilter(t *testing.T, src binlog.Source, opts *binlog.FilterOptions) *binlog.Filter {
	t.Helper()
	f, err := binlog.NewFilter(src, opts)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
