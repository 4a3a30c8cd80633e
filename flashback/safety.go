package flashback

import (
	"errors"
	"fmt"

	"github.com/binlogkit/binlogkit/binlog"
)

// Errors of a range that cannot be undone. They come wrapped in an
// *EventError that gives the file and offset of the event at fault.
var (
	// ErrCutTransaction: a start or stop position falls inside a
	// transaction; undoing part of it is never done.
	ErrCutTransaction = errors.New("flashback: position inside a transaction")
	// ErrDDL: a DDL statement on a selected table or database is in the
	// range. Its effect cannot be undone, and the row events before it do
	// not fit the table after it.
	ErrDDL = errors.New("flashback: DDL in the range cannot be undone")
	// ErrStatementDML: an INSERT, UPDATE, DELETE or REPLACE on a selected
	// table was logged as a statement (binlog_format STATEMENT or MIXED),
	// so its rows are unknown.
	ErrStatementDML = errors.New("flashback: statement-logged change cannot be undone")
	// ErrRowImage: a rows event does not hold every column of its rows
	// (binlog_row_image MINIMAL or NOBLOB, or a partial JSON update).
	ErrRowImage = errors.New("flashback: row image is not FULL")
	// ErrTxControl: a transaction holds a ROLLBACK TO SAVEPOINT (the log
	// keeps rows that the savepoint undid) or is an XA transaction (whose
	// prepared rows may have been rolled back later).
	ErrTxControl = errors.New("flashback: transaction with ROLLBACK TO SAVEPOINT or XA cannot be undone")
)

// checkRows returns an error wrapping ErrRowImage when r lacks a column of
// its rows.
func checkRows(r *binlog.Rows) error {
	if r.Partial {
		return fmt.Errorf("%w: partial JSON update on %s", ErrRowImage, tableName(r))
	}
	for _, present := range [2][]bool{r.Present, r.PresentAfter} {
		for i, ok := range present {
			if !ok {
				return fmt.Errorf("%w: column %d of %s missing (set binlog_row_image=FULL)", ErrRowImage, i+1, tableName(r))
			}
		}
	}
	for i := range r.Rows {
		for _, img := range [2][]binlog.Value{r.Rows[i].Before, r.Rows[i].After} {
			for j := range img {
				if k := img[j].Kind(); k == binlog.KindAbsent || k == binlog.KindJSONDiff {
					return fmt.Errorf("%w: column %d of %s missing in row %d", ErrRowImage, j+1, tableName(r), i+1)
				}
			}
		}
	}
	return nil
}

// tableName returns db.table of a rows event for messages.
func tableName(r *binlog.Rows) string {
	if r.Table == nil {
		return fmt.Sprintf("table id %d", r.TableID)
	}
	return r.Table.Schema + "." + r.Table.Table
}

// checkStatement judges a Query event of a selected transaction that is
// not transaction control: it returns an error wrapping ErrDDL or
// ErrStatementDML, or nil for a statement that changes no table data
// (GRANT, SET PASSWORD, ...) or a DML statement of a kind not in kinds
// (0: every kind).
func checkStatement(q *binlog.Query, kinds binlog.StmtKind) error {
	switch k := statementKind(q); {
	case k == binlog.StmtDDL:
		return fmt.Errorf("%w: %s", ErrDDL, shortStmt(q.Query))
	case k != binlog.StmtOther && (kinds == 0 || kinds&k != 0):
		return fmt.Errorf("%w: %s", ErrStatementDML, shortStmt(q.Query))
	}
	return nil
}

// checkControl returns an error wrapping ErrTxControl for a ROLLBACK TO
// SAVEPOINT or an XA statement.
func checkControl(c binlog.TxControl, stmt string) error {
	switch c {
	case binlog.TxRollbackToSavepoint, binlog.TxXAStart, binlog.TxXAEnd, binlog.TxXAPrepare,
		binlog.TxXACommit, binlog.TxXARollback:
		return fmt.Errorf("%w: %s", ErrTxControl, shortStmt(stmt))
	}
	return nil
}

// shortStmt returns the start of a statement for an error message.
func shortStmt(s string) string {
	const max = 120
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}

// statementKind returns the kind of a statement (binlog.StmtDDL,
// StmtInsert, StmtUpdate, StmtDelete or StmtOther) as binlog classifies it.
func statementKind(q *binlog.Query) binlog.StmtKind {
	k, _, _ := q.Statement()
	return k
}
