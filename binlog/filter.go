package binlog

import (
	"fmt"
	"io"
	"iter"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/internal/sqllex"
)

// StmtKind is a statement kind, as Query.Statement returns it, or a set of
// kinds (a bitmask) for FilterOptions.Kinds.
type StmtKind uint8

// Statement kinds. A rows event is an insert, update or delete; a Query
// event is DDL (CREATE, ALTER, DROP, RENAME, TRUNCATE, ...), a
// statement-based INSERT/REPLACE, UPDATE or DELETE, or another statement
// (GRANT, SET PASSWORD, CALL, ...).
const (
	StmtInsert StmtKind = 1 << iota
	StmtUpdate
	StmtDelete
	StmtDDL
	StmtOther
)

// ParseStmtKinds parses a comma-separated list of statement kinds, in any
// case: "insert", "update", "delete", "ddl", "other" (and "dml" for the
// first three).
func ParseStmtKinds(s string) (StmtKind, error) {
	var k StmtKind
	for _, p := range strings.Split(s, ",") {
		switch strings.ToLower(strings.TrimSpace(p)) {
		case "":
		case "insert":
			k |= StmtInsert
		case "update":
			k |= StmtUpdate
		case "delete":
			k |= StmtDelete
		case "dml":
			k |= StmtInsert | StmtUpdate | StmtDelete
		case "ddl":
			k |= StmtDDL
		case "other":
			k |= StmtOther
		default:
			return 0, fmt.Errorf("binlog: unknown statement kind %q (want insert, update, delete, dml, ddl or other)", p)
		}
	}
	return k, nil
}

