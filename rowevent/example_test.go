package rowevent_test

import (
	"fmt"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/rowevent"
)

func Example() {
	tm := &binlog.TableMap{Schema: "shop", Table: "users", HasNames: true, PrimaryKey: []int{0},
		Columns: []binlog.Column{{Name: "id"}, {Name: "name", Collation: 8 /* latin1 */}}}
	rows := &binlog.Rows{Kind: binlog.Update, Table: tm, Rows: []binlog.Row{{
		Before: []binlog.Value{binlog.IntValue(7), binlog.StringValue([]byte("O'Hara"), 8)},
		After:  []binlog.Value{binlog.IntValue(7), binlog.StringValue([]byte("Jos\xe9"), 8)},
	}}}
	fwd, _ := rowevent.Forward(rows, nil)
	inv, _ := rowevent.Inverse(rows, nil)
	hex, _ := rowevent.Forward(rows, &rowevent.Options{HexStrings: true})
	fmt.Print(rowevent.Header, fwd, inv, hex)
	// Output:
	// SET NAMES utf8mb4;
	// SET time_zone='+00:00';
	// SET SESSION sql_mode='NO_AUTO_VALUE_ON_ZERO';
	// UPDATE `shop`.`users` SET `name`='José' WHERE `id`=7;
	// UPDATE `shop`.`users` SET `name`='O''Hara' WHERE `id`=7;
	// UPDATE `shop`.`users` SET `name`=_latin1 X'4A6F73E9' WHERE `id`=7;
}
