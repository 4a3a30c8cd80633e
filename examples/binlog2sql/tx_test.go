package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// txTables are the tables of TestTransactionControl: one per engine.
var txTables = []string{"i", "a", "m"}

// setupTxDB creates database db with an InnoDB, an Aria and a MyISAM table
// and the same rows in each database.
func setupTxDB(t *testing.T, srv *testserver.Server, db string) {
	t.Helper()
	if err := srv.Exec("CREATE DATABASE "+db, "USE "+db,
		"CREATE TABLE i (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB",
		"CREATE TABLE a (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=Aria",
		"CREATE TABLE m (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=MyISAM",
		"INSERT INTO i VALUES (1, 'i1'), (2, 'i2')",
		"INSERT INTO a VALUES (1, 'a1')",
		"INSERT INTO m VALUES (1, 'm1')",
	); err != nil {
		t.Fatal(err)
	}
}

// checksums returns CHECKSUM TABLE of db's txTables.
func checksums(t *testing.T, srv *testserver.Server, db string) []string {
	t.Helper()
	var sums []string
	for _, tb := range txTables {
		c, err := srv.Checksum(db + "." + tb)
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, tb+"="+c)
	}
	return sums
}

// runSQL runs binlog2sql with args and returns its output.
func runSQL(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cfg, err := parseFlags(args)
	if err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	var out bytes.Buffer
	err = run(cfg, &out)
	return out.String(), err
}

