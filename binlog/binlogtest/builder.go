package binlogtest

import (
	"fmt"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/sqlquote"
)

// Builder writes a binlog in memory, one SQL-level step at a time. The
// events are encoded when the output is asked for (Bytes, Files, WriteTo,
// WriteDir), so that faults can be applied to them; each call checks its
// events at once and returns an *Error for what cannot be written.
//
// A Builder is not safe for concurrent use.
type Builder struct {
	s      *settings
	err    error
	files  []*file
	tables map[string]*table
	dbs    map[string]bool
	nextID uint64
	now    uint32

	// The open transaction, nil outside Begin/Commit.
	tx *txState
	// GTIDs.
	gtids    *binlog.GTIDSet
	nextGTID *binlog.GTID // set by GTID for the next transaction
	lastGNO  map[string]int64
	lastSeq  map[uint32]uint64
	xid      uint64
}

// file is one binlog file being written.
type file struct {
	name   string
	start  int64
	seq    int64 // logical clock of the last MySQL transaction
	events []*binlog.Event
	faults []fault
}

// txState is an open transaction.
type txState struct {
	events   []*binlog.Event
	nontx    bool
	serverID uint32
}

// New returns a Builder whose first file holds the format description and
// the file header of its flavor (MariaDB: GTID list and binlog checkpoint;
// MySQL: previous GTIDs). opts may be nil. Options that do not make sense
// make every later call fail with ErrOptions.
func New(opts *Options) *Builder {
	b := &Builder{tables: map[string]*table{}, dbs: map[string]bool{}, nextID: 100,
		gtids: &binlog.GTIDSet{}, lastGNO: map[string]int64{}, lastSeq: map[uint32]uint64{}}
	s, err := opts.settings()
	if err != nil {
		b.err = &Error{Op: "New", Err: err}
		b.s = &settings{}
		return b
	}
	b.s = s
	b.now = uint32(s.Time.Unix())
	b.startFile(s.StartPosition)
	return b
}

// Flavor returns the flavor the Builder imitates.
func (b *Builder) Flavor() Flavor { return b.s.Flavor }

// Err returns the first error of the Builder's calls, nil if none failed.
func (b *Builder) Err() error { return b.err }

// SetTime sets the header timestamp of the events after it.
func (b *Builder) SetTime(t time.Time) { b.now = uint32(t.Unix()) }

func (b *Builder) cur() *file { return b.files[len(b.files)-1] }

// fail records err as the error of op and returns it.
func (b *Builder) fail(op string, err error) error {
	e := &Error{Op: op, Err: err}
	if len(b.files) > 0 {
		e.File = b.cur().name
		e.Event = len(b.cur().events)
	}
	if b.err == nil {
		b.err = e
	}
	return e
}

// check returns the sticky error, if any: calls after a failure fail too.
func (b *Builder) check(op string) error {
	if b.err != nil {
		return &Error{Op: op, Err: fmt.Errorf("an earlier call failed: %w", b.err)}
	}
	return nil
}

func (b *Builder) event(p binlog.Payload) *binlog.Event {
	return &binlog.Event{Header: binlog.Header{Timestamp: b.now, ServerID: b.s.ServerID}, Payload: p}
}

// startFile starts a new file at position start with its header events.
func (b *Builder) startFile(start int64) {
	f := &file{name: fmt.Sprintf("%s.%06d", b.s.BaseName, len(b.files)+1), start: start}
	b.files = append(b.files, f)
	fdEv := b.event(b.s.fd)
	f.events = append(f.events, fdEv)
	if b.s.Flavor == MariaDB {
		f.events = append(f.events, b.event(&binlog.GTIDList{GTIDs: b.gtids.MariaDB()}),
			b.event(&binlog.BinlogCheckpoint{File: f.name}))
	} else {
		f.events = append(f.events, b.event(&binlog.PreviousGTIDs{Sets: b.gtids.MySQL()}))
	}
}

// lookup returns the table named "db.table", or "table" when only one
// database has a table of that name.
func (b *Builder) lookup(name string) (*table, error) {
	if t, ok := b.tables[name]; ok {
		return t, nil
	}
	var found *table
	for _, t := range b.tables {
		if t.name == name {
			if found != nil {
				return nil, fmt.Errorf("%w: %q is in more than one database", ErrUnknownTable, name)
			}
			found = t
		}
	}
	if found == nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknownTable, name)
	}
	return found, nil
}

// CreateTable writes the CREATE TABLE statement of db.table (preceded, the
// first time db appears, by CREATE DATABASE IF NOT EXISTS) as DDL, each in
// its own transaction, and remembers the table for Insert, Update and
// Delete, named "db.table" (or "table" while unambiguous). defs are its
// columns, in order, and table options such as Engine.
func (b *Builder) CreateTable(db, name string, defs ...Def) error {
	const op = "CreateTable"
	if err := b.check(op); err != nil {
		return err
	}
	if b.tx != nil {
		return b.fail(op, fmt.Errorf("%w: DDL inside a transaction", ErrState))
	}
	t := &table{db: db, name: name, id: b.nextID, trans: true}
	engine := "InnoDB"
	for _, d := range defs {
		switch d := d.(type) {
		case Column:
			t.cols = append(t.cols, d)
		case Engine:
			engine, t.trans = string(d), d.transactional()
		}
	}
	if db == "" || name == "" {
		return b.fail(op, fmt.Errorf("%w: table %q in database %q", ErrOptions, name, db))
	}
	if _, ok := b.tables[db+"."+name]; ok {
		return b.fail(op, fmt.Errorf("%w: table %s.%s exists", ErrOptions, db, name))
	}
	if err := t.resolve(b.s.Flavor, !b.s.MinimalMetadata); err != nil {
		return b.fail(op, err)
	}
	if !b.dbs[db] {
		q := string(sqlquote.AppendIdent([]byte("CREATE DATABASE IF NOT EXISTS "), db))
		if err := b.ddl(op, "", q); err != nil {
			return err
		}
		b.dbs[db] = true
	}
	if err := b.ddl(op, db, t.createSQL(engine, b.s.Flavor)); err != nil {
		return err
	}
	b.nextID++
	b.tables[db+"."+name] = t
	return nil
}

