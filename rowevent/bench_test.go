package rowevent

import (
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
)

// benchRows returns an event of n synthetic rows over a table of typical
// columns.
func benchRows(kind binlog.RowsKind, n int) *binlog.Rows {
	tm := &binlog.TableMap{Schema: "shop", Table: "orders", HasNames: true, PrimaryKey: []int{0},
		Columns: []binlog.Column{
			{Name: "id", Type: binlog.TypeLongLong, Unsigned: true},
			{Name: "customer", Type: binlog.TypeVarchar, Collation: 45},
			{Name: "amount", Type: binlog.TypeNewDecimal},
			{Name: "created", Type: binlog.TypeDateTime2},
			{Name: "note", Type: binlog.TypeBlob, Collation: 45},
			{Name: "payload", Type: binlog.TypeBlob, Collation: 63},
			{Name: "ratio", Type: binlog.TypeDouble},
		}}
	r := &binlog.Rows{Kind: kind, Table: tm}
	ts := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	for i := range n {
		img := []binlog.Value{
			binlog.UintValue(uint64(i + 1)),
			binlog.StringValue([]byte("customer O'Brien"), 45),
			binlog.DecimalValue("12345.67"),
			binlog.TimestampValue(ts.Add(time.Duration(i)*time.Second), 6),
			binlog.StringValue([]byte("naïve café \\ note"), 45),
			binlog.BytesValue([]byte{0, 1, 2, 3, 'x', '\'', 0xff, 0xfe}),
			binlog.DoubleValue(float64(i) / 3),
		}
		switch kind {
		case binlog.Insert:
			r.Rows = append(r.Rows, binlog.Row{After: img})
		case binlog.Delete:
			r.Rows = append(r.Rows, binlog.Row{Before: img})
		default:
			after := append([]binlog.Value(nil), img...)
			after[2] = binlog.DecimalValue("1.00")
			r.Rows = append(r.Rows, binlog.Row{Before: img, After: after})
		}
	}
	return r
}

func BenchmarkForward(b *testing.B) {
	for _, bc := range []struct {
		name string
		kind binlog.RowsKind
		opts *Options
	}{
		{"insert", binlog.Insert, nil},
		{"insert-batch100", binlog.Insert, &Options{InsertBatch: 100}},
		{"update", binlog.Update, nil},
		{"delete-allcols", binlog.Delete, &Options{WhereAllColumns: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			rows := benchRows(bc.kind, 100)
			var buf []byte
			var err error
			buf, _ = AppendForward(buf[:0], rows, bc.opts)
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			for b.Loop() {
				if buf, err = AppendForward(buf[:0], rows, bc.opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rows.Rows)), "ns/row")
		})
	}
}
