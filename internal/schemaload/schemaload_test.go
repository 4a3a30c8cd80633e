package schemaload_test

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/schemaload"
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/binlogkit/binlogkit/rowevent"
	"github.com/google/go-cmp/cmp"
)

func TestParseMembers(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"enum('a','b')", []string{"a", "b"}},
		{"set('it''s','x,y','')", []string{"it's", "x,y", ""}},
		{"enum('é')", []string{"é"}},
	} {
		got, err := schemaload.ParseMembers(tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", tc.in, diff)
		}
	}
	for _, bad := range []string{"enum", "enum('a)", "enum('a' 'b')", "enum(a)"} {
		if _, err := schemaload.ParseMembers(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

const ddl = `CREATE TABLE sl.t (
	a INT UNSIGNED NOT NULL,
	b VARCHAR(10) CHARACTER SET latin1 NOT NULL,
	big BIGINT UNSIGNED,
	tiny TINYINT UNSIGNED,
	e ENUM('x','y''s','zé') CHARACTER SET utf8mb4,
	s SET('r','w','x'),
	l VARCHAR(20) CHARACTER SET latin1,
	g VARCHAR(20) CHARACTER SET gbk,
	bin VARBINARY(8),
	PRIMARY KEY (b, a)
)`

// TestLoadNoLog loads the schema of a table from a server that logs no row
// metadata, reads its binlog with it, and checks that the inverse SQL
// undoes the changes and the forward SQL redoes them.
func TestLoadNoLog(t *testing.T) {
	srv := testserver.Start(t, &testserver.Options{RowMetadata: "NO_LOG"})
	if err := srv.Exec("CREATE DATABASE sl", ddl, "CREATE TABLE sl.other (id INT PRIMARY KEY)",
		`INSERT INTO sl.t VALUES (1, 'k1', 18446744073709551615, 255, 'y''s', 'r,x', _latin1 X'E9', _gbk X'C4E3BAC3', X'00FF'),
		                         (4294967295, 'k2', NULL, 0, 'zé', '', NULL, NULL, NULL)`,
	); err != nil {
		t.Fatal(err)
	}
	conn, err := srv.Connect("")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	schema, err := schemaload.Load(conn, []string{"sl"})
	if err != nil {
		t.Fatal(err)
	}
	ti := schema["sl.t"]
	if ti == nil || schema["sl.other"] == nil {
		t.Fatalf("Load: got tables %v", keys(schema))
	}
	if diff := cmp.Diff([]int{1, 0}, ti.PrimaryKey); diff != "" {
		t.Errorf("primary key mismatch (-want +got):\n%s", diff)
	}
	var names []string
	for _, c := range ti.Columns {
		names = append(names, c.Name)
	}
	if diff := cmp.Diff(strings.Fields("a b big tiny e s l g bin"), names); diff != "" {
		t.Errorf("names mismatch (-want +got):\n%s", diff)
	}
	c := ti.Columns
	if !c[0].Unsigned || !c[2].Unsigned || !c[3].Unsigned || c[4].Unsigned {
		t.Errorf("signedness: %+v", c)
	}
	if c[1].Collation != 8 || c[6].Collation != 8 || c[7].Collation != 28 || c[8].Collation != 63 {
		t.Errorf("collations: b %d l %d g %d bin %d, want 8 8 28 63", c[1].Collation, c[6].Collation, c[7].Collation, c[8].Collation)
	}
	if diff := cmp.Diff([]string{"x", "y's", "zé"}, c[4].EnumValues); diff != "" {
		t.Errorf("enum mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"r", "w", "x"}, c[5].SetValues); diff != "" {
		t.Errorf("set mismatch (-want +got):\n%s", diff)
	}

	before, err := srv.Checksum("sl.t")
	if err != nil {
		t.Fatal(err)
	}
	files, err := srv.Record(func() error {
		return srv.Exec(
			"UPDATE sl.t SET a = a - 1, g = _gbk X'D6D0CEC4', e = 'x', s = 'w', tiny = tiny - 1 WHERE b = 'k1'",
			"UPDATE sl.t SET big = 42, l = _latin1 X'E0E9' WHERE b = 'k2'",
			"INSERT INTO sl.t VALUES (7, _latin1 X'FC', 1, 1, 'x', 'w,x', 'a', _gbk X'B0A1', X'')",
			"DELETE FROM sl.t WHERE b = 'k2'",
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	after, err := srv.Checksum("sl.t")
	if err != nil {
		t.Fatal(err)
	}

	// Without the schema, the binlog has no names.
	cr, err := binlog.OpenChain(files, nil)
	if err != nil {
		t.Fatal(err)
	}
	for ev, err := range cr.All() {
		if err != nil {
			t.Fatal(err)
		}
		if r, ok := ev.Payload.(*binlog.Rows); ok && r.Table.HasNames {
			t.Fatalf("NO_LOG binlog has column names: %+v", r.Table)
		}
	}
	cr.Close()

	var fwd, inv []string
	cr, err = binlog.OpenChain(files, &binlog.ReaderOptions{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	defer cr.Close()
	for {
		ev, err := cr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		r, ok := ev.Payload.(*binlog.Rows)
		if !ok {
			continue
		}
		f, err := rowevent.Forward(r, nil)
		if err != nil {
			t.Fatal(err)
		}
		i, err := rowevent.Inverse(r, nil)
		if err != nil {
			t.Fatal(err)
		}
		fwd = append(fwd, f)
		inv = append([]string{i}, inv...)
	}
	if len(fwd) != 4 {
		t.Fatalf("got %d rows events, want 4:\n%s", len(fwd), strings.Join(fwd, ""))
	}
	if err := srv.ExecScript(rowevent.Header + strings.Join(inv, "")); err != nil {
		t.Fatal(err)
	}
	if got, _ := srv.Checksum("sl.t"); got != before {
		t.Errorf("after inverse: checksum %s, want %s; SQL:\n%s", got, before, strings.Join(inv, ""))
	}
	if err := srv.ExecScript(rowevent.Header + strings.Join(fwd, "")); err != nil {
		t.Fatal(err)
	}
	if got, _ := srv.Checksum("sl.t"); got != after {
		t.Errorf("after forward: checksum %s, want %s; SQL:\n%s", got, after, strings.Join(fwd, ""))
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("forward SQL:\n%s", strings.Join(fwd, ""))
	}
}

func keys(s binlog.StaticSchema) []string {
	var k []string
	for n := range s {
		k = append(k, n)
	}
	return k
}

// A regressionColumn is one column of TestLoadLatin1Server: its definition
// and what Load must report for it.
type regressionColumn struct {
	name, def string
	unsigned  bool
	// coll is the expected collation name: "" for none (numbers, dates),
	// "binary" for byte strings, "db" for the database's default.
	coll      string
	enum, set []string
}

type regressionTable struct {
	db, name string
	cols     []regressionColumn
	pk       []string
}

// regressionTables cover a latin1 database (the server default), a utf8mb4
// and a gbk one, byte strings, ENUM and SET, unsigned numbers, composite,
// reordered and missing primary keys, and non-ASCII names.
var regressionTables = []regressionTable{
	{db: "lat", name: "people", pk: []string{"ID"}, cols: []regressionColumn{
		{name: "ID", def: "INT UNSIGNED NOT NULL", unsigned: true},
		{name: "name", def: "VARCHAR(40) NOT NULL", coll: "db"},
		{name: "nick", def: "CHAR(8) BINARY", coll: "latin1_bin"},
		{name: "bio", def: "TEXT", coll: "db"},
		{name: "status", def: "ENUM('new','it''s','done')", coll: "db", enum: []string{"new", "it's", "done"}},
		{name: "perms", def: "SET('r','w','x')", coll: "db", set: []string{"r", "w", "x"}},
		{name: "score", def: "DECIMAL(10,2) UNSIGNED", unsigned: true},
		{name: "created", def: "DATETIME(3)"},
		{name: "note", def: "VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", coll: "utf8mb4_unicode_ci"},
		{name: "uca", def: "VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_uca1400_ai_ci", coll: "utf8mb4_uca1400_ai_ci"},
		{name: "ñame", def: "VARCHAR(5)", coll: "db"},
	}},
	{db: "lat", name: "blobs", pk: []string{"k"}, cols: []regressionColumn{
		{name: "k", def: "BINARY(16) NOT NULL", coll: "binary"},
		{name: "vb", def: "VARBINARY(255)", coll: "binary"},
		{name: "b", def: "BLOB", coll: "binary"},
		{name: "tb", def: "TINYBLOB", coll: "binary"},
		{name: "mb", def: "MEDIUMBLOB", coll: "binary"},
		{name: "lb", def: "LONGBLOB", coll: "binary"},
		{name: "cs", def: "VARCHAR(10) CHARACTER SET binary", coll: "binary"},
		{name: "bits", def: "BIT(8)"},
		{name: "n", def: "BIGINT UNSIGNED", unsigned: true},
		{name: "l1", def: "VARCHAR(10)", coll: "db"},
	}},
	{db: "lat", name: "big", pk: []string{"id"}, cols: []regressionColumn{
		{name: "id", def: "INT NOT NULL"},
		{name: "pad", def: "VARCHAR(200)", coll: "db"},
	}},
	{db: "lat", name: "nokey", cols: []regressionColumn{
		{name: "a", def: "SMALLINT"},
		{name: "b", def: "TINYINT UNSIGNED", unsigned: true},
		{name: "c", def: "MEDIUMINT UNSIGNED ZEROFILL", unsigned: true},
		{name: "d", def: "FLOAT"},
		{name: "e", def: "DOUBLE"},
		{name: "f", def: "CHAR(3)", coll: "db"},
	}},
	{db: "u8", name: "orders", pk: []string{"line", "id"}, cols: []regressionColumn{
		{name: "id", def: "BIGINT UNSIGNED NOT NULL", unsigned: true},
		{name: "line", def: "SMALLINT NOT NULL"},
		{name: "sku", def: "VARCHAR(32)", coll: "db"},
		{name: "qty", def: "INT"},
		{name: "note", def: "TEXT", coll: "db"},
		{name: "tag", def: "ENUM('x','y''s','zé')", coll: "db", enum: []string{"x", "y's", "zé"}},
		{name: "opts", def: "SET('gift','rush','')", coll: "db", set: []string{"gift", "rush", ""}},
		{name: "lat1", def: "VARCHAR(10) CHARACTER SET latin1", coll: "latin1_swedish_ci"},
		{name: "js", def: "JSON", coll: "utf8mb4_bin"},
		{name: "raw", def: "VARBINARY(10)", coll: "binary"},
	}},
	{db: "u8", name: "wide", pk: []string{"c07", "c03"}, cols: wideColumns(40)},
	{db: "gb", name: "t", pk: []string{"id"}, cols: []regressionColumn{
		{name: "id", def: "INT NOT NULL"},
		{name: "名字", def: "VARCHAR(20)", coll: "db"},
		{name: "e", def: "ENUM('甲','乙')", coll: "db", enum: []string{"甲", "乙"}},
		{name: "b", def: "BLOB", coll: "binary"},
		{name: "u", def: "VARCHAR(5) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", coll: "utf8mb4_bin"},
		{name: "g", def: "CHAR(2) COLLATE gbk_bin", coll: "gbk_bin"},
	}},
}

// wideColumns returns n columns of rotating types, c00 first.
func wideColumns(n int) []regressionColumn {
	var cols []regressionColumn
	for i := range n {
		c := regressionColumn{name: fmt.Sprintf("c%02d", i)}
		switch i % 4 {
		case 0:
			c.def, c.coll = "VARCHAR(10) NOT NULL", "db"
		case 1:
			c.def, c.unsigned = "INT UNSIGNED", true
		case 2:
			c.def, c.coll = "VARBINARY(4)", "binary"
		case 3:
			c.def = "INT NOT NULL"
		}
		cols = append(cols, c)
	}
	return cols
}

// TestLoadLatin1Server loads the schema of tables in latin1 (the server's
// compiled-in default), utf8mb4 and gbk databases from a server left at
// latin1, again and again with other queries before and in between, and
// compares every result, at once and after the later loads, with the
// definitions. go-mysql's GetString returns strings aliasing a result
// buffer that is pooled and reused by the next query: collation names kept
// as map keys ("unknown collation \"latin1_swedish_ci\"") and column names
// kept in the schema changed under Load's feet until it copied them.
func TestLoadLatin1Server(t *testing.T) {
	srv := testserver.Start(t, &testserver.Options{DefaultCharset: true})
	if v, err := srv.QueryValue("SELECT @@collation_server"); err != nil || v != "latin1_swedish_ci" {
		t.Fatalf("collation_server = %q, %v; want latin1_swedish_ci", v, err)
	}
	stmts := []string{"CREATE DATABASE lat", "CREATE DATABASE u8 CHARACTER SET utf8mb4", "CREATE DATABASE gb CHARACTER SET gbk"}
	for _, tb := range regressionTables {
		var defs []string
		for _, c := range tb.cols {
			defs = append(defs, testserver.QuoteIdent(c.name)+" "+c.def)
		}
		if len(tb.pk) > 0 {
			var pk []string
			for _, k := range tb.pk {
				pk = append(pk, testserver.QuoteIdent(k))
			}
			defs = append(defs, "PRIMARY KEY ("+strings.Join(pk, ", ")+")")
		}
		stmts = append(stmts, fmt.Sprintf("CREATE TABLE %s.%s (\n\t%s\n)", tb.db, tb.name, strings.Join(defs, ",\n\t")))
	}
	stmts = append(stmts, "INSERT INTO lat.big SELECT seq, CONCAT(REPEAT('latin1_swedish_ci ', 8), seq) FROM lat.seq_1_to_3000")
	if err := srv.Exec(stmts...); err != nil {
		t.Fatal(err)
	}

	// The expected schema, with collation ids and database defaults taken
	// from the server through testserver's queries (which copy their
	// results), not through Load.
	ids := map[string]uint16{}
	for _, q := range []string{
		"SELECT COLLATION_NAME, ID FROM information_schema.COLLATIONS",
		"SELECT FULL_COLLATION_NAME, ID FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY",
	} {
		rows, err := srv.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if r[1] == nil {
				continue
			}
			id, err := strconv.ParseUint(string(r[1]), 10, 16)
			if err != nil {
				t.Fatal(err)
			}
			ids[string(r[0])] = uint16(id)
		}
	}
	dbColl := map[string]string{}
	rows, err := srv.Query("SELECT SCHEMA_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		dbColl[string(r[0])] = string(r[1])
	}
	if dbColl["lat"] != "latin1_swedish_ci" || dbColl["gb"] != "gbk_chinese_ci" {
		t.Fatalf("database collations %v: want lat latin1_swedish_ci, gb gbk_chinese_ci", dbColl)
	}
	want := binlog.StaticSchema{}
	for _, tb := range regressionTables {
		ti := &binlog.TableInfo{}
		pos := map[string]int{}
		for i, c := range tb.cols {
			ci := binlog.ColumnInfo{Name: c.name, Unsigned: c.unsigned, EnumValues: c.enum, SetValues: c.set}
			if name := c.coll; name != "" {
				if name == "db" {
					name = dbColl[tb.db]
				}
				id, ok := ids[name]
				if !ok {
					t.Fatalf("the server has no collation %q", name)
				}
				ci.Collation = id
			}
			ti.Columns = append(ti.Columns, ci)
			pos[c.name] = i
		}
		for _, k := range tb.pk {
			ti.PrimaryKey = append(ti.PrimaryKey, pos[k])
		}
		want[tb.db+"."+tb.name] = ti
	}
	if want["lat.blobs"].Columns[0].Collation != 63 || want["lat.people"].Columns[1].Collation != 8 || want["gb.t"].Columns[1].Collation != 28 {
		t.Fatalf("unexpected collation ids from the server: %v", ids)
	}

	conn, err := srv.Connect("")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// noise runs queries of varied sizes, text and binary protocol, on
	// Load's connection: their results reuse the pooled buffers of Load's.
	noise := func(i int) {
		t.Helper()
		qs := []struct {
			q    string
			args []any
		}{
			{q: fmt.Sprintf("SELECT id, pad FROM lat.big ORDER BY id DESC LIMIT %d", 1+(i*397)%3000)},
			{q: "SELECT COLLATION_NAME, CHARACTER_SET_NAME, ID FROM information_schema.COLLATIONS ORDER BY ID DESC"},
			{q: "SELECT pad, id FROM lat.big WHERE id < ?", args: []any{i * 50}},
			{q: "SHOW VARIABLES"},
			{q: fmt.Sprintf("SELECT REPEAT('x', %d), 'utf8mb4_general_ci'", 10+i*977)},
			{q: "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY 2 DESC", args: []any{"u8"}},
		}
		for j := range 1 + i%4 {
			q := qs[(i+j)%len(qs)]
			r, err := conn.Execute(q.q, q.args...)
			if err != nil {
				t.Fatalf("%s: %v", q.q, err)
			}
			r.Close()
		}
	}

	var loaded []binlog.StaticSchema
	for i := range 20 {
		noise(i)
		var dbs []string // all but the system databases
		if i%2 == 1 {
			dbs = []string{"gb", "lat", "u8"}
		}
		got, err := schemaload.Load(conn, dbs)
		if err != nil {
			t.Fatalf("load %d: %v", i, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("load %d: mismatch (-want +got):\n%s", i, diff)
		}
		loaded = append(loaded, got)
		noise(i + 7)
	}
	for i, got := range loaded {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("load %d, after %d more loads: mismatch (-want +got):\n%s", i, len(loaded)-1-i, diff)
		}
	}
}
