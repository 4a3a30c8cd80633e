package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/flashback"
	"github.com/binlogkit/binlogkit/rowevent"
)

// flushChunk is how much SQL run collects before writing it (more than
// main's bufio.Writer holds, so that the writes bypass its buffer).
const flushChunk = 256 << 10

// backChunk is the number of flashback statements between pauses of
// --back-interval (binlog2sql's chunk).
const backChunk = 1000

// run reads the input and writes the SQL to w.
func run(cfg *config, w io.Writer) error { return runContext(context.Background(), cfg, w) }

// runContext is run with a context that stops a live stream.
func runContext(ctx context.Context, cfg *config, w io.Writer) error {
	var server binlog.StaticSchema
	var addr string
	if cfg.useSchema() {
		var err error
		if server, addr, err = loadSchema(cfg); err != nil {
			return err
		}
	}
	schema := newReaderSchema(server, addr)
	src, err := openInput(ctx, cfg, &binlog.ReaderOptions{Schema: schema})
	if err != nil {
		return err
	}
	events, stop := prefetch(src, cfg.live())
	defer stop()
	r := &runner{cfg: cfg, schema: schema, loc: cfg.loc, out: rowevent.AppendHeader(nil)}
	if r.loc == nil {
		r.loc = time.UTC
	}
	if cfg.flashback {
		fopts := &flashback.Options{SQL: cfg.opts, Header: true}
		if cfg.backInterval > 0 {
			fopts.BatchSize = backChunk
			fopts.AfterBatch = func() { cfg.sleep(cfg.backInterval) }
		}
		r.fw = flashback.NewWriter(w, fopts)
		defer r.fw.Discard()
		r.out = r.out[:0]
	}
	if !cfg.live() {
		r.pipe = newSQLPipe(r, w)
	}
	defer func() {
		// Left early, on an error: the SQL made so far is written (the
		// statements are whole; a transaction left open is rolled back by
		// the client at its end), then the error is reported.
		switch {
		case r.pipe != nil:
			r.pipe.add(r.out, nil, nil, rowevent.Options{})
			r.pipe.close()
		case r.fw == nil && len(r.out) > 0:
			write(w, r.out, false)
		}
	}()
loop:
	for {
		ev, err := events.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		switch src.place(ev) {
		case before:
			ev.Release()
			continue
		case after:
			break loop
		}
		if ev.Header.Timestamp != 0 && timed(ev) {
			t := ev.Time()
			if !cfg.stopTime.IsZero() && !t.Before(cfg.stopTime) {
				break
			}
			if !cfg.startTime.IsZero() && t.Before(cfg.startTime) {
				ev.Release()
				continue
			}
		}
		last := src.last(ev)
		if err := r.event(ev); err != nil {
			return err
		}
		switch {
		case r.pipe != nil && len(r.out) > flushChunk:
			if err := r.pipe.add(r.out, nil, nil, rowevent.Options{}); err != nil {
				return err
			}
			r.out = r.out[:0]
		case r.pipe == nil && (len(r.out) > flushChunk || (cfg.stopNever && len(r.out) > 0)):
			if err := write(w, r.out, cfg.stopNever); err != nil {
				return err
			}
			r.out = r.out[:0]
		}
		// The event's SQL is written or spooled (or, handed to the pipe,
		// will be, which releases it then): its memory goes to the next
		// events (binlog.Event.Release), which keeps the allocation rate,
		// and the collector's work, near zero.
		if r.handed {
			r.handed = false
		} else {
			ev.Release()
		}
		if last {
			break
		}
	}
	if r.fw == nil && r.tx.written {
		// The range ends inside a transaction, whose end is beyond it:
		// apply what the range holds of it, as binlog2sql always has.
		r.out = append(r.out, "COMMIT;\n"...)
	}
	if r.pipe != nil {
		err := r.pipe.add(r.out, nil, nil, rowevent.Options{})
		if cerr := r.pipe.close(); err == nil {
			err = cerr
		}
		r.pipe, r.out = nil, nil
		if err != nil {
			return err
		}
	}
	if r.fw != nil {
		return r.fw.Close()
	}
	err = write(w, r.out, false)
	r.out = nil
	return err
}

