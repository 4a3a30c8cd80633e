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
	binlogTool, err := exec.LookPath("mariadb-binlog")
	if err != nil {
		t.Skip("mariadb-binlog not installed")
	}
	client, err := exec.LookPath("mariadb")
	if err != nil {
		t.Skip("mariadb client not installed")
	}

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
			atT = checksums(t, src)
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
	dir := t.TempDir()
	files, err := Restore(context.Background(), store, plan, dir, &RestoreOptions{Identities: []string{ids}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("plan: %d files, %s to %s", len(files), plan.Start, plan.Stop)
	args := append([]string{"--no-defaults", fmt.Sprintf("--start-position=%d", plan.Start.Offset),
		fmt.Sprintf("--stop-position=%d", plan.Stop.Offset)}, files...)
	sqlText, err := exec.Command(binlogTool, args...).Output()
	if err != nil {
		t.Fatalf("mariadb-binlog: %v", err)
	}
	cmd := exec.Command(client, "--no-defaults", "--socket="+dst.Socket(), "--user=root", "--binary-mode")
	cmd.Stdin = bytes.NewReader(sqlText)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mariadb: %v\n%s", err, out)
	}
	if diff := cmp.Diff(atT, checksums(t, dst)); diff != "" {
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

func checksums(t *testing.T, s *testserver.Server) map[string]string {
	t.Helper()
	out := make(map[string]string)
	for _, tb := range acceptanceTables {
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
