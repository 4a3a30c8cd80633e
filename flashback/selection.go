package flashback

import (
	"fmt"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
)

// Selection chooses the transactions of a binlog to undo; both outputs
// (SQL through a Writer, a flashback binlog through a BinlogWriter) read it
// through a Selector. The zero value (or nil) selects every transaction of
// the source. Every criterion set must hold.
//
// Transactions stay whole. Positions and times select whole transactions;
// a Start or Stop position that falls inside a transaction is refused
// with ErrCutTransaction (naming the transaction's bounds) rather than
// widened, so that what is undone is always what was asked. Databases,
// Tables and Kinds select the rows events inside a transaction: a
// transaction keeps its other rows events out of the flashback, and one
// left with none is not selected.
type Selection struct {
	// Start skips the transactions that begin before it; an empty File
	// means the first file the source yields. Zero means from the start of
	// the source.
	Start binlog.Position
	// Stop ends the selection at the first transaction that begins at or
	// after it: give the position of a transaction's first event, or the
	// position right after the last event of the last transaction wanted.
	// An empty File means any file (see binlog.FilterOptions.StopPosition).
	// Zero means to the end of the source.
	Stop binlog.Position
	// StartTime skips the transactions whose first event is older. Zero
	// means no start time. See binlog.FilterOptions.StartTime.
	StartTime time.Time
	// StopTime ends the selection at the first transaction whose first
	// event is at or after it. Zero means no stop time.
	StopTime time.Time
	// IncludeGTIDs, when not nil, selects only the transactions whose GTID
	// it holds (see binlog.FilterOptions.IncludeGTIDs). Zero (nil) means
	// transactions are selected whatever their GTID.
	IncludeGTIDs *binlog.GTIDSet
	// ExcludeGTIDs, when not nil, drops the transactions whose GTID it
	// holds. Zero (nil) means none is dropped for its GTID.
	ExcludeGTIDs *binlog.GTIDSet
	// Databases, when not empty, selects only the rows events of these
	// databases (path.Match patterns, as binlog.FilterOptions'
	// IncludeDatabases). Zero (empty) means every database.
	Databases []string
	// Tables, when not empty, selects only the rows events of these tables
	// ("db.table" or "table" patterns, as binlog.FilterOptions'
	// IncludeTables). Zero (empty) means every table.
	Tables []string
	// ExcludeDatabases drops the rows events of these databases. Zero
	// (empty) means none is dropped.
	ExcludeDatabases []string
	// ExcludeTables drops the rows events of these tables. Zero (empty)
	// means none is dropped.
	ExcludeTables []string
	// CaseInsensitiveNames compares database and table names without
	// regard to case. Zero means they compare as they are.
	CaseInsensitiveNames bool
	// Kinds, when not 0, selects only the rows events of these kinds
	// (binlog.StmtInsert, StmtUpdate, StmtDelete; binlog.ParseStmtKinds
	// reads "insert,delete"). Zero means every kind.
	Kinds binlog.StmtKind
	// SkipStatements leaves DDL and statement-logged DML on selected
	// tables out of the flashback, counted in Summary.Skipped (what a
	// Writer alone does); the flashback is then right only if they did
	// not touch the rows undone. Zero means the range is refused with
	// ErrDDL or ErrStatementDML.
	SkipStatements bool
}

// filterOptions returns the options of the binlog filter under the
// Selector. The start position and the kinds are applied by the Selector
// itself: the filter would skip a cut transaction silently, and would drop
// the DDL that must be refused.
func (s *Selection) filterOptions() *binlog.FilterOptions {
	return &binlog.FilterOptions{
		StopPosition:         s.Stop,
		StartTime:            s.StartTime,
		StopTime:             s.StopTime,
		IncludeDatabases:     s.Databases,
		ExcludeDatabases:     s.ExcludeDatabases,
		IncludeTables:        s.Tables,
		ExcludeTables:        s.ExcludeTables,
		CaseInsensitiveNames: s.CaseInsensitiveNames,
		IncludeGTIDs:         s.IncludeGTIDs,
		ExcludeGTIDs:         s.ExcludeGTIDs,
	}
}

