package rowevent

import (
	"errors"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/google/go-cmp/cmp"
)

func testTable(pk []int) *binlog.TableMap {
	return &binlog.TableMap{
		Schema: "db", Table: "t`1",
		Columns: []binlog.Column{
			{Name: "id", Type: binlog.TypeLong},
			{Name: "name", Type: binlog.TypeVarchar, Collation: 45},
			{Name: "f", Type: binlog.TypeDouble},
		},
		PrimaryKey: pk,
		HasNames:   true,
	}
}

func row(id int64, name string, f float64) []binlog.Value {
	n := binlog.NullValue()
	if name != "" {
		n = binlog.StringValue([]byte(name), 45)
	}
	return []binlog.Value{binlog.IntValue(id), n, binlog.DoubleValue(f)}
}

func TestStatements(t *testing.T) {
	pk := testTable([]int{0})
	nopk := testTable(nil)
	ins := &binlog.Rows{Kind: binlog.Insert, Table: pk, Rows: []binlog.Row{{After: row(1, "a", 1.5)}, {After: row(2, "", 2)}, {After: row(3, "c'", 0.1)}}}
	upd := &binlog.Rows{Kind: binlog.Update, Table: pk, Rows: []binlog.Row{
		{Before: row(1, "a", 1.5), After: row(10, "a", 1.5)},
		{Before: row(2, "", 2), After: row(2, "b", 2)},
	}}
	del := &binlog.Rows{Kind: binlog.Delete, Table: nopk, Rows: []binlog.Row{{Before: row(1, "", 1.5)}, {Before: row(2, "b", 2)}}}
	pos := &Origin{Start: 4, End: 120, Time: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), GTID: "0-1-7"}
	for _, tc := range []struct {
		name    string
		rows    *binlog.Rows
		opts    *Options
		forward string
		inverse string
	}{{
		name: "insert", rows: ins,
		forward: "INSERT INTO `db`.`t``1` (`id`, `name`, `f`) VALUES (1, 'a', 1.5);\n" +
			"INSERT INTO `db`.`t``1` (`id`, `name`, `f`) VALUES (2, NULL, 2);\n" +
			"INSERT INTO `db`.`t``1` (`id`, `name`, `f`) VALUES (3, 'c''', 0.1);\n",
		inverse: "DELETE FROM `db`.`t``1` WHERE `id`=3;\n" +
			"DELETE FROM `db`.`t``1` WHERE `id`=2;\n" +
			"DELETE FROM `db`.`t``1` WHERE `id`=1;\n",
	}, {
		name: "insert batch", rows: ins, opts: &Options{InsertBatch: 2, InsertVerb: VerbReplace, OmitPrimaryKey: true, NoSchemaName: true},
		forward: "REPLACE INTO `t``1` (`name`, `f`) VALUES ('a', 1.5), (NULL, 2);\n" +
			"REPLACE INTO `t``1` (`name`, `f`) VALUES ('c''', 0.1);\n",
		inverse: "DELETE FROM `t``1` WHERE `id`=3;\n" +
			"DELETE FROM `t``1` WHERE `id`=2;\n" +
			"DELETE FROM `t``1` WHERE `id`=1;\n",
	}, {
		name: "update", rows: upd,
		forward: "UPDATE `db`.`t``1` SET `id`=10 WHERE `id`=1;\n" +
			"UPDATE `db`.`t``1` SET `name`='b' WHERE `id`=2;\n",
		inverse: "UPDATE `db`.`t``1` SET `name`=NULL WHERE `id`=2;\n" +
			"UPDATE `db`.`t``1` SET `id`=1 WHERE `id`=10;\n",
	}, {
		name: "update all columns", rows: upd, opts: &Options{UpdateAllColumns: true, WhereAllColumns: true, Origin: pos},
		forward: "UPDATE `db`.`t``1` SET `id`=10, `name`='a', `f`=1.5 WHERE `id`=1 AND CAST(`name` AS BINARY)='a' AND `f`=1.5e0 LIMIT 1; #start 4 end 120 time 2024-05-01 12:00:00 gtid 0-1-7\n" +
			"UPDATE `db`.`t``1` SET `id`=2, `name`='b', `f`=2 WHERE `id`=2 AND `name` IS NULL AND `f`=2e0 LIMIT 1; #start 4 end 120 time 2024-05-01 12:00:00 gtid 0-1-7\n",
		inverse: "UPDATE `db`.`t``1` SET `id`=2, `name`=NULL, `f`=2 WHERE `id`=2 AND CAST(`name` AS BINARY)='b' AND `f`=2e0 LIMIT 1; #start 4 end 120 time 2024-05-01 12:00:00 gtid 0-1-7\n" +
			"UPDATE `db`.`t``1` SET `id`=1, `name`='a', `f`=1.5 WHERE `id`=10 AND CAST(`name` AS BINARY)='a' AND `f`=1.5e0 LIMIT 1; #start 4 end 120 time 2024-05-01 12:00:00 gtid 0-1-7\n",
	}, {
		name: "delete no pk", rows: del, opts: &Options{InsertBatch: 10, InsertVerb: VerbInsertIgnore},
		forward: "DELETE FROM `db`.`t``1` WHERE `id`=1 AND `name` IS NULL AND `f`=1.5e0 LIMIT 1;\n" +
			"DELETE FROM `db`.`t``1` WHERE `id`=2 AND CAST(`name` AS BINARY)='b' AND `f`=2e0 LIMIT 1;\n",
		inverse: "INSERT IGNORE INTO `db`.`t``1` (`id`, `name`, `f`) VALUES (2, 'b', 2), (1, NULL, 1.5);\n",
	}, {
		name: "delete no pk hex strings", rows: del, opts: &Options{HexStrings: true},
		forward: "DELETE FROM `db`.`t``1` WHERE `id`=1 AND `name` IS NULL AND `f`=1.5e0 LIMIT 1;\n" +
			"DELETE FROM `db`.`t``1` WHERE `id`=2 AND CAST(`name` AS BINARY)=X'62' AND `f`=2e0 LIMIT 1;\n",
		inverse: "INSERT INTO `db`.`t``1` (`id`, `name`, `f`) VALUES (2, 'b', 2);\n" +
			"INSERT INTO `db`.`t``1` (`id`, `name`, `f`) VALUES (1, NULL, 1.5);\n",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Forward(tc.rows, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.forward, got); diff != "" {
				t.Errorf("Forward mismatch (-want +got):\n%s", diff)
			}
			got, err = Inverse(tc.rows, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.inverse, got); diff != "" {
				t.Errorf("Inverse mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNoColumnNames(t *testing.T) {
	tm := testTable([]int{0})
	for i := range tm.Columns {
		tm.Columns[i].Name = ""
	}
	rows := &binlog.Rows{Kind: binlog.Delete, Table: tm, Rows: []binlog.Row{{Before: row(1, "a", 1)}}}
	dst := []byte("keep")
	got, err := AppendForward(dst, rows, nil)
	if !errors.Is(err, ErrNoColumnNames) || string(got) != "keep" {
		t.Errorf("AppendForward = %q, %v; want ErrNoColumnNames and dst unchanged", got, err)
	}
	s, err := Forward(rows, &Options{PositionalNames: true})
	if want := "DELETE FROM `db`.`t``1` WHERE `@1`=1;\n"; err != nil || s != want {
		t.Errorf("positional: got %q, %v; want %q", s, err, want)
	}
}

func TestMinimalImage(t *testing.T) {
	tm := testTable([]int{0})
	a := binlog.Value{}
	rows := &binlog.Rows{Kind: binlog.Update, Table: tm, Rows: []binlog.Row{{
		Before: []binlog.Value{binlog.IntValue(1), a, a},
		After:  []binlog.Value{a, binlog.StringValue([]byte("x"), 45), a},
	}}}
	s, err := Forward(rows, nil)
	if want := "UPDATE `db`.`t``1` SET `name`='x' WHERE `id`=1;\n"; err != nil || s != want {
		t.Errorf("Forward = %q, %v; want %q", s, err, want)
	}
	if _, err := Inverse(rows, nil); !errors.Is(err, ErrIncompleteImage) {
		t.Errorf("Inverse error = %v, want ErrIncompleteImage", err)
	}
	if _, err := Forward(&binlog.Rows{Kind: binlog.Insert}, nil); !errors.Is(err, ErrNoTable) {
		t.Errorf("no table: err = %v", err)
	}
}
