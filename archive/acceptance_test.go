package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

// crashStore makes a random share of writes fail, as a crash would: some
// before the object is written, some after (the caller never hears that
// the write succeeded).
type crashStore struct {
	Store
	mu  sync.Mutex
	rng *rand.Rand
	p   float64
}

func (c *crashStore) roll() (before, after bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	x := c.rng.Float64()
	return x < c.p/2, x >= c.p/2 && x < c.p
}

func (c *crashStore) Put(ctx context.Context, name string, r io.Reader, size int64) error {
	before, after := c.roll()
	if before {
		return errors.New("crash before put")
	}
	if err := c.Store.Put(ctx, name, r, size); err != nil {
		return err
	}
	if after {
		return errors.New("crash after put")
	}
	return nil
}

// acceptanceBase is the SET TIMESTAMP of the first workload transaction:
// transaction i commits at acceptanceBase+i seconds.
const acceptanceBase = 1_800_000_000

var acceptanceTables = []string{"app.accounts", "app.events", "app.late"}

func TestAcceptance(t *testing.T) {
	src := testserver.Start(t, &testserver.Options{ExtraArgs: []string{"--max-binlog-size=16384"}})
	dst := testserver.Start(t, nil)

	setup := []string{
		"SET TIMESTAMP = " + fmt.Sprint(acceptanceBase-100),
		"CREATE DATABASE app",
		"CREATE TABLE app.accounts (id INT PRIMARY KEY, owner VARCHAR(64), balance DECIMAL(12,2), note TEXT)",
		"CREATE TABLE app.events (id BIGINT AUTO_INCREMENT PRIMARY KEY, account INT, payload VARCHAR(600), at DATETIME(6))",
	}
	for i := 0; i < 20; i++ {
		setup = append(setup, fmt.Sprintf("INSERT INTO app.accounts VALUES (%d, 'owner-%d', %d.50, NULL)", i, i, i*100))
	}
	// The base backup: dst gets the same schema and data; src then starts
	// a new binlog, whose start is the base position.
	if err := src.Exec(setup...); err != nil {
		t.Fatal(err)
	}
	if err := dst.Exec(setup...); err != nil {
		t.Fatal(err)
	}
	if err := src.FlushBinaryLogs(); err != nil {
		t.Fatal(err)
	}
	paths, err := src.BinlogPaths()
	if err != nil {
		t.Fatal(err)
	}
	base := binlog.Position{File: filepath.Base(paths[len(paths)-1]), Offset: 4}

	store := newMemStore()
	ids, recipient := mustKey(t)
	opts := &Options{Codec: LZ4, Recipients: []string{recipient}, Identities: []string{ids}, TempDir: t.TempDir()}
	rp := newReplayer(t, store, &RestoreOptions{Identities: []string{ids}})
	index := filepath.Join(src.BinlogDir(), "binlog.index")

	// The archiver runs while the workload does, killed at random points:
	// each pass gets a random deadline, and the store crashes a fifth of
	// its writes.
	done := make(chan struct{})
	var wg sync.WaitGroup
	var passes, failed int
	wg.Add(1)
	go func() {
		defer wg.Done()
		rng := rand.New(rand.NewPCG(1, 2))
		for {
			select {
			case <-done:
				return
			default:
			}
			o := *opts
			o.Store = &crashStore{Store: store, rng: rand.New(rand.NewPCG(rng.Uint64(), 0)), p: 0.2}
			a, err := NewArchiver(&o)
			if err != nil {
				t.Error(err)
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(rng.IntN(150))*time.Millisecond)
			_, err = a.ArchiveIndex(ctx, index)
			cancel()
			passes++
			if err != nil {
				failed++
				if errors.Is(err, ErrSplitBrain) || errors.Is(err, ErrGap) || errors.Is(err, ErrFork) || errors.Is(err, ErrDigest) {
					t.Errorf("archiver: %v", err)
					return
				}
			}
			time.Sleep(time.Duration(rng.IntN(5)) * time.Millisecond)
		}
	}()

	const txs = 240
	const mid = 137
	var atT map[string]string
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < txs; i++ {
		stmts := []string{fmt.Sprintf("SET TIMESTAMP = %d", acceptanceBase+i)}
		switch {
		case i == 60:
			stmts = append(stmts, "CREATE TABLE app.late (k VARCHAR(20) PRIMARY KEY, v INT)")
		case i > 60 && i%7 == 3:
			stmts = append(stmts, fmt.Sprintf("INSERT INTO app.late VALUES ('k%d', %d) ON DUPLICATE KEY UPDATE v = v + 1", i%11, i))
		default:
			stmts = append(stmts, "BEGIN")
			for j := 0; j < 1+rng.IntN(4); j++ {
				acc := rng.IntN(20)
				stmts = append(stmts,
					fmt.Sprintf("UPDATE app.accounts SET balance = balance + %d, note = '%s' WHERE id = %d", rng.IntN(1000)-500, strings.Repeat("n", rng.IntN(300)), acc),
					fmt.Sprintf("INSERT INTO app.events (account, payload, at) VALUES (%d, '%s', '2026-01-02 03:04:05.%06d')", acc, strings.Repeat("p", rng.IntN(600)), i))
			}
			if i%5 == 0 {
				stmts = append(stmts, fmt.Sprintf("DELETE FROM app.events WHERE id %% 13 = %d", i%13))
			}
			stmts = append(stmts, "COMMIT")
		}
		if err := src.Exec(stmts...); err != nil {
			t.Fatal(err)
		}
		if i == mid {
			atT = checksums(t, src, acceptanceTables)
		}
		if i%40 == 39 {
			if err := src.FlushBinaryLogs(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := src.FlushBinaryLogs(); err != nil {
		t.Fatal(err)
	}
	close(done)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	early, err := LoadManifest(context.Background(), store)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d archiver passes, %d interrupted, %d files archived while the workload ran", passes, failed, len(early.Records))
	if failed == 0 || len(early.Records) < 4 {
		t.Errorf("the workload phase should both interrupt passes and archive files")
	}

	// Finish the archive without faults; then a second pass is a no-op.
	o := *opts
	o.Store = store
	a, err := NewArchiver(&o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ArchiveIndex(context.Background(), index); err != nil {
		t.Fatal(err)
	}
	rep, err := a.ArchiveIndex(context.Background(), index)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Archived) != 0 {
		t.Errorf("second pass archived %d files", len(rep.Archived))
	}

	// Every closed file exactly once.
	paths, err = src.BinlogPaths()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, p := range paths[:len(paths)-1] {
		want = append(want, filepath.Base(p))
	}
	m, err := LoadManifest(context.Background(), store)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range m.Records {
		got = append(got, r.Name)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("archived files mismatch (-want +got):\n%s", diff)
	}
	t.Logf("%d files archived", len(got))
	if len(got) < 8 {
		t.Errorf("only %d files: the workload should rotate more", len(got))
	}
	vr, err := Verify(context.Background(), store, &VerifyOptions{Identities: []string{ids}})
	if err != nil {
		t.Fatal(err)
	}
	if err := vr.Err(); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if len(vr.Orphans) != 0 {
		t.Errorf("orphan objects: %v", vr.Orphans)
	}

	// Point-in-time restore to T, inclusive: transaction mid committed at T.
	target := time.Unix(acceptanceBase+mid, 0).In(time.FixedZone("", 2*3600))
	plan, err := MakePlan(context.Background(), store, &PlanOptions{
		Base: Base{Position: base}, Target: Target{Time: target}, Identities: []string{ids}})
	if err != nil {
		t.Fatal(err)
	}
	if !plan.LastCommit.Equal(time.Unix(acceptanceBase+mid, 0)) {
		t.Errorf("plan's last commit %v, want %v", plan.LastCommit, time.Unix(acceptanceBase+mid, 0).UTC())
	}
	t.Logf("plan: %d files, %s to %s", len(plan.Files), plan.Start, plan.Stop)
	rp.replay(t, plan, dst)
	if diff := cmp.Diff(atT, checksums(t, dst, acceptanceTables)); diff != "" {
		t.Errorf("restored state differs from the state at T (-want +got):\n%s", diff)
	}

	// A corrupted object is named by Verify.
	victim := m.Records[len(m.Records)/2]
	store.mutate(victim.Object, func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b })
	vr, err = Verify(context.Background(), store, &VerifyOptions{Identities: []string{ids}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range vr.Files {
		if (f.Err != nil) != (f.Name == victim.Name) {
			t.Errorf("Verify %s: %v", f.Name, f.Err)
		}
	}
	if err := vr.Err(); err == nil || !strings.Contains(err.Error(), victim.Name) {
		t.Errorf("Verify error %v does not name %s", err, victim.Name)
	}

	// A deleted file is a gap Plan reports by name.
	gone := plan.Files[1].Record
	store.Delete(context.Background(), recordName(gone.Name))
	store.Delete(context.Background(), gone.Object)
	_, err = MakePlan(context.Background(), store, &PlanOptions{
		Base: Base{Position: base}, Target: Target{Time: target}, Identities: []string{ids}})
	if !errors.Is(err, ErrGap) || !strings.Contains(err.Error(), gone.Name) {
		t.Errorf("Plan after deleting %s: %v, want ErrGap naming it", gone.Name, err)
	}
}

// savepointBase is the SET TIMESTAMP of the first transaction of the
// savepoint workload: transaction i commits at savepointBase+10*i seconds.
const savepointBase = 1_900_000_000

// TestAcceptanceSavepoints restores to points of a workload whose
// transactions use SAVEPOINT, ROLLBACK TO and RELEASE SAVEPOINT, some
// touching a non-transactional (Aria) table so that the server logs the
// ROLLBACK TO inside the transaction. Every restore is judged by the
// server: CHECKSUM TABLE after the replay equals the source's at the
// target. From a base (its position or its GTID set), targets at the base
// replay nothing, targets at the next transaction replay exactly it, and
// targets before the base are refused.
func TestAcceptanceSavepoints(t *testing.T) {
	ctx := context.Background()
	src := testserver.Start(t, nil)
	dst := testserver.Start(t, nil)
	tables := []string{"sp.acct", "sp.audit"}
	if err := src.Exec(
		fmt.Sprintf("SET TIMESTAMP = %d", savepointBase-100),
		"CREATE DATABASE sp",
		"CREATE TABLE sp.acct (id INT PRIMARY KEY, bal INT, note VARCHAR(40)) ENGINE=InnoDB",
		"CREATE TABLE sp.audit (id INT AUTO_INCREMENT PRIMARY KEY, msg VARCHAR(60)) ENGINE=Aria",
		"INSERT INTO sp.acct VALUES (0, 100, 'a'), (1, 100, 'b'), (2, 100, 'c'), (3, 100, 'd'), (4, 100, 'e')",
	); err != nil {
		t.Fatal(err)
	}

	// Four transactions a file: transaction 4j+3 ends a file.
	const txs = 14
	type state struct {
		mark
		sums map[string]string
	}
	var states []state
	for i := 0; i < txs; i++ {
		stmts := []string{fmt.Sprintf("SET TIMESTAMP = %d", savepointBase+10*i), "BEGIN"}
		a, b, c := i%5, (i+1)%5, (i+2)%5
		switch i % 8 {
		default:
			// The Aria row stays (the server logs it as a transaction of
			// its own), so the server logs ROLLBACK TO in the middle of
			// the InnoDB transaction.
			stmts = append(stmts,
				fmt.Sprintf("UPDATE sp.acct SET bal = bal - %d WHERE id = %d", i+1, a),
				"SAVEPOINT sp",
				fmt.Sprintf("UPDATE sp.acct SET bal = bal + 1000 WHERE id = %d", b),
				fmt.Sprintf("INSERT INTO sp.audit (msg) VALUES ('tx %d: transfer undone')", i),
				"ROLLBACK TO SAVEPOINT sp",
				fmt.Sprintf("UPDATE sp.acct SET bal = bal + %d WHERE id = %d", i+1, c))
		case 1:
			// InnoDB only: the server drops what was rolled back.
			stmts = append(stmts,
				fmt.Sprintf("INSERT INTO sp.acct VALUES (%d, %d, 'new')", 100+i, i),
				"SAVEPOINT sp",
				fmt.Sprintf("DELETE FROM sp.acct WHERE id = %d", 100+i),
				"ROLLBACK TO sp",
				"SAVEPOINT sp2",
				fmt.Sprintf("UPDATE sp.acct SET note = 'kept %d' WHERE id = %d", i, 100+i),
				"RELEASE SAVEPOINT sp2")
		case 2:
			// Two rollbacks to the same savepoint, then a release: the
			// server logs the Aria rows and the rolled-back work as
			// transactions of their own (ending in ROLLBACK).
			stmts = append(stmts,
				"SAVEPOINT sp",
				fmt.Sprintf("INSERT INTO sp.audit (msg) VALUES ('tx %d: first try')", i),
				fmt.Sprintf("UPDATE sp.acct SET bal = 0 WHERE id = %d", a),
				"ROLLBACK TO sp",
				"SAVEPOINT sp",
				fmt.Sprintf("UPDATE sp.acct SET note = 'second try' WHERE id = %d", b),
				fmt.Sprintf("INSERT INTO sp.audit (msg) VALUES ('tx %d: second try')", i),
				"ROLLBACK TO SAVEPOINT sp",
				fmt.Sprintf("UPDATE sp.acct SET bal = bal + 1, note = 'tx %d' WHERE id = %d", i, c),
				"RELEASE SAVEPOINT sp")
		}
		stmts = append(stmts, "COMMIT")
		if err := src.Exec(stmts...); err != nil {
			t.Fatal(err)
		}
		states = append(states, state{markNow(t, src), checksums(t, src, tables)})
		if i%4 == 3 {
			if err := src.FlushBinaryLogs(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := src.FlushBinaryLogs(); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < txs; i++ {
		if cmp.Equal(states[i-1].sums, states[i].sums) {
			t.Fatalf("transaction %d does not change the tables: the test cannot tell it was replayed", i)
		}
	}

	store := newMemStore()
	a, err := NewArchiver(&Options{Store: store, Codec: Zstd})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ArchiveIndex(ctx, filepath.Join(src.BinlogDir(), "binlog.index")); err != nil {
		t.Fatal(err)
	}
	rp := newReplayer(t, store, nil)
	at := func(i int) time.Time { return time.Unix(savepointBase+10*int64(i), 0) }

	// restore brings dst to the base (transaction k) with a replay from
	// the start of the archive, then replays the plan to target; dst must
	// then be in state want.
	restore := func(t *testing.T, k int, base Base, target Target, want int) {
		t.Helper()
		if err := dst.Exec("DROP DATABASE IF EXISTS sp"); err != nil {
			t.Fatal(err)
		}
		toBase, err := MakePlan(ctx, store, &PlanOptions{Target: Target{Position: states[k].pos}})
		if err != nil {
			t.Fatal(err)
		}
		rp.replay(t, toBase, dst)
		if diff := cmp.Diff(states[k].sums, checksums(t, dst, tables)); diff != "" {
			t.Fatalf("base after transaction %d: mismatch (-want +got):\n%s", k, diff)
		}
		plan, err := MakePlan(ctx, store, &PlanOptions{Base: base, Target: target})
		if err != nil {
			t.Errorf("target %s: %v", targetString(target), err)
			return
		}
		if want == k && len(plan.Files) != 0 {
			t.Errorf("target %s at the base: plan %s to %s in %d files, want nothing to replay",
				targetString(target), plan.Start, plan.Stop, len(plan.Files))
		}
		rp.replay(t, plan, dst)
		if diff := cmp.Diff(states[want].sums, checksums(t, dst, tables)); diff != "" {
			t.Errorf("target %s (plan %s to %s): state differs from the source's after transaction %d (-want +got):\n%s",
				targetString(target), plan.Start, plan.Stop, want, diff)
		}
	}

	// Transaction 5 is in the middle of binlog.000002, 7 ends it; 5 to 8
	// log a ROLLBACK TO.
	for _, k := range []int{5, 7} {
		for _, byGTID := range []bool{false, true} {
			base := Base{Position: states[k].pos}
			name := fmt.Sprintf("base position %s", states[k].pos)
			if byGTID {
				base = Base{GTIDs: states[k].gtids}
				name = fmt.Sprintf("base GTIDs %s", states[k].gtids)
			}
			t.Run(name, func(t *testing.T) {
				for _, target := range []Target{
					{GTIDs: states[k].gtids},
					{Time: at(k)},
					{Time: at(k).Add(5 * time.Second)},
					{Position: states[k].pos},
				} {
					restore(t, k, base, target, k)
				}
				for _, target := range []Target{
					{GTIDs: states[k+1].gtids},
					{Time: at(k + 1)},
					{Position: states[k+1].pos},
				} {
					restore(t, k, base, target, k+1)
				}
				// Strictly between transactions 10 and 11, across files.
				restore(t, k, base, Target{Time: at(10).Add(5 * time.Second)}, 10)
				for _, target := range []Target{
					{GTIDs: states[k-1].gtids},
					{Position: states[k-1].pos},
				} {
					if p, err := MakePlan(ctx, store, &PlanOptions{Base: base, Target: target}); !errors.Is(err, ErrTarget) {
						t.Errorf("target %s before the base: %+v, %v; want ErrTarget", targetString(target), p, err)
					}
				}
			})
		}
	}
}

// replayer replays plans into a server as an operator would: Restore,
// then mariadb-binlog --start-position --stop-position FILES | mariadb.
type replayer struct {
	binlogTool, client string
	store              Store
	opts               *RestoreOptions
}

// newReplayer skips the test when the MariaDB command-line tools are
// missing.
func newReplayer(t *testing.T, store Store, opts *RestoreOptions) *replayer {
	t.Helper()
	binlogTool, err := exec.LookPath("mariadb-binlog")
	if err != nil {
		t.Skip("mariadb-binlog not installed")
	}
	client, err := exec.LookPath("mariadb")
	if err != nil {
		t.Skip("mariadb client not installed")
	}
	return &replayer{binlogTool: binlogTool, client: client, store: store, opts: opts}
}

// replay restores plan's files and replays them into dst. A plan without
// files replays nothing.
func (r *replayer) replay(t *testing.T, plan *Plan, dst *testserver.Server) {
	t.Helper()
	files, err := Restore(context.Background(), r.store, plan, t.TempDir(), r.opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		return
	}
	args := append([]string{"--no-defaults", fmt.Sprintf("--start-position=%d", plan.Start.Offset),
		fmt.Sprintf("--stop-position=%d", plan.Stop.Offset)}, files...)
	sqlText, err := exec.Command(r.binlogTool, args...).Output()
	if err != nil {
		t.Fatalf("mariadb-binlog: %v", err)
	}
	cmd := exec.Command(r.client, "--no-defaults", "--socket="+dst.Socket(), "--user=root", "--binary-mode")
	cmd.Stdin = bytes.NewReader(sqlText)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mariadb: %v\n%s", err, out)
	}
}

func checksums(t *testing.T, s *testserver.Server, tables []string) map[string]string {
	t.Helper()
	out := make(map[string]string)
	for _, tb := range tables {
		c, err := s.Checksum(tb)
		if err != nil {
			t.Fatal(err)
		}
		out[tb] = c
	}
	return out
}

func mustKey(t *testing.T) (identity, recipient string) {
	t.Helper()
	id, r, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return id, r
}
