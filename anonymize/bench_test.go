package anonymize

import (
	"fmt"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
)

// benchRows returns an insert of n rows of a users table with personal
// data in most columns, and its size in value bytes.
func benchRows(n int) (*binlog.Rows, int64) {
	tm := &binlog.TableMap{Schema: "shop", Table: "users", Columns: []binlog.Column{
		{Name: "id", Type: binlog.TypeLongLong},
		varchar("name", 64, collUTF8MB4, 4),
		varchar("mobile", 20, collUTF8MB4, 4),
		varchar("email", 100, collUTF8MB4, 4),
		{Name: "note", Type: binlog.TypeBlob, Meta: 2, Collation: collUTF8MB4, Nullable: true},
		{Name: "created", Type: binlog.TypeDateTime2},
	}}
	rows := &binlog.Rows{Kind: binlog.Insert, Table: tm}
	var size int64
	for i := 0; i < n; i++ {
		vals := []binlog.Value{
			binlog.IntValue(int64(i)),
			str(fmt.Sprintf("User Name %d", i), collUTF8MB4),
			str(fmt.Sprintf("138%08d", i), collUTF8MB4),
			str(fmt.Sprintf("user%d@example.com", i), collUTF8MB4),
			str(fmt.Sprintf("Customer asked to call back at 139%08d about order %d; no other remarks here.", i, i), collUTF8MB4),
			binlog.DateTimeValue(binlog.DateTime{Year: 2024, Month: 1, Day: 2}, 0),
		}
		for _, v := range vals {
			size += int64(len(v.Bytes())) + 4
		}
		rows.Rows = append(rows.Rows, binlog.Row{After: vals})
	}
	return rows, size
}

func BenchmarkRows(b *testing.B) {
	for _, c := range []struct {
		name  string
		rules *Rules
	}{
		{"default", DefaultRules()},
		{"pseudonym", mustRules(b, Rule{Hints: []string{"email", "mobile"}, Strategy: Pseudonym}, Rule{Detect: []Detector{MobileCN, Email}, Strategy: Fake})},
	} {
		b.Run(c.name, func(b *testing.B) {
			m := mustNew(b, c.rules, &Options{Key: testKey})
			rows, size := benchRows(100)
			b.SetBytes(size)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.Rows(rows); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
