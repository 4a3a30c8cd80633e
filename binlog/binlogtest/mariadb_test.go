package binlogtest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/binlog/binlogtest"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// cases returns the type cases of the flavor.
func cases(f binlogtest.Flavor) []typeCase {
	mysql := f.MySQL()
	var out []typeCase
	for _, c := range typeCases {
		if c.mysql && !mysql || c.mariadb && mysql || c.mysql9 && f != binlogtest.MySQL9 {
			continue
		}
		out = append(out, c)
	}
	return out
}

// allTypes writes the all-types table into b and one row of the values.
func allTypes(t *testing.T, b *binlogtest.Builder, cs []typeCase) {
	t.Helper()
	var defs []binlogtest.Def
	var row binlogtest.Row
	for _, c := range cs {
		defs = append(defs, c.col)
		row = append(row, c.given)
	}
	if err := b.CreateTable("bt", "types", defs...); err != nil {
		t.Fatal(err)
	}
	if err := b.Insert("bt.types", row); err != nil {
		t.Fatal(err)
	}
}

// TestMariaDBApply checks that what the builder writes for MariaDB is read
// by mariadb-binlog and, piped into a real server, makes the tables and
// rows given: every column type, transactions, DDL, a rotation.
func TestMariaDBApply(t *testing.T) {
	for _, minimal := range []bool{false, true} {
		for _, noCRC := range []bool{false, true} {
			t.Run(fmt.Sprintf("minimal=%v,nocrc=%v", minimal, noCRC), func(t *testing.T) {
				srv := testserver.Start(t, nil)
				b := binlogtest.New(&binlogtest.Options{MinimalMetadata: minimal, NoChecksum: noCRC})
				cs := cases(binlogtest.MariaDB)
				allTypes(t, b, cs)
				must(t, b.CreateTable("bt", "orders", binlogtest.Int("id").PrimaryKey(), binlogtest.Varchar("item", 20), binlogtest.Decimal("price", 8, 2)))
				must(t, b.CreateTable("bt", "log", binlogtest.BigInt("n").Unsigned(), binlogtest.Text("msg"), binlogtest.Engine("MyISAM")))
				must(t, b.Begin())
				must(t, b.Insert("orders", binlogtest.Row{1, "apple", "1.20"}, binlogtest.Row{2, "pear", "2.00"}, binlogtest.Row{3, "fig", "0.50"}))
				must(t, b.Update("orders", binlogtest.Change{Before: binlogtest.Row{1, "apple", "1.20"}, After: binlogtest.Row{1, "apple", "1.25"}}))
				must(t, b.Delete("orders", binlogtest.Row{3, "fig", "0.50"}))
				must(t, b.Commit())
				must(t, b.Rotate())
				must(t, b.GTID("0-7-100"))
				must(t, b.Begin())
				must(t, b.Insert("log", binlogtest.Row{uint64(1) << 63, "non-transactional"}))
				must(t, b.Insert("orders", binlogtest.Row{4, "kiwi", 3}))
				must(t, b.Commit())
				must(t, b.Begin())
				must(t, b.Insert("log", binlogtest.Row{2, "kept by MyISAM"}))
				must(t, b.Rollback())
				must(t, b.Query("ALTER TABLE `bt`.`orders` ADD COLUMN `note` INT NULL"))
				paths := writeFiles(t, b)
				if len(paths) != 2 {
					t.Fatalf("%d files, want 2", len(paths))
				}
				apply(t, srv, paths...)

				var exprs []string
				for _, c := range cs {
					e := c.expr
					if e == "" {
						e = "`" + c.col.Name() + "`"
					}
					exprs = append(exprs, e)
				}
				rows, err := srv.Query("SELECT " + strings.Join(exprs, ", ") + " FROM bt.types")
				if err != nil {
					t.Fatal(err)
				}
				if len(rows) != 1 {
					t.Fatalf("%d rows in bt.types, want 1", len(rows))
				}
				for i, c := range cs {
					got := "NULL"
					if rows[0][i] != nil {
						got = string(rows[0][i])
					}
					if got != c.want {
						t.Errorf("column %s: server has %q, want %q", c.col.Name(), got, c.want)
					}
				}
				checkQuery(t, srv, "SELECT id, item, price, note FROM bt.orders ORDER BY id",
					"1 apple 1.25 NULL|2 pear 2.00 NULL|4 kiwi 3.00 NULL")
				checkQuery(t, srv, "SELECT n, msg FROM bt.log ORDER BY n", "2 kept by MyISAM|9223372036854775808 non-transactional")
				checkQuery(t, srv, "SELECT @@gtid_binlog_pos", "0-1-102")
			})
		}
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// checkQuery checks the rows of q, values joined by blanks and rows by |.
func checkQuery(t testing.TB, srv *testserver.Server, q, want string) {
	t.Helper()
	rows, err := srv.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var rs []string
	for _, r := range rows {
		var vs []string
		for _, v := range r {
			if v == nil {
				vs = append(vs, "NULL")
			} else {
				vs = append(vs, string(v))
			}
		}
		rs = append(rs, strings.Join(vs, " "))
	}
	if got := strings.Join(rs, "|"); got != want {
		t.Errorf("%s:\n got %q\nwant %q", q, got, want)
	}
}
