package binlog_test

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/google/go-cmp/cmp"
)

// sliceSource yields events from a slice.
type sliceSource struct {
	evs []*binlog.Event
	i   int
}

func (s *sliceSource) Next() (*binlog.Event, error) {
	if s.i >= len(s.evs) {
		return nil, io.EOF
	}
	s.i++
	return s.evs[s.i-1], nil
}

// logBuilder builds a synthetic event sequence with increasing offsets.
type logBuilder struct {
	file   string
	off    int64
	ts     uint32
	server uint32
	evs    []*binlog.Event
	maps   map[string]*binlog.TableMap
}

func newLog() *logBuilder {
	b := &logBuilder{file: "bin.000001", off: 4, ts: 1700000000, server: 1, maps: map[string]*binlog.TableMap{}}
	b.add(binlog.FormatDescriptionEvent, &binlog.FormatDescription{BinlogVersion: 4, ServerVersion: "10.11.6-MariaDB"})
	return b
}

func (b *logBuilder) add(t binlog.EventType, p binlog.Payload) *logBuilder {
	ev := &binlog.Event{
		Header: binlog.Header{Timestamp: b.ts, Type: t, ServerID: b.server, EventSize: 100},
		File:   b.file, Offset: b.off, NextPos: b.off + 100, Payload: p,
	}
	ev.Header.LogPos = uint32(ev.NextPos)
	b.off += 100
	b.evs = append(b.evs, ev)
	return b
}

func (b *logBuilder) at(ts uint32) *logBuilder { b.ts = ts; return b }

func (b *logBuilder) rotate(next string) *logBuilder {
	b.add(binlog.RotateEvent, &binlog.Rotate{Position: 4, NextFile: next})
	b.file, b.off = next, 4
	return b.add(binlog.FormatDescriptionEvent, &binlog.FormatDescription{BinlogVersion: 4, ServerVersion: "10.11.6-MariaDB"})
}

func (b *logBuilder) gtid(seq uint64, standalone bool) *logBuilder {
	g := &binlog.GTID{MariaDB: true, Domain: 0, ServerID: b.server, Sequence: seq}
	if standalone {
		g.Flags = 1
	}
	return b.add(binlog.MariaGTIDEvent, g)
}

func (b *logBuilder) query(db, sql string) *logBuilder {
	return b.add(binlog.QueryEvent, &binlog.Query{Schema: db, Query: sql})
}

func (b *logBuilder) xid() *logBuilder {
	return b.add(binlog.XIDEvent, &binlog.XID{XID: uint64(b.off)})
}

// rows adds a TABLE_MAP for db.table and one rows event.
func (b *logBuilder) rows(kind binlog.RowsKind, table string) *logBuilder {
	db, t, _ := strings.Cut(table, ".")
	tm := b.maps[table]
	if tm == nil {
		tm = &binlog.TableMap{TableID: uint64(len(b.maps) + 100), Schema: db, Table: t}
		b.maps[table] = tm
	}
	b.add(binlog.RowsQueryEvent, &binlog.RowsQuery{Query: kind.String() + " " + table})
	b.add(binlog.TableMapEvent, tm)
	typ := map[binlog.RowsKind]binlog.EventType{binlog.Insert: binlog.WriteRowsEventV1,
		binlog.Update: binlog.UpdateRowsEventV1, binlog.Delete: binlog.DeleteRowsEventV1}[kind]
	return b.add(typ, &binlog.Rows{Kind: kind, TableID: tm.TableID, Table: tm, Flags: 1, Rows: make([]binlog.Row, 1)})
}

// summary describes events one per line, for diffs.
func summary(evs []*binlog.Event) []string {
	var out []string
	for _, ev := range evs {
		out = append(out, describe(ev))
	}
	return out
}

