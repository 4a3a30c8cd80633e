package stats

import (
	"errors"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
)

// A Collector counts the events it is given. It is not safe for concurrent
// use; a caller that reads Stats while another goroutine adds events must
// lock around both.
type Collector struct {
	o Options

	s       Stats // counters; the lists below are built by Stats
	files   map[string]int
	tables  map[tableKey]*Table
	buckets *buckets
	biggest top[Tx]
	longest top[Tx]
	largest top[RowsEvent]
	ddl     []DDL

	fd  *binlog.FormatDescription
	ri  binlog.RowImages
	tx  openTx
	pos binlog.Position // after the last event counted
}

type tableKey struct{ db, table, kind string }

// openTx is the group being read.
type openTx struct {
	active, sawBegin bool
	begin            binlog.Position
	gtid             string
	start, last      int64  // earliest and latest header timestamps, unix seconds
	commitMicros     uint64 // MySQL immediate commit time, 0 when absent
	events, bytes    int64
	rows             int64
	tables           []string
	more             bool // more than maxTxTables tables
}

// NewCollector returns a Collector with the given options (nil means the
// defaults). It fails, with an error wrapping ErrBadOptions, on a negative
// option.
func NewCollector(opts *Options) (*Collector, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Collector{
		o:       o,
		files:   make(map[string]int),
		tables:  make(map[tableKey]*Table),
		buckets: newBuckets(o.MaxBuckets),
	}
	c.biggest = top[Tx]{n: o.TopN, less: func(a, b Tx) bool { return a.Bytes < b.Bytes }}
	c.longest = top[Tx]{n: o.TopN, less: func(a, b Tx) bool {
		return a.Duration < b.Duration || a.Duration == b.Duration && a.Bytes < b.Bytes
	}}
	c.largest = top[RowsEvent]{n: o.TopN, less: func(a, b RowsEvent) bool { return a.Bytes < b.Bytes }}
	return c, nil
}

// Collect counts every event of src up to io.EOF. Other errors of src are
// returned as an *Error, with the statistics counted so far.
func Collect(src binlog.Source, opts *Options) (*Stats, error) {
	c, err := NewCollector(opts)
	if err != nil {
		return nil, err
	}
	for {
		ev, err := src.Next()
		if errors.Is(err, io.EOF) {
			return c.Stats(), nil
		}
		if err != nil {
			return c.Stats(), &Error{File: c.pos.File, Offset: c.pos.Offset, Err: err}
		}
		c.Add(ev)
	}
}

// Position returns the position after the last event added.
func (c *Collector) Position() binlog.Position { return c.pos }

// Add counts ev. Heartbeats (not in any file) are ignored. The Collector keeps nothing that
// points into ev.
func (c *Collector) Add(ev *binlog.Event) {
	switch p := ev.Payload.(type) {
	case *binlog.Heartbeat:
		return
	case *binlog.FormatDescription:
		c.fd = p
	}
	c.pos = binlog.Position{File: ev.File, Offset: ev.NextPos}
	var size int64
	if ev.PayloadIndex == 0 {
		size = int64(ev.Header.EventSize)
	}
	sec := int64(ev.Header.Timestamp)
	c.s.Events++
	c.s.Bytes += size
	c.addFile(ev, size)
	var bk *Bucket
	if sec != 0 {
		t := time.Unix(sec, 0).UTC()
		if c.s.First.IsZero() || t.Before(c.s.First) {
			c.s.First = t
		}
		if t.After(c.s.Last) {
			c.s.Last = t
		}
		bk = c.buckets.at(sec)
		bk.Events++
		bk.Bytes += size
	}

	switch p := ev.Payload.(type) {
	case *binlog.GTID:
		if c.tx.active {
			c.s.Unfinished++
		}
		c.startTx(ev)
		c.tx.gtid = p.String()
		// A MariaDB GTID that is not standalone stands for BEGIN.
		c.tx.sawBegin = p.MariaDB && !p.Standalone()
		c.tx.commitMicros = p.ImmediateCommitTime
		c.inTx(ev, size)
	case *binlog.Query:
		c.addQuery(ev, p, size, bk)
	case *binlog.XID, *binlog.XAPrepare:
		if c.tx.active {
			c.inTx(ev, size)
			c.endTx(ev, false)
		}
	case *binlog.Rows:
		n := c.rowsOf(ev, p)
		kind := rowsKind(p.Kind)
		c.addTable(p.Table.Schema, p.Table.Table, kind, n, size)
		c.s.Rows += n
		switch p.Kind {
		case binlog.Insert:
			c.s.Inserts += n
		case binlog.Update:
			c.s.Updates += n
		case binlog.Delete:
			c.s.Deletes += n
		}
		if bk != nil {
			bk.Rows += n
			switch p.Kind {
			case binlog.Insert:
				bk.Inserts += n
			case binlog.Update:
				bk.Updates += n
			case binlog.Delete:
				bk.Deletes += n
			}
		}
		re := RowsEvent{Bytes: int64(ev.Header.EventSize)}
		if c.largest.wants(re) {
			re.Position = binlog.Position{File: ev.File, Offset: ev.Offset}
			re.GTID = c.tx.gtid
			re.Time = ev.Header.Time().UTC()
			re.Database, re.Table, re.Kind, re.Rows = p.Table.Schema, p.Table.Table, kind, n
			c.largest.push(re)
		}
		if c.tx.active {
			c.tx.rows += n
			c.touch(p.Table.Schema + "." + p.Table.Table)
			c.inTx(ev, size)
		}
	case *binlog.IntVar, *binlog.Rand, *binlog.UserVar:
		// The context of the next statement: it opens the group of an
		// autocommitted statement logged without BEGIN (MySQL 5.0).
		if !c.tx.active {
			c.startTx(ev)
		}
		c.inTx(ev, size)
	case *binlog.FormatDescription, *binlog.Rotate, *binlog.PreviousGTIDs, *binlog.GTIDList,
		*binlog.BinlogCheckpoint, *binlog.Stop, *binlog.StartEncryption, *binlog.Incident:
		// Outside transactions.
	default:
		if c.tx.active {
			c.inTx(ev, size)
		}
	}
}