// FilterOptions selects events. The zero value selects everything. Every
// set criterion must hold for an event to be kept.
//
// Position, time, GTID and server id criteria select whole transactions
// (event groups: GTID, BEGIN, ..., COMMIT/XID, or one DDL statement with
// its GTID); they are judged on the group's first event. Database, table
// and kind criteria select the rows events and statements inside a
// transaction. See Filter for what is kept around them.
type FilterOptions struct {
	// StartPosition skips transactions that start before it. The file name
	// is compared as a server names binlogs (base.000012 after
	// base.000009); an empty File means the first file the source yields
	// (mysqlbinlog's --start-position applies to the first file too). A
	// transaction starting before StartPosition and ending after it is
	// skipped whole. Zero means no transaction is skipped for its position.
	StartPosition Position
	// StopPosition ends the filter (Next returns io.EOF) at the first
	// transaction or non-transactional event that starts at or after it.
	// Like mysqlbinlog's --stop-position, a transaction that starts before
	// StopPosition is delivered, but whole: the filter never cuts one in
	// the middle. An empty File means any file: give the file for sources
	// that span several. Zero (a zero Offset) means no stop position.
	StopPosition Position
	// StartTime skips transactions whose first event's timestamp is before
	// it. StopTime ends the filter at the first transaction whose first
	// event's timestamp is at or after it. Event timestamps are whole
	// seconds and are not monotonic in a binlog (a transaction's timestamp is
	// when its first statement began, commit order is another order); like
	// mysqlbinlog, StopTime stops at the first transaction at or after it.
	//
	// A time.Time is an instant: a command-line tool that reads a naive
	// date-time such as "2024-05-01 10:00:00" (mysqlbinlog's
	// --start-datetime) must parse it with an explicit location, using
	// time.ParseInLocation, and should say which one (mysqlbinlog uses
	// the local time zone of the machine it runs on).
	//
	// Zero means no start time and no stop time, respectively.
	StartTime, StopTime time.Time

	// IncludeDatabases and IncludeTables, when not empty, keep only rows
	// events and statements on matching tables; ExcludeDatabases and
	// ExcludeTables then drop matching ones. Database patterns match the
	// database name; table patterns are "db.table" (both parts patterns),
	// or "table" for a table of that name in any database. Patterns are
	// path.Match globs: "*" matches any run of characters, "?" one
	// character, "[a-z]" a class, and "\" quotes the next character. Names
	// compare case-sensitively, as on a server with
	// lower_case_table_names=0 (the Linux default); see
	// CaseInsensitiveNames.
	//
	// A statement's database is the one its table belongs to when the
	// statement names a table (CREATE/ALTER/DROP/TRUNCATE/RENAME TABLE,
	// statement-based INSERT/UPDATE/DELETE: the first table named), the
	// one it creates or drops for CREATE/DROP/ALTER DATABASE, and else
	// its default database (Query.Schema), as mysqlbinlog --database
	// does. A statement that names no table never matches IncludeTables.
	//
	// Zero (an empty list) means no database or table is required, or
	// dropped, respectively.
	IncludeDatabases, ExcludeDatabases []string
	IncludeTables, ExcludeTables       []string
	// CaseInsensitiveNames compares database and table names without
	// regard to case (servers with lower_case_table_names=1 or 2). Zero
	// means names compare case-sensitively.
	CaseInsensitiveNames bool
	// Kinds, when not 0, keeps only rows events and statements of these
	// kinds. Zero means every kind is kept.
	Kinds StmtKind

	// IncludeGTIDs, when not nil, keeps only transactions whose GTID it
	// contains; transactions without a GTID (anonymous ones, or binlogs
	// written without GTIDs) are then dropped. ExcludeGTIDs drops the
	// transactions whose GTID it contains. For MariaDB GTIDs, a set holds
	// every sequence number up to its domain's (see GTIDSet.Contains):
	// IncludeGTIDs "0-1-100" keeps domain 0's transactions up to 100, and
	// ExcludeGTIDs "0-1-100" keeps those after it. Zero (nil) means no
	// transaction is kept or dropped for its GTID.
	IncludeGTIDs, ExcludeGTIDs *GTIDSet
	// ServerIDs, when not empty, keeps only transactions whose first event
	// was written by one of these servers (the event header's ServerID,
	// which is also a MariaDB GTID's server id). Zero (an empty list)
	// means every server's transactions are kept.
	ServerIDs []uint32

	// KeepEmptyTransactions keeps the boundary events (GTID, BEGIN,
	// COMMIT/XID) of a selected transaction whose every rows event and
	// statement was filtered out; by default such a transaction is dropped
	// whole. Keep them when the consumer checkpoints at commits (a
	// TxReader over the filter, say): the checkpoint then advances over
	// transactions that had nothing to deliver. A standalone statement (a
	// DDL with its GTID) that is filtered out is still dropped whole: the
	// statement is its own end, and there is no commit event to keep.
	// Zero means a transaction left with nothing selected is dropped whole.
	KeepEmptyTransactions bool
}

// validate checks the patterns once.
func (o *FilterOptions) validate() error {
	for _, list := range [][]string{o.IncludeDatabases, o.ExcludeDatabases, o.IncludeTables, o.ExcludeTables} {
		for _, p := range list {
			if _, err := path.Match(p, ""); err != nil {
				return fmt.Errorf("binlog: filter pattern %q: %w", p, err)
			}
		}
	}
	return nil
}

