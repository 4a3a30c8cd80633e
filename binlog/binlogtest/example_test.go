package binlogtest_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/binlogtest"
)

// countRows is the CDC handler under test: it counts the rows inserted,
// updated and deleted per table.
func countRows(src io.Reader) (map[string][3]int, error) {
	counts := map[string][3]int{}
	r := binlog.NewReader(src, nil)
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			return counts, nil
		}
		if err != nil {
			return counts, err
		}
		if rows, ok := ev.Payload.(*binlog.Rows); ok {
			name := rows.Table.Schema + "." + rows.Table.Table
			c := counts[name]
			c[rows.Kind-binlog.Insert] += len(rows.Rows)
			counts[name] = c
		}
	}
}

// The handler is fed a binlog made for the test, and its output is
// compared with the expected output: here the Output comment; in a Test
// function, a golden file under testdata with binlogtest.Golden and an
// -update flag. Faults check the handler's error handling.
func Example() {
	b := binlogtest.New(&binlogtest.Options{Flavor: binlogtest.MySQL84, Compress: true})
	b.CreateTable("shop", "orders",
		binlogtest.Int("id").PrimaryKey(),
		binlogtest.Varchar("item", 40),
		binlogtest.Decimal("price", 10, 2))
	b.CreateTable("shop", "audit", binlogtest.JSON("doc"))
	b.Insert("orders", binlogtest.Row{1, "apple", "1.20"}, binlogtest.Row{2, "pear", 2.5})
	b.Begin()
	b.Update("orders", binlogtest.Change{
		Before: binlogtest.Row{1, "apple", "1.20"},
		After:  binlogtest.Row{1, "apple", "1.25"},
	})
	b.Delete("orders", binlogtest.Row{2, "pear", "2.50"})
	b.Insert("audit", binlogtest.Row{`{"user": "ann", "op": "reprice"}`})
	b.Commit()
	data, err := b.Bytes()
	if err != nil {
		fmt.Println(err)
		return
	}

	counts, err := countRows(bytes.NewReader(data))
	if err != nil {
		fmt.Println(err)
		return
	}
	var names []string
	for name := range counts {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		c := counts[name]
		fmt.Printf("%s: %d inserted, %d updated, %d deleted\n", name, c[0], c[1], c[2])
	}

	// The same file with the last event's checksum broken.
	b.FlipChecksum(-1)
	broken, _ := b.Bytes()
	_, err = countRows(bytes.NewReader(broken))
	fmt.Println(errors.Is(err, binlog.ErrChecksum))
	// Output:
	// shop.audit: 1 inserted, 0 updated, 0 deleted
	// shop.orders: 2 inserted, 1 updated, 1 deleted
	// true
}
