package flashback_test

import (
	"fmt"
	"os"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/flashback"
)

func Example() {
	tm := &binlog.TableMap{Schema: "shop", Table: "users", HasNames: true, PrimaryKey: []int{0},
		Columns: []binlog.Column{{Name: "id"}, {Name: "name", Collation: 8 /* latin1 */}}}
	// Two events in log order: an INSERT of rows 1 and 2, then an UPDATE of row 2.
	events := []*binlog.Event{
		{Offset: 100, Payload: &binlog.Rows{Kind: binlog.Insert, Table: tm, Rows: []binlog.Row{
			{After: []binlog.Value{binlog.IntValue(1), binlog.StringValue([]byte("ann"), 8)}},
			{After: []binlog.Value{binlog.IntValue(2), binlog.StringValue([]byte("bob"), 8)}},
		}}},
		{Offset: 200, Payload: &binlog.Query{Query: "ALTER TABLE users ADD COLUMN x INT"}},
		{Offset: 300, Payload: &binlog.Rows{Kind: binlog.Update, Table: tm, Rows: []binlog.Row{{
			Before: []binlog.Value{binlog.IntValue(2), binlog.StringValue([]byte("bob"), 8)},
			After:  []binlog.Value{binlog.IntValue(2), binlog.StringValue([]byte("rob"), 8)},
		}}}},
	}
	w := flashback.NewWriter(os.Stdout, nil)
	defer w.Discard()
	for _, ev := range events {
		if err := w.WriteEvent(ev, nil); err != nil {
			fmt.Println(err)
			return
		}
	}
	if err := w.Close(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%+v\n", w.Stats())
	// Output:
	// UPDATE `shop`.`users` SET `name`='bob' WHERE `id`=2;
	// DELETE FROM `shop`.`users` WHERE `id`=2;
	// DELETE FROM `shop`.`users` WHERE `id`=1;
	// {Events:2 Statements:3 Bytes:135 Skipped:1}
}