// Query writes sql as a statement. Outside a transaction it is DDL, in a
// transaction of its own (a standalone GTID on MariaDB) with no default
// database, so names in it should be qualified with their database;
// inside Begin and Commit it is a statement of the transaction. Tables it
// creates or changes are not known to Insert: use CreateTable for those.
func (b *Builder) Query(sql string) error {
	const op = "Query"
	if err := b.check(op); err != nil {
		return err
	}
	if b.tx != nil {
		b.tx.events = append(b.tx.events, b.event(b.query("", sql)))
		return nil
	}
	return b.ddl(op, "", sql)
}

// query returns a Query payload with the session settings a server logs.
func (b *Builder) query(db, sql string) *binlog.Query {
	coll := charsets["utf8mb4"].collation(b.s.Flavor)
	return &binlog.Query{ThreadID: 1, Schema: db, Query: sql,
		Charset: &binlog.QueryCharset{Client: coll, Connection: coll, Server: coll}}
}

// ddl writes a DDL statement in a transaction of its own.
func (b *Builder) ddl(op, db, sql string) error {
	g, err := b.takeGTID(true)
	if err != nil {
		return b.fail(op, err)
	}
	evs := []*binlog.Event{b.gtidEvent(g, b.s.ServerID), b.event(b.query(db, sql))}
	return b.add(op, evs...)
}

// add checks events and appends them to the current file.
func (b *Builder) add(op string, evs ...*binlog.Event) error {
	for _, ev := range evs {
		if _, err := binlog.AppendEvent(nil, ev, b.s.fd, 4); err != nil {
			return b.fail(op, err)
		}
	}
	f := b.cur()
	f.events = append(f.events, evs...)
	return nil
}

// Begin opens a transaction: the rows and statements until Commit or
// Rollback are logged together, under one GTID. Insert, Update and Delete
// outside Begin are each a transaction of their own (autocommit).
func (b *Builder) Begin() error {
	const op = "Begin"
	if err := b.check(op); err != nil {
		return err
	}
	if b.tx != nil {
		return b.fail(op, fmt.Errorf("%w: Begin inside a transaction", ErrState))
	}
	b.tx = &txState{serverID: b.s.ServerID}
	return nil
}

// Commit ends the transaction: with an XID event when every table it
// changed is transactional (InnoDB), else with a COMMIT Query event, as
// servers do. An empty transaction writes nothing.
func (b *Builder) Commit() error { return b.end("Commit", "COMMIT") }

// Rollback ends the transaction with a ROLLBACK Query event, as servers
// log a transaction that changed a non-transactional table before it
// rolled back. An empty transaction writes nothing.
func (b *Builder) Rollback() error { return b.end("Rollback", "ROLLBACK") }

func (b *Builder) end(op, word string) error {
	if err := b.check(op); err != nil {
		return err
	}
	tx := b.tx
	if tx == nil {
		return b.fail(op, fmt.Errorf("%w: %s without Begin", ErrState, op))
	}
	b.tx = nil
	if len(tx.events) == 0 {
		return nil
	}
	g, err := b.takeGTID(false)
	if err != nil {
		return b.fail(op, err)
	}
	body := tx.events
	if b.s.Flavor.MySQL() {
		body = append([]*binlog.Event{b.event(b.query("", "BEGIN"))}, body...)
	}
	if word == "COMMIT" && !tx.nontx {
		b.xid++
		body = append(body, b.event(&binlog.XID{XID: b.xid}))
	} else {
		body = append(body, b.event(b.query("", word)))
	}
	for _, ev := range body {
		ev.Header.ServerID = tx.serverID
	}
	if b.s.Flavor == MariaDB {
		g.Flags = 8 // FL_ALLOW_PARALLEL
		if !tx.nontx {
			g.Flags |= 4 // FL_TRANSACTIONAL
		}
	}
	gev := b.gtidEvent(g, tx.serverID)
	if b.s.Compress {
		p, err := b.payload(body)
		if err != nil {
			return b.fail(op, err)
		}
		body = []*binlog.Event{p}
	}
	if g != nil && !g.MariaDB {
		if err := b.setLength(gev, body); err != nil {
			return b.fail(op, err)
		}
	}
	return b.add(op, append([]*binlog.Event{gev}, body...)...)
}

// autocommit runs fn in a transaction of its own when none is open.
func (b *Builder) autocommit(op string, fn func() error) error {
	if err := b.check(op); err != nil {
		return err
	}
	if b.tx != nil {
		return fn()
	}
	if err := b.Begin(); err != nil {
		return err
	}
	if err := fn(); err != nil {
		b.tx = nil
		return err
	}
	return b.Commit()
}

// String names the flavor and file count, for test failure messages.
func (b *Builder) String() string {
	return fmt.Sprintf("binlogtest.Builder(%v, %d files)", b.s.Flavor, len(b.files))
}