// A Selector reads the transactions of a Selection from a binlog.Source,
// in log order, and checks that each can be undone. It reads the source
// through a binlog.Filter and a binlog.TxReader: memory is that of the
// largest transaction.
type Selector struct {
	sel Selection
	tap *tap
	txr *binlog.TxReader
	sum summer
	err error
	// images holds the row images of the rows events read without values
	// of the last transaction taken, from pool.
	images map[*binlog.Event]*binlog.RowImages
	pool   []*binlog.RowImages
}

// NewSelector returns a Selector over src. sel may be nil (everything).
// The options are checked here. It does no I/O.
func NewSelector(src binlog.Source, sel *Selection) (*Selector, error) {
	s := &Selector{}
	if sel != nil {
		s.sel = *sel
	}
	if s.sel.Kinds&^(binlog.StmtInsert|binlog.StmtUpdate|binlog.StmtDelete) != 0 {
		return nil, fmt.Errorf("flashback: Selection.Kinds: only insert, update and delete can be undone")
	}
	s.tap = &tap{src: src}
	f, err := binlog.NewFilter(s.tap, s.sel.filterOptions())
	if err != nil {
		return nil, fmt.Errorf("flashback: selection: %w", err)
	}
	s.txr = binlog.NewTxReader(f, nil)
	return s, nil
}

// Next returns the next selected transaction, or io.EOF at the end of the
// selection. The transaction holds its boundary events (GTID, BEGIN,
// COMMIT or XID), the table maps and the selected rows events, in log
// order; statements that change nothing are dropped. A range that cannot
// be undone gives an *EventError wrapping ErrCutTransaction, ErrDDL,
// ErrStatementDML, ErrRowImage or ErrTxControl. Errors are sticky.
func (s *Selector) Next() (*binlog.Tx, error) {
	for s.err == nil {
		tx, err := s.txr.Next()
		if err != nil {
			s.err = err
			break
		}
		ok, err := s.take(tx)
		if err != nil {
			s.err = err
			break
		}
		if ok {
			return tx, nil
		}
	}
	return nil, s.err
}

// Format returns the FORMAT_DESCRIPTION event of the file that holds the
// last transaction returned by Next (the latest one read), nil before the
// first. A BinlogWriter takes it.
func (s *Selector) Format() *binlog.Event { return s.tap.fd }

// Summary returns what the transactions returned so far undo.
func (s *Selector) Summary() Summary { return s.sum.summary() }

// take applies the Selector's own criteria and checks to tx, dropping the
// events that are not undone. It reports whether tx is selected.
func (s *Selector) take(tx *binlog.Tx) (bool, error) {
	if st := s.sel.Start; st.Offset > 0 {
		if st.File == "" {
			st.File = s.tap.first
		}
		if before(tx.Begin, st) {
			if before(st, tx.End) {
				return false, cutError(tx, st)
			}
			return false, nil
		}
	}
	if sp := s.sel.Stop; sp.Offset > 0 && before(tx.Begin, sp) && before(sp, tx.End) {
		return false, cutError(tx, sp)
	}
	kept := tx.Events[:0]
	rows := 0
	var ctlErr error // refused only when the transaction has rows to undo
	for _, ev := range tx.Events {
		switch p := ev.Payload.(type) {
		case *binlog.Rows:
			if !s.kindSelected(p.Kind) {
				continue
			}
			if err := checkRows(p); err != nil {
				return false, &EventError{File: ev.File, Offset: ev.Offset, Err: err}
			}
			rows++
		case *binlog.Query:
			c := p.Control()
			if err := checkControl(c, p.Query); err != nil && ctlErr == nil {
				ctlErr = &EventError{File: ev.File, Offset: ev.Offset, Err: err}
			}
			if !c.IsControl() {
				err := checkStatement(p, s.sel.Kinds)
				if err != nil && !s.sel.SkipStatements {
					return false, &EventError{File: ev.File, Offset: ev.Offset, Err: err}
				}
				s.sum.s.Skipped++
				continue
			}
		case *binlog.XAPrepare:
			if ctlErr == nil {
				ctlErr = &EventError{File: ev.File, Offset: ev.Offset, Err: fmt.Errorf("%w: XA PREPARE", ErrTxControl)}
			}
		}
		kept = append(kept, ev)
	}
	clear(tx.Events[len(kept):])
	tx.Events = kept
	if rows == 0 {
		return false, nil
	}
	if ctlErr != nil {
		return false, ctlErr
	}
	clear(s.images)
	for _, ev := range tx.Events {
		r, ok := ev.Payload.(*binlog.Rows)
		if !ok {
			continue
		}
		n := int64(len(r.Rows))
		if r.Rows == nil && ev.Raw != nil {
			// Read without values (binlog.ReaderOptions.SkipRowValues):
			// the rows are counted in the bytes, split once for the
			// BinlogWriter too.
			ri, err := s.split(ev)
			if err != nil {
				return false, err
			}
			n = int64(ri.Rows(r.Kind))
		}
		s.sum.addRows(r, n)
	}
	s.sum.addTx(tx)
	return true, nil
}

