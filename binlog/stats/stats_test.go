package stats_test

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/stats"
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/binlogkit/binlogkit/internal/workload"
	"github.com/google/go-cmp/cmp"
)

// bruteForce is what a direct count over the events gives.
type bruteForce struct {
	events, bytes int64
	rows          map[string]int64 // "db.table kind" -> rows
	biggest       int64            // bytes of the biggest transaction (TxReader)
	biggestAt     binlog.Position
	txs           int64
	dropped       int
}

// count reads src's events; it stops at the first error, which it returns.
func count(src binlog.Source) (*bruteForce, error) {
	b := &bruteForce{rows: map[string]int64{}}
	for {
		ev, err := src.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return b, nil
			}
			return b, err
		}
		if _, ok := ev.Payload.(*binlog.Heartbeat); ok {
			continue
		}
		b.events++
		if ev.PayloadIndex == 0 {
			b.bytes += int64(ev.Header.EventSize)
		}
		if r, ok := ev.Payload.(*binlog.Rows); ok {
			b.rows[r.Table.Schema+"."+r.Table.Table+" "+strings.ToLower(r.Kind.String())] += int64(len(r.Rows))
		}
	}
}

// biggestTx finds the biggest transaction with binlog.TxReader.
func biggestTx(b *bruteForce, src binlog.Source) error {
	tr := binlog.NewTxReader(src, &binlog.TxOptions{IncludeRolledBack: true})
	for tx, err := range tr.All() {
		if err != nil {
			return err
		}
		b.txs++
		if tx.Size > b.biggest {
			b.biggest, b.biggestAt = tx.Size, tx.Begin
		}
	}
	b.dropped = tr.Dropped()
	return nil
}

func rowsPerTable(s *stats.Stats) map[string]int64 {
	m := map[string]int64{}
	for _, t := range s.Tables {
		switch t.Kind {
		case stats.KindInsert, stats.KindUpdate, stats.KindDelete:
			m[t.Database+"."+t.Table+" "+t.Kind] += t.Rows
		}
	}
	return m
}

// check compares the statistics of paths with a direct count over them,
// and their transactions with binlog.TxReader's.
func check(t *testing.T, paths []string, skipValues bool) *stats.Stats {
	t.Helper()
	open := func(skip bool) *binlog.ChainReader {
		cr, err := binlog.OpenChain(paths, &binlog.ReaderOptions{SkipRowValues: skip})
		if err != nil {
			t.Skip(err)
		}
		t.Cleanup(func() { cr.Close() })
		return cr
	}
	want, werr := count(open(false))
	s, err := stats.Collect(open(skipValues), nil)
	if (werr == nil) != (err == nil) {
		t.Fatalf("Collect error %v, direct read error %v", err, werr)
	}
	if err != nil {
		var se *stats.Error
		if !errors.As(err, &se) {
			t.Fatalf("Collect error %T %v, want a *stats.Error", err, err)
		}
	}
	if s.Events != want.events || s.Bytes != want.bytes {
		t.Errorf("events, bytes = %d, %d; direct count %d, %d", s.Events, s.Bytes, want.events, want.bytes)
	}
	if d := cmp.Diff(want.rows, rowsPerTable(s)); d != "" {
		t.Errorf("rows per table mismatch (-want +got):\n%s", d)
	}
	var sum int64
	for _, b := range s.Buckets {
		sum += b.Events
	}
	if sum > s.Events {
		t.Errorf("buckets hold %d events, more than %d", sum, s.Events)
	}
	if len(s.Buckets) > 120 {
		t.Errorf("%d buckets, more than the default 120", len(s.Buckets))
	}
	if werr == nil {
		if terr := biggestTx(want, open(false)); terr == nil && want.txs > 0 {
			if len(s.Biggest) == 0 {
				t.Fatalf("no biggest transaction; TxReader found %d bytes at %s", want.biggest, want.biggestAt)
			}
			if s.Transactions != want.txs {
				t.Errorf("%d transactions; TxReader: %d", s.Transactions, want.txs)
			}
			if s.Biggest[0].Bytes != want.biggest {
				t.Errorf("biggest transaction %d bytes at %s; TxReader: %d bytes at %s",
					s.Biggest[0].Bytes, s.Biggest[0].Begin, want.biggest, want.biggestAt)
			}
		}
	}
	return s
}

func TestWorkload(t *testing.T) {
	srv := testserver.Start(t, nil)
	run := workload.Record(t, srv, 14, &workload.Options{Transactions: 300})
	for _, skip := range []bool{false, true} {
		s := check(t, run.Paths, skip)
		if s.Rows == 0 || s.Transactions == 0 {
			t.Errorf("rows %d, transactions %d: the workload has more", s.Rows, s.Transactions)
		}
		if len(s.DDL) != 0 {
			// The workload's tables are created before the binlog is recorded.
			t.Logf("DDL: %d statements", len(s.DDL))
		}
	}
}

