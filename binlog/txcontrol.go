package binlog

import (
	"strconv"

	"github.com/binlogkit/binlogkit/internal/sqllex"
)

// TxControl says what a statement does to the transaction around it. It is
// the one classification of transaction control in binlogkit: the
// transaction reader, the filter, flashback, the archive's scanner and the
// example tools all ask Query.Control rather than look at the text
// themselves.
type TxControl uint8

const (
	// TxNone is any other statement: DDL, DML, SET, a compound
	// statement (BEGIN NOT ATOMIC ... END), ...
	TxNone TxControl = iota
	// TxBegin is BEGIN [WORK] or START TRANSACTION [...].
	TxBegin
	// TxCommit is COMMIT [WORK] [AND [NO] CHAIN] [[NO] RELEASE].
	TxCommit
	// TxRollback is ROLLBACK [WORK] [AND [NO] CHAIN] [[NO] RELEASE]: the
	// whole transaction is undone and ends.
	TxRollback
	// TxSavepoint is SAVEPOINT name: inside the transaction.
	TxSavepoint
	// TxRollbackToSavepoint is ROLLBACK [WORK] TO [SAVEPOINT] name: part of
	// the transaction is undone, and the transaction goes on. It is not
	// the end of a transaction.
	TxRollbackToSavepoint
	// TxReleaseSavepoint is RELEASE SAVEPOINT name: inside the transaction.
	TxReleaseSavepoint
	// TxXAStart is XA START|BEGIN xid: the first statement of an XA
	// transaction's first phase.
	TxXAStart
	// TxXAEnd is XA END xid; the XA_PREPARE event (or XA PREPARE) follows.
	TxXAEnd
	// TxXAPrepare is XA PREPARE xid as a statement (MySQL logs an
	// XA_PREPARE_LOG_EVENT instead, decoded as *XAPrepare).
	TxXAPrepare
	// TxXACommit is XA COMMIT xid [ONE PHASE]: the second phase, logged as
	// a group of its own.
	TxXACommit
	// TxXARollback is XA ROLLBACK xid: the second phase, logged as a group
	// of its own.
	TxXARollback
)

var txControlNames = [...]string{
	TxNone:                "none",
	TxBegin:               "BEGIN",
	TxCommit:              "COMMIT",
	TxRollback:            "ROLLBACK",
	TxSavepoint:           "SAVEPOINT",
	TxRollbackToSavepoint: "ROLLBACK TO SAVEPOINT",
	TxReleaseSavepoint:    "RELEASE SAVEPOINT",
	TxXAStart:             "XA START",
	TxXAEnd:               "XA END",
	TxXAPrepare:           "XA PREPARE",
	TxXACommit:            "XA COMMIT",
	TxXARollback:          "XA ROLLBACK",
}

func (c TxControl) String() string {
	if int(c) < len(txControlNames) {
		return txControlNames[c]
	}
	return "TxControl(" + strconv.Itoa(int(c)) + ")"
}

// IsControl reports whether c is transaction control of any kind: a
// statement with nothing of its own to redo or undo.
func (c TxControl) IsControl() bool { return c != TxNone }

// Ends reports whether c ends the transaction it is in: COMMIT or
// ROLLBACK (not ROLLBACK TO SAVEPOINT). XA COMMIT and XA ROLLBACK end a
// prepared XA transaction, whose own group ended at its XA_PREPARE: they
// are groups of their own and are not counted here.
func (c TxControl) Ends() bool { return c == TxCommit || c == TxRollback }

// Control classifies the statement of q. Comments before and between the
// words (/* */, # and -- comments, "--" followed by a blank or the end)
// are skipped, and the code of versioned comments (/*!50100 ... */,
// /*M!100100 ... */) is read as code, as the server does. Double quotes
// are read as q's sql_mode says (identifiers under ANSI_QUOTES).
func (q *Query) Control() TxControl { return statementControl(q.Query, sqllex.ModeOf(q.SQLMode)) }

// StatementControl classifies a statement's text (see Query.Control),
// read in the default sql_mode.
func StatementControl(stmt string) TxControl { return statementControl(stmt, 0) }

func statementControl(stmt string, mode sqllex.Mode) TxControl {
	l := newStmtScanner(stmt, mode)
	switch l.word() {
	case "BEGIN":
		switch l.word() {
		case "", "WORK", ";":
			return TxBegin
		}
		// BEGIN NOT ATOMIC ... END: a compound statement.
		return TxNone
	case "START":
		if l.word() == "TRANSACTION" {
			return TxBegin
		}
	case "COMMIT":
		return TxCommit
	case "ROLLBACK":
		w := l.word()
		if w == "WORK" {
			w = l.word()
		}
		if w == "TO" {
			return TxRollbackToSavepoint
		}
		return TxRollback
	case "SAVEPOINT":
		return TxSavepoint
	case "RELEASE":
		if l.word() == "SAVEPOINT" {
			return TxReleaseSavepoint
		}
	case "XA":
		switch l.word() {
		case "START", "BEGIN":
			return TxXAStart
		case "END":
			return TxXAEnd
		case "PREPARE":
			return TxXAPrepare
		case "COMMIT":
			return TxXACommit
		case "ROLLBACK":
			return TxXARollback
		}
	}
	return TxNone
}
