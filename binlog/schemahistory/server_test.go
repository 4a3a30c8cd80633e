package schemahistory_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/schemahistory"
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

// shRow is one row image as a consumer sees it: "name=value" pairs.
type shRow struct {
	Table string
	Kind  string
	Image []string // after image for inserts and updates, before for deletes
	PK    []string
}

// readTracked reads the server's binlogs with a schema history and returns
// the rows events on database db.
func readTracked(t *testing.T, srv *testserver.Server, h *schemahistory.History, db string) []shRow {
	t.Helper()
	paths, err := srv.BinlogPaths()
	if err != nil {
		t.Fatal(err)
	}
	var got []shRow
	for _, p := range paths {
		r, err := binlog.Open(p, &binlog.ReaderOptions{Schema: h})
		if err != nil {
			t.Fatal(err)
		}
		for {
			ev, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				r.Close()
				t.Fatal(err)
			}
			rows, ok := ev.Payload.(*binlog.Rows)
			if !ok || rows.Table.Schema != db {
				continue
			}
			tm := rows.Table
			for _, row := range rows.Rows {
				img := row.After
				if rows.Kind == binlog.Delete {
					img = row.Before
				}
				r := shRow{Table: tm.Table, Kind: rows.Kind.String()}
				for i, v := range img {
					c := &tm.Columns[i]
					s := v.Text()
					if c.IsText() && !v.IsNull() && v.Kind() != binlog.KindString {
						s += "(bytes)"
					}
					r.Image = append(r.Image, c.Name+"="+s)
				}
				for _, k := range tm.PrimaryKey {
					r.PK = append(r.PK, tm.Columns[k].Name)
				}
				got = append(got, r)
			}
		}
		r.Close()
	}
	return got
}

