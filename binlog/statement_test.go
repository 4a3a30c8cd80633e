package binlog

import "testing"

func TestQueryStatement(t *testing.T) {
	const ansiQuotes = 1 << 2 // sql_mode ANSI_QUOTES
	for _, tc := range []struct {
		stmt      string
		mode      uint64
		kind      StmtKind
		db, table string
	}{
		{"INSERT INTO t VALUES (1)", 0, StmtInsert, "d", "t"},
		{"insert low_priority ignore into `x`.`t 1` values (1)", 0, StmtInsert, "x", "t 1"},
		{"REPLACE t VALUES (1)", 0, StmtInsert, "d", "t"},
		{"/* c */ UPDATE IGNORE o.t SET a = 1", 0, StmtUpdate, "o", "t"},
		{"DELETE QUICK FROM t WHERE id = 1", 0, StmtDelete, "d", "t"},
		{"/*!40000 DELETE FROM t */", 0, StmtDelete, "d", "t"},
		{"TRUNCATE TABLE o.t", 0, StmtDDL, "o", "t"},
		{"TRUNCATE t", 0, StmtDDL, "d", "t"},
		{"CREATE TABLE IF NOT EXISTS t (id INT)", 0, StmtDDL, "d", "t"},
		{"CREATE OR REPLACE TEMPORARY TABLE o.t (id INT)", 0, StmtDDL, "o", "t"},
		{"ALTER ONLINE TABLE t ADD x INT", 0, StmtDDL, "d", "t"},
		{"DROP TABLE IF EXISTS t1, t2", 0, StmtDDL, "d", "t1"},
		{`DROP TABLE "o"."t"`, ansiQuotes, StmtDDL, "o", "t"},
		{"RENAME TABLE a TO b", 0, StmtDDL, "d", "a"},
		{"CREATE UNIQUE INDEX i ON o.t (a)", 0, StmtDDL, "o", "t"},
		{"DROP INDEX i ON t", 0, StmtDDL, "d", "t"},
		{"CREATE DATABASE IF NOT EXISTS n", 0, StmtDDL, "n", ""},
		{"DROP SCHEMA `old`", 0, StmtDDL, "old", ""},
		{"CREATE DEFINER=`root`@`localhost` PROCEDURE p() BEGIN END", 0, StmtDDL, "d", ""},
		{"DROP TRIGGER IF EXISTS tr1", 0, StmtDDL, "d", ""},
		{"CREATE USER u IDENTIFIED BY 'p'", 0, StmtOther, "d", ""},
		{"RENAME USER a TO b", 0, StmtOther, "d", ""},
		{"GRANT ALL ON *.* TO x", 0, StmtOther, "d", ""},
		{"BEGIN", 0, StmtOther, "d", ""},
		{"XA COMMIT 'x'", 0, StmtOther, "d", ""},
		{"", 0, StmtOther, "d", ""},
	} {
		q := &Query{Query: tc.stmt, Schema: "d", SQLMode: tc.mode}
		kind, db, table := q.Statement()
		if kind != tc.kind || db != tc.db || table != tc.table {
			t.Errorf("%q: Statement() = %v, %q, %q; want %v, %q, %q", tc.stmt, kind, db, table, tc.kind, tc.db, tc.table)
		}
	}
}
