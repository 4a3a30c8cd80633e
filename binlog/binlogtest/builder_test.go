package binlogtest_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/binlogtest"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

func TestErrors(t *testing.T) {
	orders := func(opts *binlogtest.Options) *binlogtest.Builder {
		b := binlogtest.New(opts)
		must(t, b.CreateTable("shop", "orders", binlogtest.Int("id").PrimaryKey(), binlogtest.TinyInt("n").Unsigned(), binlogtest.JSON("doc")))
		return b
	}
	diff := binlog.JSONDiffValue([]binlog.JSONDiff{{Op: binlog.JSONReplace, Path: "$.a", Value: []byte("1")}})
	for _, tc := range []struct {
		name string
		opts *binlogtest.Options
		call func(b *binlogtest.Builder) error
		want error
	}{
		{"unknown table", nil, func(b *binlogtest.Builder) error { return b.Insert("nope", binlogtest.Row{1}) }, binlogtest.ErrUnknownTable},
		{"short row", nil, func(b *binlogtest.Builder) error { return b.Insert("orders", binlogtest.Row{1}) }, binlogtest.ErrRow},
		{"too big", nil, func(b *binlogtest.Builder) error { return b.Insert("orders", binlogtest.Row{1, 256, nil}) }, binlogtest.ErrValue},
		{"negative unsigned", nil, func(b *binlogtest.Builder) error { return b.Insert("orders", binlogtest.Row{1, -1, nil}) }, binlogtest.ErrValue},
		{"NULL key", nil, func(b *binlogtest.Builder) error { return b.Insert("orders", binlogtest.Row{nil, 1, nil}) }, binlogtest.ErrValue},
		{"wrong Go type", nil, func(b *binlogtest.Builder) error { return b.Insert("orders", binlogtest.Row{1.5, 1, nil}) }, binlogtest.ErrValue},
		{"bad JSON", &binlogtest.Options{Flavor: binlogtest.MySQL80}, func(b *binlogtest.Builder) error {
			return b.Insert("orders", binlogtest.Row{1, 1, "{"})
		}, binlog.ErrEncode},
		{"commit without begin", nil, func(b *binlogtest.Builder) error { return b.Commit() }, binlogtest.ErrState},
		{"rotate in transaction", nil, func(b *binlogtest.Builder) error { b.Begin(); return b.Rotate() }, binlogtest.ErrState},
		{"open transaction", nil, func(b *binlogtest.Builder) error {
			b.Begin()
			b.Insert("orders", binlogtest.Row{1, 1, nil})
			_, err := b.Bytes()
			return err
		}, binlogtest.ErrState},
		{"tagged GTID on 8.0", &binlogtest.Options{Flavor: binlogtest.MySQL80}, func(b *binlogtest.Builder) error {
			return b.GTID("3e11fa47-71ca-11e1-9e33-c80aa9429562:tag:1")
		}, binlogtest.ErrFlavor},
		{"MySQL GTID on MariaDB", nil, func(b *binlogtest.Builder) error {
			return b.GTID("3e11fa47-71ca-11e1-9e33-c80aa9429562:1")
		}, binlogtest.ErrFlavor},
		{"partial JSON on MariaDB", nil, func(b *binlogtest.Builder) error {
			return b.Update("orders", binlogtest.Change{Before: binlogtest.Row{1, 1, "{}"}, After: binlogtest.Row{1, 1, diff}})
		}, binlogtest.ErrFlavor},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := orders(tc.opts)
			err := tc.call(b)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			var be *binlogtest.Error
			if !errors.As(err, &be) {
				t.Errorf("%v is not a *binlogtest.Error", err)
			}
			if _, err := b.Bytes(); err == nil {
				t.Errorf("Bytes after a failed call: no error")
			}
		})
	}
	if err := binlogtest.New(&binlogtest.Options{Compress: true}).Err(); !errors.Is(err, binlogtest.ErrFlavor) {
		t.Errorf("compression on MariaDB: %v, want ErrFlavor", err)
	}
	if err := binlogtest.New(&binlogtest.Options{Flavor: binlogtest.MySQL9, ServerVersion: "10.6.1-MariaDB"}).Err(); !errors.Is(err, binlogtest.ErrOptions) {
		t.Errorf("MariaDB version for MySQL: %v, want ErrOptions", err)
	}
	b := binlogtest.New(nil)
	if err := b.CreateTable("db", "t", binlogtest.Varchar("v", 10).Charset("klingon")); !errors.Is(err, binlogtest.ErrOptions) {
		t.Errorf("unknown charset: %v, want ErrOptions", err)
	}
}

// TestWriteDir checks the files and index of a rotated log, read back as
// a chain, and a MariaDB file read by mariadb-binlog.
func TestWriteDir(t *testing.T) {
	for _, fl := range []binlogtest.Flavor{binlogtest.MariaDB, binlogtest.MySQL80} {
		b := binlogtest.New(&binlogtest.Options{Flavor: fl, BaseName: "mysql-bin"})
		must(t, b.CreateTable("db", "t", binlogtest.Int("id")))
		must(t, b.Insert("t", binlogtest.Row{1}))
		must(t, b.Rotate())
		must(t, b.Insert("t", binlogtest.Row{2}))
		must(t, b.Rotate())
		must(t, b.Heartbeat())
		dir := t.TempDir()
		index, err := b.WriteDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Base(index) != "mysql-bin.index" {
			t.Errorf("index %s", index)
		}
		c, err := binlog.OpenIndex(index, nil)
		if err != nil {
			t.Fatal(err)
		}
		var rows, rotates, heartbeats int
		var gtids []string
		for ev, err := range c.All() {
			if err != nil {
				t.Fatal(err)
			}
			switch p := ev.Payload.(type) {
			case *binlog.Rows:
				rows += len(p.Rows)
			case *binlog.Rotate:
				rotates++
			case *binlog.Heartbeat:
				heartbeats++
			case *binlog.GTID:
				gtids = append(gtids, p.String())
			case *binlog.PreviousGTIDs:
				gtids = append(gtids, "prev "+p.String())
			case *binlog.GTIDList:
				gtids = append(gtids, "list "+p.String())
			}
		}
		c.Close()
		if len(c.Paths()) != 3 || rows != 2 || rotates != 2 || heartbeats != 1 {
			t.Errorf("%v: %d files, %d rows, %d rotates, %d heartbeats", fl, len(c.Paths()), rows, rotates, heartbeats)
		}
		t.Logf("%v: %q", fl, gtids)
		if fl == binlogtest.MariaDB {
			testserver.MariaDBBinlog(t, "--verify-binlog-checksum", filepath.Join(dir, "mysql-bin.000001"), filepath.Join(dir, "mysql-bin.000002"))
		}
	}
}

// TestStartPosition checks a file that continues a stream: no magic,
// positions from the start position.
func TestStartPosition(t *testing.T) {
	b := binlogtest.New(&binlogtest.Options{StartPosition: 1000})
	must(t, b.CreateTable("db", "t", binlogtest.Int("id")))
	data, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	evs, err := readAll(data, &binlog.ReaderOptions{NoMagic: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := evs[len(evs)-1].Header.LogPos; int(got) != 1000+len(data) {
		t.Errorf("last event's log position %d, want %d", got, 1000+len(data))
	}
}