func TestSchemaHistoryServer(t *testing.T) {
	srv := testserver.Start(t, &testserver.Options{RowMetadata: "NO_LOG"})
	defer srv.Close()
	// Each step: DDL, then DML whose rows events must read as want.
	steps := []struct {
		sql  []string
		want []shRow
	}{
		{
			sql: []string{
				"CREATE DATABASE sh CHARACTER SET utf8mb4",
				"USE sh",
				"CREATE TABLE t (id INT UNSIGNED NOT NULL PRIMARY KEY, a VARCHAR(20) CHARACTER SET latin1 NOT NULL, b INT)",
				"INSERT INTO t VALUES (3000000000, 'café', -5)",
				"UPDATE t SET b = 6 WHERE id = 3000000000",
			},
			want: []shRow{
				{"t", "INSERT", []string{"id=3000000000", "a=café", "b=-5"}, []string{"id"}},
				{"t", "UPDATE", []string{"id=3000000000", "a=café", "b=6"}, []string{"id"}},
			},
		},
		{
			sql: []string{
				"ALTER TABLE t ADD COLUMN c ENUM('red','green') AFTER id",
				"INSERT INTO t VALUES (2, 'green', 'y', 7)",
			},
			want: []shRow{{"t", "INSERT", []string{"id=2", "c=green", "a=y", "b=7"}, []string{"id"}}},
		},
		{
			sql: []string{
				"ALTER TABLE t DROP COLUMN b",
				"DELETE FROM t WHERE id = 2",
			},
			want: []shRow{{"t", "DELETE", []string{"id=2", "c=green", "a=y"}, []string{"id"}}},
		},
		{
			sql: []string{
				"ALTER TABLE t MODIFY a VARCHAR(20) CHARACTER SET latin1 NOT NULL FIRST",
				"INSERT INTO t VALUES ('z', 4, 'red')",
			},
			want: []shRow{{"t", "INSERT", []string{"a=z", "id=4", "c=red"}, []string{"id"}}},
		},
		{
			sql: []string{
				"ALTER TABLE t MODIFY id INT UNSIGNED NOT NULL AFTER c",
				"UPDATE t SET c = 'green' WHERE id = 4",
			},
			want: []shRow{{"t", "UPDATE", []string{"a=z", "c=green", "id=4"}, []string{"id"}}},
		},
		{
			sql: []string{
				"ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (a, id)",
				"DELETE FROM t WHERE id = 4",
			},
			want: []shRow{{"t", "DELETE", []string{"a=z", "c=green", "id=4"}, []string{"a", "id"}}},
		},
		{
			sql: []string{
				"RENAME TABLE t TO t2",
				"ALTER TABLE t2 CHANGE id id2 BIGINT, ADD d TEXT",
				"INSERT INTO t2 VALUES ('q', 'red', -1, 'ü')",
				"CREATE TABLE other (x INT)",
				"INSERT INTO other VALUES (1)",
				"DROP TABLE other",
			},
			want: []shRow{
				{"t2", "INSERT", []string{"a=q", "c=red", "id2=-1", "d=ü"}, []string{"a", "id2"}},
				{"other", "INSERT", []string{"x=1"}, nil},
			},
		},
		{
			sql: []string{
				"CREATE TABLE other (y VARCHAR(3), x INT)",
				"INSERT INTO other VALUES ('n', 2)",
				"ALTER TABLE t2 RENAME TO t3, ADD COLUMN e INT FIRST",
				"DELETE FROM t3",
			},
			want: []shRow{
				{"other", "INSERT", []string{"y=n", "x=2"}, nil},
				{"t3", "DELETE", []string{"e=NULL", "a=café", "c=NULL", "id2=3000000000", "d=NULL"}, []string{"a", "id2"}},
				{"t3", "DELETE", []string{"e=NULL", "a=q", "c=red", "id2=-1", "d=ü"}, []string{"a", "id2"}},
			},
		},
	}
	var want []shRow
	for _, s := range steps {
		if err := srv.Exec(s.sql...); err != nil {
			t.Fatal(err)
		}
		want = append(want, s.want...)
	}
	h := schemahistory.New(nil)
	got := readTracked(t, srv, h, "sh")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if w := h.Warnings(); len(w) > 0 {
		t.Errorf("warnings: %v", w)
	}

	// The history persists: a fresh one loaded from its JSON knows the
	// final definitions.
	b, err := h.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	h2 := schemahistory.New(nil)
	if err := h2.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	for _, tb := range []string{"t3", "other"} {
		w, _ := h.Table("sh", tb)
		g, _ := h2.Table("sh", tb)
		if diff := cmp.Diff(w, g); diff != "" || w == nil {
			t.Errorf("%s after JSON round trip: mismatch (-want +got):\n%s", tb, diff)
		}
	}
}