// runner holds the state of runContext between events.
type runner struct {
	cfg    *config
	schema *readerSchema
	loc    *time.Location
	out    []byte            // forward SQL not written yet
	fw     *flashback.Writer // --flashback: writes the header and inverse SQL at the end
	pipe   *sqlPipe          // files: makes the SQL of rows events on other goroutines
	handed bool              // the last event went to pipe, which releases it
	pos    rowevent.Origin
	curDB  string // database of the last USE written
	tx     txState
	// xa holds the XA transactions whose first phase was written (as
	// committed) or spooled, by xid, with where their XA PREPARE is.
	xa map[string]where
}

// txState follows the transaction the events are in.
type txState struct {
	open    bool   // inside a transaction
	content bool   // a rows event or statement of it was read
	start   int64  // offset of its first event (GTID, BEGIN); 0 unknown
	gtid    string // its GTID; "" none
	// written: forward, BEGIN is written; flashback, rows of it are
	// spooled.
	written bool
	first   where       // its first rows event written or spooled
	held    []byte      // forward: savepoint statements waiting for BEGIN
	saves   []savepoint // its savepoints, oldest first
}

// where is a place in the log.
type where struct {
	file   string
	offset int64
}

func (w where) String() string {
	if w.offset == 0 {
		return "the start of the range"
	}
	return fmt.Sprintf("%s@%d", w.file, w.offset)
}

// savepoint is a SAVEPOINT of the current transaction.
type savepoint struct {
	name string
	// rows: flashback, the first spooled rows event after it (offset 0:
	// none yet).
	rows where
}

func (t *txState) reset() {
	*t = txState{held: t.held[:0], saves: t.saves[:0]}
}

// findSave returns the index of the savepoint called name, -1 if none.
// Savepoint names are not case-sensitive.
func (t *txState) findSave(name string) int {
	for i := len(t.saves) - 1; i >= 0; i-- {
		if strings.EqualFold(t.saves[i].name, name) {
			return i
		}
	}
	return -1
}

func at(ev *binlog.Event) where { return where{ev.File, ev.Offset} }

// event handles one event of the range.
func (r *runner) event(ev *binlog.Event) error {
	switch p := ev.Payload.(type) {
	case *binlog.GTID:
		if err := r.abandon(ev); err != nil {
			return err
		}
		r.tx.start, r.tx.gtid = ev.Offset, ""
		if !p.Anonymous || p.MariaDB {
			// An anonymous MySQL GTID gives no GTID to the comments.
			r.tx.gtid = p.String()
		}
		// MariaDB: BEGIN is implied, unless the group is one statement.
		r.tx.open = p.MariaDB && !p.Standalone()
	case *binlog.Query:
		return r.query(ev, p)
	case *binlog.XID:
		r.commit()
	case *binlog.XAPrepare:
		r.xaPrepare(ev, p.XAID(), p.OnePhase)
	case *binlog.Rows:
		return r.rows(ev, p)
	}
	return nil
}