// split returns the row images of ev, a rows event of the transaction
// being taken read without values, and keeps them for rowImages.
func (s *Selector) split(ev *binlog.Event) (*binlog.RowImages, error) {
	if s.images == nil {
		s.images = make(map[*binlog.Event]*binlog.RowImages)
	}
	n := len(s.images)
	if n == len(s.pool) {
		s.pool = append(s.pool, new(binlog.RowImages))
	}
	ri := s.pool[n]
	if err := binlog.SplitRowImages(ri, ev, s.tap.fds[ev.File]); err != nil {
		return nil, &EventError{File: ev.File, Offset: ev.Offset, Err: err}
	}
	s.images[ev] = ri
	return ri, nil
}

// rowImages returns the row images of ev, a rows event of the last
// transaction returned by Next read without values, nil for others.
func (s *Selector) rowImages(ev *binlog.Event) *binlog.RowImages { return s.images[ev] }

func (s *Selector) kindSelected(k binlog.RowsKind) bool {
	if s.sel.Kinds == 0 {
		return true
	}
	var sk binlog.StmtKind
	switch k {
	case binlog.Insert:
		sk = binlog.StmtInsert
	case binlog.Update:
		sk = binlog.StmtUpdate
	case binlog.Delete:
		sk = binlog.StmtDelete
	}
	return s.sel.Kinds&sk != 0
}

// cutError is the error of a position p inside tx.
func cutError(tx *binlog.Tx, p binlog.Position) error {
	return &EventError{File: p.File, Offset: p.Offset,
		Err: fmt.Errorf("%w: the transaction from %v to %v; start or stop at one of those", ErrCutTransaction, tx.Begin, tx.End)}
}

// before reports whether a comes before b in log order; an empty file name
// (a Stop in any file) compares by offset alone.
func before(a, b binlog.Position) bool {
	if a.File == "" || b.File == "" {
		return a.Offset < b.Offset
	}
	return a.Compare(b) < 0
}

// tap passes on the events of a source, noting the first file name, the
// latest format description and that of each file.
type tap struct {
	src   binlog.Source
	first string
	fd    *binlog.Event
	fds   map[string]*binlog.FormatDescription
}

func (t *tap) Next() (*binlog.Event, error) {
	ev, err := t.src.Next()
	if err != nil {
		return ev, err
	}
	if t.first == "" {
		t.first = ev.File
	}
	if fd, ok := ev.Payload.(*binlog.FormatDescription); ok {
		t.fd = ev
		if t.fds == nil {
			t.fds = make(map[string]*binlog.FormatDescription)
		}
		t.fds[ev.File] = fd
	}
	return ev, nil
}
