package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/binlogkit/binlogkit/binlog/cdc"
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/binlogkit/binlogkit/internal/workload"
)

// change is what the test compares of a record.
type change struct {
	TxID                  string
	TxIndex               int
	Kind, Database, Table string
	PK, Before, After     string
}

// norm re-encodes a JSON value in a canonical form (sorted keys, numbers as
// written), "null" for none.
func norm(t *testing.T, m json.RawMessage) string {
	if len(m) == 0 {
		return "null"
	}
	dec := json.NewDecoder(bytes.NewReader(m))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%s: %v", m, err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// reference is every committed row change of files, read straight through
// as JSON change records.
func reference(t *testing.T, files []string) []change {
	var buf bytes.Buffer
	if err := cdc.Run(context.Background(), cdc.NewJSONLines(&buf, nil), &cdc.Options{Files: files}); err != nil {
		t.Fatal(err)
	}
	var out []change
	for line := range strings.Lines(buf.String()) {
		var r struct {
			Op, Database, Table string
			PK, Before, After   json.RawMessage
			Transaction         struct {
				ID    string
				Index int
			}
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, change{r.Transaction.ID, r.Transaction.Index, r.Op, r.Database, r.Table, norm(t, r.PK), norm(t, r.Before), norm(t, r.After)})
	}
	return out
}

// storedChanges reads the store with "audit query --json".
func storedChanges(t *testing.T, bin, store string) []change {
	out, err := exec.Command(bin, "query", "--store", store, "--json").Output()
	if err != nil {
		t.Fatalf("audit query: %v", err)
	}
	var got []change
	for line := range strings.Lines(string(out)) {
		var r record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		if r.Seq != int64(len(got)+1) {
			t.Fatalf("record %d has seq %d", len(got)+1, r.Seq)
		}
		got = append(got, change{r.TxID, r.TxIndex, r.Kind, r.Database, r.Table, norm(t, r.PKJSON), norm(t, r.Before), norm(t, r.After)})
	}
	return got
}

// TestKilled runs "audit run" over a random workload's binlogs and kills it
// with SIGKILL at random moments, restarting it each time, until a run
// completes; the store must then hold exactly one record per committed
// row change, in commit order, and verify must pass. Then it edits a
// record and checks that verify fails naming it.
func TestKilled(t *testing.T) {
	srv := testserver.Start(t, nil)
	w := workload.Record(t, srv, 3, &workload.Options{Transactions: 600})
	want := reference(t, w.Paths)
	bin := testserver.BuildCommand(t, ".")
	keyFile := filepath.Join(t.TempDir(), "key")
	writeFile(t, keyFile, "a secret key\n")

	stores := []struct{ name, spec string }{{"sqlite", "sqlite:" + filepath.Join(t.TempDir(), "audit.db")}}
	if testserver.PostgresAvailable() == nil || os.Getenv(testserver.RequirePostgresEnv) == "1" {
		if pg := testserver.Postgres(t); pg != nil {
			admin, err := sql.Open("pgx", pg.URL(""))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := admin.Exec("CREATE DATABASE audit"); err != nil {
				t.Fatal(err)
			}
			admin.Close()
			stores = append(stores, struct{ name, spec string }{"postgres", pg.URL("audit")})
		}
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(9, uint64(len(st.name))))
			kills := 0
			for run := 1; ; run++ {
				if run > 300 {
					t.Fatal("no complete run after 300 attempts")
				}
				args := append([]string{"run", "--store", st.spec, "--key-file", keyFile,
					"--group-commit", fmt.Sprint(1 + rng.IntN(4))}, w.Paths...)
				cmd := exec.Command(bin, args...)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				go func() { done <- cmd.Wait() }()
				var err error
				select {
				case err = <-done:
				case <-time.After(time.Duration(50+rng.IntN(300)+30*run) * time.Millisecond):
					// Later attempts get longer, so that one completes.
					cmd.Process.Signal(syscall.SIGKILL)
					err = <-done
					var ee *exec.ExitError
					if errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signaled() {
						kills++
						continue
					}
				}
				if err != nil {
					t.Fatalf("run %d: %v\n%s", run, err, stderr.Bytes())
				}
				t.Logf("complete after %d runs, %d killed with SIGKILL", run, kills)
				break
			}
			if kills == 0 {
				t.Error("no run was killed: make the workload larger")
			}
			got := storedChanges(t, bin, st.spec)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("mismatch (-want +got):\n%s", diff)
			}
			t.Logf("%d records, exactly once", len(got))

			out, err := exec.Command(bin, "verify", "--store", st.spec, "--key-file", keyFile).CombinedOutput()
			if err != nil || !strings.HasPrefix(string(out), "ok: ") {
				t.Fatalf("verify: %v\n%s", err, out)
			}
			if bytes.Contains(out, []byte("a secret key")) {
				t.Fatal("verify printed the key")
			}
			out, err = exec.Command(bin, "stats", "--store", st.spec).CombinedOutput()
			if err != nil || !strings.Contains(string(out), fmt.Sprintf("records\t%d\n", len(want))) {
				t.Fatalf("stats: %v\n%s", err, out)
			}

			// Edit one record: verify exits 1 and names it.
			db, err := sql.Open(map[string]string{"sqlite": "sqlite", "postgres": "pgx"}[st.name],
				map[string]string{"sqlite": "file:" + strings.TrimPrefix(st.spec, "sqlite:"), "postgres": st.spec}[st.name])
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(`UPDATE audit_records SET before_json = NULL WHERE seq = 42`); err != nil {
				t.Fatal(err)
			}
			out, err = exec.Command(bin, "verify", "--store", st.spec, "--key-file", keyFile).CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(out), "first bad record: record 42: edited") {
				t.Fatalf("verify of an edited store: %v\n%s", err, out)
			}
		})
	}
}
