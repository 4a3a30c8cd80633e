// Package crafted is a test harness for the tools that turn binlogs into
// SQL scripts (binlog2sql, binlogdump): binlogs built byte by byte
// (internal/testbinlog) whose events hold hostile text (GTID tags, names,
// statement texts, file names), and a Target, a real mariadbd
// (internal/testserver) with a victim database, on which a tool's output is
// applied through the mariadb command-line client to check that it ran what
// the log holds and nothing else: the victim table's CHECKSUM TABLE, the
// list of databases, tables, routines, triggers and events, a sentinel file
// that a client shell command would create, and the effects each case
// expects.
//
// It is for tests only.
package crafted

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testbinlog"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// A Case is a crafted binlog and what applying the tools' output to a
// Target must do.
type Case struct {
	Name   string
	File   string // base name of the binlog file (it may hold a line break)
	Binlog []byte
	// ReadErr, when not nil, is the error (errors.Is) that reading the
	// binlog ends with: binlog2sql fails with it; binlogdump lists the
	// events before the bad one, then fails.
	ReadErr error
	// Unsafe: binlog2sql refuses a statement of the log (an error wrapping
	// sqlscript.ErrUnsafe); binlogdump prints it as comment lines.
	Unsafe bool
	// Rows: the log has rows events, so binlog2sql -B writes SQL.
	Rows bool
	// Objects are the schema objects (as State.Objects lists them) that
	// the statements of the log which the tools write create; one
	// prefixed with "-" is dropped.
	Objects []string
	// Forward maps queries to the value they give once binlog2sql's
	// forward SQL is applied (rows included); Back, once binlog2sql -B's
	// SQL is applied after it.
	Forward, Back map[string]string
}

// The databases of a Target: the victim, which no case may change, and
// the one the cases work in (app.t is the table of testbinlog.TableMap).
const (
	VictimDB = "victimdb"
	AppDB    = "app"
)

var sid = [16]byte{0x3e, 0x11, 0xfa, 0x47, 0x71, 0xca, 0x11, 0xe1, 0x9e, 0x33, 0xc8, 0x0a, 0xa9, 0x42, 0x95, 0x62}

// drop is the statement the hostile texts try to smuggle in.
const drop = "DROP DATABASE victimdb"

