package binlogtest_test

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/go-mysql-org/go-mysql/replication"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/binlogtest"
)

// mysqlFile writes a MySQL-flavored file with every column type, a
// transaction, DDL, tagged GTIDs where the flavor has them and a partial
// JSON update, and returns the builder.
func mysqlFile(t *testing.T, opts *binlogtest.Options) *binlogtest.Builder {
	t.Helper()
	b := binlogtest.New(opts)
	allTypes(t, b, cases(opts.Flavor))
	must(t, b.CreateTable("bt", "docs", binlogtest.Int("id").PrimaryKey(), binlogtest.JSON("doc")))
	must(t, b.Insert("docs", binlogtest.Row{1, `{"a": 1, "b": [true, false]}`}))
	if opts.Flavor != binlogtest.MySQL80 {
		must(t, b.GTID("3e11fa47-71ca-11e1-9e33-c80aa9429562:batch:7"))
	}
	must(t, b.Begin())
	must(t, b.Update("docs", binlogtest.Change{
		Before: binlogtest.Row{1, `{"a": 1, "b": [true, false]}`},
		After: binlogtest.Row{1, binlog.JSONDiffValue([]binlog.JSONDiff{
			{Op: binlog.JSONReplace, Path: "$.a", Value: []byte("2")},
			{Op: binlog.JSONRemove, Path: "$.b[1]"},
		})},
	}))
	must(t, b.Delete("docs", binlogtest.Row{1, `{"a": 2, "b": [true]}`}))
	must(t, b.Commit())
	must(t, b.Query("DROP TABLE `bt`.`docs`"))
	return b
}

// TestMySQLRead checks MySQL-flavored files with our reader and with
// go-mysql's parser: the same events, and the values given read back.
func TestMySQLRead(t *testing.T) {
	for _, fl := range []binlogtest.Flavor{binlogtest.MySQL80, binlogtest.MySQL84, binlogtest.MySQL9} {
		for _, compress := range []bool{false, true} {
			for _, minimal := range []bool{false, true} {
				opts := &binlogtest.Options{Flavor: fl, Compress: compress, MinimalMetadata: minimal}
				t.Run(fmt.Sprintf("%v,compress=%v,minimal=%v", fl, compress, minimal), func(t *testing.T) {
					b := mysqlFile(t, opts)
					paths := writeFiles(t, b)
					ours := readTypes(t, paths[0], true)
					theirs := goMySQLTypes(t, paths[0])
					if fmt.Sprint(ours) != fmt.Sprint(theirs) {
						t.Errorf("event types:\n ours     %v\n go-mysql %v", ours, theirs)
					}
					checkValues(t, paths[0], cases(fl), minimal)
					checkPartial(t, paths[0])
				})
			}
		}
	}
}

// readTypes returns the types of the events of path as our reader sees
// them, the events inside transaction payloads in brackets.
func readTypes(t *testing.T, path string, keep bool) []string {
	t.Helper()
	r, err := binlog.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out []string
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		s := ev.Type().String()
		if ev.PayloadIndex > 0 {
			s = "[" + s + "]"
		}
		out = append(out, s)
	}
}

// goMySQLTypes returns the types of the events of path as go-mysql's
// parser sees them, named as ours names them.
func goMySQLTypes(t *testing.T, path string) []string {
	t.Helper()
	p := replication.NewBinlogParser()
	var out []string
	err := p.ParseFile(path, 0, func(e *replication.BinlogEvent) error {
		out = append(out, binlog.EventType(e.Header.EventType).String())
		if tp, ok := e.Event.(*replication.TransactionPayloadEvent); ok {
			for _, in := range tp.Events {
				out = append(out, "["+binlog.EventType(in.Header.EventType).String()+"]")
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("go-mysql: %v", err)
	}
	return out
}

// checkValues checks that the row of bt.types read back holds the values
// given, and that column names are known with FULL metadata only.
func checkValues(t *testing.T, path string, cs []typeCase, minimal bool) {
	t.Helper()
	r, err := binlog.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for {
		ev, err := r.Next()
		if err != nil {
			t.Fatalf("no rows for bt.types: %v", err)
		}
		rows, ok := ev.Payload.(*binlog.Rows)
		if !ok || rows.Table.Table != "types" {
			continue
		}
		if rows.Table.HasNames == minimal {
			t.Errorf("HasNames %v with minimal metadata %v", rows.Table.HasNames, minimal)
		}
		img := rows.Rows[0].After
		for i, c := range cs {
			want := c.text
			if want == "" {
				want = c.want
			}
			if minimal && c.minimal != "" {
				want = c.minimal
			}
			if got := img[i].Text(); got != want {
				t.Errorf("column %s: read %q, want %q", c.col.Name(), got, want)
			}
		}
		return
	}
}

// checkPartial checks the partial JSON update of mysqlFile read back.
func checkPartial(t *testing.T, path string) {
	t.Helper()
	r, err := binlog.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for ev, err := range r.All() {
		if err != nil {
			t.Fatal(err)
		}
		if rows, ok := ev.Payload.(*binlog.Rows); ok && rows.Partial {
			got := fmt.Sprint(rows.Rows[0].After[1].JSONDiffs())
			want := fmt.Sprint([]binlog.JSONDiff{
				{Op: binlog.JSONReplace, Path: "$.a", Value: []byte("2")},
				{Op: binlog.JSONRemove, Path: "$.b[1]"},
			})
			if got != want {
				t.Errorf("partial update read back as %s, want %s", got, want)
			}
			return
		}
	}
	t.Error("no partial update read back")
}