func describe(ev *binlog.Event) string {
	switch p := ev.Payload.(type) {
	case *binlog.GTID:
		return "GTID " + p.String()
	case *binlog.Query:
		return "Q " + p.Query
	case *binlog.XID:
		return "XID"
	case *binlog.TableMap:
		return "TM " + p.Schema + "." + p.Table
	case *binlog.Rows:
		return fmt.Sprintf("%v %s.%s", p.Kind, p.Table.Schema, p.Table.Table)
	case *binlog.RowsQuery:
		return "RQ " + p.Query
	case *binlog.Rotate:
		return "ROTATE " + p.NextFile
	}
	return ev.Type().String()
}

func runFilter(t *testing.T, evs []*binlog.Event, opts *binlog.FilterOptions) []*binlog.Event {
	t.Helper()
	f, err := binlog.NewFilter(&sliceSource{evs: evs}, opts)
	if err != nil {
		t.Fatal(err)
	}
	var out []*binlog.Event
	for ev, err := range f.All() {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ev)
	}
	return out
}

// sample is a small MariaDB-like log: a DDL, two transactions on two
// databases, a rotate, a statement-based transaction, and another DDL.
func sample() []*binlog.Event {
	b := newLog()
	b.gtid(1, true).query("shop", "CREATE TABLE shop.orders (id INT PRIMARY KEY)")
	b.at(1700000100).gtid(2, false).rows(binlog.Insert, "shop.orders").rows(binlog.Insert, "audit.log").xid()
	b.at(1700000200).gtid(3, false).rows(binlog.Update, "shop.orders").rows(binlog.Delete, "shop.items").xid()
	b.rotate("bin.000002")
	b.at(1700000300).gtid(4, false).query("shop", "BEGIN").query("shop", "INSERT INTO items VALUES (1)").
		query("shop", "DELETE FROM `audit`.`log`").query("shop", "COMMIT")
	b.at(1700000400).gtid(5, true).query("shop", "ALTER TABLE `audit`.log ADD c INT")
	return b.evs
}