// TestSchemaHistoryServerSeed seeds the history from SHOW CREATE TABLE
// and information_schema for tables created before the binlog starts, and
// checks a mismatch is reported with table and position.
func TestSchemaHistoryServerSeed(t *testing.T) {
	srv := testserver.Start(t, &testserver.Options{RowMetadata: "NO_LOG"})
	defer srv.Close()
	if err := srv.Exec(
		"CREATE DATABASE seed CHARACTER SET latin1",
		"USE seed",
		"CREATE TABLE a (k INT UNSIGNED NOT NULL, v VARCHAR(10), s SET('x','y'), PRIMARY KEY (k)) DEFAULT CHARSET=utf8mb4",
		"CREATE TABLE b (n TINYINT UNSIGNED, m VARCHAR(5) PRIMARY KEY)",
		"CREATE TABLE c (p INT)",
	); err != nil {
		t.Fatal(err)
	}
	// Show what the live server says before the binlog starts.
	show, err := srv.Query("SHOW CREATE TABLE seed.a")
	if err != nil {
		t.Fatal(err)
	}
	dbShow, err := srv.Query("SHOW CREATE DATABASE seed")
	if err != nil {
		t.Fatal(err)
	}
	cols, err := srv.Query("SELECT COLUMN_NAME, COLUMN_TYPE, IFNULL(COLLATION_NAME, ''), COLUMN_KEY FROM information_schema.COLUMNS " +
		"WHERE TABLE_SCHEMA = 'seed' AND TABLE_NAME = 'b' ORDER BY ORDINAL_POSITION")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.FlushBinaryLogs(); err != nil {
		t.Fatal(err)
	}
	paths, err := srv.BinlogPaths()
	if err != nil {
		t.Fatal(err)
	}
	first := paths[len(paths)-1]
	if err := srv.Exec(
		"INSERT INTO a VALUES (4000000000, 'é', 'x,y')",
		"INSERT INTO b VALUES (200, 'm')",
		"ALTER TABLE b ADD o INT FIRST",
		"INSERT INTO b VALUES (1, 201, 'n')",
		"INSERT INTO c VALUES (1)",
	); err != nil {
		t.Fatal(err)
	}

	h := schemahistory.New(nil)
	if err := h.SeedDDL("", string(dbShow[0][1])); err != nil {
		t.Fatal(err)
	}
	if err := h.SeedDDL("seed", string(show[0][1])); err != nil {
		t.Fatalf("SeedDDL(%q): %v", show[0][1], err)
	}
	// Table b from information_schema rows, as a live seeder would.
	var ddl strings.Builder
	ddl.WriteString("CREATE TABLE b (")
	var pk []string
	for i, r := range cols {
		if i > 0 {
			ddl.WriteString(", ")
		}
		fmt.Fprintf(&ddl, "`%s` %s", r[0], r[1])
		if len(r[2]) > 0 {
			fmt.Fprintf(&ddl, " COLLATE %s", r[2])
		}
		if string(r[3]) == "PRI" {
			pk = append(pk, "`"+string(r[0])+"`")
		}
	}
	if len(pk) > 0 {
		fmt.Fprintf(&ddl, ", PRIMARY KEY (%s)", strings.Join(pk, ","))
	}
	ddl.WriteString(")")
	if err := h.SeedDDL("seed", ddl.String()); err != nil {
		t.Fatalf("SeedDDL(%q): %v", ddl.String(), err)
	}
	// Table c is seeded wrong: one column too many.
	h.Seed("seed", "c", &binlog.TableInfo{Columns: []binlog.ColumnInfo{{Name: "p"}, {Name: "q"}}})

	read := func(h *schemahistory.History) ([]shRow, error) {
		r, err := binlog.Open(first, &binlog.ReaderOptions{Schema: h})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		var got []shRow
		for ev, err := range r.All() {
			if err != nil {
				return got, err
			}
			rows, ok := ev.Payload.(*binlog.Rows)
			if !ok || rows.Table.Schema != "seed" {
				continue
			}
			for _, row := range rows.Rows {
				sr := shRow{Table: rows.Table.Table, Kind: rows.Kind.String()}
				for i, v := range row.After {
					c := &rows.Table.Columns[i]
					s := v.Text()
					if c.IsText() && !v.IsNull() && v.Kind() != binlog.KindString {
						s += "(bytes)"
					}
					sr.Image = append(sr.Image, c.Name+"="+s)
				}
				for _, k := range rows.Table.PrimaryKey {
					sr.PK = append(sr.PK, rows.Table.Columns[k].Name)
				}
				got = append(got, sr)
			}
		}
		return got, nil
	}
	want := []shRow{
		{"a", "INSERT", []string{"k=4000000000", "v=é", "s=x,y"}, []string{"k"}},
		{"b", "INSERT", []string{"n=200", "m=m"}, []string{"m"}},
		{"b", "INSERT", []string{"o=1", "n=201", "m=n"}, []string{"m"}},
	}
	b, _ := h.MarshalJSON()
	got, err := read(h)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	var ee *binlog.EventError
	if !errors.Is(err, binlog.ErrSchemaMismatch) || !errors.As(err, &ee) || ee.Offset == 0 ||
		!strings.Contains(err.Error(), "seed.c") {
		t.Errorf("err = %v, want ErrSchemaMismatch naming seed.c at an offset", err)
	} else {
		t.Log(err)
	}

	// With SkipMismatch the rows of c are dropped and a warning recorded.
	h2 := schemahistory.New(&schemahistory.Options{SkipMismatch: true})
	if err := h2.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	got, err = read(h2)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("skip: mismatch (-want +got):\n%s", diff)
	}
	if w := h2.Warnings(); len(w) != 1 || !errors.Is(w[0].Err, binlog.ErrSchemaMismatch) {
		t.Errorf("warnings: %v", w)
	}
}
