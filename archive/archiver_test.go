package archive

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
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

// smallChain starts a server and writes n transactions, transaction i at
// SET TIMESTAMP acceptanceBase+i, rotating every perFile transactions. It
// returns the server and its closed binlog paths.
func smallChain(t *testing.T, n, perFile int) (*testserver.Server, []string) {
	t.Helper()
	s, paths, _ := smallChainMarks(t, n, perFile)
	return s, paths
}

// smallChainMarks is smallChain that also returns where the server stood
// after each transaction.
func smallChainMarks(t *testing.T, n, perFile int) (*testserver.Server, []string, []mark) {
	t.Helper()
	s := testserver.Start(t, nil)
	if err := s.Exec("CREATE DATABASE d", "CREATE TABLE d.t (id INT PRIMARY KEY, v INT)"); err != nil {
		t.Fatal(err)
	}
	var marks []mark
	for i := 0; i < n; i++ {
		if err := s.Exec(fmt.Sprintf("SET TIMESTAMP = %d", acceptanceBase+i), "BEGIN",
			fmt.Sprintf("INSERT INTO d.t VALUES (%d, %d)", i, i), "COMMIT"); err != nil {
			t.Fatal(err)
		}
		marks = append(marks, markNow(t, s))
		if i%perFile == perFile-1 {
			if err := s.FlushBinaryLogs(); err != nil {
				t.Fatal(err)
			}
		}
	}
	paths, err := s.BinlogPaths()
	if err != nil {
		t.Fatal(err)
	}
	return s, paths[:len(paths)-1], marks
}

// mark is where a server stood after a transaction, as a base backup taken
// then records it: SHOW MASTER STATUS and @@gtid_binlog_pos.
type mark struct {
	pos   binlog.Position
	gtids *binlog.GTIDSet
}

func markNow(t *testing.T, s *testserver.Server) mark {
	t.Helper()
	rows, err := s.Query("SHOW MASTER STATUS")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || len(rows[0]) < 2 {
		t.Fatalf("SHOW MASTER STATUS: %q", rows)
	}
	pos, err := binlog.ParsePosition(string(rows[0][0]) + ":" + string(rows[0][1]))
	if err != nil {
		t.Fatal(err)
	}
	g, err := s.QueryValue("SELECT @@gtid_binlog_pos")
	if err != nil {
		t.Fatal(err)
	}
	gtids, err := binlog.ParseGTIDSet(g)
	if err != nil {
		t.Fatal(err)
	}
	return mark{pos: pos, gtids: gtids}
}

func names(recs []*Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.Name)
	}
	return out
}

