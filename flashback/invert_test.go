package flashback

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/google/go-cmp/cmp"
)

// describe lists events as "type[flags] rows" for comparisons.
func describe(evs []*binlog.Event) []string {
	var out []string
	for _, ev := range evs {
		switch p := ev.Payload.(type) {
		case *binlog.Rows:
			var ids []string
			for _, r := range p.Rows {
				img := r.After
				if img == nil {
					img = r.Before
				}
				ids = append(ids, fmt.Sprint(img[0].Int()))
			}
			out = append(out, fmt.Sprintf("%v/%d %s %s", ev.Header.Type, p.Flags, p.Table.Table, strings.Join(ids, ",")))
		case *binlog.TableMap:
			out = append(out, "map "+p.Table)
		case *binlog.Query:
			out = append(out, p.Query)
		case *binlog.XID:
			out = append(out, "xid")
		default:
			out = append(out, fmt.Sprintf("%T", p))
		}
	}
	return out
}

func TestInvertTx(t *testing.T) {
	ta := &binlog.TableMap{TableID: 1, Schema: "d", Table: "a", Columns: make([]binlog.Column, 1)}
	tb := &binlog.TableMap{TableID: 2, Schema: "d", Table: "b", Columns: make([]binlog.Column, 1)}
	row := func(id int64) []binlog.Value { return []binlog.Value{binlog.IntValue(id)} }
	all := []bool{true}
	rows := func(typ binlog.EventType, kind binlog.RowsKind, tm *binlog.TableMap, flags uint16, ids ...int64) *binlog.Event {
		r := &binlog.Rows{Kind: kind, TableID: tm.TableID, Table: tm, Flags: flags, Present: all}
		if kind == binlog.Update {
			r.PresentAfter = all
		}
		for _, id := range ids {
			switch kind {
			case binlog.Insert:
				r.Rows = append(r.Rows, binlog.Row{After: row(id)})
			case binlog.Delete:
				r.Rows = append(r.Rows, binlog.Row{Before: row(id)})
			default:
				r.Rows = append(r.Rows, binlog.Row{Before: row(id), After: row(id + 100)})
			}
		}
		return &binlog.Event{Header: binlog.Header{Type: typ}, Payload: r}
	}
	mapEv := func(tm *binlog.TableMap) *binlog.Event {
		return &binlog.Event{Header: binlog.Header{Type: binlog.TableMapEvent}, Payload: tm}
	}
	// A MariaDB transaction (no BEGIN event): statement 1 inserts into a
	// in two events, statement 2 updates a and deletes from b (compressed
	// events), then XID.
	tx := &binlog.Tx{Events: []*binlog.Event{
		{Header: binlog.Header{Type: binlog.MariaGTIDEvent}, Payload: &binlog.GTID{MariaDB: true}},
		mapEv(ta),
		rows(binlog.WriteRowsEventV1, binlog.Insert, ta, 0, 1, 2),
		rows(binlog.WriteRowsEventV1, binlog.Insert, ta, 1, 3),
		mapEv(ta), mapEv(tb),
		rows(binlog.MariaUpdateRowsCompressedEventV1, binlog.Update, ta, 2, 1),
		rows(binlog.MariaDeleteRowsCompressedEventV1, binlog.Delete, tb, 3, 7, 8),
		{Header: binlog.Header{Type: binlog.XIDEvent}, Payload: &binlog.XID{XID: 9}},
	}}
	got, err := invertTx(nil, tx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"BEGIN",
		"map a", "map b",
		"Write_rows_v1/2 b 8,7",
		"Update_rows_v1/3 a 1",
		"map a",
		"Delete_rows_v1/0 a 3",
		"Delete_rows_v1/1 a 2,1",
		"xid",
	}
	if diff := cmp.Diff(want, describe(got)); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if u := got[4].Payload.(*binlog.Rows).Rows[0]; u.Before[0].Int() != 101 || u.After[0].Int() != 1 {
		t.Errorf("update images not swapped: %v", u)
	}
	if r := tx.Events[2].Payload.(*binlog.Rows); r.Kind != binlog.Insert || r.Rows[0].After[0].Int() != 1 {
		t.Error("the original event was modified")
	}

	// A row image without every column is refused.
	bad := rows(binlog.UpdateRowsEventV2, binlog.Update, ta, 1, 1)
	bad.Payload.(*binlog.Rows).PresentAfter = []bool{false}
	if _, err := invertTx(nil, &binlog.Tx{Events: []*binlog.Event{bad}}); !errors.Is(err, ErrRowImage) {
		t.Errorf("MINIMAL image: got %v, want ErrRowImage", err)
	}
}

func TestStatementKind(t *testing.T) {
	for stmt, want := range map[string]binlog.StmtKind{
		"ALTER TABLE t ADD x INT":          binlog.StmtDDL,
		"/* c */ TRUNCATE t":               binlog.StmtDDL,
		"INSERT INTO t VALUES (1)":         binlog.StmtInsert,
		"REPLACE INTO t VALUES (1)":        binlog.StmtInsert,
		"update t set a = 1":               binlog.StmtUpdate,
		"DELETE FROM t":                    binlog.StmtDelete,
		"GRANT ALL ON *.* TO x":            binlog.StmtOther,
		"CREATE USER u IDENTIFIED BY 'p'":  binlog.StmtOther,
		"DROP DATABASE IF EXISTS old_data": binlog.StmtDDL,
	} {
		if got := statementKind(&binlog.Query{Query: stmt, Schema: "d"}); got != want {
			t.Errorf("%q: kind %v, want %v", stmt, got, want)
		}
	}
}
