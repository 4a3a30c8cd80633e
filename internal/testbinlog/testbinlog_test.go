package testbinlog_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testbinlog"
)

func read(t *testing.T, data []byte) ([]*binlog.Event, error) {
	t.Helper()
	r := binlog.NewReader(bytes.NewReader(data), &binlog.ReaderOptions{Name: "test.000001"})
	var evs []*binlog.Event
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			return evs, nil
		}
		if err != nil {
			return evs, err
		}
		evs = append(evs, ev)
	}
}

// TestDecodes checks that package binlog reads what the builder writes.
func TestDecodes(t *testing.T) {
	sid := [16]byte{1, 2, 3, 4}
	for _, flavor := range []testbinlog.Flavor{testbinlog.MariaDB, testbinlog.MySQL} {
		b := testbinlog.New(flavor)
		if flavor == testbinlog.MariaDB {
			b.MariaGTID(0, 7, false)
		} else {
			b.TaggedGTID(sid, "tag_1", 7).Query("app", "BEGIN")
		}
		b.TableMap(5, "app", "t").WriteRows(5, testbinlog.Row{ID: 1, V: "héllo"}, testbinlog.Row{ID: -2, V: ""}).XID(9)
		inner := append(testbinlog.PayloadEvent(testbinlog.QueryEvent, testbinlog.QueryBody("app", "BEGIN")),
			testbinlog.PayloadEvent(testbinlog.XIDEvent, []byte{1, 0, 0, 0, 0, 0, 0, 0})...)
		if flavor == testbinlog.MySQL {
			b.MySQLGTID(sid, 8).TransactionPayload(inner, true, uint64(len(inner)))
		}
		evs, err := read(t, b.Bytes())
		if err != nil {
			t.Fatalf("flavor %d: %v", flavor, err)
		}
		var rows *binlog.Rows
		var gtid *binlog.GTID
		for _, ev := range evs {
			switch p := ev.Payload.(type) {
			case *binlog.Rows:
				rows = p
			case *binlog.GTID:
				if gtid == nil {
					gtid = p
				}
			}
		}
		if rows == nil || len(rows.Rows) != 2 || rows.Table.Columns[1].Name != "v" ||
			rows.Rows[0].After[1].Text() != "héllo" || rows.Rows[1].After[0].Int() != -2 {
			t.Fatalf("flavor %d: rows %+v", flavor, rows)
		}
		if gtid == nil || (flavor == testbinlog.MySQL && (gtid.Tag != "tag_1" || gtid.GNO != 7 || gtid.SID != sid)) ||
			(flavor == testbinlog.MariaDB && gtid.Sequence != 7) {
			t.Fatalf("flavor %d: gtid %+v", flavor, gtid)
		}
		if flavor == testbinlog.MySQL && evs[len(evs)-1].PayloadIndex != 2 {
			t.Fatalf("transaction payload not expanded: last event %+v", evs[len(evs)-1])
		}
	}
}