// rowsOf returns the number of row changes of a rows event.
func (c *Collector) rowsOf(ev *binlog.Event, p *binlog.Rows) int64 {
	if p.Rows != nil || c.fd == nil {
		return int64(len(p.Rows))
	}
	// Read with SkipRowValues: count the images.
	if err := binlog.SplitRowImages(&c.ri, ev, c.fd); err != nil {
		return 0
	}
	return int64(c.ri.Rows(p.Kind))
}

func (c *Collector) addQuery(ev *binlog.Event, q *binlog.Query, size int64, bk *Bucket) {
	ctl := q.Control()
	switch ctl {
	case binlog.TxBegin, binlog.TxXAStart:
		if !c.tx.active || c.tx.sawBegin {
			if c.tx.active {
				c.s.Unfinished++
			}
			c.startTx(ev)
		}
		c.tx.sawBegin = true
		c.inTx(ev, size)
		return
	case binlog.TxCommit, binlog.TxRollback:
		if c.tx.active {
			c.inTx(ev, size)
			c.endTx(ev, ctl == binlog.TxRollback)
			return
		}
	case binlog.TxSavepoint, binlog.TxRollbackToSavepoint, binlog.TxReleaseSavepoint, binlog.TxXAEnd:
		if c.tx.active {
			c.inTx(ev, size)
			return
		}
	}
	// A statement: DDL, statement-based DML or another one, counted under
	// the table it names (its database when it names none), as
	// binlog.Query.Statement classifies it.
	sk, db, table := q.Statement()
	kind := statementKind(sk)
	c.addTable(db, table, kind, 0, size)
	standalone := !c.tx.active || !c.tx.sawBegin
	if !c.tx.active {
		c.startTx(ev)
	}
	c.inTx(ev, size)
	if table != "" && kind != KindStatement {
		c.touch(db + "." + table)
	}
	if kind == KindDDL {
		if bk != nil {
			bk.DDL++
		}
		if len(c.ddl) < c.o.MaxDDL {
			c.ddl = append(c.ddl, DDL{
				Position:  binlog.Position{File: ev.File, Offset: ev.Offset},
				GTID:      c.tx.gtid,
				Time:      ev.Header.Time().UTC(),
				Database:  db,
				Table:     table,
				Statement: cut(q.Query, c.o.MaxStatement),
			})
		} else {
			c.s.DDLOmitted++
		}
	}
	if standalone {
		c.endTx(ev, false)
	}
}

// statementKind names the kind of a statement.
func statementKind(k binlog.StmtKind) string {
	switch k {
	case binlog.StmtDDL:
		return KindDDL
	case binlog.StmtInsert:
		return KindInsertStatement
	case binlog.StmtUpdate:
		return KindUpdateStatement
	case binlog.StmtDelete:
		return KindDeleteStatement
	}
	return KindStatement
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = strings.ToValidUTF8(s[:n], "")
	return s + "…"
}

