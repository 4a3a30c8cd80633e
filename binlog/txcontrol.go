package binlog

import (
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/binlogkit/binlogkit/internal/sqllex"
)

// TxControl says what a statement does to the transaction around it. It is
// the one classification of transaction control in binlogkit: the
// transaction reader, the filter, flashback, the archive's scanner and the
// example tools all ask Query.Control rather than look at the text
// themselves. Query.Statement classifies the other statements (DDL,
// statement-based DML) in the same way.
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

// Savepoint returns the savepoint that a SAVEPOINT name, ROLLBACK [WORK]
// TO [SAVEPOINT] name or RELEASE SAVEPOINT name statement names, with its
// quotes undone (the backquotes around it dropped, a doubled backquote
// inside it made single). ok is false for any other statement and for one
// without a name. The text is read as Control reads it.
func (q *Query) Savepoint() (name string, ok bool) {
	l := newStmtScanner(q.Query, sqllex.ModeOf(q.SQLMode))
	switch l.word() {
	case "SAVEPOINT":
	case "ROLLBACK":
		l.skipWords("WORK")
		if l.word() != "TO" {
			return "", false
		}
		l.skipWords("SAVEPOINT")
	case "RELEASE":
		if l.word() != "SAVEPOINT" {
			return "", false
		}
	default:
		return "", false
	}
	t := l.lx.Next()
	if t.Kind != sqllex.Word && t.Kind != sqllex.Ident {
		return "", false
	}
	return t.Value(l.src), true
}

// XAID returns the xid of an XA START, XA END, XA PREPARE, XA COMMIT or
// XA ROLLBACK statement in the text XAPrepare.XAID gives:
// X'gtrid',X'bqual',formatID, hexadecimal in lower case, so that the two
// compare equal for the same transaction. ok is false for any other
// statement and for an xid that does not parse. The xid's parts may be
// written as strings ('abc', _latin1'abc'), hexadecimal strings (X'616263',
// 0x616263) and a decimal format ID (1 when left out).
func (q *Query) XAID() (xid string, ok bool) {
	l := newStmtScanner(q.Query, sqllex.ModeOf(q.SQLMode))
	if l.word() != "XA" {
		return "", false
	}
	switch l.word() {
	case "START", "BEGIN", "END", "PREPARE", "COMMIT", "ROLLBACK":
	default:
		return "", false
	}
	gtrid, ok := l.xidPart()
	if !ok {
		return "", false
	}
	var bqual []byte
	format := int64(1)
	if l.comma() {
		if bqual, ok = l.xidPart(); !ok {
			return "", false
		}
		if l.comma() {
			t := l.lx.Next()
			n, err := strconv.ParseInt(t.Text(l.src), 10, 32)
			if t.Kind != sqllex.Word || err != nil {
				return "", false
			}
			format = n
		}
	}
	return formatXAID(gtrid, bqual, format), true
}

// XAID returns the xid of the prepared transaction as Query.XAID gives
// that of an XA statement: X'gtrid',X'bqual',formatID.
func (x *XAPrepare) XAID() string { return formatXAID(x.GTRID, x.BQUAL, int64(x.FormatID)) }

func formatXAID(gtrid, bqual []byte, format int64) string {
	b := make([]byte, 0, 2*(len(gtrid)+len(bqual))+20)
	b = append(b, "X'"...)
	b = hex.AppendEncode(b, gtrid)
	b = append(b, "',X'"...)
	b = hex.AppendEncode(b, bqual)
	b = append(b, "',"...)
	b = strconv.AppendInt(b, format, 10)
	return string(b)
}

// comma consumes a "," when it comes next.
func (l *stmtScanner) comma() bool {
	save := l.lx
	if t := l.lx.Next(); t.Kind == sqllex.Punct && t.Text(l.src) == "," {
		return true
	}
	l.lx = save
	return false
}

// xidPart reads one string of an xid: 'text', _charset'text', X'hex' or
// 0xhex.
func (l *stmtScanner) xidPart() ([]byte, bool) {
	t := l.lx.Next()
	switch t.Kind {
	case sqllex.String:
		return []byte(t.Value(l.src)), true
	case sqllex.Word:
		w := t.Text(l.src)
		switch {
		case len(w) > 2 && (w[:2] == "0x" || w[:2] == "0X"):
			b, err := hex.DecodeString(w[2:])
			return b, err == nil
		case strings.EqualFold(w, "X"):
			s := l.lx.Next()
			if s.Kind != sqllex.String || s.Start != t.End {
				return nil, false
			}
			b, err := hex.DecodeString(s.Value(l.src))
			return b, err == nil
		case w[0] == '_':
			s := l.lx.Next()
			if s.Kind != sqllex.String {
				return nil, false
			}
			return []byte(s.Value(l.src)), true
		}
	}
	return nil, false
}

// IsDatabaseDDL reports whether the statement creates, alters or drops a
// database (CREATE [OR REPLACE] DATABASE|SCHEMA, ALTER DATABASE|SCHEMA,
// DROP DATABASE|SCHEMA): a statement that must not run after a USE of
// the database it names. The text is read as Control reads it.
func (q *Query) IsDatabaseDDL() bool {
	l := newStmtScanner(q.Query, sqllex.ModeOf(q.SQLMode))
	switch l.word() {
	case "CREATE", "ALTER", "DROP":
		l.skipWords("OR", "REPLACE")
		switch l.word() {
		case "DATABASE", "SCHEMA":
			return true
		}
	}
	return false
}