func TestDDLAndBuckets(t *testing.T) {
	srv := testserver.Start(t, nil)
	paths, err := srv.Record(func() error {
		return srv.Exec(
			"CREATE DATABASE d",
			"CREATE TABLE d.t (id INT PRIMARY KEY, v VARCHAR(10))",
			"SET TIMESTAMP = 1700000000",
			"INSERT INTO d.t VALUES (1, 'a'), (2, 'b')",
			"SET TIMESTAMP = 1700003600",
			"UPDATE d.t SET v = 'c'",
			"SET TIMESTAMP = 1700007200",
			"DELETE FROM d.t WHERE id = 1",
			"BEGIN", "INSERT INTO d.t VALUES (3, 'x')", "ROLLBACK",
			"ALTER TABLE d.t ADD COLUMN w INT",
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	s := check(t, paths, false)
	if len(s.DDL) != 3 {
		t.Fatalf("DDL = %+v, want 3 statements", s.DDL)
	}
	if !strings.HasPrefix(s.DDL[2].Statement, "ALTER TABLE") || s.DDL[2].GTID == "" {
		t.Errorf("last DDL %+v", s.DDL[2])
	}
	for i, want := range [][2]string{{"d", ""}, {"d", "t"}, {"d", "t"}} {
		if got := [2]string{s.DDL[i].Database, s.DDL[i].Table}; got != want {
			t.Errorf("DDL %d (%s) on %q, want %q", i, s.DDL[i].Statement, got, want)
		}
	}
	if s.Inserts != 2 || s.Updates != 2 || s.Deletes != 1 {
		t.Errorf("inserts, updates, deletes = %d, %d, %d; want 2, 2, 1", s.Inserts, s.Updates, s.Deletes)
	}
	if len(s.Buckets) > 120 || s.BucketWidth < 60e9 {
		t.Errorf("%d buckets of %s for a span of %s", len(s.Buckets), s.BucketWidth, s.Last.Sub(s.First))
	}
	var rows int64
	for _, b := range s.Buckets {
		rows += b.Rows
	}
	if rows != s.Rows {
		t.Errorf("buckets hold %d rows, want %d", rows, s.Rows)
	}
	var buf strings.Builder
	if err := s.WriteText(&buf); err != nil || !strings.Contains(buf.String(), "ALTER TABLE") {
		t.Errorf("WriteText: %v\n%s", err, buf.String())
	}
}

func TestOptions(t *testing.T) {
	if _, err := stats.NewCollector(&stats.Options{TopN: -1}); !errors.Is(err, stats.ErrBadOptions) {
		t.Errorf("TopN -1: %v, want ErrBadOptions", err)
	}
	if _, err := stats.NewCollector(&stats.Options{MaxBuckets: 1}); !errors.Is(err, stats.ErrBadOptions) {
		t.Errorf("MaxBuckets 1: %v, want ErrBadOptions", err)
	}
}

// TestSharedBinlogs compares with a direct count on the samples of
// ../shared/binlogs, when present.
func TestSharedBinlogs(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "binlogs")
	f, err := os.Open(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		t.Skipf("no ../shared/binlogs: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	n := 0
	for sc.Scan() {
		path := filepath.Join(dir, strings.SplitN(sc.Text(), "\t", 2)[0])
		if _, err := os.Stat(path); err != nil {
			continue
		}
		n++
		t.Run(strings.ReplaceAll(path[len(dir)+1:], "/", "_"), func(t *testing.T) {
			check(t, []string{path}, false)
		})
	}
	t.Logf("%d samples", n)
}

// TestStatements: statements count under the table they name, by kind,
// and an INTVAR opens the group of the autocommitted statement after it.
func TestStatements(t *testing.T) {
	var evs []*binlog.Event
	off := int64(4)
	add := func(p binlog.Payload) {
		evs = append(evs, &binlog.Event{
			Header: binlog.Header{Timestamp: 1700000000, EventSize: 10, LogPos: uint32(off + 10)},
			File:   "b.000001", Offset: off, NextPos: off + 10, Payload: p,
		})
		off += 10
	}
	q := func(s string) *binlog.Query { return &binlog.Query{Query: s, Schema: "d"} }
	add(&binlog.IntVar{Type: 2, Value: 1})
	add(q("INSERT INTO o.t VALUES (NULL)"))
	add(q("UPDATE t SET a = 1"))
	add(q("DELETE FROM t"))
	add(q("CREATE TABLE x.y (a INT)"))
	add(q("CREATE DATABASE n"))
	add(q("GRANT ALL ON *.* TO u"))
	add(q("BEGIN"))
	add(q("REPLACE INTO t VALUES (1)"))
	add(q("COMMIT"))
	var txs []stats.Tx
	c, err := stats.NewCollector(&stats.Options{OnTx: func(tx *stats.Tx) { txs = append(txs, *tx) }})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		c.Add(ev)
	}
	s := c.Stats()
	type entry struct{ db, table, kind string }
	got := map[entry]int64{}
	for _, tb := range s.Tables {
		got[entry{tb.Database, tb.Table, tb.Kind}] += tb.Events
	}
	want := map[entry]int64{
		{"o", "t", stats.KindInsertStatement}: 1,
		{"d", "t", stats.KindUpdateStatement}: 1,
		{"d", "t", stats.KindDeleteStatement}: 1,
		{"x", "y", stats.KindDDL}:             1,
		{"n", "", stats.KindDDL}:              1,
		{"d", "", stats.KindStatement}:        1, // GRANT; BEGIN and COMMIT are not counted per table
		{"d", "t", stats.KindInsertStatement}: 1,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("tables mismatch (-want +got):\n%s", d)
	}
	if s.Transactions != 7 || len(txs) != 7 {
		t.Fatalf("%d transactions (%d reported), want 7", s.Transactions, len(txs))
	}
	if first := txs[0]; first.Begin.Offset != 4 || first.Events != 2 || first.Bytes != 20 ||
		!cmp.Equal(first.Tables, []string{"o.t"}) {
		t.Errorf("first group %+v, want the INTVAR and the INSERT on o.t", first)
	}
	if len(s.DDL) != 2 || s.DDL[0].Database != "x" || s.DDL[0].Table != "y" || s.DDL[1].Database != "n" {
		t.Errorf("DDL = %+v", s.DDL)
	}
}