// patchQueries rewrites, in the binlog file at path, the text of each
// Query event for which edit returns another text of the same length,
// and recomputes the event's CRC32: statements written as no server
// writes them, but as a binlog may hold them.
func patchQueries(t *testing.T, path string, edit func(string) string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cr, err := binlog.OpenChain([]string{path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cr.Close()
	n := 0
	for {
		ev, err := cr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		q, ok := ev.Payload.(*binlog.Query)
		if !ok {
			continue
		}
		nq := edit(q.Query)
		if nq == q.Query {
			continue
		}
		if len(nq) != len(q.Query) {
			t.Fatalf("patch %q -> %q: lengths differ", q.Query, nq)
		}
		body := data[ev.Offset:ev.NextPos]
		i := bytes.LastIndex(body, []byte(q.Query))
		if i < 0 {
			t.Fatalf("%s@%d: query text not found", path, ev.Offset)
		}
		copy(body[i:], nq)
		binary.LittleEndian.PutUint32(body[len(body)-4:], crc32.ChecksumIEEE(body[:len(body)-4]))
		n++
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return n
}

// nextPos returns the end of the first Query event of the binlog at path
// whose text starts with prefix.
func nextPos(t *testing.T, path, prefix string) int64 {
	t.Helper()
	cr, err := binlog.OpenChain([]string{path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cr.Close()
	for {
		ev, err := cr.Next()
		if err != nil {
			t.Fatalf("%s: no query %q: %v", path, prefix, err)
		}
		if q, ok := ev.Payload.(*binlog.Query); ok && strings.HasPrefix(q.Query, prefix) {
			return ev.NextPos
		}
	}
}

// TestTransactionControl checks, on a real server, that the forward SQL
// of transactions with savepoints, ROLLBACK TO, RELEASE SAVEPOINT,
// ROLLBACK, XA and comments before the verbs reproduces the server's
// after-state engine by engine (InnoDB, Aria, MyISAM) when applied to a
// copy of the before-state, and that --flashback refuses rows the server
// rolled back.
func TestTransactionControl(t *testing.T) {
	srv := testserver.Start(t, nil)
	setupTxDB(t, srv, "tc")
	setupTxDB(t, srv, "cp")
	const long = "savepoint_with_a_long_name" // room for the patches below
	savepoints, err := srv.Record(func() error {
		return srv.Exec("USE tc",
			// ROLLBACK TO is logged (a non-transactional table changed):
			// the rolled back InnoDB rows are in the log.
			"BEGIN",
			"INSERT INTO i VALUES (10, 'kept')",
			"/* c */ SAVEPOINT "+long,
			"INSERT INTO i VALUES (11, 'undone')",
			"UPDATE a SET v = 'a-upd' WHERE id = 1",
			"UPDATE i SET v = 'undone' WHERE id = 1",
			"/* c */ ROLLBACK TO SAVEPOINT "+long,
			"INSERT INTO i VALUES (12, 'after')",
			"RELEASE SAVEPOINT "+long,
			"/* c */ COMMIT",
			// A savepoint set while nothing is in the transaction's log is
			// not logged, and a ROLLBACK TO it (logged: a non-transactional
			// table changed) is logged as ROLLBACK, the transaction going on
			// as a group of its own.
			"BEGIN",
			"SAVEPOINT x",
			"INSERT INTO i VALUES (20, 'undone')",
			"SAVEPOINT y",
			"INSERT INTO m VALUES (20, 'm20')",
			"DELETE FROM i WHERE id = 2",
			"ROLLBACK TO x",
			"INSERT INTO i VALUES (21, 'after')",
			"COMMIT",
			// A savepoint logged before the first rows event: held until
			// BEGIN.
			"BEGIN",
			"INSERT INTO m VALUES (30, 'm30')",
			"SAVEPOINT w_"+long,
			"INSERT INTO i VALUES (30, 'undone')",
			"ROLLBACK TO w_"+long,
			"INSERT INTO i VALUES (31, 'after')",
			"COMMIT",
			// A savepoint without ROLLBACK TO.
			"BEGIN", "SAVEPOINT q", "UPDATE i SET v = 'q' WHERE id = 1", "COMMIT",
			// InnoDB only: the rolled back part is cut from the log.
			"BEGIN", "INSERT INTO i VALUES (40, 'kept')", "SAVEPOINT z",
			"INSERT INTO i VALUES (41, 'gone')", "ROLLBACK TO z", "COMMIT",
			// XA, committed.
			"XA START 'xa1'", "INSERT INTO i VALUES (50, 'xa')", "XA END 'xa1'",
			"XA PREPARE 'xa1'", "XA COMMIT 'xa1'",
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	// Comments before the verbs, and the long form: as a binlog may hold
	// them (servers write "SAVEPOINT `sp`" and "ROLLBACK TO `sp`").
	pad := func(s string, n int) string { return s + strings.Repeat(" ", n-len(s)) }
	n := 0
	for _, p := range savepoints {
		n += patchQueries(t, p, func(q string) string {
			switch q {
			case "SAVEPOINT `" + long + "`":
				return "/* c */ SAVEPOINT `" + long[8:] + "`"
			case "ROLLBACK TO `" + long + "`":
				return "/* c */ ROLLBACK TO `" + long[8:] + "`"
			case "SAVEPOINT `w_" + long + "`":
				return pad("SAVEPOINT `w_"+long[20:]+"`", len(q))
			case "ROLLBACK TO `w_" + long + "`":
				return "-- c\nROLLBACK WORK TO SAVEPOINT `w_" + long[20:] + "`"
			}
			return q
		})
	}
	if n != 4 {
		t.Fatalf("patched %d statements, want 4", n)
	}
	// ROLLBACK is logged with the InnoDB rows it undid when the
	// transaction created a temporary table.
	rollback, err := srv.Record(func() error {
		return srv.Exec("USE tc", "BEGIN",
			"INSERT INTO i VALUES (35, 'undone')",
			"CREATE TEMPORARY TABLE tmp (x INT)",
			"INSERT INTO a VALUES (35, 'a35')",
			"UPDATE i SET v = 'undone' WHERE id = 10",
			"ROLLBACK",
			"DROP TEMPORARY TABLE tmp")
	})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(rollback[0]); err != nil || !bytes.Contains(b, []byte("ROLLBACK")) {
		t.Fatalf("the server logged no ROLLBACK for the transaction with a temporary table (%v)", err)
	}
	files := append(append([]string{}, savepoints...), rollback...)
	cfg, err := parseFlags(append([]string{"-d", "tc", "--only-dml"}, files...))
	if err != nil {
		t.Fatal(err)
	}
	cfg.opts.NoSchemaName = true
	var out bytes.Buffer
	if err := run(cfg, &out); err != nil {
		t.Fatal(err)
	}
	fwd := out.String()
	if err := srv.ExecScript("USE cp;\n" + fwd); err != nil {
		t.Fatalf("%v\n%s", err, fwd)
	}
	want, got := checksums(t, srv, "tc"), checksums(t, srv, "cp")
	if strings.Join(want, " ") != strings.Join(got, " ") {
		t.Errorf("after applying the forward SQL: checksums %v, want the server's %v; SQL:\n%s", got, want, fwd)
	}
	// Savepoint statements are written from their names, as servers log
	// them: the comments of the patched text are not copied.
	for _, s := range []string{"BEGIN;\n", "COMMIT;\n", "ROLLBACK;\n", "\nROLLBACK TO `" + long[8:] + "`;\n"} {
		if !strings.Contains(fwd, s) {
			t.Errorf("forward SQL lacks %q:\n%s", s, fwd)
		}
	}

	// A range that starts after a SAVEPOINT whose ROLLBACK TO undoes
	// written rows cannot be replayed.
	after := nextPos(t, savepoints[0], "/* c */ SAVEPOINT")
	if out, err := runSQL(t, "--start-position", strconv.FormatInt(after, 10), "-d", "tc", savepoints[0]); err == nil ||
		!strings.Contains(err.Error(), "its SAVEPOINT is before the range") {
		t.Errorf("--start-position %d: error %v, want one about the SAVEPOINT before the range; SQL:\n%s", after, err, out)
	}

	// --flashback: the rows between SAVEPOINT and ROLLBACK TO, and those
	// of a transaction ended by ROLLBACK, cannot be inverted.
	for _, tc := range []struct {
		files []string
		want  []string
	}{
		{savepoints, []string{filepath.Base(savepoints[0]) + "@", "SAVEPOINT `" + long[8:] + "`", "ROLLBACK TO", "--flashback cannot invert"}},
		{rollback, []string{filepath.Base(rollback[0]) + "@", "ends with ROLLBACK", "--flashback cannot invert"}},
	} {
		out, err := runSQL(t, append([]string{"-B", "-d", "tc"}, tc.files...)...)
		if err == nil {
			t.Errorf("-B %s: no error; SQL:\n%s", tc.files, out)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("-B %s: error %q lacks %q", tc.files, err, w)
			}
		}
	}
}

// TestFlashbackSavepoints checks that --flashback inverts transactions
// whose savepoints undid nothing that is in the log.
func TestFlashbackSavepoints(t *testing.T) {
	srv := testserver.Start(t, nil)
	setupTxDB(t, srv, "fs")
	before := checksums(t, srv, "fs")
	files, err := srv.Record(func() error {
		return srv.Exec("USE fs",
			"BEGIN", "SAVEPOINT q", "UPDATE i SET v = 'q' WHERE id = 1", "INSERT INTO m VALUES (5, 'm5')", "RELEASE SAVEPOINT q", "COMMIT",
			"BEGIN", "INSERT INTO i VALUES (40, 'kept')", "SAVEPOINT z",
			"INSERT INTO i VALUES (41, 'gone')", "ROLLBACK TO z", "COMMIT",
			// Rolled back after ROLLBACK TO, but not in between: invertible.
			"BEGIN", "SAVEPOINT s", "INSERT INTO a VALUES (7, 'a7')", "ROLLBACK TO s", "DELETE FROM i WHERE id = 2", "COMMIT",
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := runSQL(t, append([]string{"-B", "-d", "fs"}, files...)...)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.ExecScript("USE fs;\n" + out); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got := checksums(t, srv, "fs"); strings.Join(got, " ") != strings.Join(before, " ") {
		t.Errorf("after flashback: checksums %v, want %v; SQL:\n%s", got, before, out)
	}
}

// TestXARollback checks that an XA transaction rolled back after its
// PREPARE, whose rows were written as committed, stops the output.
func TestXARollback(t *testing.T) {
	srv := testserver.Start(t, nil)
	setupTxDB(t, srv, "xa")
	files, err := srv.Record(func() error {
		return srv.Exec("USE xa", "XA START 'r'", "INSERT INTO i VALUES (9, 'x')", "XA END 'r'", "XA PREPARE 'r'", "XA ROLLBACK 'r'")
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range [][]string{nil, {"-B"}} {
		out, err := runSQL(t, append(mode, files...)...)
		if err == nil || !strings.Contains(err.Error(), "XA ROLLBACK") {
			t.Errorf("%q: error %v, want one about XA ROLLBACK; SQL:\n%s", mode, err, out)
		}
	}
}