func TestFilterNone(t *testing.T) {
	evs := sample()
	if diff := cmp.Diff(summary(evs), summary(runFilter(t, evs, nil))); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(summary(evs), summary(runFilter(t, evs, &binlog.FilterOptions{}))); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestFilterSynthetic(t *testing.T) {
	head := []string{"Format_desc"}
	rot := []string{"ROTATE bin.000002", "Format_desc"}
	tx1 := []string{"GTID 0-1-1", "Q CREATE TABLE shop.orders (id INT PRIMARY KEY)"}
	tx2 := []string{"GTID 0-1-2", "RQ INSERT shop.orders", "TM shop.orders", "INSERT shop.orders", "RQ INSERT audit.log", "TM audit.log", "INSERT audit.log", "XID"}
	tx3 := []string{"GTID 0-1-3", "RQ UPDATE shop.orders", "TM shop.orders", "UPDATE shop.orders", "RQ DELETE shop.items", "TM shop.items", "DELETE shop.items", "XID"}
	tx4 := []string{"GTID 0-1-4", "Q BEGIN", "Q INSERT INTO items VALUES (1)", "Q DELETE FROM `audit`.`log`", "Q COMMIT"}
	tx5 := []string{"GTID 0-1-5", "Q ALTER TABLE `audit`.log ADD c INT"}
	cat := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	utc := func(sec int64) time.Time { return time.Unix(sec, 0) }
	tests := []struct {
		name string
		opts binlog.FilterOptions
		want []string
	}{
		{"include db", binlog.FilterOptions{IncludeDatabases: []string{"shop"}},
			cat(head, tx1, []string{"GTID 0-1-2", "RQ INSERT shop.orders", "TM shop.orders", "INSERT shop.orders", "XID"}, tx3, rot,
				[]string{"GTID 0-1-4", "Q BEGIN", "Q INSERT INTO items VALUES (1)", "Q COMMIT"})},
		{"exclude db", binlog.FilterOptions{ExcludeDatabases: []string{"shop"}},
			cat(head, []string{"GTID 0-1-2", "RQ INSERT audit.log", "TM audit.log", "INSERT audit.log", "XID"}, rot,
				[]string{"GTID 0-1-4", "Q BEGIN", "Q DELETE FROM `audit`.`log`", "Q COMMIT"}, tx5)},
		{"include table glob", binlog.FilterOptions{IncludeTables: []string{"shop.i*"}},
			cat(head, []string{"GTID 0-1-3", "RQ DELETE shop.items", "TM shop.items", "DELETE shop.items", "XID"}, rot,
				[]string{"GTID 0-1-4", "Q BEGIN", "Q INSERT INTO items VALUES (1)", "Q COMMIT"})},
		{"include table any db", binlog.FilterOptions{IncludeTables: []string{"log"}},
			cat(head, []string{"GTID 0-1-2", "RQ INSERT audit.log", "TM audit.log", "INSERT audit.log", "XID"}, rot,
				[]string{"GTID 0-1-4", "Q BEGIN", "Q DELETE FROM `audit`.`log`", "Q COMMIT"}, tx5)},
		{"exclude table", binlog.FilterOptions{ExcludeTables: []string{"*.orders", "shop.items"}},
			cat(head, []string{"GTID 0-1-2", "RQ INSERT audit.log", "TM audit.log", "INSERT audit.log", "XID"}, rot,
				[]string{"GTID 0-1-4", "Q BEGIN", "Q DELETE FROM `audit`.`log`", "Q COMMIT"}, tx5)},
		{"case sensitive", binlog.FilterOptions{IncludeDatabases: []string{"SHOP"}}, cat(head, rot)},
		{"case insensitive", binlog.FilterOptions{IncludeTables: []string{"SHOP.Items"}, CaseInsensitiveNames: true},
			cat(head, []string{"GTID 0-1-3", "RQ DELETE shop.items", "TM shop.items", "DELETE shop.items", "XID"}, rot,
				[]string{"GTID 0-1-4", "Q BEGIN", "Q INSERT INTO items VALUES (1)", "Q COMMIT"})},
		{"kinds insert", binlog.FilterOptions{Kinds: binlog.StmtInsert},
			cat(head, tx2, rot, []string{"GTID 0-1-4", "Q BEGIN", "Q INSERT INTO items VALUES (1)", "Q COMMIT"})},
		{"kinds ddl", binlog.FilterOptions{Kinds: binlog.StmtDDL}, cat(head, tx1, rot, tx5)},
		{"kinds update delete", binlog.FilterOptions{Kinds: binlog.StmtUpdate | binlog.StmtDelete},
			cat(head, tx3, rot, []string{"GTID 0-1-4", "Q BEGIN", "Q DELETE FROM `audit`.`log`", "Q COMMIT"})},
		{"keep empty", binlog.FilterOptions{Kinds: binlog.StmtDDL, KeepEmptyTransactions: true},
			cat(head, tx1, []string{"GTID 0-1-2", "XID", "GTID 0-1-3", "XID"}, rot, []string{"GTID 0-1-4", "Q BEGIN", "Q COMMIT"}, tx5)},
		{"start position", binlog.FilterOptions{StartPosition: binlog.Position{File: "bin.000001", Offset: 204}},
			cat(head, tx2, tx3, rot, tx4, tx5)},
		{"start position mid transaction", binlog.FilterOptions{StartPosition: binlog.Position{Offset: 404}},
			cat(head, tx3, rot, tx4, tx5)},
		{"start position second file", binlog.FilterOptions{StartPosition: binlog.Position{File: "bin.000002", Offset: 4}},
			cat(head, rot, tx4, tx5)},
		{"stop position", binlog.FilterOptions{StopPosition: binlog.Position{File: "bin.000001", Offset: 1004}},
			cat(head, tx1, tx2)},
		{"stop position crossing", binlog.FilterOptions{StopPosition: binlog.Position{File: "bin.000001", Offset: 305}},
			cat(head, tx1, tx2)},
		{"stop position second file", binlog.FilterOptions{StopPosition: binlog.Position{File: "bin.000002", Offset: 204}},
			cat(head, tx1, tx2, tx3, rot, tx4)},
		{"start time", binlog.FilterOptions{StartTime: utc(1700000200)}, cat(head, tx3, rot, tx4, tx5)},
		{"start time zone", binlog.FilterOptions{StartTime: time.Date(2023, 11, 14, 23, 16, 40, 0, time.FixedZone("CET", 3600))},
			cat(head, tx3, rot, tx4, tx5)},
		{"stop time", binlog.FilterOptions{StopTime: utc(1700000300)}, cat(head, tx1, tx2, tx3, rot)},
		{"time window", binlog.FilterOptions{StartTime: utc(1700000100), StopTime: utc(1700000201)}, cat(head, tx2, tx3, rot)},
		{"include gtids", binlog.FilterOptions{IncludeGTIDs: mustGTIDs(t, "0-1-2")}, cat(head, tx1, tx2, rot)},
		{"exclude gtids", binlog.FilterOptions{ExcludeGTIDs: mustGTIDs(t, "0-1-3")}, cat(head, rot, tx4, tx5)},
		{"server ids", binlog.FilterOptions{ServerIDs: []uint32{2}}, cat(head, rot)},
		{"server ids match", binlog.FilterOptions{ServerIDs: []uint32{2, 1}}, cat(head, tx1, tx2, tx3, rot, tx4, tx5)},
		{"combined", binlog.FilterOptions{
			StartPosition: binlog.Position{File: "bin.000001", Offset: 204}, ExcludeGTIDs: mustGTIDs(t, "0-1-2"),
			IncludeDatabases: []string{"shop", "audit"}, ExcludeTables: []string{"shop.orders"}, Kinds: binlog.StmtDelete | binlog.StmtDDL,
			StopTime: utc(1700000400)},
			cat(head, []string{"GTID 0-1-3", "RQ DELETE shop.items", "TM shop.items", "DELETE shop.items", "XID"}, rot,
				[]string{"GTID 0-1-4", "Q BEGIN", "Q DELETE FROM `audit`.`log`", "Q COMMIT"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summary(runFilter(t, sample(), &tt.opts))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func mustGTIDs(t *testing.T, s string) *binlog.GTIDSet {
	t.Helper()
	g, err := binlog.ParseGTIDSet(s)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestFilterBadPattern(t *testing.T) {
	f, err := binlog.NewFilter(&sliceSource{evs: sample()}, &binlog.FilterOptions{IncludeTables: []string{"db.[x"}})
	if err == nil || f != nil {
		t.Fatalf("NewFilter with a bad pattern: %v, %v; want an error when built", f, err)
	}
}

func TestParseStmtKinds(t *testing.T) {
	k, err := binlog.ParseStmtKinds("Insert, ddl,DELETE")
	if err != nil || k != binlog.StmtInsert|binlog.StmtDDL|binlog.StmtDelete {
		t.Errorf("ParseStmtKinds = %v, %v", k, err)
	}
	if k, _ := binlog.ParseStmtKinds("dml"); k != binlog.StmtInsert|binlog.StmtUpdate|binlog.StmtDelete {
		t.Errorf("dml = %v", k)
	}
	if _, err := binlog.ParseStmtKinds("select"); err == nil {
		t.Error("ParseStmtKinds(select) succeeded")
	}
}

// TestFilterStatementTargets checks the table a statement is attributed to.
func TestFilterStatementTargets(t *testing.T) {
	tests := []struct {
		db, sql string
		kept    bool // by IncludeTables shop.t
	}{
		{"shop", "CREATE TABLE t (a INT)", true},
		{"x", "CREATE TABLE IF NOT EXISTS `shop`.`t` (a INT)", true},
		{"x", "create or replace temporary table shop.t (a int)", true},
		{"shop", "/* comment */ ALTER ONLINE TABLE t ADD b INT", true},
		{"shop", "/*!40000 ALTER TABLE `t` DISABLE KEYS */", true},
		{"shop", "DROP TABLE IF EXISTS t /* generated by server */", true},
		{"shop", "TRUNCATE t", true},
		{"shop", "RENAME TABLE t TO u", true},
		{"shop", "CREATE UNIQUE INDEX i ON t (a)", true},
		{"shop", "INSERT IGNORE INTO t VALUES (1)", true},
		{"shop", "REPLACE t VALUES (1)", true},
		{"shop", "UPDATE LOW_PRIORITY t SET a = 1", true},
		{"shop", "DELETE QUICK FROM t", true},
		{"shop", "--\tcomment\nINSERT INTO t VALUES (1)", true},
		{"x", "INSERT INTO /*M!100100 `shop`.*/t VALUES (1)", true},
		{"shop", "INSERT INTO /* t */ u VALUES (1)", false},
		{"x", "INSERT INTO /*M!100100 `shop`.*/`t` VALUES (1)", true},
		{"shop", "DROP TABLE u", false},
		{"other", "INSERT INTO t VALUES (1)", false},
		{"shop", "CREATE DATABASE shop", false},
		{"shop", "GRANT ALL ON *.* TO x", false},
	}
	for _, tt := range tests {
		b := newLog()
		b.gtid(1, true).query(tt.db, tt.sql)
		got := runFilter(t, b.evs, &binlog.FilterOptions{IncludeTables: []string{"shop.t"}})
		if kept := len(got) == 3; kept != tt.kept {
			t.Errorf("use %s; %s: kept = %v, want %v", tt.db, tt.sql, kept, tt.kept)
		}
	}
	// Database statements match by the database they name.
	b := newLog()
	b.gtid(1, true).query("a", "CREATE DATABASE IF NOT EXISTS b").gtid(2, true).query("b", "DROP SCHEMA `a`")
	got := summary(runFilter(t, b.evs, &binlog.FilterOptions{IncludeDatabases: []string{"b"}, Kinds: binlog.StmtDDL}))
	want := []string{"Format_desc", "GTID 0-1-1", "Q CREATE DATABASE IF NOT EXISTS b"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestFilterMySQLShapes covers MySQL's groups: GTID + BEGIN ... XID, GTID +
// DDL without BEGIN, a rollback, a savepoint, XA, and a log without GTIDs.
func TestFilterMySQLShapes(t *testing.T) {
	b := newLog()
	sid := [16]byte{1, 2, 3}
	mgtid := func(gno int64) { b.add(binlog.GTIDEvent, &binlog.GTID{SID: sid, GNO: gno}) }
	mgtid(1)
	b.query("d", "BEGIN").rows(binlog.Insert, "d.a").rows(binlog.Insert, "d.b").xid()
	mgtid(2)
	b.query("d", "CREATE TABLE d.c (x INT)")
	mgtid(3)
	b.query("d", "BEGIN").rows(binlog.Delete, "d.b").query("d", "ROLLBACK")
	mgtid(4)
	b.query("d", "BEGIN").rows(binlog.Insert, "d.b").query("d", "SAVEPOINT s").rows(binlog.Insert, "d.a").
		query("d", "ROLLBACK TO SAVEPOINT s").query("d", "COMMIT")
	mgtid(5)
	b.query("d", "XA START 'x'").rows(binlog.Update, "d.b").query("d", "XA END 'x'").
		add(binlog.XAPrepareEvent, &binlog.XAPrepare{GTRID: []byte("x")})
	mgtid(6)
	b.query("d", "XA COMMIT 'x'")
	// No GTIDs.
	b.query("d", "BEGIN").rows(binlog.Update, "d.b").rows(binlog.Update, "d.a").xid()
	b.query("d", "DROP TABLE d.b")

	got := summary(runFilter(t, b.evs, &binlog.FilterOptions{IncludeTables: []string{"d.b"}}))
	want := []string{"Format_desc",
		"GTID " + binlog.UUIDString(sid) + ":1", "Q BEGIN", "RQ INSERT d.b", "TM d.b", "INSERT d.b", "XID",
		"GTID " + binlog.UUIDString(sid) + ":3", "Q BEGIN", "RQ DELETE d.b", "TM d.b", "DELETE d.b", "Q ROLLBACK",
		"GTID " + binlog.UUIDString(sid) + ":4", "Q BEGIN", "RQ INSERT d.b", "TM d.b", "INSERT d.b",
		// Savepoints stay with a delivered transaction, whatever the
		// tables: ROLLBACK TO undoes what followed SAVEPOINT.
		"Q SAVEPOINT s", "Q ROLLBACK TO SAVEPOINT s", "Q COMMIT",
		"GTID " + binlog.UUIDString(sid) + ":5", "Q XA START 'x'", "RQ UPDATE d.b", "TM d.b", "UPDATE d.b", "Q XA END 'x'", "XA_prepare",
		"GTID " + binlog.UUIDString(sid) + ":6", "Q XA COMMIT 'x'",
		"Q BEGIN", "RQ UPDATE d.b", "TM d.b", "UPDATE d.b", "XID",
		"Q DROP TABLE d.b",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// testdataPath returns binlog/testdata/name.
func testdataPath(name string) string { return filepath.Join("testdata", name) }

// fileEvents reads every event of a testdata binlog.
func fileEvents(t *testing.T, name string) []*binlog.Event {
	t.Helper()
	fr, err := binlog.Open(testdataPath(name), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fr.Close()
	var evs []*binlog.Event
	for ev, err := range fr.All() {
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	return evs
}

// txGroup is a transaction of a test log as the test sees it: its GTID,
// first event and content.
type txGroup struct {
	first *binlog.Event
	gtid  *binlog.GTID
	evs   []*binlog.Event
}

// groupMariaDB splits a MariaDB log into its GTID groups.
func groupMariaDB(evs []*binlog.Event) []*txGroup {
	var out []*txGroup
	var cur *txGroup
	for _, ev := range evs {
		if g, ok := ev.Payload.(*binlog.GTID); ok {
			cur = &txGroup{first: ev, gtid: g}
			out = append(out, cur)
			continue
		}
		if cur != nil {
			cur.evs = append(cur.evs, ev)
			switch p := ev.Payload.(type) {
			case *binlog.XID:
				cur = nil
			case *binlog.Query:
				up := strings.ToUpper(p.Query)
				if cur.gtid.Standalone() || up == "COMMIT" || up == "ROLLBACK" {
					cur = nil
				}
			}
		}
	}
	return out
}

// rowKey identifies a rows event.
func rowKey(ev *binlog.Event) string { return fmt.Sprintf("%s:%d", ev.File, ev.Offset) }

// checkWellFormed checks the filter's output: every group that starts is
// ended before the next starts, and every rows event has its table map
// earlier in its group.
func checkWellFormed(t *testing.T, evs []*binlog.Event) {
	t.Helper()
	open := false
	standalone := false
	maps := map[uint64]bool{}
	for _, ev := range evs {
		switch p := ev.Payload.(type) {
		case *binlog.GTID:
			if open {
				t.Errorf("%s: GTID %v inside an open group", rowKey(ev), p)
			}
			open, standalone = true, p.Standalone()
			clear(maps)
		case *binlog.XID:
			if !open || standalone {
				t.Errorf("%s: XID outside a group", rowKey(ev))
			}
			open = false
		case *binlog.Query:
			up := strings.ToUpper(p.Query)
			if up == "COMMIT" || up == "ROLLBACK" || standalone {
				if !open {
					t.Errorf("%s: %s outside a group", rowKey(ev), p.Query)
				}
				open = false
			}
		case *binlog.TableMap:
			maps[p.TableID] = true
		case *binlog.Rows:
			if !open {
				t.Errorf("%s: rows outside a group", rowKey(ev))
			}
			if !maps[p.TableID] {
				t.Errorf("%s: rows event without its table map in the group", rowKey(ev))
			}
		}
	}
	if open {
		t.Errorf("the output ends inside a group")
	}
}

// TestFilterFiles filters real MariaDB binlogs and compares the kept rows
// events and statements with what a direct selection over the groups
// gives.
func TestFilterFiles(t *testing.T) {
	evs := fileEvents(t, "dml.full.binlog")
	groups := groupMariaDB(evs)
	if len(groups) < 40 {
		t.Fatalf("%d groups in dml.full.binlog, want >= 40", len(groups))
	}
	mid := groups[len(groups)/2].first
	late := groups[3*len(groups)/4].first
	type sel struct {
		tx   func(g *txGroup) bool
		item func(ev *binlog.Event) bool // rows event or statement
	}
	tableIs := func(ev *binlog.Event, db string, tables ...string) bool {
		r, ok := ev.Payload.(*binlog.Rows)
		if !ok {
			return false
		}
		if r.Table.Schema != db {
			return false
		}
		if len(tables) == 0 {
			return true
		}
		for _, tb := range tables {
			if r.Table.Table == tb {
				return true
			}
		}
		return false
	}
	kindIs := func(ev *binlog.Event, k binlog.RowsKind) bool {
		r, ok := ev.Payload.(*binlog.Rows)
		return ok && r.Kind == k
	}
	all := func(*txGroup) bool { return true }
	tests := []struct {
		name string
		opts binlog.FilterOptions
		want sel
	}{
		{"db other", binlog.FilterOptions{IncludeDatabases: []string{"other"}, Kinds: binlog.StmtInsert | binlog.StmtUpdate | binlog.StmtDelete},
			sel{all, func(ev *binlog.Event) bool { return tableIs(ev, "other") }}},
		{"tables glob", binlog.FilterOptions{IncludeTables: []string{"dml.a*"}, Kinds: binlog.StmtInsert | binlog.StmtUpdate | binlog.StmtDelete},
			sel{all, func(ev *binlog.Event) bool {
				// Rows events, and the statement-logged INSERTs of the
				// workload's STATEMENT-format group.
				q, ok := ev.Payload.(*binlog.Query)
				return tableIs(ev, "dml", "accounts", "audit", "audit_aria") || ok && strings.HasPrefix(q.Query, "INSERT INTO a")
			}}},
		{"exclude accounts updates", binlog.FilterOptions{ExcludeTables: []string{"accounts"}, Kinds: binlog.StmtUpdate},
			sel{all, func(ev *binlog.Event) bool {
				return kindIs(ev, binlog.Update) && !tableIs(ev, "dml", "accounts")
			}}},
		{"deletes after mid", binlog.FilterOptions{StartPosition: binlog.Position{File: mid.File, Offset: mid.Offset}, Kinds: binlog.StmtDelete},
			sel{func(g *txGroup) bool { return g.first.Offset >= mid.Offset }, func(ev *binlog.Event) bool { return kindIs(ev, binlog.Delete) }}},
		{"window gtids", binlog.FilterOptions{ExcludeGTIDs: mustGTIDs(t, mid.Payload.(*binlog.GTID).String()),
			StopPosition: binlog.Position{File: late.File, Offset: late.Offset}, Kinds: binlog.StmtInsert | binlog.StmtUpdate | binlog.StmtDelete},
			sel{func(g *txGroup) bool { return g.first.Offset > mid.Offset && g.first.Offset < late.Offset },
				func(ev *binlog.Event) bool { _, ok := ev.Payload.(*binlog.Rows); return ok }}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []string
			for _, g := range groups {
				if !tt.want.tx(g) {
					continue
				}
				for _, ev := range g.evs {
					if tt.want.item(ev) {
						want = append(want, rowKey(ev))
					}
				}
			}
			if len(want) == 0 {
				t.Fatal("the case selects nothing")
			}
			out := runFilter(t, evs, &tt.opts)
			checkWellFormed(t, out)
			var got []string
			for _, ev := range out {
				switch ev.Payload.(type) {
				case *binlog.Rows:
					got = append(got, rowKey(ev))
				case *binlog.Query:
					// Transaction control (savepoints included) comes
					// with the transaction.
					if !ev.Payload.(*binlog.Query).Control().IsControl() {
						got = append(got, rowKey(ev))
					}
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
	// No filter: every event passes, and the output is well formed.
	out := runFilter(t, evs, nil)
	if len(out) != len(evs) {
		t.Errorf("no filter: %d events, want %d", len(out), len(evs))
	}
	checkWellFormed(t, out)
}