func (r *runner) query(ev *binlog.Event, p *binlog.Query) error {
	switch c := p.Control(); c {
	case binlog.TxBegin, binlog.TxXAStart:
		if r.tx.open && r.tx.content {
			if err := r.abandon(ev); err != nil {
				return err
			}
		}
		r.tx.open = true
		if r.tx.start == 0 {
			r.tx.start = ev.Offset
		}
	case binlog.TxCommit:
		r.commit()
	case binlog.TxRollback:
		return r.rollback(ev)
	case binlog.TxSavepoint, binlog.TxRollbackToSavepoint, binlog.TxReleaseSavepoint:
		return r.savepoint(ev, p, c)
	case binlog.TxXAEnd:
		// XA PREPARE follows: the transaction ends there.
	case binlog.TxXAPrepare:
		xid, _ := p.XAID()
		r.xaPrepare(ev, xid, false)
	case binlog.TxXACommit, binlog.TxXARollback:
		// The second phase: a group of its own.
		xid, _ := p.XAID()
		prep, ok := r.xa[xid]
		delete(r.xa, xid)
		if ok && c == binlog.TxXARollback {
			return fmt.Errorf("%s: XA ROLLBACK of the XA transaction whose rows were written as committed at its XA PREPARE (%s): narrow the range to leave it out", at(ev), prep)
		}
		r.tx.reset()
	default:
		// A statement: DDL, statement-logged DML, ...
		pass := !r.cfg.onlyDML && r.fw == nil && r.cfg.selectedDB(p.Schema)
		if r.tx.open {
			r.tx.content = true
			if pass {
				r.begin()
			}
		}
		if pass {
			if err := r.passThrough(ev, p); err != nil {
				return err
			}
		}
		if !r.tx.open {
			// A statement of its own (DDL): it ends its group.
			r.tx.reset()
		}
	}
	return nil
}

// passThrough writes the statement of the Query event ev (DDL,
// statement-logged DML) as the mysql client must read it: whole, as one
// statement, with nothing of it run as a client command. Text with the
// delimiter ";" in it (a procedure body, a string) is framed by DELIMITER
// lines with a delimiter it does not hold, as mysqlbinlog does; a ";" after
// a trailing "-- comment" goes on a line of its own; text the client would
// read otherwise (an unterminated quote or comment, a backslash command, a
// leading client command word) is an error wrapping sqlscript.ErrUnsafe.
func (r *runner) passThrough(ev *binlog.Event, p *binlog.Query) error {
	out, err := rowevent.AppendQuery(r.out, p, &r.curDB)
	if err != nil {
		return fmt.Errorf("%s: statement %s: %w", at(ev), abbrev(strings.TrimSpace(p.Query)), err)
	}
	r.out = out
	return nil
}

// abbrev quotes the start of statement q for an error message.
func abbrev(q string) string {
	if len(q) > 80 {
		return strconv.Quote(q[:80]) + "..."
	}
	return strconv.Quote(q)
}

func (r *runner) rows(ev *binlog.Event, p *binlog.Rows) error {
	// Without BEGIN: the transaction started before the range.
	r.tx.open, r.tx.content = true, true
	if !r.cfg.selected(p) {
		return nil
	}
	here := at(ev) // ev may be released once handed to the pipe
	opts := r.cfg.opts
	if !r.cfg.noComments {
		start := r.tx.start
		if start == 0 {
			start = ev.Offset
		}
		r.pos = rowevent.Origin{Start: start, End: ev.NextPos, Time: ev.Time().In(r.loc), GTID: r.tx.gtid}
		opts.Origin = &r.pos
	}
	if r.pipe != nil {
		if r.fw == nil {
			r.begin()
		}
		r.handed = true
		err := r.pipe.add(r.out, ev, p, opts)
		r.out = r.out[:0]
		if err != nil {
			return err
		}
	}
	if r.fw != nil {
		if r.pipe == nil {
			if err := r.fw.WriteEvent(ev, opts.Origin); err != nil {
				if errors.Is(err, rowevent.ErrNoColumnNames) {
					return namesError(r.cfg, r.schema, ev, p.Table, err)
				}
				return err
			}
		}
		r.tx.written = true
		if r.tx.first.offset == 0 {
			r.tx.first = here
		}
		for i := len(r.tx.saves) - 1; i >= 0 && r.tx.saves[i].rows.offset == 0; i-- {
			r.tx.saves[i].rows = here
		}
		return nil
	}
	r.begin()
	if r.tx.first.offset == 0 {
		r.tx.first = here
	}
	if r.pipe != nil {
		return nil
	}
	out, err := rowevent.AppendForward(r.out, p, &opts)
	if err != nil {
		if errors.Is(err, rowevent.ErrNoColumnNames) {
			return namesError(r.cfg, r.schema, ev, p.Table, err)
		}
		return fmt.Errorf("%s: %w", here, err)
	}
	r.out = out
	return nil
}