// A Filter passes on the events of a Source that FilterOptions select,
// keeping transaction integrity.
//
// Inside a selected transaction, the filter drops the rows events and
// statements that do not match, with the events that only serve them: a
// TABLE_MAP is delivered just before the first kept rows event that uses
// it, and a ROWS_QUERY/ANNOTATE_ROWS, INTVAR, RAND or USER_VAR event only
// with the statement that follows it. The boundary events (GTID, BEGIN,
// XA START, the TRANSACTION_PAYLOAD container, COMMIT, XID, ROLLBACK, XA
// PREPARE) are kept around what remains, so a consumer that groups events
// into transactions sees whole, consistent transactions. A transaction
// from which everything was filtered is dropped whole (no GTID, BEGIN or
// COMMIT of it is delivered) unless KeepEmptyTransactions is set.
//
// Events outside transactions (FORMAT_DESCRIPTION, ROTATE, PREVIOUS_GTIDS,
// GTID_LIST, BINLOG_CHECKPOINT, HEARTBEAT, STOP, INCIDENT, ...) always pass,
// up to the stop position: consumers need them to follow files and formats.
//
// The filter buffers only the boundary events of the current transaction
// and the events waiting for their statement; a transaction's rows events
// stream through, so memory does not grow with its size.
//
// Errors from the source are returned as they are and are sticky, as is
// the io.EOF that a stop position or time causes.
type Filter struct {
	src  Source
	opts FilterOptions
	err  error

	out  []*Event // events ready to deliver, in order
	outI int

	startFile string // file of StartPosition (the first file seen when empty)

	// Current transaction.
	inTx       bool
	skipTx     bool     // the whole transaction is not selected
	standalone bool     // the group ends after its first content event
	sawBegin   bool     // a BEGIN (or a MariaDB GTID, which implies it) opened it
	head       []*Event // boundary events not yet delivered
	delivered  bool     // something of the transaction has been delivered
	tmaps      map[uint64]*Event
	sentMaps   map[uint64]bool
	context    []*Event // IntVar, Rand, UserVar, RowsQuery waiting for their statement
	kept       bool     // the current statement's first rows event was kept
	content    bool     // a rows event or statement of the transaction was seen
	tail       []*Event // XA END, waiting for XA_PREPARE
}

// NewFilter returns a Filter reading from src. opts may be nil (every event
// passes). Options are checked here: a bad pattern is an error of
// NewFilter, not of a later Next.
func NewFilter(src Source, opts *FilterOptions) (*Filter, error) {
	f := &Filter{src: src}
	if opts != nil {
		f.opts = *opts
	}
	if err := f.opts.validate(); err != nil {
		return nil, err
	}
	f.startFile = f.opts.StartPosition.File
	return f, nil
}

var _ Source = (*Filter)(nil)

// Next returns the next selected event, or io.EOF at the end of the source
// or at the stop position or time.
func (f *Filter) Next() (*Event, error) {
	for {
		if f.outI < len(f.out) {
			ev := f.out[f.outI]
			f.out[f.outI] = nil
			f.outI++
			return ev, nil
		}
		f.out, f.outI = f.out[:0], 0
		if f.err != nil {
			return nil, f.err
		}
		ev, err := f.src.Next()
		if err != nil {
			f.err = err
			continue
		}
		f.process(ev)
	}
}

// All returns an iterator over the remaining selected events, with the
// semantics of Reader.All: it yields one final (nil, err) on failure, stops
// without an error at the end, and is single-use.
func (f *Filter) All() iter.Seq2[*Event, error] {
	return seq(f.Next)
}

func (f *Filter) emit(ev ...*Event) { f.out = append(f.out, ev...) }

// stop ends the filter before ev.
func (f *Filter) stop() { f.err = io.EOF }

