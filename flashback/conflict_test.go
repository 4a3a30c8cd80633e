package flashback

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/go-mysql-org/go-mysql/driver"
	"github.com/google/go-cmp/cmp"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/binlogkit/binlogkit/rowevent"
)

// readRange returns the events of the binlog files, cloned.
func readRange(t testing.TB, files []string) []*binlog.Event {
	t.Helper()
	cr, err := binlog.OpenChain(files, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cr.Close()
	var evs []*binlog.Event
	for {
		ev, err := cr.Next()
		if errors.Is(err, io.EOF) {
			return evs
		}
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev.Clone())
	}
}

func openDB(t testing.TB, srv *testserver.Server) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", "root@"+srv.Addr()+"/")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func check(t testing.TB, db *sql.DB, evs []*binlog.Event, opts *CheckOptions) (*Report, error) {
	t.Helper()
	ctx := context.Background()
	c, err := NewChecker(db, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if err := c.Add(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	return c.Check(ctx)
}

func conflictStrings(r *Report) []string {
	var out []string
	for _, c := range r.Conflicts {
		out = append(out, c.String())
	}
	slices.Sort(out)
	return out
}

// TestConflictCheck records a workload over a table with a primary key, one
// with only a UNIQUE key over a NULLable column and one without a key, then
// changes some rows and checks that exactly those are reported, and that
// skipping them gives a flashback that applies and restores the others.
func TestConflictCheck(t *testing.T) {
	srv := testserver.Start(t, nil)
	if err := srv.Exec("CREATE DATABASE cf", "USE cf",
		"CREATE TABLE pk (id INT PRIMARY KEY, d DOUBLE, f FLOAT, j JSON, b BLOB, t DATETIME(6), s VARCHAR(20))",
		"CREATE TABLE uq (u VARCHAR(20) NULL, v INT, UNIQUE KEY (u))",
		"CREATE TABLE nk (a INT, b VARCHAR(10))",
		"CREATE TABLE parent (id INT PRIMARY KEY)",
		"CREATE TABLE child (id INT PRIMARY KEY, p INT, FOREIGN KEY fk_p (p) REFERENCES parent (id) ON DELETE CASCADE)",
		// Untouched by the range.
		"INSERT INTO pk SELECT seq, seq/3, seq/7, JSON_OBJECT('n', seq), REPEAT('x', seq), '2024-01-02 03:04:05.678901', CONCAT('s', seq) FROM seq_100_to_110",
		"INSERT INTO nk VALUES (9, 'old'), (9, 'old')",
		"INSERT INTO parent VALUES (1), (2)",
	); err != nil {
		t.Fatal(err)
	}
	before, err := srv.Query("SELECT * FROM cf.pk ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	files, err := srv.Record(func() error {
		return srv.Exec("USE cf",
			"INSERT INTO pk SELECT seq, seq/3, seq/7, JSON_OBJECT('n', seq, 's', 'é'), REPEAT(X'00FF', seq), '2024-05-01 12:00:00.000001' + INTERVAL seq SECOND, CONCAT('abc', seq) FROM seq_1_to_20",
			"UPDATE pk SET d = 0.3, f = 0.1, s = 'abc' WHERE id = 6",
			"UPDATE pk SET d = -0.0, f = 0 WHERE id = 7",
			"UPDATE pk SET d = NULL WHERE id = 8",
			"DELETE FROM pk WHERE id IN (15, 16)",
			"UPDATE pk SET id = 117 WHERE id = 17",
			"UPDATE pk SET s = 'moved' WHERE id = 100",
			"INSERT INTO uq VALUES ('a', 1), ('b', 2), (NULL, 3), (NULL, 3), ('c', 4)",
			"UPDATE uq SET v = 10 WHERE u = 'a'",
			"DELETE FROM uq WHERE u = 'b'",
			"INSERT INTO nk VALUES (1, 'x'), (1, 'x'), (2, 'y'), (3, 'q')",
			"UPDATE nk SET b = 'z' WHERE a = 2",
			"DELETE FROM parent WHERE id = 2",
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	evs := readRange(t, files)
	db := openDB(t, srv)

	r, err := check(t, db, evs, nil)
	if err != nil {
		t.Fatalf("no change since the range: %v", err)
	}
	if len(r.Conflicts) != 0 {
		t.Fatalf("no change since the range, conflicts:\n%s", strings.Join(conflictStrings(r), "\n"))
	}
	// pk: 1..20, 117 and 100; uq: 'a', 'b', 'c' and the NULL image; nk:
	// the images the range added; parent: 2.
	if r.Rows != 22+4+3+1 {
		t.Errorf("checked %d rows, want %d", r.Rows, 22+4+3+1)
	}
	var fks []string
	for _, k := range r.ForeignKeys {
		fks = append(fks, k.String())
	}
	wantFK := []string{"foreign key fk_p on cf.child references cf.parent (ON DELETE CASCADE ON UPDATE RESTRICT): the server does not log the child rows its actions change"}
	if diff := cmp.Diff(wantFK, fks); diff != "" {
		t.Errorf("foreign keys mismatch (-want +got):\n%s", diff)
	}

	if err := srv.Exec("USE cf",
		"UPDATE pk SET d = 0.30000000000000004 WHERE id = 6",  // one ulp
		"UPDATE pk SET f = 0.1000001, s = 'ABC' WHERE id = 6", // same under the collation
		"UPDATE pk SET j = JSON_OBJECT('n', 4), t = t + INTERVAL 1 MICROSECOND WHERE id = 4",
		"UPDATE pk SET b = CONCAT(b, X'00') WHERE id = 3",
		"UPDATE pk SET d = 1 WHERE id = 8",
		"DELETE FROM pk WHERE id = 5",
		"INSERT INTO pk (id) VALUES (15), (17)",
		"UPDATE pk SET s = 'later' WHERE id = 105", // untouched by the range
		"UPDATE uq SET v = 11 WHERE u = 'a'",
		"INSERT INTO uq VALUES ('b', 9)",
		"UPDATE uq SET v = 3 WHERE u IS NULL LIMIT 1", // no change
		"UPDATE nk SET b = 'w' WHERE a = 1 LIMIT 1",
		"UPDATE nk SET b = 'gone' WHERE a = 9 LIMIT 1", // untouched
	); err != nil {
		t.Fatal(err)
	}
	r, err = check(t, db, evs, nil)
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("after changes: error %v, want ErrConflict", err)
	}
	want := []string{
		"cf.nk `a`=1 AND CAST(`b` AS BINARY)='x': missing (1 of 2 copies)",
		"cf.pk `id`=15: reinserted",
		"cf.pk `id`=17: reinserted",
		"cf.pk `id`=3: changed (b)",
		"cf.pk `id`=4: changed (j, t)",
		"cf.pk `id`=5: deleted",
		"cf.pk `id`=6: changed (d, f, s)",
		"cf.pk `id`=8: changed (d)",
		"cf.uq `u`='a': changed (v)",
		"cf.uq `u`='b': reinserted",
	}
	if diff := cmp.Diff(want, conflictStrings(r)); diff != "" {
		t.Errorf("conflicts mismatch (-want +got):\n%s", diff)
	}

	// Skip: the flashback leaves out exactly the changes of those rows.
	r, err = check(t, db, evs, &CheckOptions{OnConflict: ConflictSkip})
	if err != nil || len(r.Conflicts) != len(want) {
		t.Fatalf("skip: %v, %d conflicts", err, len(r.Conflicts))
	}
	skippedIDs := map[string]bool{}
	var out bytes.Buffer
	w := NewWriter(&out, &Options{Header: true, TempDir: t.TempDir()})
	defer w.Discard()
	for _, ev := range evs {
		if p, ok := ev.Payload.(*binlog.Rows); ok {
			kept := r.Filter(p)
			for _, row := range p.Rows {
				if !r.Skip(p.Table, row) {
					continue
				}
				for _, img := range [][]binlog.Value{row.Before, row.After} {
					if img != nil {
						lit, _ := rowevent.Literal(img[0], nil)
						skippedIDs[p.Table.Table+" "+lit] = true
					}
				}
			}
			if len(kept.Rows) != len(p.Rows)-countSkipped(r, p) {
				t.Errorf("Filter kept %d of %d rows", len(kept.Rows), len(p.Rows))
			}
			c := *ev
			c.Payload = kept
			ev = &c
		}
		if err := w.WriteEvent(ev, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for k := range skippedIDs {
		got = append(got, k)
	}
	slices.Sort(got)
	wantSkipped := []string{"nk 1", "pk 117", "pk 15", "pk 17", "pk 3", "pk 4", "pk 5", "pk 6", "pk 8", "uq 'a'", "uq 'b'"}
	if diff := cmp.Diff(wantSkipped, got); diff != "" {
		t.Errorf("skipped rows mismatch (-want +got):\n%s", diff)
	}
	if err := srv.ExecScript(out.String()); err != nil {
		t.Fatalf("skip flashback: %v\n%.3000s", err, out.String())
	}
	// The other rows are back as before the range; the skipped ones are
	// as the later changes left them.
	gotPK, err := srv.Query("SELECT * FROM cf.pk WHERE id NOT IN (3, 4, 5, 6, 8, 15, 17, 117, 105) ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	var wantPK [][][]byte
	for _, row := range before {
		if string(row[0]) != "105" {
			wantPK = append(wantPK, row)
		}
	}
	if diff := cmp.Diff(wantPK, gotPK); diff != "" {
		t.Errorf("pk after skip flashback mismatch (-want +got):\n%s", diff)
	}
	if v, _ := srv.QueryValue("SELECT COUNT(*) FROM cf.pk WHERE id IN (3, 4, 6, 8, 15, 17)"); v != "6" {
		t.Errorf("rows in conflict: %s of 6 left", v)
	}
	if v, _ := srv.QueryValue("SELECT GROUP_CONCAT(CONCAT(a, b) ORDER BY a, b) FROM cf.nk"); v != "1w,1x,9gone,9old" {
		t.Errorf("nk after skip flashback: %s", v)
	}
	if v, _ := srv.QueryValue("SELECT GROUP_CONCAT(CONCAT(IFNULL(u, '-'), v) ORDER BY u, v) FROM cf.uq"); v != "a11,b9" {
		t.Errorf("uq after skip flashback: %s", v)
	}
}

func countSkipped(r *Report, p *binlog.Rows) int {
	n := 0
	for _, row := range p.Rows {
		if r.Skip(p.Table, row) {
			n++
		}
	}
	return n
}

// TestConflictCheckSpeed checks 100,000 rows and reports how long it took.
func TestConflictCheckSpeed(t *testing.T) {
	if testing.Short() {
		t.Skip("100k rows")
	}
	srv := testserver.Start(t, nil)
	if err := srv.Exec("CREATE DATABASE sp", "USE sp",
		"CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(40), d DOUBLE, n DECIMAL(12,2), ts DATETIME(6), j JSON)",
	); err != nil {
		t.Fatal(err)
	}
	files, err := srv.Record(func() error {
		return srv.Exec("INSERT INTO sp.t SELECT seq, MD5(seq), seq/7, seq/3, '2024-05-01' + INTERVAL seq SECOND, JSON_OBJECT('k', seq) FROM seq_1_to_100000")
	})
	if err != nil {
		t.Fatal(err)
	}
	evs := readRange(t, files)
	db := openDB(t, srv)
	ctx := context.Background()
	for _, batch := range []int{0} { // 0: the default
		start := time.Now()
		c, err := NewChecker(db, &CheckOptions{BatchRows: batch})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			if err := c.Add(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
		added := time.Since(start)
		r, err := c.Check(ctx)
		if err != nil {
			t.Fatal(err)
		}
		el := time.Since(start)
		t.Logf("Add: %v (rendering the rows)", added)
		if r.Rows != 100000 || len(r.Conflicts) != 0 {
			t.Fatalf("%d rows, %d conflicts", r.Rows, len(r.Conflicts))
		}
		t.Logf("BatchRows %d: %d rows checked in %v (%.0f rows/s)", batch, r.Rows, el, float64(r.Rows)/el.Seconds())
	}
}

// TestConflictCheckCollation checks a key that compares in a
// case-insensitive collation and changes case in the range: the server
// finds 'K' under `b`='k', which is no conflict when 'K' is the row the
// range left there, and is one when the row changed since or is another.
func TestConflictCheckCollation(t *testing.T) {
	srv := testserver.Start(t, nil)
	if err := srv.Exec("CREATE DATABASE ci", "USE ci",
		"CREATE TABLE t (b VARCHAR(10) CHARACTER SET latin1 NOT NULL, a INT NOT NULL, v INT, PRIMARY KEY (b, a))",
		"INSERT INTO t VALUES ('k', 1, 0), ('m', 1, 0), ('p', 1, 0), ('q', 1, 0), ('x', 1, 0)",
	); err != nil {
		t.Fatal(err)
	}
	files, err := srv.Record(func() error {
		return srv.Exec("USE ci",
			"UPDATE t SET b = 'K' WHERE b = 'k'", // the same row: one lineage
			"UPDATE t SET b = 'M' WHERE b = 'm'",
			"UPDATE t SET b = 'Q' WHERE b = 'q'",
			"DELETE FROM t WHERE b = 'x'", // another row takes the key
			"INSERT INTO t VALUES ('X', 1, 5)",
			"DELETE FROM t WHERE b = 'p'",
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	evs := readRange(t, files)
	db := openDB(t, srv)

	r, err := check(t, db, evs, nil)
	if err != nil || len(r.Conflicts) != 0 {
		t.Fatalf("no change since the range: %v\n%s", err, strings.Join(conflictStrings(r), "\n"))
	}
	if r.Rows != 9 {
		t.Errorf("checked %d rows, want 9", r.Rows)
	}

	if err := srv.Exec("USE ci",
		"UPDATE t SET v = 9 WHERE b = 'K'",   // reported as 'K' alone
		"UPDATE t SET v = 9 WHERE b = 'X'",   // 'X' and the 'x' it holds the key of
		"INSERT INTO t VALUES ('P', 1, 0)",   // not a row of the range: 'p' reinserted
		"UPDATE t SET b = 'q' WHERE b = 'Q'", // the key changed case since
	); err != nil {
		t.Fatal(err)
	}
	r, err = check(t, db, evs, nil)
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("after changes: error %v, want ErrConflict", err)
	}
	want := []string{
		"ci.t `b`='K' AND `a`=1: changed (v)",
		"ci.t `b`='Q' AND `a`=1: changed (b)",
		"ci.t `b`='X' AND `a`=1: changed (v)",
		"ci.t `b`='p' AND `a`=1: reinserted",
		"ci.t `b`='q' AND `a`=1: reinserted",
		"ci.t `b`='x' AND `a`=1: reinserted",
	}
	if diff := cmp.Diff(want, conflictStrings(r)); diff != "" {
		t.Errorf("conflicts mismatch (-want +got):\n%s", diff)
	}

	// Skip follows the key changes: the flashback undoes the 'm' row alone
	// and applies.
	r, err = check(t, db, evs, &CheckOptions{OnConflict: ConflictSkip})
	if err != nil || len(r.Conflicts) != len(want) {
		t.Fatalf("skip: %v, %d conflicts", err, len(r.Conflicts))
	}
	var out bytes.Buffer
	w := NewWriter(&out, &Options{Header: true, TempDir: t.TempDir()})
	defer w.Discard()
	for _, ev := range evs {
		if p, ok := ev.Payload.(*binlog.Rows); ok {
			c := *ev
			c.Payload = r.Filter(p)
			ev = &c
		}
		if err := w.WriteEvent(ev, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := srv.ExecScript(out.String()); err != nil {
		t.Fatalf("skip flashback: %v\n%s", err, out.String())
	}
	if v, _ := srv.QueryValue("SELECT GROUP_CONCAT(CONCAT(b, v) ORDER BY CAST(b AS BINARY)) FROM ci.t"); v != "K9,P0,X9,m0,q0" {
		t.Errorf("after skip flashback: %s, want K9,P0,X9,m0,q0", v)
	}
}
