package rowevent

import (
	"encoding/json"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/go-mysql-org/go-mysql/replication"
)

// benchBinlog returns the shared >= 56 MB benchmark binlog (see
// testserver.BenchBinlog).
func benchBinlog(tb testing.TB) (string, int64) {
	tb.Helper()
	return testserver.BenchBinlog(tb, 56<<20)
}

// BenchmarkChangeJSON measures JSON change records per second from a
// >= 56 MB binlog: binlogkit reading, grouping transactions (TxReader) and
// writing a record per row change; go-mysql's parser alone on the same
// file (no JSON); and go-mysql's parser with encoding/json of a map per
// row, the usual way of making JSON with it. Run with
//
//	go test -run='^$' -bench=ChangeJSON -benchmem ./rowevent/
func BenchmarkChangeJSON(b *testing.B) {
	path, size := benchBinlog(b)
	report := func(b *testing.B, records, bytes int64) {
		b.SetBytes(size)
		b.ReportMetric(float64(records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
		b.ReportMetric(float64(bytes)/float64(records), "B/record")
	}
	var want int64

	b.Run("binlogkit", func(b *testing.B) {
		b.ReportAllocs()
		var records, out int64
		for range b.N {
			records, out = 0, 0
			fr, err := binlog.Open(path, nil)
			if err != nil {
				b.Fatal(err)
			}
			txr := binlog.NewTxReader(fr, nil)
			var buf []byte
			for {
				tx, err := txr.Next()
				if err != nil {
					break
				}
				c := Change{CommitTime: tx.CommitTime}
				if tx.GTID != nil {
					c.GTID = tx.GTID.String()
				}
				idx := 0
				for _, ev := range tx.Events {
					r, ok := ev.Payload.(*binlog.Rows)
					if !ok {
						continue
					}
					c.File, c.Offset, c.ServerID = ev.File, ev.Offset, ev.Header.ServerID
					for i := range r.Rows {
						c.Index = idx
						idx++
						buf, err = AppendChangeJSON(buf[:0], &c, r, i, nil)
						if err != nil {
							b.Fatal(err)
						}
						out += int64(len(buf)) + 1
						records++
					}
				}
			}
			fr.Close()
		}
		want = records
		report(b, records, out)
	})

	b.Run("go-mysql-parse", func(b *testing.B) {
		b.ReportAllocs()
		var records int64
		for range b.N {
			var err error
			if records, err = testserver.GoMySQLParse(path); err != nil {
				b.Fatal(err)
			}
		}
		if want > 0 && records != want {
			b.Errorf("go-mysql saw %d row changes, binlogkit %d", records, want)
		}
		report(b, records, 0)
	})

	b.Run("go-mysql-json", func(b *testing.B) {
		b.ReportAllocs()
		var records, out int64
		for range b.N {
			records, out = 0, 0
			p := replication.NewBinlogParser()
			p.SetUseDecimal(false)
			err := p.ParseFile(path, 0, func(e *replication.BinlogEvent) error {
				r, ok := e.Event.(*replication.RowsEvent)
				if !ok {
					return nil
				}
				names := r.Table.ColumnNameString()
				toMap := func(row []any) map[string]any {
					m := make(map[string]any, len(row))
					for i, v := range row {
						if i < len(names) {
							m[names[i]] = v
						}
					}
					return m
				}
				step := 1
				if r.Type() == replication.EnumRowsEventTypeUpdate {
					step = 2
				}
				for i := 0; i+step <= len(r.Rows); i += step {
					rec := map[string]any{"database": string(r.Table.Schema), "table": string(r.Table.Table),
						"pos": e.Header.LogPos}
					switch r.Type() {
					case replication.EnumRowsEventTypeInsert:
						rec["op"], rec["after"] = "insert", toMap(r.Rows[i])
					case replication.EnumRowsEventTypeDelete:
						rec["op"], rec["before"] = "delete", toMap(r.Rows[i])
					default:
						rec["op"], rec["before"], rec["after"] = "update", toMap(r.Rows[i]), toMap(r.Rows[i+1])
					}
					js, err := json.Marshal(rec)
					if err != nil {
						return err
					}
					out += int64(len(js)) + 1
					records++
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		report(b, records, out)
	})
}
