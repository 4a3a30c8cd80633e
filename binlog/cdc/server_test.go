package cdc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/live"
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type record struct {
	Op       string
	Database string
	Table    string
	PK       map[string]json.RawMessage
	Before   map[string]json.RawMessage
	After    map[string]json.RawMessage
	Source   struct{ GTID string }
	Tx       struct {
		ID    string
		Index int
	} `json:"transaction"`
}

// TestServerStopResume streams a live workload of 1,000 transactions,
// stopping the run (context cancel, as SIGINT does) at random points and
// resuming from the checkpoint each time. The records must hold every
// change once, in commit order, and replaying them must give the table's
// final contents. The server logs without column metadata (NO_LOG): names
// come from the schema history.
func TestServerStopResume(t *testing.T) {
	srv := testserver.Start(t, &testserver.Options{RowMetadata: "NO_LOG"})
	if err := srv.Exec("CREATE DATABASE w",
		"CREATE TABLE w.t (id INT PRIMARY KEY, v VARCHAR(20), n BIGINT UNSIGNED)"); err != nil {
		t.Fatal(err)
	}
	const txs = 1000
	workErr := make(chan error, 1)
	go func() {
		for i := 1; i <= txs; i++ {
			stmts := []string{"BEGIN", fmt.Sprintf("INSERT INTO w.t (id, v, n) VALUES (%d, 'v%d', %d)", i, i, uint64(1)<<63+uint64(i))}
			if i > 1 {
				stmts = append(stmts, fmt.Sprintf("UPDATE w.t SET v = 'u%d' WHERE id = %d", i, i-1))
			}
			if i%7 == 0 {
				stmts = append(stmts, fmt.Sprintf("DELETE FROM w.t WHERE id = %d", i-3))
			}
			if i == txs/2 {
				stmts = append(stmts, "COMMIT", "ALTER TABLE w.t ADD COLUMN extra INT DEFAULT 7 FIRST", "BEGIN")
			}
			stmts = append(stmts, "COMMIT")
			if err := srv.Exec(stmts...); err != nil {
				workErr <- err
				return
			}
		}
		workErr <- nil
	}()

	cp := filepath.Join(t.TempDir(), "cp.json")
	out := &syncBuffer{}
	m := &Metrics{}
	cfg := &Options{
		Stream: live.Options{Flavor: "mariadb", Host: "127.0.0.1", Port: uint16(srv.Port()), User: "root",
			MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond},
		CheckpointPath:  cp,
		CheckpointEvery: 50 * time.Millisecond,
		Filter:          binlog.FilterOptions{IncludeDatabases: []string{"w"}},
		Metrics:         m,
	}
	lastGTID := fmt.Sprintf("0-1-%d", txs+3) // CREATE DATABASE, CREATE TABLE, ALTER
	deadline := time.Now().Add(60 * time.Second)
	runs := 0
	for !strings.Contains(out.String(), `"gtid":"`+lastGTID+`"`) {
		if time.Now().After(deadline) {
			o := strings.TrimSpace(out.String())
			t.Fatalf("after %d runs, no record of %s; %d bytes of output, last: %s", runs, lastGTID, len(o), o[strings.LastIndexByte(o, '\n')+1:])
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(20+rand.IntN(130))*time.Millisecond)
		err := Run(ctx, NewJSONLines(out, nil), cfg)
		cancel()
		if err != nil {
			t.Fatalf("run %d: %v", runs, err)
		}
		select {
		case err := <-workErr:
			if err != nil {
				t.Fatal(err)
			}
			workErr <- nil
		default:
		}
		runs++
	}
	if err := <-workErr; err != nil {
		t.Fatal(err)
	}
	t.Logf("%d runs, %d bytes", runs, len(out.String()))
	if runs < 3 {
		t.Errorf("only %d runs: the test did not stop the stream mid-workload", runs)
	}

	// Exactly once, in order: transaction ids increase, indexes count from
	// 0 within each.
	state := map[string]map[string]json.RawMessage{}
	lastSeq, lastIdx := 0, -1
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var r record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		seq, _ := strconv.Atoi(r.Tx.ID[strings.LastIndexByte(r.Tx.ID, '-')+1:])
		switch {
		case seq == lastSeq && r.Tx.Index == lastIdx+1:
		case seq > lastSeq && r.Tx.Index == 0:
		default:
			t.Fatalf("record %s after transaction %d index %d", line, lastSeq, lastIdx)
		}
		lastSeq, lastIdx = seq, r.Tx.Index
		key := string(r.PK["id"])
		if key == "" {
			t.Fatalf("no pk in %s", line)
		}
		switch r.Op {
		case "insert":
			state[key] = r.After
		case "update":
			state[key] = r.After
		case "delete":
			delete(state, key)
		}
	}
	// The replayed state equals the table.
	rows, err := srv.Query("SELECT id, extra, v, n FROM w.t ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]json.RawMessage{}
	for _, r := range rows {
		want[string(r[0])] = map[string]json.RawMessage{
			"id": json.RawMessage(r[0]), "extra": json.RawMessage(r[1]),
			"v": json.RawMessage(strconv.Quote(string(r[2]))), "n": json.RawMessage(r[3]),
		}
	}
	// Rows written before the ALTER have no extra column in their records.
	for k, v := range state {
		if _, ok := v["extra"]; !ok {
			v["extra"] = json.RawMessage("7")
		}
		state[k] = v
	}
	if diff := cmp.Diff(want, state); diff != "" {
		t.Errorf("replayed records differ from the table (-table +records):\n%s", diff)
	}
	s := m.Snapshot()
	if s.Rows != int64(strings.Count(out.String(), "\n")) || s.CheckpointSaves == 0 || s.File == "" {
		t.Errorf("metrics %+v", s)
	}
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, name := range []string{"binlog_cdc_events_total ", "binlog_cdc_rows_total ", "binlog_cdc_lag_seconds ", `binlog_cdc_position{file="`} {
		if !strings.Contains(rec.Body.String(), name) {
			t.Errorf("metrics lack %s:\n%s", name, rec.Body.String())
		}
	}
}
