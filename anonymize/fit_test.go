package anonymize

import (
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
)

// testFD returns a MySQL 8.0 format description for encoding rows events.
func testFD() *binlog.FormatDescription {
	lens := make([]byte, 41)
	lens[binlog.TableMapEvent-1] = 8
	for _, t := range []binlog.EventType{binlog.WriteRowsEventV2, binlog.UpdateRowsEventV2, binlog.DeleteRowsEventV2} {
		lens[t-1] = 10
	}
	return &binlog.FormatDescription{BinlogVersion: 4, ServerVersion: "8.0.32", HeaderLength: 19, PostHeaderLens: lens, ChecksumAlg: binlog.ChecksumCRC32}
}

// allKinds is a table with a column of most types, each NOT NULL, and a
// row of values near their limits.
func allKinds() (*binlog.TableMap, []binlog.Value) {
	c := func(name string, t binlog.ColumnType, meta uint16, unsigned bool, coll uint16) binlog.Column {
		bt := t
		if t == binlog.TypeEnum || t == binlog.TypeSet {
			bt = binlog.TypeString
		}
		return binlog.Column{Name: name, Type: t, BinlogType: bt, Meta: meta, Unsigned: unsigned, SignednessKnown: true, Collation: coll, Visible: true}
	}
	cols := []binlog.Column{
		c("tiny", binlog.TypeTiny, 0, false, 0), c("utiny", binlog.TypeTiny, 0, true, 0),
		c("i24", binlog.TypeInt24, 0, false, 0), c("big", binlog.TypeLongLong, 0, true, 0),
		c("f", binlog.TypeFloat, 4, false, 0), c("d", binlog.TypeDouble, 8, false, 0),
		c("dec", binlog.TypeNewDecimal, 10<<8|2, false, 0), c("dec55", binlog.TypeNewDecimal, 5<<8|5, false, 0),
		c("bit", binlog.TypeBit, 1<<8|2, false, 0), c("year", binlog.TypeYear, 0, false, 0),
		c("date", binlog.TypeDate, 0, false, 0), c("time2", binlog.TypeTime2, 3, false, 0),
		c("dt2", binlog.TypeDateTime2, 6, false, 0), c("ts2", binlog.TypeTimestamp2, 3, false, 0),
		c("vc", binlog.TypeVarchar, 40, false, 45), c("vb", binlog.TypeVarchar, 10, false, 63),
		c("ch", binlog.TypeString, uint16(binlog.TypeString)<<8|8, false, 45),
		c("latin", binlog.TypeVarchar, 4, false, 8), c("gbk", binlog.TypeVarchar, 6, false, 28),
		c("tt", binlog.TypeBlob, 1, false, 45), c("blob", binlog.TypeBlob, 2, false, 63),
		c("enum", binlog.TypeEnum, uint16(binlog.TypeEnum)<<8|1, false, 0),
		c("set", binlog.TypeSet, uint16(binlog.TypeSet)<<8|1, false, 0),
		c("geo", binlog.TypeGeometry, 4, false, 0), c("json", binlog.TypeJSON, 4, false, 0),
	}
	gbk, _ := binlog.EncodeText(28, "张三丰")
	lat, _ := binlog.EncodeText(8, "Zoë")
	point := append([]byte{0, 0, 0, 0, 1, 1, 0, 0, 0}, make([]byte, 16)...)
	row := []binlog.Value{
		binlog.IntValue(-128), binlog.UintValue(255), binlog.IntValue(8388607), binlog.UintValue(1<<64 - 1),
		binlog.FloatValue(-1.5), binlog.DoubleValue(13812345678),
		binlog.DecimalValue("-12345678.90"), binlog.DecimalValue("0.12345"),
		binlog.BitValue(0x3ff, 10), binlog.YearValue(2155),
		binlog.DateValue(binlog.Date{Year: 1990, Month: 2, Day: 28}), binlog.TimeValue(binlog.Time{Hours: 838, Minutes: 59, Seconds: 59}, 3),
		binlog.DateTimeValue(binlog.DateTime{Year: 9999, Month: 12, Day: 31, Hour: 23, Minute: 59, Second: 59, Microsecond: 999999}, 6),
		binlog.TimestampValue(time.Unix(1700000000, 123000000), 3),
		binlog.StringValue([]byte("alice@example.com 13812345678"), 45), binlog.BytesValue([]byte("1381234567")),
		binlog.StringValue([]byte("13812345"), 45),
		binlog.StringValue(lat, 8), binlog.StringValue(gbk, 28),
		binlog.StringValue([]byte("11010519491231002X"), 45), binlog.BytesValue([]byte("4111111111111111")),
		binlog.EnumValue(2, []string{"f", "m"}), binlog.SetValue(3, []string{"a", "b"}),
		binlog.GeometryValue(point), binlog.JSONValue([]byte(`{"tel": "13812345678", "n": 1.5}`)),
	}
	return &binlog.TableMap{TableID: 7, Schema: "db", Table: "t", Columns: cols}, row
}

// TestEveryKindFits masks a row of every kind with every strategy and
// encodes it: the Encoder refuses any value that does not fit its column
// (kind, range, length, precision).
func TestEveryKindFits(t *testing.T) {
	tm, row := allKinds()
	fd := testFD()
	for s := Partial; s <= Keep; s++ {
		for _, ru := range []Rule{{Columns: []string{"*"}, Strategy: s}, {Detect: []Detector{Email, MobileCN, IDCardCN, Card}, Strategy: s}} {
			m := mustNew(t, mustRules(t, ru), &Options{Key: testKey})
			rows := &binlog.Rows{Kind: binlog.Update, TableID: 7, Table: tm, Rows: []binlog.Row{{Before: row, After: row}}}
			out, err := m.Rows(rows)
			if err != nil {
				t.Fatalf("%v: %v", s, err)
			}
			ev := &binlog.Event{Header: binlog.Header{Type: binlog.UpdateRowsEventV2}, Payload: out}
			if _, err := binlog.AppendEvent(nil, ev, fd, 4); err != nil {
				t.Errorf("%v (detect %v): %v", s, ru.Detect != nil, err)
			}
			for c := range tm.Columns {
				b, a := out.Rows[0].Before[c], out.Rows[0].After[c]
				if b.String() != a.String() {
					t.Errorf("%v column %s: before %v, after %v", s, tm.Columns[c].Name, b, a)
				}
				if a.IsNull() {
					t.Errorf("%v column %s: NULL in a NOT NULL column", s, tm.Columns[c].Name)
				}
			}
			if s == Null && ru.Columns != nil {
				if r := m.Report(); r.Rules[0].Skipped != int64(2*len(row)) {
					t.Errorf("Null on NOT NULL: %+v", r.Rules[0])
				}
			}
		}
	}
}
