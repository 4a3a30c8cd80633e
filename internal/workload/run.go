package workload

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// Options tunes Record. The zero value (or nil) gives the defaults.
type Options struct {
	// Transactions is the number of transactions; 0 means 500.
	Transactions int
	// Restart restarts the server halfway through the workload, as a
	// service restart does: the binlog rotates and sessions start anew.
	Restart bool
}

// Run is a workload recorded on a server.
type Run struct {
	Server *testserver.Server
	Seed   uint64
	// DB is the workload's database. BeforeDB and AfterDB are frozen
	// copies of its tables before and after the workload, for diffs.
	DB, BeforeDB, AfterDB string
	// Paths are the binlog files that hold exactly the workload.
	Paths []string
	// Before and After are the CHECKSUM TABLE of each table (by name).
	Before, After map[string]string
	// OK and Failed count the statements that ran and that the server
	// refused (duplicate keys and the like, on purpose).
	OK, Failed int
	Elapsed    time.Duration
}

// Record creates the workload's database w<seed> and its tables on srv,
// fills them, and runs the seeded workload with the binlog recorded. The
// session time zone is +05:30, so that TIMESTAMP literals are shifted.
func Record(t testing.TB, srv *testserver.Server, seed uint64, opts *Options) *Run {
	t.Helper()
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Transactions == 0 {
		o.Transactions = 500
	}
	start := time.Now()
	r := &Run{Server: srv, Seed: seed, DB: fmt.Sprintf("w%d", seed)}
	r.BeforeDB, r.AfterDB = "b"+r.DB, "a"+r.DB
	g := New(seed)
	use := []string{"USE " + r.DB, "SET time_zone='+05:30'"}
	if err := srv.Exec("CREATE DATABASE " + r.DB); err != nil {
		t.Fatal(err)
	}
	if err := srv.Exec(use...); err != nil {
		t.Fatal(err)
	}
	if err := srv.Exec(tables...); err != nil {
		t.Fatal(err)
	}
	for _, q := range g.SeedSQL() {
		_ = srv.Exec(q) // the same statements fail for every run of the seed
	}
	r.snapshot(t, r.BeforeDB)
	r.Before = r.Checksums(t, r.DB)
	paths, err := srv.Record(func() error {
		for i := range o.Transactions {
			if o.Restart && i == o.Transactions/2 {
				if err := srv.Restart(context.Background()); err != nil {
					return err
				}
			}
			if err := srv.Exec(use...); err != nil {
				return err
			}
			for _, q := range g.Transaction() {
				err := srv.Exec(q)
				switch {
				case err == nil:
					r.OK++
				case q == "BEGIN" || q == "COMMIT" || q == "ROLLBACK":
					return fmt.Errorf("%s: %w", q, err)
				default:
					r.Failed++
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r.Paths = paths
	r.After = r.Checksums(t, r.DB)
	r.snapshot(t, r.AfterDB)
	r.Elapsed = time.Since(start)
	return r
}

// snapshot copies the workload's tables into database db.
func (r *Run) snapshot(t testing.TB, db string) {
	t.Helper()
	if err := r.Server.Exec("CREATE DATABASE " + db); err != nil {
		t.Fatal(err)
	}
	for _, tb := range Tables {
		dst, src := q(db, tb), q(r.DB, tb)
		if err := r.Server.Exec("CREATE TABLE "+dst+" LIKE "+src, "INSERT INTO "+dst+" SELECT * FROM "+src); err != nil {
			t.Fatal(err)
		}
	}
}

func q(db, table string) string {
	return testserver.QuoteIdent(db) + "." + testserver.QuoteIdent(table)
}

// Checksums returns CHECKSUM TABLE of each workload table of db.
func (r *Run) Checksums(t testing.TB, db string) map[string]string {
	t.Helper()
	m := make(map[string]string)
	for _, tb := range Tables {
		c, err := r.Server.Checksum(db + "." + tb)
		if err != nil {
			t.Fatal(err)
		}
		m[tb] = c
	}
	return m
}

// Apply runs script through the mariadb client and checks that the
// workload's tables then hold the state want names: "before" or "after".
// On a mismatch it logs rows that differ from that state's frozen copy.
func (r *Run) Apply(t testing.TB, what, script, want string) {
	t.Helper()
	ref, sums := r.BeforeDB, r.Before
	if want == "after" {
		ref, sums = r.AfterDB, r.After
	}
	if err := r.Server.ExecScript(script); err != nil {
		t.Fatalf("seed %d: %s SQL: %v", r.Seed, what, err)
	}
	got := r.Checksums(t, r.DB)
	if fmt.Sprint(got) != fmt.Sprint(sums) {
		r.diff(t, ref)
		t.Fatalf("seed %d: after the %s SQL: checksums %v, want the %s-state %v", r.Seed, what, got, want, sums)
	}
}

// diff logs rows that differ between the workload's tables and db's.
func (r *Run) diff(t testing.TB, db string) {
	t.Helper()
	for _, tb := range Tables {
		rows := func(d string) map[string]int {
			rs, err := r.Server.Query("SELECT * FROM " + q(d, tb))
			if err != nil {
				t.Fatal(err)
			}
			m := make(map[string]int)
			for _, row := range rs {
				m[fmt.Sprintf("%q", row)]++
			}
			return m
		}
		a, b := rows(db), rows(r.DB)
		n := 0
		for k, c := range a {
			if b[k] != c && n < 5 {
				t.Logf("%s: %d more in %s: %s", tb, c-b[k], db, k)
				n++
			}
		}
		for k, c := range b {
			if a[k] != c && n < 10 {
				t.Logf("%s: %d more in %s: %s", tb, c-a[k], r.DB, k)
				n++
			}
		}
	}
}

// ServerSchema builds a binlog.StaticSchema for the tables of db from the
// server's information_schema, written independently of
// internal/schemaload: what a reader of binlog_row_metadata=NO_LOG (or
// MINIMAL) binlogs supplies.
func ServerSchema(t testing.TB, srv *testserver.Server, db string) binlog.StaticSchema {
	t.Helper()
	rows, err := srv.Query("SELECT c.TABLE_NAME, c.COLUMN_NAME, c.COLUMN_TYPE, c.DATA_TYPE, IFNULL(co.ID, 0)" +
		" FROM information_schema.COLUMNS c LEFT JOIN information_schema.COLLATIONS co ON co.COLLATION_NAME = c.COLLATION_NAME" +
		" WHERE c.TABLE_SCHEMA = '" + db + "' ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION")
	if err != nil {
		t.Fatal(err)
	}
	s := make(binlog.StaticSchema)
	for _, r := range rows {
		table, name, ctype, dtype := string(r[0]), string(r[1]), string(r[2]), string(r[3])
		ti := s[db+"."+table]
		if ti == nil {
			ti = &binlog.TableInfo{}
			s[db+"."+table] = ti
		}
		ci := binlog.ColumnInfo{Name: name, Unsigned: strings.Contains(ctype, "unsigned")}
		var id int
		fmt.Sscan(string(r[4]), &id)
		ci.Collation = uint16(id)
		switch dtype {
		case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob":
			ci.Collation = 63
		case "enum":
			ci.EnumValues = parseMembers(ctype)
		case "set":
			ci.SetValues = parseMembers(ctype)
		}
		ti.Columns = append(ti.Columns, ci)
	}
	pk, err := srv.Query("SELECT s.TABLE_NAME, c.ORDINAL_POSITION FROM information_schema.STATISTICS s" +
		" JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = s.TABLE_SCHEMA AND c.TABLE_NAME = s.TABLE_NAME AND c.COLUMN_NAME = s.COLUMN_NAME" +
		" WHERE s.TABLE_SCHEMA = '" + db + "' AND s.INDEX_NAME = 'PRIMARY' ORDER BY s.TABLE_NAME, s.SEQ_IN_INDEX")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range pk {
		var pos int
		fmt.Sscan(string(r[1]), &pos)
		if ti := s[db+"."+string(r[0])]; ti != nil {
			ti.PrimaryKey = append(ti.PrimaryKey, pos-1)
		}
	}
	return s
}

// parseMembers parses the members of an information_schema COLUMN_TYPE
// such as enum('a','b') or set(...); a doubled quote stands for one.
func parseMembers(ctype string) []string {
	open := strings.IndexByte(ctype, '(')
	if open < 0 {
		return nil
	}
	s := ctype[open+1:]
	var out []string
	for len(s) > 0 && s[0] == '\'' {
		var sb strings.Builder
		i := 1
		for i < len(s) {
			if s[i] == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					sb.WriteByte('\'')
					i += 2
					continue
				}
				break
			}
			sb.WriteByte(s[i])
			i++
		}
		out = append(out, sb.String())
		s = s[min(i+1, len(s)):]
		s = strings.TrimPrefix(s, ",")
	}
	return out
}
