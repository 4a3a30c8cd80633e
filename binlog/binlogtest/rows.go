package binlogtest

import (
	"fmt"

	"github.com/binlogkit/binlogkit/binlog"
)

// Insert writes one WRITE_ROWS event inserting rows into table ("db.table",
// or "table" while unambiguous), after the table's table map, as one
// statement. Outside Begin it is a transaction of its
// own. See Row for the values.
func (b *Builder) Insert(name string, rows ...Row) error {
	return b.rowsOp("Insert", name, binlog.Insert, len(rows), func(t *table, i int) (binlog.Row, error) {
		after, err := b.image(t, rows[i])
		return binlog.Row{After: after}, err
	})
}

// Delete writes one DELETE_ROWS event deleting rows (their full before
// images) from table.
func (b *Builder) Delete(name string, rows ...Row) error {
	return b.rowsOp("Delete", name, binlog.Delete, len(rows), func(t *table, i int) (binlog.Row, error) {
		before, err := b.image(t, rows[i])
		return binlog.Row{Before: before}, err
	})
}

// Update writes one UPDATE_ROWS event changing rows of table. On MySQL,
// an after image whose JSON columns hold binlog.JSONDiffValue values makes
// the event a PARTIAL_UPDATE_ROWS event (binlog_row_value_options=
// PARTIAL_JSON), as MySQL logs JSON_SET, JSON_REPLACE and JSON_REMOVE.
func (b *Builder) Update(name string, changes ...Change) error {
	return b.rowsOp("Update", name, binlog.Update, len(changes), func(t *table, i int) (binlog.Row, error) {
		before, err := b.image(t, changes[i].Before)
		if err != nil {
			return binlog.Row{}, fmt.Errorf("before image: %w", err)
		}
		after, err := b.image(t, changes[i].After)
		if err != nil {
			return binlog.Row{}, fmt.Errorf("after image: %w", err)
		}
		return binlog.Row{Before: before, After: after}, nil
	})
}

func (b *Builder) rowsOp(op, name string, kind binlog.RowsKind, n int, row func(*table, int) (binlog.Row, error)) error {
	return b.autocommit(op, func() error {
		t, err := b.lookup(name)
		if err != nil {
			return b.fail(op, err)
		}
		r := &binlog.Rows{Kind: kind, TableID: t.id, Table: t.tm, Flags: 1}
		for i := 0; i < n; i++ {
			rw, err := row(t, i)
			if err != nil {
				return b.fail(op, fmt.Errorf("%s row %d: %w", name, i+1, err))
			}
			for _, v := range rw.After {
				if v.Kind() == binlog.KindJSONDiff {
					r.Partial = true
				}
			}
			r.Rows = append(r.Rows, rw)
		}
		if r.Partial && b.s.Flavor == MariaDB {
			return b.fail(op, fmt.Errorf("%w: partial JSON updates", ErrFlavor))
		}
		ev := b.event(r)
		if _, err := binlog.AppendEvent(nil, ev, b.s.fd, 4); err != nil {
			return b.fail(op, fmt.Errorf("%w: %w", ErrValue, err))
		}
		tx := b.tx
		// Servers log the table map before each statement's rows: an
		// applier forgets table maps at the end of a statement.
		tx.events = append(tx.events, b.event(t.tm), ev)
		if !t.trans {
			tx.nontx = true
		}
		return nil
	})
}

// image converts a row for t.
func (b *Builder) image(t *table, r Row) ([]binlog.Value, error) {
	if len(r) != len(t.cols) {
		return nil, fmt.Errorf("%w: %d values for %d columns", ErrRow, len(r), len(t.cols))
	}
	img := make([]binlog.Value, len(r))
	for i, x := range r {
		v, err := t.value(i, x)
		if err != nil {
			return nil, fmt.Errorf("%w: column %s: %v", ErrValue, t.cols[i].name, err)
		}
		if v.IsNull() && t.cols[i].notNull {
			return nil, fmt.Errorf("%w: NULL in NOT NULL column %s", ErrValue, t.cols[i].name)
		}
		img[i] = v
	}
	return img, nil
}