// begin writes BEGIN and the savepoint statements held, once per
// transaction, before its first statement (forward).
func (r *runner) begin() {
	if r.tx.written {
		return
	}
	r.tx.written = true
	r.out = append(r.out, "BEGIN;\n"...)
	r.out = append(r.out, r.tx.held...)
	r.tx.held = r.tx.held[:0]
}

// commit ends the transaction with COMMIT (XID or COMMIT).
func (r *runner) commit() {
	if r.tx.written && r.fw == nil {
		r.out = append(r.out, "COMMIT;\n"...)
	}
	r.tx.reset()
}

// rollback ends the transaction with ROLLBACK. A server logs it (rather
// than cut the transaction from the log) when the transaction changed a
// non-transactional or temporary table; MariaDB also ends a group so at a
// logged ROLLBACK TO a savepoint set before anything was logged. The
// changes to transactional tables in the group were undone.
func (r *runner) rollback(ev *binlog.Event) error {
	if r.tx.written {
		if r.fw != nil {
			return fmt.Errorf("%s: the transaction of the rows event at %s ends with ROLLBACK: the server undid its changes to transactional tables and kept those to non-transactional ones, and the binlog does not say which tables are which, so --flashback cannot invert it; narrow the range or the tables to leave this transaction out",
				at(ev), r.tx.first)
		}
		r.out = append(r.out, "ROLLBACK;\n"...)
	}
	r.tx.reset()
	return nil
}

// abandon ends a transaction that the log leaves without COMMIT or
// ROLLBACK, before the event ev that starts another one: it was not
// committed (the server crashed while writing it).
func (r *runner) abandon(ev *binlog.Event) error {
	if r.tx.open && r.tx.written {
		if r.fw != nil {
			return fmt.Errorf("%s: the transaction of the rows event at %s has no COMMIT before the next one starts: it was not committed, and --flashback cannot take back what it spooled; narrow the range to leave it out",
				at(ev), r.tx.first)
		}
		r.out = append(r.out, "ROLLBACK;\n"...)
	}
	r.tx.reset()
	return nil
}

// savepoint handles SAVEPOINT, ROLLBACK TO and RELEASE SAVEPOINT: in
// forward mode they are written in place (held until BEGIN when nothing
// of the transaction is written yet); with --flashback a ROLLBACK TO that
// undoes spooled rows is an error.
func (r *runner) savepoint(ev *binlog.Event, p *binlog.Query, c binlog.TxControl) error {
	// Without BEGIN: the transaction started before the range.
	r.tx.open = true
	name, _ := p.Savepoint()
	i := r.tx.findSave(name)
	switch c {
	case binlog.TxSavepoint:
		if i >= 0 {
			// A savepoint of the same name is replaced.
			r.tx.saves = append(r.tx.saves[:i], r.tx.saves[i+1:]...)
		}
		r.tx.saves = append(r.tx.saves, savepoint{name: name})
	case binlog.TxReleaseSavepoint:
		if i < 0 {
			// Set before the range: nothing to release in the output.
			return nil
		}
		r.tx.saves = r.tx.saves[:i]
	case binlog.TxRollbackToSavepoint:
		if i < 0 {
			if !r.tx.written {
				// Set before the range, and nothing written since.
				return nil
			}
			return fmt.Errorf("%s: ROLLBACK TO %s undoes row changes of the range (from %s on), but its SAVEPOINT is before the range; start the range at the start of the transaction (its GTID or BEGIN)",
				at(ev), rowevent.Ident(name), r.tx.first)
		}
		if r.fw != nil && r.tx.saves[i].rows.offset != 0 {
			return fmt.Errorf("%s: the rows event at %s lies between SAVEPOINT %s and this ROLLBACK TO %s: the server undid its changes to transactional tables and kept those to non-transactional ones, and the binlog does not say which tables are which, so --flashback cannot invert it; narrow the range or the tables to leave this transaction out",
				at(ev), r.tx.saves[i].rows, rowevent.Ident(name), rowevent.Ident(name))
		}
		r.tx.saves = r.tx.saves[:i+1]
	}
	if r.fw != nil {
		return nil
	}
	// The statement is written from the name, not copied: the text is the
	// log's, and past the name it could hold anything (SAVEPOINT a; DROP
	// ...), which would run as statements of their own.
	if r.tx.written {
		r.out = appendSavepoint(r.out, c, name)
	} else {
		r.tx.held = appendSavepoint(r.tx.held, c, name)
	}
	return nil
}