func TestArchiverIdempotentSplitBrainGap(t *testing.T) {
	ctx := context.Background()
	s, paths := smallChain(t, 12, 4)
	store := newMemStore()
	a, err := NewArchiver(&Options{Store: store, Codec: Zstd})
	if err != nil {
		t.Fatal(err)
	}
	// A missing file is a gap, reported by name, before any upload.
	_, err = a.ArchiveFiles(ctx, []string{paths[0], paths[2]})
	if !errors.Is(err, ErrGap) || !strings.Contains(err.Error(), filepath.Base(paths[1])) {
		t.Fatalf("skipping %s: %v, want ErrGap naming it", paths[1], err)
	}
	rep, err := a.ArchiveIndex(ctx, filepath.Join(s.BinlogDir(), "binlog.index"))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, p := range paths[1:] {
		want = append(want, filepath.Base(p))
	}
	if diff := cmp.Diff(want, names(rep.Archived)); diff != "" {
		t.Errorf("archived mismatch (-want +got):\n%s", diff)
	}
	if len(rep.Present) != 1 {
		t.Errorf("present %v, want the file archived before the gap", rep.Present)
	}
	rep, err = a.ArchiveIndex(ctx, filepath.Join(s.BinlogDir(), "binlog.index"))
	if err != nil || len(rep.Archived) != 0 || len(rep.Present) != len(paths) {
		t.Errorf("second pass: %+v, %v; want every file present", rep, err)
	}
	m, err := LoadManifest(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	if errs := m.Check(); len(errs) != 0 {
		t.Errorf("Check: %v", errs)
	}
	r := m.Records[1]
	if r.Transactions != 4 || !r.FirstCommitTime.Equal(time.Unix(acceptanceBase+4, 0)) ||
		!r.LastCommitTime.Equal(time.Unix(acceptanceBase+7, 0)) || r.ServerID != 1 || r.Domain == nil {
		t.Errorf("record %+v", r)
	}
	if got, want := r.PrevGTIDs, "0-1-"+fmt.Sprint(2+4); got != want {
		t.Errorf("PrevGTIDs %q, want %q", got, want)
	}

	// Another server's files under the same names: split brain.
	_, other := smallChain(t, 3, 2)
	_, err = a.ArchiveFiles(ctx, other[:1])
	if !errors.Is(err, ErrSplitBrain) {
		t.Errorf("other server's %s: %v, want ErrSplitBrain", other[0], err)
	}
}

func TestPlanTargets(t *testing.T) {
	ctx := context.Background()
	_, paths := smallChain(t, 12, 4)
	store := newMemStore()
	a, err := NewArchiver(&Options{Store: store, Codec: XZ})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ArchiveFiles(ctx, paths); err != nil {
		t.Fatal(err)
	}
	m, _ := LoadManifest(ctx, store)
	base := binlog.Position{File: m.Records[0].Name, Offset: 4}

	// Transaction i has GTID 0-1-(3+i) (two DDL first) and commits at
	// acceptanceBase+i.
	at := func(i int) time.Time { return time.Unix(acceptanceBase+int64(i), 0) }
	gtid := func(s string) *binlog.GTIDSet {
		g, err := binlog.ParseGTIDSet(s)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	byTime, err := MakePlan(ctx, store, &PlanOptions{Base: Base{Position: base}, Target: Target{Time: at(5).Add(999 * time.Millisecond)}})
	if err != nil {
		t.Fatal(err)
	}
	byGTID, err := MakePlan(ctx, store, &PlanOptions{Base: Base{Position: base}, Target: Target{GTIDs: gtid("0-1-8")}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(byTime, byGTID); diff != "" {
		t.Errorf("time and GTID plans differ (-time +gtid):\n%s", diff)
	}
	if !byTime.LastCommit.Equal(at(5)) || len(byTime.Files) != 2 || byTime.Stop.File != m.Records[1].Name {
		t.Errorf("plan %+v", byTime)
	}
	byPos, err := MakePlan(ctx, store, &PlanOptions{Base: Base{Position: base}, Target: Target{Position: byTime.Stop}})
	if err != nil {
		t.Fatal(err)
	}
	if byPos.Stop != byTime.Stop || len(byPos.Files) != 2 {
		t.Errorf("position plan %+v", byPos)
	}
	// A GTID base: the replay starts right after transaction 1 (0-1-4).
	fromGTID, err := MakePlan(ctx, store, &PlanOptions{Base: Base{GTIDs: gtid("0-1-4")}, Target: Target{Time: at(5)}})
	if err != nil {
		t.Fatal(err)
	}
	if fromGTID.Start.File != base.File || fromGTID.Start.Offset <= 4 || fromGTID.Stop != byTime.Stop {
		t.Errorf("GTID base plan %+v", fromGTID)
	}
	// Beyond the archive.
	if _, err := MakePlan(ctx, store, &PlanOptions{Target: Target{Time: at(100)}}); !errors.Is(err, ErrTarget) {
		t.Errorf("target after the archive: %v, want ErrTarget", err)
	}
	if _, err := ParseTime("2027-01-15 10:30:00"); err == nil {
		t.Error("ParseTime accepted a time without offset")
	}
	if _, err := ParseTime("2027-01-15T10:30:00"); err == nil {
		t.Error("ParseTime accepted a time without offset")
	}
}

// TestPlanTargetAtBase plans from a base backup (its position, or its
// GTID set) to targets at the base, just after it and before it. A target
// the base already holds replays nothing, whatever its kind; the next
// transaction's GTID, commit time or end position replays exactly that
// transaction; a target the base is past is ErrTarget.
func TestPlanTargetAtBase(t *testing.T) {
	ctx := context.Background()
	// Four transactions a file: transaction 3 ends binlog.000001, 5 is in
	// the middle of binlog.000002.
	_, paths, marks := smallChainMarks(t, 12, 4)
	store := newMemStore()
	a, err := NewArchiver(&Options{Store: store, Codec: Zstd})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ArchiveFiles(ctx, paths); err != nil {
		t.Fatal(err)
	}
	at := func(i int) time.Time { return time.Unix(acceptanceBase+int64(i), 0) }
	for _, k := range []int{3, 4, 5} {
		for _, byGTID := range []bool{false, true} {
			base := Base{Position: marks[k].pos}
			// Where the replay of the next transaction starts: a GTID
			// base after a file's last transaction starts the next file.
			start := marks[k].pos
			if byGTID {
				base = Base{GTIDs: marks[k].gtids}
				if marks[k+1].pos.File != start.File {
					start = binlog.Position{File: marks[k+1].pos.File, Offset: 4}
				}
			}
			name := fmt.Sprintf("base %s after transaction %d", marks[k].pos, k)
			if byGTID {
				name = fmt.Sprintf("base GTIDs %s", marks[k].gtids)
			}
			t.Run(name, func(t *testing.T) {
				plan := func(target Target) (*Plan, error) {
					return MakePlan(ctx, store, &PlanOptions{Base: base, Target: target})
				}
				for _, target := range []Target{
					{GTIDs: marks[k].gtids},
					{Time: at(k)},
					{Time: at(k).Add(500 * time.Millisecond)},
					{Position: marks[k].pos},
				} {
					p, err := plan(target)
					if err != nil {
						t.Errorf("target %s: %v", targetString(target), err)
						continue
					}
					if len(p.Files) != 0 {
						t.Errorf("target %s at the base: plan %s to %s in %d files, want nothing to replay",
							targetString(target), p.Start, p.Stop, len(p.Files))
					}
				}
				for _, target := range []Target{
					{GTIDs: marks[k+1].gtids},
					{Time: at(k + 1)},
					{Position: marks[k+1].pos},
				} {
					p, err := plan(target)
					if err != nil {
						t.Errorf("target %s: %v", targetString(target), err)
						continue
					}
					if p.Start != start || p.Stop != marks[k+1].pos {
						t.Errorf("target %s just after the base: plan %s to %s, want %s to %s (transaction %d)",
							targetString(target), p.Start, p.Stop, start, marks[k+1].pos, k+1)
					}
				}
				for _, target := range []Target{
					{GTIDs: marks[k-1].gtids},
					{Time: at(k - 1)},
					{Time: at(k).Add(-time.Millisecond)},
					{Position: marks[k-1].pos},
				} {
					if p, err := plan(target); !errors.Is(err, ErrTarget) {
						t.Errorf("target %s before the base: %+v, %v; want ErrTarget", targetString(target), p, err)
					}
				}
			})
		}
	}
}

func targetString(t Target) string {
	switch {
	case t.GTIDs != nil:
		return "GTIDs " + t.GTIDs.String()
	case !t.Time.IsZero():
		return "time " + t.Time.UTC().Format(time.RFC3339Nano)
	}
	return "position " + t.Position.String()
}

func TestRetention(t *testing.T) {
	ctx := context.Background()
	_, paths := smallChain(t, 10, 2)
	store := newMemStore()
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	a, err := NewArchiver(&Options{Store: store, Codec: None, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.ArchiveFiles(ctx, paths); err != nil {
		t.Fatal(err)
	}
	m, _ := LoadManifest(ctx, store)
	base := Base{Position: binlog.Position{File: m.Records[3].Name, Offset: 4}}
	later := func() time.Time { return now.Add(48 * time.Hour) }
	// Too young: nothing goes.
	del, err := ApplyRetention(ctx, store, &RetentionPolicy{Base: base, MaxAge: 72 * time.Hour, Now: later})
	if err != nil || len(del) != 0 {
		t.Fatalf("young files: deleted %v, %v", names(del), err)
	}
	// Old, but the base and what follows stay, and KeepLast holds.
	del, err = ApplyRetention(ctx, store, &RetentionPolicy{Base: base, MaxAge: time.Hour, KeepLast: 2, Now: later})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(names(m.Records[:3]), names(del)); diff != "" {
		t.Errorf("deleted mismatch (-want +got):\n%s", diff)
	}
	vr, err := Verify(ctx, store, nil)
	if err != nil || vr.Err() != nil || len(vr.Orphans) != 0 || len(vr.Files) != len(m.Records)-3 {
		t.Errorf("Verify after retention: %v %v %v", err, vr.Err(), vr.Orphans)
	}
	// The archiver skips the expired files still on the server.
	rep, err := a.ArchiveFiles(ctx, paths)
	if err != nil || len(rep.Skipped) != 3 {
		t.Errorf("after retention: %+v, %v", rep, err)
	}
}

// TestArchiveCancel: an archiving pass over a large file stops soon after
// ctx is canceled (Ctrl-C in the archiver daemon); it used to compress the
// whole file first, and archives nothing.
func TestArchiveCancel(t *testing.T) {
	s := testserver.Start(t, nil)
	if err := s.Exec("CREATE DATABASE d", "CREATE TABLE d.t (id INT PRIMARY KEY, v TEXT)",
		"INSERT INTO d.t SELECT seq, REPEAT('x', 1000) FROM d.seq_1_to_40000"); err != nil {
		t.Fatal(err)
	}
	if err := s.FlushBinaryLogs(); err != nil {
		t.Fatal(err)
	}
	paths, err := s.BinlogPaths()
	if err != nil {
		t.Fatal(err)
	}
	paths = paths[:len(paths)-1]
	var size int64
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		size += fi.Size()
	}
	if size < 30<<20 {
		t.Fatalf("the binlogs hold %d bytes, want a large file", size)
	}
	store, err := NewDirStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	a, err := NewArchiver(&Options{Store: store, Codec: None, TempDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel once the copy being prepared holds 1 MiB.
	w := watchDir(tmp, 1<<20, cancel)
	_, err = a.ArchiveFiles(ctx, paths)
	peak := w.peak()
	t.Logf("%d bytes of binlogs; canceled pass: %v; temporary copy peak %d bytes", size, err, peak)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("canceled pass: %v, want context.Canceled", err)
	}
	if peak > size/2 {
		t.Errorf("the pass went on to copy %d of %d bytes after the cancellation at 1 MiB", peak, size)
	}
	if m, err := LoadManifest(context.Background(), store); err != nil || len(m.Records) != 0 {
		t.Errorf("after the canceled pass the manifest holds %d records, %v", len(m.Records), err)
	}
}
