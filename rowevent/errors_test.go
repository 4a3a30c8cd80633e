package rowevent

import (
	"errors"
	"math"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
)

// TestErrorWhere checks that every failure is an *Error that says which
// table, row and column failed, and still wraps its sentinel.
func TestErrorWhere(t *testing.T) {
	tm := testTable([]int{0})
	nopk := testTable(nil)
	noNames := testTable([]int{0})
	for i := range noNames.Columns {
		noNames.Columns[i].Name = ""
	}
	a := binlog.Value{}
	nan := binlog.DoubleValue(math.NaN())
	minimal := &binlog.Rows{Kind: binlog.Update, Table: tm, Rows: []binlog.Row{
		{Before: row(1, "a", 1), After: row(1, "b", 1)},
		{Before: []binlog.Value{binlog.IntValue(2), a, a}, After: []binlog.Value{a, binlog.StringValue([]byte("x"), 45), a}},
	}}
	short := &binlog.Rows{Kind: binlog.Insert, Table: tm, Rows: []binlog.Row{
		{After: row(1, "a", 1)},
		{After: row(2, "b", 2)[:2]},
	}}
	for _, tc := range []struct {
		name string
		run  func() error
		want error
		e    Error // Err not compared
		msg  string
	}{{
		name: "no table",
		run:  func() error { _, err := Forward(&binlog.Rows{Kind: binlog.Insert}, nil); return err },
		want: ErrNoTable, e: Error{Row: -1},
		msg: "rowevent: rows event without table map",
	}, {
		name: "no names",
		run: func() error {
			_, err := Inverse(&binlog.Rows{Kind: binlog.Delete, Table: noNames, Rows: []binlog.Row{{Before: row(1, "a", 1)}}}, nil)
			return err
		},
		want: ErrNoColumnNames, e: Error{Schema: "db", Table: "t`1", Row: -1},
		msg: "db.t`1: rowevent: column names unknown",
	}, {
		name: "inverse update of a minimal image",
		run:  func() error { _, err := Inverse(minimal, nil); return err },
		want: ErrIncompleteImage, e: Error{Schema: "db", Table: "t`1", Row: 1, Column: "name"},
		msg: "db.t`1: row 1: column name: rowevent: row image lacks columns: no before value to restore",
	}, {
		name: "NaN in an inverse insert",
		run: func() error {
			rows := &binlog.Rows{Kind: binlog.Delete, Table: tm, Rows: []binlog.Row{
				{Before: row(1, "a", 1)}, {Before: []binlog.Value{binlog.IntValue(2), binlog.NullValue(), nan}}, {Before: row(3, "c", 3)},
			}}
			_, err := Inverse(rows, nil)
			return err
		},
		want: ErrNoLiteral, e: Error{Schema: "db", Table: "t`1", Row: 1, Column: "f"},
	}, {
		name: "NaN in a WHERE",
		run: func() error {
			rows := &binlog.Rows{Kind: binlog.Delete, Table: nopk, Rows: []binlog.Row{
				{Before: row(1, "a", 1)}, {Before: []binlog.Value{binlog.IntValue(2), binlog.NullValue(), nan}},
			}}
			_, err := Forward(rows, nil)
			return err
		},
		want: ErrNoLiteral, e: Error{Schema: "db", Table: "t`1", Row: 1, Column: "f"},
	}, {
		name: "short image",
		run: func() error {
			_, err := Forward(short, nil)
			return err
		},
		want: ErrBadRows, e: Error{Schema: "db", Table: "t`1", Row: 1},
		msg: "db.t`1: row 1: rowevent: rows event does not match its table: row has 2 values, table has 3 columns",
	}, {
		name: "AppendMatch",
		run:  func() error { _, err := AppendMatch(nil, "c", a, nil); return err },
		want: ErrIncompleteImage, e: Error{Row: -1, Column: "c"},
		msg: "column c: rowevent: row image lacks columns",
	}, {
		name: "change record of a short image",
		run:  func() error { _, err := ChangeJSON(testChange, short, 1, nil); return err },
		want: ErrBadRows, e: Error{Schema: "db", Table: "t`1", Row: 1},
	}, {
		name: "change record beyond the rows",
		run:  func() error { _, err := ChangeJSON(testChange, short, 2, nil); return err },
		want: ErrBadRows, e: Error{Schema: "db", Table: "t`1", Row: 2},
	}, {
		name: "change record without table",
		run:  func() error { _, err := ChangeJSON(testChange, nil, 0, nil); return err },
		want: ErrNoTable, e: Error{Row: 0},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v, want an *Error", err, err)
			}
			if got := (Error{Schema: e.Schema, Table: e.Table, Row: e.Row, Column: e.Column}); got != tc.e {
				t.Errorf("error %+v, want %+v", got, tc.e)
			}
			if tc.msg != "" && err.Error() != tc.msg {
				t.Errorf("message %q, want %q", err.Error(), tc.msg)
			}
		})
	}
}