// appendSavepoint appends the statement c (SAVEPOINT, ROLLBACK TO or
// RELEASE SAVEPOINT) of savepoint name, as servers log it, and ";\n".
func appendSavepoint(dst []byte, c binlog.TxControl, name string) []byte {
	switch c {
	case binlog.TxRollbackToSavepoint:
		dst = append(dst, "ROLLBACK TO "...)
	case binlog.TxReleaseSavepoint:
		dst = append(dst, "RELEASE SAVEPOINT "...)
	default:
		dst = append(dst, "SAVEPOINT "...)
	}
	dst = rowevent.AppendIdent(dst, name)
	return append(dst, ";\n"...)
}

// xaPrepare ends the first phase of an XA transaction (or the whole of
// it, onePhase): its rows are written as a committed transaction; xid is
// kept to catch an XA ROLLBACK of it.
func (r *runner) xaPrepare(ev *binlog.Event, xid string, onePhase bool) {
	if r.tx.written && !onePhase {
		if r.xa == nil {
			r.xa = make(map[string]where)
		}
		r.xa[xid] = at(ev)
	} else {
		// An xid may be used again once its transaction is over.
		delete(r.xa, xid)
	}
	r.commit()
}

// timed reports whether the datetime flags apply to ev: events of
// transactions, as binlog2sql sees them, not a file's format description
// or rotate, whose times are those of the file.
func timed(ev *binlog.Event) bool {
	switch ev.Payload.(type) {
	case *binlog.GTID, *binlog.Query, *binlog.Rows, *binlog.XID:
		return true
	}
	return false
}

// write writes b to w, and flushes w when asked and w can.
func write(w io.Writer, b []byte, flush bool) error {
	if _, err := w.Write(b); err != nil {
		return err
	}
	if f, ok := w.(interface{ Flush() error }); ok && flush {
		return f.Flush()
	}
	return nil
}

// selectedDB reports whether -d and --exclude-databases select database
// db (a rows event's, a statement's default database).
func (cfg *config) selectedDB(db string) bool {
	return (len(cfg.dbs) == 0 || cfg.dbs[db]) && !cfg.excludeDBs[db]
}

// selected reports whether the flags select the rows event r.
func (cfg *config) selected(r *binlog.Rows) bool {
	if r.Table == nil || !cfg.selectedDB(r.Table.Schema) {
		return false
	}
	db, t := r.Table.Schema, r.Table.Table
	if len(cfg.tables) > 0 && !listed(cfg.tables, db, t) || listed(cfg.excludeTables, db, t) {
		return false
	}
	return len(cfg.sqlTypes) == 0 || cfg.sqlTypes[r.Kind.String()]
}

// listed reports whether l names table db.t, as "t" or "db.t".
func listed(l listFlag, db, t string) bool { return l[t] || l[db+"."+t] }
