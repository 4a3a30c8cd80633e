package rowevent_test

import (
	"errors"
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

func ExampleLiteral() {
	d := binlog.DateTime{Year: 2024, Month: 5, Day: 1, Hour: 12}
	for _, v := range []binlog.Value{
		binlog.NullValue(),
		binlog.UintValue(18446744073709551615),
		binlog.DecimalValue("-12.340"),
		binlog.DateTimeValue(d, 3),
		binlog.StringValue([]byte("it's\nJos\xe9"), 8), // latin1
		binlog.BytesValue([]byte{0, 1, 0xff}),
	} {
		lit, _ := rowevent.Literal(v, nil)
		hex, _ := rowevent.Literal(v, &rowevent.Options{HexStrings: true})
		fmt.Printf("%-26s %-26s %s\n", v, lit, hex) // listing, literal, hex literal
	}
	_, err := rowevent.Literal(binlog.Value{}, nil) // absent: no literal
	fmt.Println(errors.Is(err, rowevent.ErrNoLiteral))
	// Output:
	// NULL                       NULL                       NULL
	// 18446744073709551615       18446744073709551615       18446744073709551615
	// -12.340                    -12.340                    -12.340
	// '2024-05-01 12:00:00.000'  '2024-05-01 12:00:00.000'  '2024-05-01 12:00:00.000'
	// 'it\'s\nJosé'              'it''s\nJosé'              _latin1 X'697427730A4A6F73E9'
	// '\0\x01\xff'               X'0001FF'                  X'0001FF'
	// true
}
