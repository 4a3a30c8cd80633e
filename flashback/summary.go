package flashback

import (
	"cmp"
	"slices"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
)

// Summary describes what undoing a selection does: a dry run reads the
// range with a Selector and prints its Summary.
type Summary struct {
	// Transactions counts the transactions selected (those with at least
	// one rows event to undo).
	Transactions int
	// Begin is the position of the first selected transaction, End the
	// position right after the last one; zero when none was selected.
	Begin, End binlog.Position
	// FirstTime is the timestamp of the first selected transaction's first
	// event, LastTime the commit time of the last one (UTC); zero when none
	// was selected.
	FirstTime, LastTime time.Time
	// Tables counts the rows to undo per table, sorted by database and
	// table name.
	Tables []TableSummary
	// Skipped counts the statements left out of selected transactions:
	// statements that change no table data (GRANT, ...), and, with
	// Selection.SkipStatements, DDL and statement-logged DML.
	Skipped int
}

// TableSummary counts the rows of one table that the flashback changes.
type TableSummary struct {
	Schema, Table string
	// Reinsert counts the deleted rows that the flashback inserts again.
	Reinsert int64
	// Delete counts the inserted rows that the flashback deletes.
	Delete int64
	// Revert counts the updated rows that the flashback sets back.
	Revert int64
}

// summer accumulates a Summary.
type summer struct {
	s      Summary
	tables map[[2]string]*TableSummary
}

// addRows counts the n rows of r.
func (m *summer) addRows(r *binlog.Rows, n int64) {
	var key [2]string
	if r.Table != nil {
		key = [2]string{r.Table.Schema, r.Table.Table}
	}
	t := m.tables[key]
	if t == nil {
		if m.tables == nil {
			m.tables = make(map[[2]string]*TableSummary)
		}
		t = &TableSummary{Schema: key[0], Table: key[1]}
		m.tables[key] = t
	}
	switch r.Kind {
	case binlog.Insert:
		t.Delete += n
	case binlog.Delete:
		t.Reinsert += n
	case binlog.Update:
		t.Revert += n
	}
}

// addTx counts a selected transaction.
func (m *summer) addTx(tx *binlog.Tx) {
	if m.s.Transactions == 0 {
		m.s.Begin = tx.Begin
		if len(tx.Events) > 0 {
			m.s.FirstTime = tx.Events[0].Time()
		}
	}
	m.s.Transactions++
	m.s.End = tx.End
	m.s.LastTime = tx.CommitTime
}

// summary returns a copy of the Summary so far.
func (m *summer) summary() Summary {
	s := m.s
	s.Tables = make([]TableSummary, 0, len(m.tables))
	for _, t := range m.tables {
		s.Tables = append(s.Tables, *t)
	}
	slices.SortFunc(s.Tables, func(a, b TableSummary) int {
		return cmp.Or(cmp.Compare(a.Schema, b.Schema), cmp.Compare(a.Table, b.Table))
	})
	return s
}
