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
	} {
		if got := StatementControl(q); got != want {
			t.Errorf("StatementControl(%q) = %v, want %v", q, got, want)
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
