package flashback

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// checksums returns the CHECKSUM TABLE of each table.
func checksums(t *testing.T, srv *testserver.Server, tables ...string) []string {
	t.Helper()
	var sums []string
	for _, tb := range tables {
		s, err := srv.Checksum(tb)
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, s)
	}
	return sums
}

// flashbackFiles writes the flashback binlog of files under sel to dir and
// returns the output paths (several with split > 0).
func flashbackFiles(t *testing.T, files []string, sel *Selection, split int64) ([]string, Summary) {
	t.Helper()
	cr, err := binlog.OpenChain(files, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cr.Close()
	base := filepath.Join(t.TempDir(), "flashback")
	open := NumberedFiles(base)
	first, err := open(1)
	if err != nil {
		t.Fatal(err)
	}
	opts := &BinlogOptions{TempDir: t.TempDir()}
	if split > 0 {
		opts.MaxSplitSize, opts.NextFile = split, open
	}
	sum, err := WriteBinlog(first, cr, sel, opts)
	first.(io.Closer).Close()
	if err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob(base + ".*")
	for _, p := range paths {
		// Each output reads back whole, positions and checksums checked,
		// and holds no GTID event.
		fr, err := binlog.Open(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		next := int64(4)
		for {
			ev, err := fr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if ev.Offset != next || int64(ev.Header.LogPos) != ev.NextPos {
				t.Fatalf("%s: event at %d (log pos %d), want %d", p, ev.Offset, ev.Header.LogPos, next)
			}
			next = ev.NextPos
			if _, ok := ev.Payload.(*binlog.GTID); ok {
				t.Fatalf("%s: GTID event at %d", p, ev.Offset)
			}
		}
		fr.Close()
	}
	return paths, sum
}

// workload is a small mix on two tables: multi-row events, several
// statements per transaction, both tables in one transaction, key changes
// whose order matters, and a table without a key.
var workload = []string{
	"USE fb",
	"BEGIN", "UPDATE t1 SET v = CONCAT(v, '!'), n = n + 1 WHERE id % 3 = 0", "DELETE FROM t1 WHERE id > 150",
	"INSERT INTO t2 VALUES (1000, 'x', NULL)", "UPDATE t2 SET d = NOW() WHERE k < 10", "COMMIT",
	"INSERT INTO t1 SELECT seq, 'new', NULL, X'00FF' FROM seq_201_to_260",
	"FLUSH BINARY LOGS",
	"UPDATE t1 SET id = id + 1000 ORDER BY id DESC",
	"BEGIN", "DELETE FROM t2 WHERE k % 4 = 1", "INSERT INTO t2 SELECT k + 500, w, d FROM t2 WHERE k < 20", "COMMIT",
	"DELETE FROM t1 WHERE id % 5 = 0",
	"UPDATE t1 SET b = REPEAT('x', 3000) WHERE id < 1100",
	"UPDATE t2 SET w = CONCAT(w, 'y')",
}

func setupWorkload(t *testing.T, srv *testserver.Server) {
	t.Helper()
	if err := srv.Exec("CREATE DATABASE fb", "USE fb",
		"CREATE TABLE t1 (id INT PRIMARY KEY, v VARCHAR(30), n DECIMAL(10,2), b BLOB)",
		"INSERT INTO t1 SELECT seq, CONCAT('row', seq), seq / 7, NULL FROM seq_1_to_200",
		"CREATE TABLE t2 (k INT, w VARCHAR(20), d DATETIME(3))", // no key
		"INSERT INTO t2 SELECT seq, CONCAT('w', seq), '2024-01-02 03:04:05.678' FROM seq_1_to_50",
	); err != nil {
		t.Fatal(err)
	}
}

// TestBinlogRoundTrip runs the workload on a server with gtid_strict_mode,
// applies its flashback binlog (whole, and split into several files)
// through mariadb-binlog and the client, and checks that the tables are as
// before.
func TestBinlogRoundTrip(t *testing.T) {
	srv := testserver.Start(t, &testserver.Options{ExtraArgs: []string{"--gtid-strict-mode=ON"}})
	setupWorkload(t, srv)
	tables := []string{"fb.t1", "fb.t2"}
	before := checksums(t, srv, tables...)
	files, err := srv.Record(func() error { return srv.Exec(workload...) })
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("want several binlog files, got %v", files)
	}
	after := checksums(t, srv, tables...)
	for _, split := range []int64{0, 20000} {
		t.Run(fmt.Sprintf("split=%d", split), func(t *testing.T) {
			out, sum := flashbackFiles(t, files, nil, split)
			if split > 0 && len(out) < 3 {
				t.Errorf("split into %d files, want several", len(out))
			}
			if sum.Transactions != 7 || len(sum.Tables) != 2 {
				t.Errorf("summary %+v: want 7 transactions on 2 tables", sum)
			}
			srv.ApplyBinlogs(t, out...)
			if got := checksums(t, srv, tables...); fmt.Sprint(got) != fmt.Sprint(before) {
				t.Fatalf("after flashback: %v, want %v", got, before)
			}
			// Redo the workload's effect by flashing back the flashback.
			redo, _ := flashbackFiles(t, out, nil, 0)
			srv.ApplyBinlogs(t, redo...)
			if got := checksums(t, srv, tables...); fmt.Sprint(got) != fmt.Sprint(after) {
				t.Fatalf("after flashback of the flashback: %v, want %v", got, after)
			}
		})
	}
	t.Run("sql", func(t *testing.T) {
		cr, err := binlog.OpenChain(files, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer cr.Close()
		var out bytes.Buffer
		sum, err := WriteSQL(&out, cr, nil, &Options{Header: true, TempDir: t.TempDir()})
		if err != nil || sum.Transactions != 7 {
			t.Fatalf("%+v, %v", sum, err)
		}
		if err := srv.ExecScript(out.String()); err != nil {
			t.Fatal(err)
		}
		if got := checksums(t, srv, tables...); fmt.Sprint(got) != fmt.Sprint(before) {
			t.Fatalf("after SQL flashback: %v, want %v", got, before)
		}
	})
}

// TestBinlogSubRange flashes back one table, then a range that starts at a
// position in a later file.
func TestBinlogSubRange(t *testing.T) {
	srv := testserver.Start(t, nil)
	setupWorkload(t, srv)
	t1Before := checksums(t, srv, "fb.t1")
	files, err := srv.Record(func() error { return srv.Exec(workload...) })
	if err != nil {
		t.Fatal(err)
	}
	t2After := checksums(t, srv, "fb.t2")

	t.Run("table", func(t *testing.T) {
		out, sum := flashbackFiles(t, files, &Selection{Tables: []string{"fb.t1"}}, 0)
		if len(sum.Tables) != 1 || sum.Tables[0].Table != "t1" {
			t.Errorf("summary tables %+v: want t1 only", sum.Tables)
		}
		srv.ApplyBinlogs(t, out...)
		if got := checksums(t, srv, "fb.t1", "fb.t2"); got[0] != t1Before[0] || got[1] != t2After[0] {
			t.Fatalf("t1, t2 = %v, want %s, %s", got, t1Before[0], t2After[0])
		}
	})

	t.Run("position", func(t *testing.T) {
		// The state before the second file's transactions, made by the
		// flashback of the second file alone: then the flashback of the
		// whole chain from the second file's start must give the same.
		more, err := srv.Record(func() error {
			return srv.Exec("USE fb", "UPDATE t1 SET v = 'p1'", "BEGIN", "DELETE FROM t2 WHERE k > 30", "UPDATE t1 SET n = 0 WHERE id < 1100", "COMMIT")
		})
		if err != nil {
			t.Fatal(err)
		}
		midSums := checksums(t, srv, "fb.t1", "fb.t2")
		more2, err := srv.Record(func() error {
			return srv.Exec("USE fb", "DELETE FROM t1 WHERE id < 1050", "INSERT INTO t2 VALUES (7, 'seven', NULL)")
		})
		if err != nil {
			t.Fatal(err)
		}
		chain := append(append([]string{}, more...), more2...)
		sel := &Selection{Start: binlog.Position{File: filepath.Base(more2[0]), Offset: 4}}
		out, sum := flashbackFiles(t, chain, sel, 0)
		if sum.Transactions != 2 || sum.Begin.File != filepath.Base(more2[0]) {
			t.Errorf("summary %+v: want the 2 transactions of %s", sum, more2[0])
		}
		srv.ApplyBinlogs(t, out...)
		if got := checksums(t, srv, "fb.t1", "fb.t2"); fmt.Sprint(got) != fmt.Sprint(midSums) {
			t.Fatalf("after flashback from %v: %v, want %v", sel.Start, got, midSums)
		}
	})
}

// TestRefusals checks that a range that cannot be undone is refused, with
// the position of the event at fault.
func TestRefusals(t *testing.T) {
	srv := testserver.Start(t, nil)
	setupWorkload(t, srv)
	record := func(stmts ...string) []string {
		t.Helper()
		files, err := srv.Record(func() error { return srv.Exec(append([]string{"USE fb"}, stmts...)...) })
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	run := func(files []string, sel *Selection) (Summary, error) {
		cr, err := binlog.OpenChain(files, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer cr.Close()
		var out bytes.Buffer
		return WriteBinlog(&out, cr, sel, &BinlogOptions{TempDir: t.TempDir()})
	}
	for _, c := range []struct {
		name  string
		stmts []string
		sel   *Selection
		want  error
	}{
		{"ddl", []string{"UPDATE t1 SET v = 'a' WHERE id = 1", "ALTER TABLE t1 ADD COLUMN z INT", "UPDATE t1 SET z = 1"}, nil, ErrDDL},
		{"statement", []string{"SET SESSION binlog_format = 'STATEMENT'", "UPDATE t1 SET v = 'b' WHERE id = 2", "SET SESSION binlog_format = 'ROW'"}, nil, ErrStatementDML},
		{"minimal", []string{"SET SESSION binlog_row_image = 'MINIMAL'", "UPDATE t1 SET v = 'c' WHERE id = 3", "SET SESSION binlog_row_image = 'FULL'"}, nil, ErrRowImage},
		{"noblob", []string{"SET SESSION binlog_row_image = 'NOBLOB'", "DELETE FROM t1 WHERE id = 4", "SET SESSION binlog_row_image = 'FULL'"}, nil, ErrRowImage},
		{"savepoint", []string{"CREATE TABLE m (id INT) ENGINE=MyISAM", "BEGIN", "INSERT INTO t1 (id, v) VALUES (9001, 's')", "SAVEPOINT a",
			"INSERT INTO m VALUES (1)", "INSERT INTO t1 (id, v) VALUES (9002, 's')", "ROLLBACK TO SAVEPOINT a", "COMMIT"},
			&Selection{Tables: []string{"fb.t1"}}, ErrTxControl},
	} {
		t.Run(c.name, func(t *testing.T) {
			files := record(c.stmts...)
			_, err := run(files, c.sel)
			var ee *EventError
			if !errors.Is(err, c.want) || !errors.As(err, &ee) || ee.Offset <= 4 || ee.File == "" {
				t.Fatalf("got %v, want %v with a position", err, c.want)
			}
			t.Log(err)
		})
	}

	t.Run("skip-statements", func(t *testing.T) {
		files := record("UPDATE t1 SET v = 'e' WHERE id = 5", "CREATE TABLE other (id INT)")
		sum, err := run(files, &Selection{SkipStatements: true})
		if err != nil || sum.Skipped != 1 || sum.Transactions != 1 {
			t.Fatalf("summary %+v, %v: want 1 transaction, 1 skipped", sum, err)
		}
		// Another table selected: the DDL is not in the selection.
		if _, err := run(files, &Selection{Tables: []string{"t1"}}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("cut", func(t *testing.T) {
		files := record("BEGIN", "UPDATE t1 SET v = 'f' WHERE id = 6", "UPDATE t1 SET v = 'g' WHERE id = 7", "COMMIT")
		txs := readTxs(t, files)
		if len(txs) != 1 {
			t.Fatalf("%d transactions", len(txs))
		}
		tx := txs[0]
		inside := binlog.Position{File: tx.Begin.File, Offset: tx.Events[len(tx.Events)-1].Offset}
		for _, sel := range []*Selection{{Start: inside}, {Stop: inside}} {
			if _, err := run(files, sel); !errors.Is(err, ErrCutTransaction) {
				t.Errorf("%+v: got %v, want ErrCutTransaction", sel, err)
			} else {
				t.Log(err)
			}
		}
		for _, sel := range []*Selection{{Start: tx.Begin}, {Stop: tx.End}} {
			if sum, err := run(files, sel); err != nil || sum.Transactions != 1 {
				t.Errorf("%+v: %+v, %v: want the transaction", sel, sum, err)
			}
		}
		if sum, err := run(files, &Selection{Stop: tx.Begin}); err != nil || sum.Transactions != 0 {
			t.Errorf("stop at the start: %+v, %v: want nothing", sum, err)
		}
	})
}

// readTxs returns the transactions of files.
func readTxs(t *testing.T, files []string) []*binlog.Tx {
	t.Helper()
	cr, err := binlog.OpenChain(files, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cr.Close()
	var txs []*binlog.Tx
	for tx, err := range binlog.NewTxReader(cr, nil).All() {
		if err != nil {
			t.Fatal(err)
		}
		txs = append(txs, tx)
	}
	return txs
}