// process handles one event from the source.
func (f *Filter) process(ev *Event) {
	if f.startFile == "" && ev.File != "" {
		f.startFile = ev.File
	}
	switch p := ev.Payload.(type) {
	case *GTID:
		if f.beginTx(ev) || f.skipTx {
			f.sawBegin = p.MariaDB && !p.Standalone()
			f.standalone = p.Standalone()
		}
		return
	case *Query:
		f.processQuery(ev, p)
		return
	case *XID:
		if f.inTx {
			f.finishTx(ev)
			return
		}
	case *XAPrepare:
		if f.inTx {
			f.finishTx(ev)
			return
		}
	case *TransactionPayload:
		if f.inTx && !f.skipTx {
			f.head = append(f.head, ev)
			return
		}
	case *TableMap:
		if f.inTx {
			if !f.skipTx && f.tableSelected(p.Schema, p.Table) {
				if f.tmaps == nil {
					f.tmaps = make(map[uint64]*Event)
				}
				f.tmaps[p.TableID] = ev
				delete(f.sentMaps, p.TableID)
			}
			return
		}
		if f.outside(ev) && f.tableSelected(p.Schema, p.Table) {
			f.emit(ev)
		}
		return
	case *Rows:
		f.processRows(ev, p)
		return
	case *IntVar, *Rand, *UserVar, *RowsQuery:
		if f.inTx {
			if !f.skipTx {
				f.context = append(f.context, ev)
			}
			return
		}
		if f.outside(ev) {
			f.context = append(f.context, ev)
		}
		return
	}
	if f.inTx {
		// Another event inside a transaction (MySQL's
		// TRANSACTION_CONTEXT, an unknown type): it goes with the
		// transaction.
		if !f.skipTx {
			f.deliverHead()
			f.emit(ev)
		}
		return
	}
	if f.passStop(ev) {
		f.emit(ev)
	}
}

// passStop reports whether ev, outside a transaction, comes before the
// stop position; it stops the filter otherwise.
func (f *Filter) passStop(ev *Event) bool {
	// A fake rotate (timestamp 0) is not in the log; a heartbeat's
	// position is where the next event will be, so a heartbeat at or
	// after the stop position ends an idle live stream.
	_, hb := ev.Payload.(*Heartbeat)
	if f.opts.StopPosition.Offset > 0 && (ev.Header.Timestamp != 0 || hb) && !f.beforeStop(ev) {
		f.stop()
		return false
	}
	return true
}

// outside handles the selection of an event outside any transaction that
// is not a boundary (a rows event or statement in a binlog without BEGIN):
// it is judged like a transaction of its own.
func (f *Filter) outside(ev *Event) bool {
	if !f.passStop(ev) {
		return false
	}
	return f.txSelected(ev, nil)
}

// beginTx starts a transaction at ev (a GTID or BEGIN event) and reports
// whether it is selected.
func (f *Filter) beginTx(ev *Event) bool {
	f.endTx()
	f.inTx = true
	g, _ := ev.Payload.(*GTID)
	if f.opts.StopPosition.Offset > 0 && !f.beforeStop(ev) ||
		!f.opts.StopTime.IsZero() && !ev.Time().Before(f.opts.StopTime) {
		f.inTx = false
		f.stop()
		return false
	}
	f.skipTx = !f.txSelected(ev, g)
	if !f.skipTx {
		f.head = append(f.head, ev)
	}
	return !f.skipTx
}

