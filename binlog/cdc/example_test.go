package cdc_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/cdc"
)

// countSink is a Sink that counts transactions and records.
type countSink struct{ txs, records int }

func (s *countSink) Write(_ context.Context, b *cdc.Batch) error {
	if len(b.Records) > 0 {
		s.txs++
	}
	s.records += len(b.Records)
	return nil
}

// Example writes the deletions from the table dml.accounts of a binlog
// file as JSON lines, then counts every change of the file with a sink of
// its own.
func Example() {
	var out bytes.Buffer
	err := cdc.Run(context.Background(), cdc.NewJSONLines(&out, nil), &cdc.Options{
		Files: []string{"../testdata/dml.full.binlog"},
		Filter: binlog.FilterOptions{
			IncludeTables: []string{"dml.accounts"},
			Kinds:         binlog.StmtDelete,
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	line, _, _ := bytes.Cut(out.Bytes(), []byte("\n"))
	fmt.Printf("%d deletions, the first:\n%s\n", bytes.Count(out.Bytes(), []byte("\n")), line)

	var count countSink
	if err := cdc.Run(context.Background(), &count, &cdc.Options{Files: []string{"../testdata/dml.full.binlog"}}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	fmt.Printf("%d transactions, %d records\n", count.txs, count.records)
	// Output:
	// 4 deletions, the first:
	// {"op":"delete","database":"dml","table":"accounts","pk":{"id":4},"before":{"id":4,"name":"dave","balance":"-10.25","updated":"2023-11-14 22:13:20.000000"},"after":null,"commit_time":"2023-11-14T22:13:30Z","source":{"file":"dml.full.binlog","pos":2001,"gtid":"0-1-6","server_id":1},"transaction":{"id":"0-1-6","index":0}}
	// 29 transactions, 1048 records
}
