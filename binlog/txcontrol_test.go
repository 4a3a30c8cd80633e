package binlog

import "testing"

func TestStatementControl(t *testing.T) {
	for q, want := range map[string]TxControl{
		"BEGIN": TxBegin, "begin": TxBegin, " BEGIN ": TxBegin, "BEGIN WORK": TxBegin, "BEGIN;": TxBegin,
		"START TRANSACTION": TxBegin, "start transaction with consistent snapshot": TxBegin,
		"/* app=x */ BEGIN": TxBegin, "-- c\nBEGIN": TxBegin, "# c\nBEGIN": TxBegin,
		"BEGIN NOT ATOMIC SELECT 1; END": TxNone, "BEGINNING": TxNone,
		"COMMIT": TxCommit, "COMMIT /* implicit */": TxCommit, "commit work": TxCommit,
		"/*!COMMIT*/": TxCommit, "/*M!100100 COMMIT */": TxCommit,
		"ROLLBACK": TxRollback, "ROLLBACK WORK": TxRollback, "ROLLBACK AND NO CHAIN": TxRollback,
		"ROLLBACK TO SAVEPOINT a": TxRollbackToSavepoint, "ROLLBACK TO a": TxRollbackToSavepoint,
		"ROLLBACK TO `sp`": TxRollbackToSavepoint, "rollback work to savepoint `x y`": TxRollbackToSavepoint,
		"/* c */ ROLLBACK /* d */ TO sp": TxRollbackToSavepoint, "ROLLBACK\nTO\tsp": TxRollbackToSavepoint,
		"SAVEPOINT `sp`": TxSavepoint, "savepoint a": TxSavepoint,
		"RELEASE SAVEPOINT a": TxReleaseSavepoint, "RELEASE_LOCK('x')": TxNone,
		"XA START 'x'": TxXAStart, "XA BEGIN 'x'": TxXAStart, "XA END 'x'": TxXAEnd,
		"XA PREPARE 'x'": TxXAPrepare, "XA COMMIT 'x'": TxXACommit, "xa commit 'x' one phase": TxXACommit,
		"XA ROLLBACK 'x'":        TxXARollback,
		"CREATE TABLE t (a int)": TxNone, "INSERT INTO rollback VALUES (1)": TxNone,
		"`COMMIT`": TxNone, "": TxNone, "/* unterminated": TxNone,
		// The server's comment rules (internal/sqllex): "--" before any
		// blank or the end is a comment, "--x" is not; "*/" closes only an
		// executable comment.
		"--\tc\nBEGIN": TxBegin, "--\nCOMMIT": TxCommit, "COMMIT --": TxCommit, "--x\nBEGIN": TxNone,
		"*/ COMMIT": TxNone, "/*!50000 /* c */ COMMIT */": TxCommit,
		"'COMMIT'": TxNone, "\"COMMIT\"": TxNone,
	} {
		if got := StatementControl(q); got != want {
			t.Errorf("StatementControl(%q) = %v, want %v", q, got, want)
		}
	}
	// Query.Control reads double quotes as the statement's sql_mode says.
	for _, tc := range []struct {
		sql  string
		mode uint64
		want TxControl
	}{
		{`XA START "x"`, 0, TxXAStart},
		{`XA START "x"`, 1 << 2, TxXAStart}, // ANSI_QUOTES
		{`/* "a\" */ COMMIT`, 1 << 2, TxCommit},
	} {
		if got := (&Query{Query: tc.sql, SQLMode: tc.mode}).Control(); got != tc.want {
			t.Errorf("Query{%q, sql_mode %#x}.Control() = %v, want %v", tc.sql, tc.mode, got, tc.want)
		}
	}
	for c := TxNone; c <= TxXARollback; c++ {
		if c.Ends() != (c == TxCommit || c == TxRollback) {
			t.Errorf("%v.Ends() = %v", c, c.Ends())
		}
		if c.IsControl() != (c != TxNone) {
			t.Errorf("%v.IsControl() = %v", c, c.IsControl())
		}
	}
}
