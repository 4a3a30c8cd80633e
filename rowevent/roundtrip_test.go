package rowevent

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

var (
	rtSeeds = flag.Int("roundtrip.seeds", 3, "seeds of the round-trip test (FULL metadata; NO_LOG runs one)")
	rtTx    = flag.Int("roundtrip.tx", 500, "transactions per round-trip seed")
)

// TestRoundTrip runs a seeded random workload on a real server, converts
// its binlog to SQL and checks, with CHECKSUM TABLE, that (a) the forward
// SQL applied to a copy of the before-state gives the after-state and (b)
// the inverse SQL, applied in reverse event order to that after-state,
// gives the before-state back. The copy is a second database on the same
// server, loaded with the same seed statements; SQL is written without the
// schema name and applied after USE copy, through the mariadb client.
func TestRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	for _, meta := range []string{"FULL", "NO_LOG"} {
		t.Run(meta, func(t *testing.T) {
			srv := testserver.Start(t, &testserver.Options{RowMetadata: meta})
			nseeds := *rtSeeds
			if meta == "NO_LOG" {
				nseeds = 1
			}
			for seed := 1; seed <= nseeds; seed++ {
				t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
					roundTrip(t, srv, uint64(seed), *rtTx, meta == "NO_LOG")
				})
			}
		})
	}
}

var rtTables = []string{"t_all", "t_nopk", "t_uk", "t_cpk"}

func checksums(t *testing.T, srv *testserver.Server, db string) map[string]string {
	t.Helper()
	m := make(map[string]string)
	for _, tb := range rtTables {
		c, err := srv.Checksum(db + "." + tb)
		if err != nil {
			t.Fatal(err)
		}
		m[tb] = c
	}
	return m
}

func roundTrip(t *testing.T, srv *testserver.Server, seed uint64, ntx int, useSchema bool) {
	start := time.Now()
	db, cp := fmt.Sprintf("w%d", seed), fmt.Sprintf("c%d", seed)
	g := newGen(seed)
	seedSQL := g.seedSQL()
	for _, d := range []string{db, cp} {
		if err := srv.Exec("CREATE DATABASE "+d, "USE "+d, "SET time_zone='+05:30'"); err != nil {
			t.Fatal(err)
		}
		if err := srv.Exec(workloadTables...); err != nil {
			t.Fatal(err)
		}
		for _, q := range seedSQL {
			_ = srv.Exec(q) // deterministic: the same statements fail in both
		}
	}
	// bw: a frozen copy of the before-state, for diffs on failure.
	if err := srv.Exec("CREATE DATABASE b"+db, "USE b"+db, "SET time_zone='+05:30'"); err != nil {
		t.Fatal(err)
	}
	for _, tb := range rtTables {
		if err := srv.Exec("CREATE TABLE b"+db+"."+tb+" LIKE "+db+"."+tb, "INSERT INTO b"+db+"."+tb+" SELECT * FROM "+db+"."+tb); err != nil {
			t.Fatal(err)
		}
	}
	before := checksums(t, srv, db)
	if got := checksums(t, srv, cp); fmt.Sprint(got) != fmt.Sprint(before) {
		t.Fatalf("copy differs from original before the workload: %v vs %v", got, before)
	}
	nok, nfail := 0, 0
	paths, err := srv.Record(func() error {
		if err := srv.Exec("USE " + db); err != nil {
			t.Fatal(err)
		}
		for range ntx {
			if err := srv.Exec("BEGIN"); err != nil {
				t.Fatal(err)
			}
			for range 1 + g.r.IntN(4) {
				if err := srv.Exec(g.statement()); err != nil {
					nfail++
				} else {
					nok++
				}
			}
			end := "COMMIT"
			if g.r.IntN(20) == 0 {
				end = "ROLLBACK"
			}
			if err := srv.Exec(end); err != nil {
				t.Fatal(err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	after := checksums(t, srv, db)

	ropts := &binlog.ReaderOptions{}
	if useSchema {
		ropts.Schema = serverSchema(t, srv, db)
	}
	cr, err := binlog.OpenChain(paths, ropts)
	if err != nil {
		t.Fatal(err)
	}
	defer cr.Close()
	opts := &Options{NoSchemaName: true, InsertBatch: 3}
	fwd := []byte("USE " + cp + ";\n" + Header)
	var inv [][]byte
	nevents, nrows := 0, 0
	for {
		ev, err := cr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rows, ok := ev.Payload.(*binlog.Rows)
		if !ok || rows.Table.Schema != db {
			continue
		}
		nevents++
		nrows += len(rows.Rows)
		if fwd, err = AppendForward(fwd, rows, opts); err != nil {
			t.Fatalf("%s@%d: %v", ev.File, ev.Offset, err)
		}
		b, err := AppendInverse(nil, rows, opts)
		if err != nil {
			t.Fatalf("%s@%d: %v", ev.File, ev.Offset, err)
		}
		inv = append(inv, b)
	}
	if err := srv.ExecScript(string(fwd)); err != nil {
		t.Fatalf("forward SQL: %v", err)
	}
	if got := checksums(t, srv, cp); fmt.Sprint(got) != fmt.Sprint(after) {
		diffTables(t, srv, db, cp)
		t.Fatalf("forward: checksums %v, want after-state %v", got, after)
	}
	back := []byte("USE " + cp + ";\n" + Header)
	for i := len(inv) - 1; i >= 0; i-- {
		back = append(back, inv[i]...)
	}
	if dump := os.Getenv("ROWEVENT_DUMP"); dump != "" {
		os.WriteFile(dump+".fwd.sql", fwd, 0o644)
		os.WriteFile(dump+".inv.sql", back, 0o644)
	}
	if err := srv.ExecScript(string(back)); err != nil {
		t.Fatalf("inverse SQL: %v", err)
	}
	if got := checksums(t, srv, cp); fmt.Sprint(got) != fmt.Sprint(before) {
		diffTables(t, srv, "b"+db, cp)
		t.Fatalf("inverse: checksums %v, want before-state %v", got, before)
	}
	t.Logf("seed %d: %d tx, %d statements ok (%d failed), %d rows events, %d rows, forward SQL %d bytes, %v",
		seed, ntx, nok, nfail, nevents, nrows, len(fwd), time.Since(start).Round(time.Millisecond))
}

// diffTables logs rows that differ between two databases (debug aid).
func diffTables(t *testing.T, srv *testserver.Server, db, cp string) {
	for _, tb := range rtTables {
		q := func(d string) map[string]int {
			rows, err := srv.Query("SELECT * FROM " + d + "." + tb)
			if err != nil {
				t.Fatal(err)
			}
			m := make(map[string]int)
			for _, r := range rows {
				m[fmt.Sprintf("%q", r)]++
			}
			return m
		}
		a, b := q(db), q(cp)
		n := 0
		for k, c := range a {
			if b[k] != c && n < 5 {
				t.Logf("%s: only in %s (x%d): %s", tb, db, c-b[k], k)
				n++
			}
		}
		for k, c := range b {
			if a[k] != c && n < 10 {
				t.Logf("%s: only in %s (x%d): %s", tb, cp, c-a[k], k)
				n++
			}
		}
	}
}

// serverSchema builds a binlog.StaticSchema for the tables of db from the
// server's information_schema: what a tool reading binlog_row_metadata=
// NO_LOG (or MINIMAL) binlogs supplies.
func serverSchema(t *testing.T, srv *testserver.Server, db string) binlog.StaticSchema {
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
