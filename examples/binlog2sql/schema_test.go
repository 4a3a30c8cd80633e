package main

import (
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

// serverArgs returns -h -P -u for srv.
func serverArgs(srv *testserver.Server) []string {
	host, port, _ := net.SplitHostPort(srv.Addr())
	return []string{"-h", host, "-P", port, "-u", "root"}
}

// TestFilesWithServer checks that binlog2sql -h -P -u FILE... reads the
// files and takes the column names from the server (NO_LOG binlogs).
func TestFilesWithServer(t *testing.T) {
	srv := testserver.Start(t, &testserver.Options{RowMetadata: "NO_LOG"})
	if err := srv.Exec("CREATE DATABASE fw",
		"CREATE TABLE fw.t (id INT UNSIGNED, k VARCHAR(10) CHARACTER SET latin1, e ENUM('a','b'), PRIMARY KEY (k, id))",
		"INSERT INTO fw.t VALUES (1, 'x', 'a')"); err != nil {
		t.Fatal(err)
	}
	files, err := srv.Record(func() error {
		return srv.Exec("UPDATE fw.t SET id = 4294967295, e = 'b' WHERE k = 'x'", "INSERT INTO fw.t VALUES (7, 'é', NULL)")
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := runSQL(t, append(serverArgs(srv), files...)...)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"UPDATE `fw`.`t` SET `id`=4294967295, `e`='b' WHERE `k`='x' AND `id`=1;",
		"INSERT INTO `fw`.`t` (`id`, `k`, `e`) VALUES (7, 'é', NULL);",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// --no-schema: the names are unknown again.
	if _, err := runSQL(t, append(append(serverArgs(srv), "--no-schema"), files...)...); err == nil || !strings.Contains(err.Error(), "drop --no-schema") {
		t.Errorf("--no-schema: error %v, want one about --no-schema", err)
	}
}

// TestNamesUnknown checks the error for a MINIMAL binlog without DDL and
// without a server: it says why and what to pass.
func TestNamesUnknown(t *testing.T) {
	srv := testserver.Start(t, &testserver.Options{RowMetadata: "MINIMAL"})
	if err := srv.Exec("CREATE DATABASE test", "CREATE TABLE test.t1 (id INT PRIMARY KEY, v INT)"); err != nil {
		t.Fatal(err)
	}
	files, err := srv.Record(func() error { return srv.Exec("INSERT INTO test.t1 VALUES (1, 2)") })
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range [][]string{nil, {"-B"}} {
		_, err := runSQL(t, append(mode, files...)...)
		if err == nil {
			t.Fatalf("%q: no error", mode)
		}
		for _, want := range []string{filepath.Base(files[0]) + "@", "test.t1", "column names unknown", "binlog_row_metadata=MINIMAL or NO_LOG",
			"-h HOST -P PORT -u USER", "--schema-dsn", "--positional-names"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%q: error %q lacks %q", mode, err, want)
			}
		}
	}
	// The table altered since: the server's definition does not fit.
	if err := srv.Exec("ALTER TABLE test.t1 ADD COLUMN w INT"); err != nil {
		t.Fatal(err)
	}
	_, err = runSQL(t, append(serverArgs(srv), files...)...)
	if err == nil || !strings.Contains(err.Error(), "has 3 columns where its table map has 2 (the table was altered since)") {
		t.Errorf("altered table: error %v, want one about the column counts", err)
	}
}

// TestSchemaHistory checks that the DDL in the files names the columns of
// a NO_LOG binlog right across an ALTER TABLE, with and without a server
// whose current definition differs, by replaying the output.
func TestSchemaHistory(t *testing.T) {
	srv := testserver.Start(t, &testserver.Options{RowMetadata: "NO_LOG"})
	files, err := srv.Record(func() error {
		return srv.Exec("CREATE DATABASE sh", "USE sh",
			"CREATE TABLE t (a INT, b VARCHAR(10) CHARACTER SET latin1, c INT UNSIGNED, PRIMARY KEY (a))",
			"INSERT INTO t VALUES (1, 'x', 4294967295), (2, 'y', 0)",
			"ALTER TABLE t ADD COLUMN z ENUM('p','q') FIRST, DROP COLUMN b",
			"INSERT INTO t VALUES ('q', 3, 7)",
			"UPDATE t SET z = 'p', c = 8 WHERE a = 1",
			"ALTER TABLE t CHANGE c cc BIGINT UNSIGNED AFTER z",
			"DELETE FROM t WHERE a = 2",
			"UPDATE t SET cc = 18446744073709551615 WHERE a = 3",
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	want, err := srv.Checksum("sh.t")
	if err != nil {
		t.Fatal(err)
	}
	alone, err := runSQL(t, files...)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"INSERT INTO `sh`.`t` (`a`, `b`, `c`) VALUES (1, 'x', 4294967295);",
		"UPDATE `sh`.`t` SET `z`='p', `c`=8 WHERE `a`=1;",
		"UPDATE `sh`.`t` SET `cc`=18446744073709551615 WHERE `a`=3;"} {
		if !strings.Contains(alone, s) {
			t.Errorf("output lacks %q:\n%s", s, alone)
		}
	}
	// The server's current definition (z, cc, a) does not fit the rows
	// before the ALTERs: the history wins.
	withServer, err := runSQL(t, append(serverArgs(srv), files...)...)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(alone, withServer); diff != "" {
		t.Errorf("with a server: mismatch (-want +got):\n%s", diff)
	}
	if err := srv.Exec("DROP DATABASE sh"); err != nil {
		t.Fatal(err)
	}
	if err := srv.ExecScript(alone); err != nil {
		t.Fatalf("%v\n%s", err, alone)
	}
	if got, _ := srv.Checksum("sh.t"); got != want {
		t.Errorf("replayed: checksum %s, want %s; SQL:\n%s", got, want, alone)
	}
}

// TestFullMetadataWins checks that the server's current definition of a
// table altered since does not contradict a FULL binlog's names.
func TestFullMetadataWins(t *testing.T) {
	srv := testserver.Start(t, nil)
	if err := srv.Exec("CREATE DATABASE fm", "CREATE TABLE fm.t (a INT PRIMARY KEY, b INT)"); err != nil {
		t.Fatal(err)
	}
	files, err := srv.Record(func() error { return srv.Exec("INSERT INTO fm.t VALUES (1, 2)") })
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Exec("ALTER TABLE fm.t ADD COLUMN z INT FIRST", "ALTER TABLE fm.t CHANGE b bb INT"); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{serverArgs(srv), {"--schema", "--schema-dsn", "root@" + srv.Addr()}} {
		out, err := runSQL(t, append(args, files...)...)
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		if want := "INSERT INTO `fm`.`t` (`a`, `b`) VALUES (1, 2);"; !strings.Contains(out, want) {
			t.Errorf("%q: output lacks %q:\n%s", args, want, out)
		}
	}
}

// TestExclude checks --exclude-databases and --exclude-tables on rows
// events and statements, and that they win over -d and -t.
func TestExclude(t *testing.T) {
	srv := testserver.Start(t, nil)
	if err := srv.Exec("CREATE DATABASE x", "CREATE DATABASE y",
		"CREATE TABLE x.keep (id INT PRIMARY KEY)", "CREATE TABLE x.skip (id INT PRIMARY KEY)",
		"CREATE TABLE y.keep (id INT PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	files, err := srv.Record(func() error {
		return srv.Exec("USE x",
			"BEGIN", "INSERT INTO x.keep VALUES (1)", "INSERT INTO x.skip VALUES (1)", "INSERT INTO y.keep VALUES (1)", "COMMIT",
			"CREATE TABLE x.made (id INT)",
			"USE y", "CREATE TABLE y.made (id INT)")
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args      []string
		want, not []string
	}{
		{[]string{"--exclude-databases", "y", "--exclude-tables", "skip"},
			[]string{"`x`.`keep`", "CREATE TABLE x.made"}, []string{"`x`.`skip`", "`y`.`keep`", "CREATE TABLE y.made"}},
		{[]string{"--exclude-tables", "x.keep,x.skip", "-t", "keep"},
			[]string{"`y`.`keep`", "CREATE TABLE x.made", "CREATE TABLE y.made"}, []string{"`x`.`keep`", "`x`.`skip`"}},
		{[]string{"-d", "x,y", "--exclude-databases", "x", "--exclude-databases", "nothing"},
			[]string{"`y`.`keep`", "CREATE TABLE y.made"}, []string{"`x`.", "CREATE TABLE x.made"}},
	} {
		out, err := runSQL(t, append(tc.args, files...)...)
		if err != nil {
			t.Fatalf("%q: %v", tc.args, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%q: output lacks %q:\n%s", tc.args, w, out)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(out, n) {
				t.Errorf("%q: output has %q:\n%s", tc.args, n, out)
			}
		}
	}
}

// TestLiveFlashbackMinimal is the canonical recovery on a stock server
// (binlog_row_metadata=MINIMAL): binlog2sql -h -P -u --start-file F -d app
// -t users -B, without --schema, undoes the changes to app.users.
func TestLiveFlashbackMinimal(t *testing.T) {
	srv := testserver.Start(t, &testserver.Options{RowMetadata: "MINIMAL"})
	if err := srv.Exec("CREATE DATABASE app", "USE app",
		"CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(40), balance DECIMAL(12,2), status ENUM('active','closed'), flags SET('a','b'))",
		"CREATE TABLE orders (id INT PRIMARY KEY, user_id INT)",
		"INSERT INTO users VALUES (1, 'ann', 10.50, 'active', 'a'), (2, 'bob', 0, 'closed', ''), (3, 'cy', -3.25, NULL, 'a,b')",
		"INSERT INTO orders VALUES (1, 1)"); err != nil {
		t.Fatal(err)
	}
	if err := srv.FlushBinaryLogs(); err != nil {
		t.Fatal(err)
	}
	paths, err := srv.BinlogPaths()
	if err != nil {
		t.Fatal(err)
	}
	first := filepath.Base(paths[len(paths)-1])
	before, _ := srv.Checksum("app.users")
	if err := srv.Exec("USE app",
		"UPDATE users SET balance = 0, status = 'closed', flags = 'b'",
		"DELETE FROM users WHERE id = 2",
		"INSERT INTO users VALUES (4, 'dee', 1, 'active', '')",
		"INSERT INTO orders VALUES (2, 4)"); err != nil {
		t.Fatal(err)
	}
	host, port := "127.0.0.1", strconv.Itoa(srv.Port())
	out, err := runSQL(t, "-h", host, "-P", port, "-u", "root", "--start-file", first, "-d", "app", "-t", "users", "-B")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "orders") {
		t.Errorf("output has the other table:\n%s", out)
	}
	if err := srv.ExecScript(out); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got, _ := srv.Checksum("app.users"); got != before {
		t.Errorf("after flashback: checksum %s, want %s; SQL:\n%s", got, before, out)
	}
}
