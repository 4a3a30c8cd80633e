package binlog_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"strings"

	"github.com/binlogkit/binlogkit/binlog"
)

// tinyBinlog is a complete 304-byte binlog, as a MySQL 8.0 server with
// binlog_checksum=CRC32 writes it: the magic number, a format description,
// one transaction (BEGIN, a statement, the XID commit) and a STOP event.
var tinyBinlog, _ = hex.DecodeString("" +
	"fe62696e00f153650f010000007a0000007e00000000000400382e302e333200" +
	"0000000000000000000000000000000000000000000000000000000000000000" +
	"000000000000000000000000f1536513000d0008000000000000000000006200" +
	"000000000000000000000000000000000000000000000000000182c8ccfb00f1" +
	"536502010000002e000000ac0000000000070000000000000004000000007368" +
	"6f7000424547494ed04157cc00f1536502010000004e000000fa000000000007" +
	"00000000000000040000000073686f7000494e5345525420494e544f206f7264" +
	"6572732056414c5545532028312c2027626f6f6b27294d3870eb00f153651001" +
	"0000001f0000001901000000002a00000000000000713b431b00f15365030100" +
	"00001700000030010000000058c5d678")

// Read every event of a binlog, with its position and decoded payload.
func Example() {
	r := binlog.NewReader(bytes.NewReader(tinyBinlog), &binlog.ReaderOptions{Name: "binlog.000001"})
	for {
		ev, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s %d-%d %v", ev.File, ev.Offset, ev.NextPos, ev.Type())
		switch p := ev.Payload.(type) {
		case *binlog.FormatDescription:
			fmt.Printf(" server %s", p.ServerVersion)
		case *binlog.Query:
			fmt.Printf(" %s: %s", p.Schema, p.Query)
		case *binlog.XID:
			fmt.Printf(" commit %d", p.XID)
		}
		fmt.Println()
	}
	// Output:
	// binlog.000001 4-126 Format_desc server 8.0.32
	// binlog.000001 126-172 Query shop: BEGIN
	// binlog.000001 172-250 Query shop: INSERT INTO orders VALUES (1, 'book')
	// binlog.000001 250-281 Xid commit 42
	// binlog.000001 281-304 Stop
}

// All ranges over the events; a failure arrives as the last pair. Here the
// binlog is cut in the middle of its fourth event, as when a server is
// still writing it: the error says where to read again from.
func ExampleReader_All() {
	cut := tinyBinlog[:260]
	r := binlog.NewReader(bytes.NewReader(cut), &binlog.ReaderOptions{Name: "binlog.000001"})
	for ev, err := range r.All() {
		if errors.Is(err, binlog.ErrTruncated) {
			var ee *binlog.EventError
			errors.As(err, &ee)
			fmt.Println("incomplete event at offset", ee.Offset)
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ev.Offset, ev.Type())
	}
	// Output:
	// 4 Format_desc
	// 126 Query
	// 172 Query
	// incomplete event at offset 250
}

// Open reads plain and compressed files alike: the compression is
// recognized by the first bytes of the file. Event.File is the name of the
// binlog without the compression extension.
func ExampleOpen() {
	f, err := binlog.Open("/var/lib/mysql/binlog.000042.zst", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	for ev, err := range f.All() {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ev.File, ev.Offset, ev.Type()) // binlog.000042 ...
	}
}

// OpenIndex reads every binlog a server lists in its index file, in order,
// opening each file when the previous one ends.
func ExampleOpenIndex() {
	c, err := binlog.OpenIndex("/var/lib/mysql/binlog.index", &binlog.ReaderOptions{SkipRowValues: true})
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	for ev, err := range c.All() {
		if err != nil {
			log.Fatal(err)
		}
		if ev.Type() == binlog.RotateEvent {
			fmt.Println("rotate at", ev.File, ev.Offset)
		}
	}
}

// Decoded rows carry typed values; with binlog_row_metadata=FULL the table
// map also gives the column names.
func ExampleRows() {
	r, err := binlog.Open("testdata/sample.full.binlog", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	for ev, err := range r.All() {
		if err != nil {
			log.Fatal(err)
		}
		rows, ok := ev.Payload.(*binlog.Rows)
		if !ok || rows.Table.Table != "customers" {
			continue
		}
		for _, row := range rows.Rows {
			var cols []string
			for i, v := range row.After {
				cols = append(cols, fmt.Sprintf("%s=%v (%v)", rows.Table.Columns[i].Name, v, v.Kind()))
			}
			fmt.Println(strings.Join(cols, " "))
		}
		break
	}
	// Output:
	// id=1 (int) email='ana@example.com' (string) name='Ana Souza' (string) created_at='2024-06-01 00:00:00' (datetime)
	// id=2 (int) email='li@example.com' (string) name='Li Wei 李伟' (string) created_at='2024-06-01 00:00:00' (datetime)
	// id=3 (int) email='otto@example.com' (string) name='Otto Müller' (string) created_at='2024-06-01 00:00:00' (datetime)
}