func (c *Collector) addFile(ev *binlog.Event, size int64) {
	i, ok := c.files[ev.File]
	if !ok {
		i = len(c.s.Files)
		c.files[ev.File] = i
		c.s.Files = append(c.s.Files, File{Name: ev.File})
	}
	f := &c.s.Files[i]
	f.Events++
	f.Bytes += size
	if ev.Header.Timestamp != 0 {
		t := ev.Header.Time().UTC()
		if f.First.IsZero() || t.Before(f.First) {
			f.First = t
		}
		if t.After(f.Last) {
			f.Last = t
		}
	}
}

func (c *Collector) addTable(db, table, kind string, rows, size int64) {
	k := tableKey{db, table, kind}
	t := c.tables[k]
	if t == nil {
		if len(c.tables) >= c.o.MaxTables {
			k = tableKey{"", "(other)", kind}
			t = c.tables[k]
		}
		if t == nil {
			t = &Table{Database: k.db, Table: k.table, Kind: k.kind}
			c.tables[k] = t
		}
	}
	t.Events++
	t.Rows += rows
	t.Bytes += size
}

func (c *Collector) startTx(ev *binlog.Event) {
	c.tx = openTx{active: true, begin: binlog.Position{File: ev.File, Offset: ev.Offset}, tables: c.tx.tables[:0]}
}

// inTx counts ev in the open group.
func (c *Collector) inTx(ev *binlog.Event, size int64) {
	c.tx.events++
	c.tx.bytes += size
	if sec := int64(ev.Header.Timestamp); sec != 0 {
		if c.tx.start == 0 || sec < c.tx.start {
			c.tx.start = sec
		}
		c.tx.last = max(c.tx.last, sec)
	}
}

func (c *Collector) touch(name string) {
	if c.tx.more || slices.Contains(c.tx.tables, name) {
		return
	}
	if len(c.tx.tables) == maxTxTables {
		c.tx.more = true
		return
	}
	c.tx.tables = append(c.tx.tables, name)
}

// endTx closes the open group with ev, its last event.
func (c *Collector) endTx(ev *binlog.Event, rolledBack bool) {
	t := &c.tx
	c.s.Transactions++
	if rolledBack {
		c.s.RolledBack++
	}
	tx := Tx{
		Begin:      t.begin,
		End:        binlog.Position{File: ev.File, Offset: ev.NextPos},
		GTID:       t.gtid,
		Events:     t.events,
		Bytes:      t.bytes,
		Rows:       t.rows,
		TableCount: len(t.tables),
		RolledBack: rolledBack,
	}
	if t.more {
		tx.TableCount++
	}
	if t.start != 0 {
		tx.Start = time.Unix(t.start, 0).UTC()
		tx.Commit = time.Unix(t.last, 0).UTC()
	}
	if t.commitMicros != 0 {
		tx.Commit = time.UnixMicro(int64(t.commitMicros)).UTC()
	}
	if !tx.Start.IsZero() && tx.Commit.After(tx.Start) {
		tx.Duration = tx.Commit.Sub(tx.Start)
	}
	if !tx.Commit.IsZero() {
		c.buckets.at(tx.Commit.Unix()).Transactions++
	}
	if c.o.OnTx != nil || c.biggest.wants(tx) || c.longest.wants(tx) {
		tx.Tables = slices.Clone(t.tables)
		if c.o.OnTx != nil {
			cp := tx
			c.o.OnTx(&cp)
		}
		c.biggest.push(tx)
		c.longest.push(tx)
	}
	c.tx = openTx{tables: t.tables[:0]}
}

// Stats returns a snapshot of the counts so far. An open transaction is not
// in it.
func (c *Collector) Stats() *Stats {
	s := c.s
	s.Files = slices.Clone(c.s.Files)
	s.Tables = make([]Table, 0, len(c.tables))
	for _, t := range c.tables {
		s.Tables = append(s.Tables, *t)
	}
	slices.SortFunc(s.Tables, func(a, b Table) int {
		if r := strings.Compare(a.Database, b.Database); r != 0 {
			return r
		}
		if r := strings.Compare(a.Table, b.Table); r != 0 {
			return r
		}
		return strings.Compare(a.Kind, b.Kind)
	})
	s.BucketWidth = time.Duration(c.buckets.width) * time.Second
	s.Buckets = c.buckets.list()
	s.Biggest = c.biggest.sorted()
	s.Longest = c.longest.sorted()
	s.LargestRows = c.largest.sorted()
	s.DDL = slices.Clone(c.ddl)
	return &s
}

// rowsKind names the kind of a rows event.
func rowsKind(k binlog.RowsKind) string {
	switch k {
	case binlog.Insert:
		return KindInsert
	case binlog.Update:
		return KindUpdate
	case binlog.Delete:
		return KindDelete
	}
	return strings.ToLower(k.String())
}