// Cases returns the crafted binlogs. sentinel is the path of a file that a
// client shell command hidden in them would create (it must hold no
// blank, quote or backslash).
func Cases(sentinel string) []Case {
	var cases []Case
	add := func(c Case) { cases = append(cases, c) }
	count := func(q string) string { return "SELECT COUNT(*) FROM " + q }
	appRows := "SELECT IFNULL(GROUP_CONCAT(id, '=', v ORDER BY id SEPARATOR ','), '') FROM app.t"

	// GTID tags: binlog refuses a tag that is not [A-Za-z_][A-Za-z0-9_]*.
	for _, tag := range []string{"x\n" + drop + "; -- ", "x*/" + drop + ";/*", "a;" + drop, "a'" + drop} {
		b := testbinlog.New(testbinlog.MySQL)
		b.TaggedGTID(sid, tag, 1).Query(AppDB, "BEGIN").TableMap(5, AppDB, "t").
			WriteRows(5, testbinlog.Row{ID: 1, V: "a"}).XID(9)
		add(Case{Name: fmt.Sprintf("gtid tag %q", tag), File: "mysql-bin.000001", Binlog: b.Bytes(),
			ReadErr: binlog.ErrCorrupt, Rows: true})
	}
	{
		b := testbinlog.New(testbinlog.MySQL)
		b.TaggedGTID(sid, "orders", 1).Query(AppDB, "BEGIN").TableMap(5, AppDB, "t").
			WriteRows(5, testbinlog.Row{ID: 1, V: "a"}, testbinlog.Row{ID: 2, V: "b\n" + drop + "; -- "}).XID(9)
		add(Case{Name: "gtid tag valid", File: "mysql-bin.000001", Binlog: b.Bytes(), Rows: true,
			Forward: map[string]string{appRows: "1=a,2=b\n" + drop + "; -- "}, Back: map[string]string{appRows: ""}})
	}

	maria := func() (*testbinlog.Builder, func(db, q string)) {
		b := testbinlog.New(testbinlog.MariaDB)
		seq := uint64(0)
		return b, func(db, q string) {
			seq++
			b.MariaGTID(0, seq, true).Query(db, q)
		}
	}

	// Statements that hold the delimiter, or end in a comment.
	{
		b, ddl := maria()
		ddl(AppDB, "CREATE PROCEDURE p() BEGIN SELECT 1; DELETE FROM victimdb.v; END")
		ddl(AppDB, "CREATE PROCEDURE p2()\nBEGIN\n  SELECT 1; -- ; DELETE FROM victimdb.v;\n  # ;\n  SELECT 2;\nEND -- trailing")
		ddl(AppDB, "CREATE TABLE after_p (a INT)")
		add(Case{Name: "procedure bodies", File: "bin.000001", Binlog: b.Bytes(),
			Objects: []string{"routine app.p", "routine app.p2", "table app.after_p"}})
	}
	{
		b, ddl := maria()
		ddl(AppDB, "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.v = UPPER(NEW.v); SET NEW.id = NEW.id + 0; END")
		b.MariaGTID(0, 9, false).TableMap(5, AppDB, "t").WriteRows(5, testbinlog.Row{ID: 1, V: "A"}).XID(9)
		add(Case{Name: "trigger body", File: "bin.000001", Binlog: b.Bytes(), Rows: true,
			Objects: []string{"trigger app.tr"},
			Forward: map[string]string{appRows: "1=A"}, Back: map[string]string{appRows: ""}})
	}
	{
		b, ddl := maria()
		ddl(AppDB, "CREATE TABLE x1 (a INT) -- made; by hand")
		ddl(AppDB, "CREATE TABLE x2 (a INT) # made; too")
		ddl(AppDB, "CREATE TABLE x3 (a INT) /* made; */")
		ddl(AppDB, "CREATE TABLE x4 (\n  a INT -- first;\n) --")
		ddl(AppDB, "/* lead; */ CREATE TABLE x5 (a INT COMMENT '*/ DROP DATABASE victimdb; /*') /* x */")
		ddl(AppDB, "CREATE TABLE x6 (a INT)")
		add(Case{Name: "trailing comments", File: "bin.000001", Binlog: b.Bytes(),
			Objects: []string{"table app.x1", "table app.x2", "table app.x3", "table app.x4", "table app.x5", "table app.x6"},
			Forward: map[string]string{
				"SELECT column_comment FROM information_schema.columns WHERE table_schema='app' AND table_name='x5'": "*/ " + drop + "; /*",
			}})
	}
	{
		b, ddl := maria()
		ddl(AppDB, "CREATE TABLE s1 (a VARCHAR(60) DEFAULT 'DELIMITER ;\n"+drop+";')")
		ddl(AppDB, "CREATE TABLE s2 (a VARCHAR(60) DEFAULT '/*!*/;')")
		ddl(AppDB, "CREATE TABLE s3 (a VARCHAR(60) DEFAULT 'x\\';"+drop+";-- ')")
		ddl(AppDB, "CREATE TABLE s4 (a VARCHAR(60) DEFAULT \"DELIMITER x\\\";\n"+drop+" x\")")
		defaults := "SELECT GROUP_CONCAT(column_default ORDER BY table_name SEPARATOR '|') FROM information_schema.columns WHERE table_schema='app' AND table_name LIKE 's_'"
		add(Case{Name: "delimiter in strings", File: "bin.000001", Binlog: b.Bytes(),
			Objects: []string{"table app.s1", "table app.s2", "table app.s3", "table app.s4"},
			// information_schema shows the defaults as literals, a line feed as \n.
			Forward: map[string]string{defaults: `'DELIMITER ;\n` + drop + ";'|'/*!*/;'|'x'';" + drop + `;-- '|'DELIMITER x";\n` + drop + " x'"}})
	}

	// Names: tables and databases with backquotes, line breaks, */ and ;.
	{
		const tbl, db = "x\n" + drop + "; -- `*/", "we\n" + drop + "; -- */"
		b, ddl := maria()
		ddl(AppDB, "CREATE TABLE "+testserver.QuoteIdent(tbl)+" (id INT NOT NULL, v VARCHAR(255))")
		ddl("", "CREATE DATABASE "+testserver.QuoteIdent(db))
		ddl(db, "CREATE TABLE `n;` (id INT NOT NULL, v VARCHAR(255))")
		b.MariaGTID(0, 9, false).TableMap(7, AppDB, tbl).WriteRows(7, testbinlog.Row{ID: 1, V: "a"}).
			TableMap(8, db, "n;").WriteRows(8, testbinlog.Row{ID: 2, V: "b"}).XID(9)
		q1, q2 := count("app."+testserver.QuoteIdent(tbl)), count(testserver.QuoteIdent(db)+".`n;`")
		add(Case{Name: "names", File: "bin.000001", Binlog: b.Bytes(), Rows: true,
			Objects: []string{"table app." + tbl, "database " + db, "table " + db + ".n;"},
			Forward: map[string]string{q1: "1", q2: "1"}, Back: map[string]string{q1: "0", q2: "0"}})
	}
	{
		// The client's USE reads the name itself and drops backslashes:
		// USE `victim\db` would select victimdb.
		b, ddl := maria()
		ddl("", "CREATE DATABASE `victim\\db`")
		ddl("victim\\db", "DROP TABLE IF EXISTS v")
		ddl("victim\\db", "CREATE TABLE w (a INT)")
		add(Case{Name: "database name with a backslash", File: "bin.000001", Binlog: b.Bytes(),
			Objects: []string{`database victim\db`, `table victim\db.w`}})
	}

	// Transaction control is written from what it means, not copied.
	{
		b := testbinlog.New(testbinlog.MariaDB)
		b.MariaGTID(0, 1, false).Query(AppDB, "SAVEPOINT a; "+drop).TableMap(5, AppDB, "t").
			WriteRows(5, testbinlog.Row{ID: 3, V: "c"}).Query(AppDB, "RELEASE SAVEPOINT a; "+drop).
			Query(AppDB, "COMMIT; "+drop)
		b.MariaGTID(0, 2, false).Query(AppDB, "BEGIN; "+drop).TableMap(5, AppDB, "t").
			WriteRows(5, testbinlog.Row{ID: 4, V: "d"}).XID(9)
		add(Case{Name: "transaction control with more", File: "bin.000001", Binlog: b.Bytes(), Rows: true,
			Forward: map[string]string{appRows: "3=c,4=d"}, Back: map[string]string{appRows: ""}})
	}

	// Text the client would not read as one statement.
	for _, q := range []string{
		"CREATE TABLE sh1 (a INT) /*!99999 \\! touch " + sentinel + " */",
		"CREATE TABLE sh2 (a INT) \\! touch " + sentinel,
		"system touch " + sentinel,
		"/* c */ SYSTEM touch " + sentinel,
		"DELIMITER x\n" + drop + " x",
		"--x\n" + drop,
		"use victimdb",
		"CREATE TABLE q1 (a VARCHAR(10) DEFAULT 'x",
		"CREATE TABLE q2 (a INT) /* open",
	} {
		b, ddl := maria()
		ddl(AppDB, q)
		ddl(AppDB, "CREATE TABLE after_unsafe (a INT)")
		add(Case{Name: fmt.Sprintf("unsafe %q", strings.ReplaceAll(q, sentinel, "SENTINEL")), File: "bin.000001", Binlog: b.Bytes(), Unsafe: true,
			Objects: []string{"table app.after_unsafe"}})
	}

	// File names, file names in events, comment texts, the server version.
	{
		b, ddl := maria()
		ddl(AppDB, "CREATE TABLE f1 (a INT)")
		b.MariaGTID(0, 9, false)
		b.Event(byte(binlog.MariaAnnotateRowsEvent), []byte("INSERT INTO t VALUES (4, 'd')\n"+drop+"; -- \r\n"+drop+";\r"+drop+";"))
		b.TableMap(5, AppDB, "t").WriteRows(5, testbinlog.Row{ID: 4, V: "d"}).XID(9)
		b.Event(byte(binlog.IncidentEvent), append([]byte{1, 0, byte(len(drop) + 2)}, "x\n"+drop...))
		cp := "x\n" + drop + "; -- "
		b.Event(byte(binlog.MariaBinlogCheckpointEvent), append(binary.LittleEndian.AppendUint32(nil, uint32(len(cp))), cp...))
		b.Event(byte(binlog.RotateEvent), append(binary.LittleEndian.AppendUint64(nil, 4), "bin\n"+drop+"; -- .000002"...))
		data := SetServerVersion(b.Bytes(), "10.11.6-MariaDB\n"+drop+"; -- ")
		add(Case{Name: "file names and comment texts", File: "bin\n" + drop + "; -- .000001", Binlog: data, Rows: true,
			Objects: []string{"table app.f1"},
			Forward: map[string]string{appRows: "4=d"}, Back: map[string]string{appRows: ""}})
	}
	{
		b := testbinlog.New(testbinlog.MySQL)
		b.MySQLGTID(sid, 1).Query(AppDB, "BEGIN")
		b.Event(byte(binlog.RowsQueryEvent), append([]byte{0}, "INSERT INTO t VALUES (5, 'e')\n"+drop+"; -- "...))
		b.TableMap(5, AppDB, "t").WriteRows(5, testbinlog.Row{ID: 5, V: "e"}).XID(9)
		add(Case{Name: "mysql rows query text", File: "mysql-bin.000001", Binlog: b.Bytes(), Rows: true,
			Forward: map[string]string{appRows: "5=e"}, Back: map[string]string{appRows: ""}})
	}
	return cases
}

