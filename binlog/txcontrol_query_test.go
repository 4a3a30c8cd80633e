package binlog

import "testing"

func TestQuerySavepoint(t *testing.T) {
	for _, tc := range []struct {
		stmt, name string
		ok         bool
	}{
		{"SAVEPOINT sp1", "sp1", true},
		{"SAVEPOINT `a``b`", "a`b", true},
		{"ROLLBACK TO `sp`", "sp", true},
		{"rollback work to savepoint sp", "sp", true},
		{"/* c */ RELEASE SAVEPOINT `x y`", "x y", true},
		{"SAVEPOINT `a`; DROP TABLE t", "a", true},
		{"SAVEPOINT ````", "`", true},
		{"RELEASE SAVEPOINT `x y` ;", "x y", true},
		{"ROLLBACK", "", false},
		{"RELEASE", "", false},
		{"SAVEPOINT", "", false},
		{"COMMIT", "", false},
	} {
		q := &Query{Query: tc.stmt}
		name, ok := q.Savepoint()
		if name != tc.name || ok != tc.ok {
			t.Errorf("%q: Savepoint() = %q, %v; want %q, %v", tc.stmt, name, ok, tc.name, tc.ok)
		}
	}
}

func TestQueryXAID(t *testing.T) {
	prep := (&XAPrepare{GTRID: []byte("ab"), BQUAL: []byte("c"), FormatID: 1}).XAID()
	if prep != "X'6162',X'63',1" {
		t.Fatalf("XAPrepare.XAID() = %q", prep)
	}
	for _, tc := range []struct {
		stmt, xid string
		ok        bool
	}{
		{"XA COMMIT X'6162',X'63',1", prep, true},
		{"XA ROLLBACK x'6162' , x'63'", prep, true},
		{"XA PREPARE 'ab','c'", prep, true},
		{"XA COMMIT 0x6162,_latin1'c',1 ONE PHASE", prep, true},
		{"XA START 'ab'", "X'6162',X'',1", true},
		{"XA END 'ab','',7", "X'6162',X'',7", true},
		{"/* XA */ xa rollback X'7A', X'', 3", "X'7a',X'',3", true},
		{"XA COMMIT X 'ab'", "", false},
		{"XA RECOVER", "", false},
		{"COMMIT", "", false},
		{"XA COMMIT X'6g'", "", false},
	} {
		q := &Query{Query: tc.stmt}
		xid, ok := q.XAID()
		if xid != tc.xid || ok != tc.ok {
			t.Errorf("%q: XAID() = %q, %v; want %q, %v", tc.stmt, xid, ok, tc.xid, tc.ok)
		}
	}
}

func TestQueryIsDatabaseDDL(t *testing.T) {
	for stmt, want := range map[string]bool{
		"CREATE DATABASE d":                 true,
		"create or replace schema `d`":      true,
		"DROP DATABASE IF EXISTS d":         true,
		"/*!40000 ALTER DATABASE d */":      true,
		"CREATE TABLE database (a int)":     false,
		"DROP TABLE d.t":                    false,
		"INSERT INTO t VALUES ('DATABASE')": false,
	} {
		if got := (&Query{Query: stmt}).IsDatabaseDDL(); got != want {
			t.Errorf("%q: IsDatabaseDDL() = %v, want %v", stmt, got, want)
		}
	}
}