// txSelected applies the transaction-level criteria to a transaction whose
// first event is ev and GTID g (nil when it has none).
func (f *Filter) txSelected(ev *Event, g *GTID) bool {
	o := &f.opts
	if o.StartPosition.Offset > 0 && comparePos(ev.File, ev.Offset, f.startFile, o.StartPosition.Offset) < 0 {
		return false
	}
	if !o.StartTime.IsZero() && ev.Time().Before(o.StartTime) {
		return false
	}
	if len(o.ServerIDs) > 0 {
		id := ev.Header.ServerID
		found := false
		for _, s := range o.ServerIDs {
			if s == id {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	hasGTID := g != nil && !g.Anonymous
	if o.IncludeGTIDs != nil && (!hasGTID || !o.IncludeGTIDs.Contains(g)) {
		return false
	}
	if o.ExcludeGTIDs != nil && hasGTID && o.ExcludeGTIDs.Contains(g) {
		return false
	}
	return true
}

// beforeStop reports whether ev starts before StopPosition.
func (f *Filter) beforeStop(ev *Event) bool {
	sp := f.opts.StopPosition
	if sp.File == "" {
		return ev.Offset < sp.Offset
	}
	return comparePos(ev.File, ev.Offset, sp.File, sp.Offset) < 0
}

// comparePos compares positions (file a, offset ao) and (file b, offset
// bo). An empty file name compares equal to any.
func comparePos(a string, ao int64, b string, bo int64) int {
	if a != "" && b != "" && a != b {
		return CompareFileNames(a, b)
	}
	switch {
	case ao < bo:
		return -1
	case ao > bo:
		return 1
	}
	return 0
}

// deliverHead delivers the pending boundary events of the transaction.
func (f *Filter) deliverHead() {
	if len(f.head) > 0 {
		f.emit(f.head...)
		f.head = f.head[:0]
	}
	f.delivered = true
}

// finishTx ends the transaction with its commit or rollback event ev.
func (f *Filter) finishTx(ev *Event) {
	if !f.skipTx {
		if !f.delivered && f.opts.KeepEmptyTransactions {
			f.deliverHead()
		}
		if f.delivered {
			f.emit(f.tail...)
			f.emit(ev)
		}
	}
	f.endTx()
}

// endTx forgets the current transaction. A transaction left without its
// end (a GTID follows, as after a server crash) is closed as it is: what
// was delivered of it stays delivered, without a commit.
func (f *Filter) endTx() {
	f.inTx, f.skipTx, f.delivered, f.sawBegin, f.standalone, f.kept, f.content = false, false, false, false, false, false, false
	f.head = f.head[:0]
	f.tail = f.tail[:0]
	f.context = f.context[:0]
	clear(f.tmaps)
	clear(f.sentMaps)
}

func (f *Filter) processQuery(ev *Event, q *Query) {
	ctl := q.Control()
	switch ctl {
	case TxBegin, TxXAStart:
		if f.inTx && !f.content {
			f.sawBegin = true
			if !f.skipTx {
				f.head = append(f.head, ev)
			}
			return
		}
		if f.beginTx(ev) || f.skipTx {
			f.sawBegin = true
		}
		return
	case TxXAEnd:
		if f.inTx {
			// XA_PREPARE ends the group; XA END goes just before it.
			if !f.skipTx {
				f.tail = append(f.tail, ev)
			}
			return
		}
	case TxCommit, TxRollback:
		if f.inTx {
			f.context = f.context[:0]
			f.finishTx(ev)
			return
		}
	case TxSavepoint, TxRollbackToSavepoint, TxReleaseSavepoint:
		if f.inTx {
			// Inside the transaction, whatever is selected: a kept row
			// after SAVEPOINT needs it, and ROLLBACK TO undoes what
			// came after it. Held with the head until something of the
			// transaction is delivered.
			if f.skipTx {
				return
			}
			if f.delivered {
				f.emit(ev)
			} else {
				f.head = append(f.head, ev)
			}
			return
		}
	}
	// A statement: DDL, statement-based DML or another one.
	standaloneTx := !f.inTx
	if standaloneTx {
		// No GTID, no BEGIN: a group of its own.
		if !f.beginTx(ev) {
			f.endTx()
			return
		}
		f.head = f.head[:0]
		f.standalone = true
	} else if !f.sawBegin {
		// MySQL: GTID then a DDL without BEGIN.
		f.standalone = true
	}
	f.content = true
	if f.skipTx {
		if f.standalone {
			f.endTx()
		}
		return
	}
	kind, db, table := q.Statement()
	keep := f.kindSelected(kind) && f.stmtSelected(db, table) || ctl == TxXACommit || ctl == TxXARollback
	if keep {
		f.deliverHead()
		f.emit(f.context...)
		f.emit(ev)
	}
	f.context = f.context[:0]
	if f.standalone {
		f.endTx()
	}
}

func (f *Filter) processRows(ev *Event, r *Rows) {
	if !f.inTx {
		if f.outside(ev) && f.rowsSelected(r) {
			f.emit(f.context...)
			f.emit(ev)
		}
		if r.EndOfStatement() {
			f.context = f.context[:0]
		}
		return
	}
	f.content = true
	if f.skipTx {
		return
	}
	if f.rowsSelected(r) {
		f.deliverHead()
		if !f.kept {
			f.emit(f.context...)
			f.context = f.context[:0]
			f.kept = true
		}
		if tm := f.tmaps[r.TableID]; tm != nil && !f.sentMaps[r.TableID] {
			f.emit(tm)
			if f.sentMaps == nil {
				f.sentMaps = make(map[uint64]bool)
			}
			f.sentMaps[r.TableID] = true
		}
		f.emit(ev)
	}
	if r.EndOfStatement() {
		f.context = f.context[:0]
		f.kept = false
	}
}

func (f *Filter) rowsSelected(r *Rows) bool {
	var k StmtKind
	switch r.Kind {
	case Insert:
		k = StmtInsert
	case Update:
		k = StmtUpdate
	case Delete:
		k = StmtDelete
	}
	if !f.kindSelected(k) {
		return false
	}
	if r.Table == nil {
		return len(f.opts.IncludeDatabases) == 0 && len(f.opts.IncludeTables) == 0
	}
	return f.tableSelected(r.Table.Schema, r.Table.Table)
}

func (f *Filter) kindSelected(k StmtKind) bool {
	return f.opts.Kinds == 0 || f.opts.Kinds&k != 0
}

// tableSelected applies the database and table criteria to db.table.
func (f *Filter) tableSelected(db, table string) bool {
	o := &f.opts
	if len(o.IncludeDatabases) > 0 && !f.matchAny(o.IncludeDatabases, db) {
		return false
	}
	if len(o.IncludeTables) > 0 && !f.matchTable(o.IncludeTables, db, table) {
		return false
	}
	if f.matchAny(o.ExcludeDatabases, db) || f.matchTable(o.ExcludeTables, db, table) {
		return false
	}
	return true
}

// stmtSelected applies the database and table criteria to a statement on
// db.table (table "" when it names none).
func (f *Filter) stmtSelected(db, table string) bool {
	if table != "" {
		return f.tableSelected(db, table)
	}
	o := &f.opts
	if len(o.IncludeTables) > 0 {
		return false
	}
	if len(o.IncludeDatabases) > 0 && !f.matchAny(o.IncludeDatabases, db) {
		return false
	}
	return !f.matchAny(o.ExcludeDatabases, db)
}

func (f *Filter) match(pattern, name string) bool {
	if f.opts.CaseInsensitiveNames {
		pattern, name = strings.ToLower(pattern), strings.ToLower(name)
	}
	ok, _ := path.Match(pattern, name)
	return ok
}

func (f *Filter) matchAny(patterns []string, name string) bool {
	for _, p := range patterns {
		if f.match(p, name) {
			return true
		}
	}
	return false
}

func (f *Filter) matchTable(patterns []string, db, table string) bool {
	for _, p := range patterns {
		if dp, tp, ok := splitTablePattern(p); ok {
			if f.match(dp, db) && f.match(tp, table) {
				return true
			}
		} else if f.match(p, table) {
			return true
		}
	}
	return false
}

// splitTablePattern splits "db.table" at its first unquoted dot.
func splitTablePattern(p string) (db, table string, ok bool) {
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '.':
			return p[:i], p[i+1:], true
		}
	}
	return "", "", false
}

// stmtScanner reads the leading words of a statement with the lexer of
// internal/sqllex (comments skipped, executable comments read as code).
type stmtScanner struct {
	src string
	lx  sqllex.Lexer
}

func newStmtScanner(stmt string, mode sqllex.Mode) stmtScanner {
	return stmtScanner{src: stmt, lx: sqllex.New(stmt, mode)}
}

// word returns the next token in upper case when it is a bare word or
// punctuation, and "" when it is quoted or at the end.
func (l *stmtScanner) word() string {
	t := l.lx.Next()
	if t.Kind != sqllex.Word && t.Kind != sqllex.Punct {
		return ""
	}
	return strings.ToUpper(t.Text(l.src))
}

// skipWords consumes the words of set that come next, in any order.
func (l *stmtScanner) skipWords(set ...string) {
	for {
		save := l.lx
		if !slices.Contains(set, l.word()) {
			l.lx = save
			return
		}
	}
}

// name reads a possibly qualified name: "t", "db.t", "`db`.`t`".
func (l *stmtScanner) name() (db, table string) {
	t := l.lx.Next().Value(l.src)
	save := l.lx
	if p := l.lx.Next(); p.Kind == sqllex.Punct && p.Text(l.src) == "." {
		return t, l.lx.Next().Value(l.src)
	}
	l.lx = save
	return "", t
}

// Statement classifies the statement of q as FilterOptions.Kinds and the
// database and table criteria see it. kind is StmtInsert (INSERT and
// REPLACE), StmtUpdate, StmtDelete, StmtDDL (CREATE, ALTER, DROP, RENAME,
// TRUNCATE of tables, databases, indexes, views, routines, triggers,
// events, ...) or StmtOther (GRANT, CREATE USER, SET PASSWORD, CALL, ...,
// and transaction control, which Control tells apart).
//
// table is the table the statement acts on: for CREATE/ALTER/DROP TABLE,
// TRUNCATE, RENAME TABLE, CREATE/DROP INDEX ... ON, and statement-based
// INSERT, REPLACE, UPDATE and DELETE, the first table it names; "" when it
// names none. db is that table's database when the statement qualifies
// it, the database created, altered or dropped for CREATE/ALTER/DROP
// DATABASE, and else the default database (q.Schema). The text is read as
// Control reads it; names come with their quotes undone.
func (q *Query) Statement() (kind StmtKind, db, table string) {
	l := newStmtScanner(q.Query, sqllex.ModeOf(q.SQLMode))
	verb := l.word()
	kind = StmtOther
	switch verb {
	case "INSERT", "REPLACE":
		kind = StmtInsert
		l.skipWords("LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE", "INTO")
		db, table = l.name()
	case "UPDATE":
		kind = StmtUpdate
		l.skipWords("LOW_PRIORITY", "IGNORE")
		db, table = l.name()
	case "DELETE":
		kind = StmtDelete
		l.skipWords("LOW_PRIORITY", "QUICK", "IGNORE")
		if l.word() == "FROM" {
			db, table = l.name()
		}
	case "TRUNCATE":
		kind = StmtDDL
		l.skipWords("TABLE")
		db, table = l.name()
	case "RENAME":
		kind = StmtDDL
		switch l.word() {
		case "TABLE", "TABLES":
			db, table = l.name()
		case "USER":
			kind = StmtOther
		}
	case "CREATE", "ALTER", "DROP":
		kind = StmtDDL
		l.skipWords("OR", "REPLACE", "TEMPORARY", "ONLINE", "OFFLINE", "IGNORE", "UNIQUE", "FULLTEXT",
			"SPATIAL", "DEFINER", "=", "ALGORITHM", "SQL", "SECURITY", "UNDEFINED", "MERGE", "TEMPTABLE",
			"INVOKER", "AGGREGATE")
		switch l.word() {
		case "TABLE":
			l.skipWords("IF", "NOT", "EXISTS")
			db, table = l.name()
		case "DATABASE", "SCHEMA":
			l.skipWords("IF", "NOT", "EXISTS")
			if _, n := l.name(); n != "" {
				return kind, n, ""
			}
		case "INDEX":
			l.skipWords("IF", "NOT", "EXISTS")
			l.name()
			if l.word() == "ON" {
				db, table = l.name()
			}
		case "USER", "ROLE", "SERVER":
			kind = StmtOther
		}
	}
	if db == "" {
		db = q.Schema
	}
	return kind, db, table
}
