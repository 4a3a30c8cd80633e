package schemaload_test

import (
	"errors"
	"io"
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