// SetServerVersion returns data, a binlog whose second event is the format
// description testbinlog writes, with the server version set to v (at most
// 50 bytes) and the event's CRC32 recomputed.
func SetServerVersion(data []byte, v string) []byte {
	data = slices.Clone(data)
	size := int(binary.LittleEndian.Uint32(data[4+9:]))
	ev := data[4 : 4+size]
	ver := ev[19+2 : 19+2+50]
	clear(ver)
	copy(ver, v)
	binary.LittleEndian.PutUint32(ev[size-4:], crc32.ChecksumIEEE(ev[:size-4]))
	return data
}

// Write writes the case's binlog into dir and returns its path.
func (c *Case) Write(t testing.TB, dir string) string {
	t.Helper()
	path := filepath.Join(dir, c.File)
	if err := os.WriteFile(path, c.Binlog, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A Target is a real server with a victim database, and the mariadb
// client to apply scripts to it.
type Target struct {
	Srv      *testserver.Server
	Sentinel string // a file a client shell command of the cases would create
	client   string
}

// NewTarget starts a server for the test (skipping it, as
// testserver.Start does, when there is none) and finds the client.
func NewTarget(t testing.TB) *Target {
	t.Helper()
	srv := testserver.Start(t, nil)
	var client string
	for _, name := range []string{"mariadb", "mysql"} {
		if p, err := exec.LookPath(name); err == nil {
			client = p
			break
		}
	}
	if client == "" {
		if os.Getenv(testserver.RequireEnv) == "1" {
			t.Fatal("no mariadb client")
		}
		t.Skip("no mariadb client")
	}
	return &Target{Srv: srv, Sentinel: filepath.Join(t.TempDir(), "pwned"), client: client}
}

// Reset drops every database but the system ones and creates the victim
// (victimdb.v, three rows) and app (app.t, empty), and removes the
// sentinel.
func (g *Target) Reset(t testing.TB) {
	t.Helper()
	os.Remove(g.Sentinel)
	rows, err := g.Srv.Query("SELECT schema_name FROM information_schema.schemata")
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{"SET SESSION sql_log_bin=0"}
	for _, r := range rows {
		if db := string(r[0]); !system(db) {
			stmts = append(stmts, "DROP DATABASE "+testserver.QuoteIdent(db))
		}
	}
	stmts = append(stmts,
		"CREATE DATABASE victimdb", "CREATE TABLE victimdb.v (id INT PRIMARY KEY, s VARCHAR(20))",
		"INSERT INTO victimdb.v VALUES (1, 'one'), (2, 'two'), (3, 'three')",
		"CREATE DATABASE app", "CREATE TABLE app.t (id INT NOT NULL, v VARCHAR(255))")
	if err := g.Srv.Exec(stmts...); err != nil {
		t.Fatal(err)
	}
}

func system(db string) bool {
	switch db {
	case "mysql", "information_schema", "performance_schema", "sys":
		return true
	}
	return false
}

// State is what a Target holds that no script may change unless it says
// so.
type State struct {
	Objects []string // "database d", "table d.t", "routine d.r", "trigger d.tr", "event d.e", sorted
	Victim  string   // CHECKSUM TABLE victimdb.v, "" when it is gone
}

// Snapshot returns the target's state.
func (g *Target) Snapshot(t testing.TB) State {
	t.Helper()
	const notSystem = " NOT IN ('mysql','information_schema','performance_schema','sys')"
	rows, err := g.Srv.Query("SELECT CONCAT('database ', schema_name) FROM information_schema.schemata WHERE schema_name" + notSystem +
		" UNION ALL SELECT CONCAT('table ', table_schema, '.', table_name) FROM information_schema.tables WHERE table_schema" + notSystem +
		" UNION ALL SELECT CONCAT('routine ', routine_schema, '.', routine_name) FROM information_schema.routines WHERE routine_schema" + notSystem +
		" UNION ALL SELECT CONCAT('trigger ', trigger_schema, '.', trigger_name) FROM information_schema.triggers WHERE trigger_schema" + notSystem +
		" UNION ALL SELECT CONCAT('event ', event_schema, '.', event_name) FROM information_schema.events WHERE event_schema" + notSystem)
	if err != nil {
		t.Fatal(err)
	}
	var s State
	for _, r := range rows {
		s.Objects = append(s.Objects, string(r[0]))
	}
	slices.Sort(s.Objects)
	if sum, err := g.Srv.Checksum("victimdb.v"); err == nil {
		s.Victim = sum
	}
	return s
}

// Mode says how the client reads a script.
type Mode struct {
	Binary bool // --binary-mode, as testserver.ExecScript runs it: no backslash commands, no named commands
	Force  bool // --force: go on after an error
}

func (m Mode) String() string {
	s := "default"
	if m.Binary {
		s = "--binary-mode"
	}
	if m.Force {
		s += " --force"
	}
	return s
}

// Modes are the client modes the scripts are applied in.
var Modes = []Mode{{}, {Binary: true}}

// Apply runs script through the mariadb client in mode, as a user pipes a
// tool's output into it, and returns the client's output.
func (g *Target) Apply(script string, mode Mode) (string, error) {
	args := []string{"--no-defaults", "--socket=" + g.Srv.Socket(), "--user=root", "--batch", "--default-character-set=utf8mb4"}
	if mode.Binary {
		args = append(args, "--binary-mode")
	}
	if mode.Force {
		args = append(args, "--force")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, g.client, args...)
	cmd.Stdin = strings.NewReader(script)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Check reports, as errors of t, how the target differs from before
// changed by objects (see Case.Objects) and the queries' values: the
// victim changed, the sentinel exists, the objects differ, a query gives
// another value. what names the script in the messages.
func (g *Target) Check(t testing.TB, what string, before State, objects []string, queries map[string]string) {
	t.Helper()
	after := g.Snapshot(t)
	if after.Victim != before.Victim {
		t.Errorf("%s: victimdb.v changed: checksum %q, was %q", what, after.Victim, before.Victim)
	}
	if _, err := os.Stat(g.Sentinel); err == nil {
		t.Errorf("%s: the client ran a shell command: %s exists", what, g.Sentinel)
	}
	want := slices.Clone(before.Objects)
	for _, o := range objects {
		if name, ok := strings.CutPrefix(o, "-"); ok {
			want = slices.DeleteFunc(want, func(s string) bool { return s == name })
		} else {
			want = append(want, o)
		}
	}
	slices.Sort(want)
	if !slices.Equal(want, after.Objects) {
		t.Errorf("%s: schema objects %q, want %q", what, after.Objects, want)
	}
	for q, v := range queries {
		got, err := g.Srv.QueryValue(q)
		if err != nil || got != v {
			t.Errorf("%s: %s = %q (%v), want %q", what, q, got, err, v)
		}
	}
}
