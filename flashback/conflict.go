package flashback

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/rowevent"
)

// The conflict check.
//
// A flashback overwrites each row the range touched with the state it had
// before the range. If something changed that row after the range, the
// flashback would silently undo that change too (or fail half-way on a
// duplicate key). A Checker finds such rows before anything is applied:
// it follows the range forward, keeping for every distinct row the final
// state the range left it in, then asks the server whether each row still
// is in that state.
//
// A row is identified by its primary key (TableMap.PrimaryKey), else by a
// UNIQUE key the server reports (information_schema.STATISTICS) when the
// image holds no NULL in it, else by its full image. A row the range
// updated keeps its identity when its key changes: the old key must then
// be free, the new one hold the final image. A row with a key that the
// range left deleted must be absent now. Rows are told apart by the bytes
// of their key, but the server keeps keys unique, and looks them up, in
// the column's collation: a range that turned key 'k' into 'K' leaves the
// 'K' row under `k`='k'. A row found under the key of a row left absent
// is thus no conflict when its key holds the bytes of a row the range
// left present and that row holds its final image (or, changed, is
// reported as itself, being the same row of the range, of the same
// lineage); any other row found there is. Rows without a key are counted:
// the range leaves n more copies of an image than it found, and at least n
// identical rows must exist now (rows with the same image that the range
// did not touch cannot be told apart from those it did, so a missing copy
// is seen only when fewer than n remain).
//
// The server compares, so that the check is exact: each row is looked up
// by its key (rowevent.AppendKeyMatch, which an index serves), selecting
// per column (cond) IS TRUE, cond being rowevent.AppendMatch, the
// condition the inverse SQL uses to locate a row by all its columns
// (strings byte for byte, FLOAT and DOUBLE by their exact value, MariaDB
// JSON as its bytes). CheckOptions.BatchRows rows go in one query,
// SELECT CASE WHEN key1 THEN … END FROM t WHERE key1 OR key2 …; images of
// key-less tables are counted in one scan of the table per batch, so that
// checking them costs the table's size times the images over BatchRows.
//
// Memory: the Checker, and the Report made from it, keep for every
// distinct row the range touched its key condition and the match
// conditions of its final image, as SQL text (column names and literals:
// about twice the row's size in the binlog plus the column names), and
// about 100 bytes of map and bookkeeping. The range's events themselves
// are not kept.

// OnConflict says what Check does about rows changed since the range.
type OnConflict uint8

const (
	// ConflictStop makes Check return an error wrapping ErrConflict when a
	// row changed; the flashback should not be applied. The zero value.
	ConflictStop OnConflict = iota
	// ConflictSkip reports the rows and makes Report.Skip true for every
	// row change of the range that touched them, so that the flashback
	// leaves them as they are now.
	ConflictSkip
	// ConflictForce reports the rows but leaves them in the flashback,
	// which overwrites the later changes.
	ConflictForce
)

func (o OnConflict) String() string {
	switch o {
	case ConflictStop:
		return "stop"
	case ConflictSkip:
		return "skip"
	case ConflictForce:
		return "force"
	}
	return fmt.Sprintf("OnConflict(%d)", uint8(o))
}

// CheckOptions tunes a Checker. The zero value (or a nil *CheckOptions)
// stops on conflicts, writes literals as rowevent does by default and
// checks 100 rows per query.
type CheckOptions struct {
	// OnConflict is what to do about changed rows; zero: ConflictStop.
	OnConflict OnConflict
	// SQL is the literal style of the lookups; only HexStrings and
	// JSONCast apply (JSONCast for MySQL's binary JSON). Zero: text
	// literals, JSON compared as text.
	SQL rowevent.Options
	// BatchRows is the most rows one lookup query checks (and the most
	// images of a key-less table one scan counts); 0 means 100, which
	// checks about 20,000 rows a second of a six-column table on a busy
	// two-core machine (larger batches are slower: the server's work per
	// query grows faster than its rows).
	BatchRows int
}

// ErrConflict is wrapped by the error of Check when rows changed after the
// range and CheckOptions.OnConflict is ConflictStop.
var ErrConflict = errors.New("flashback: rows changed since the range")

// ErrNoServerTable is wrapped by the error of Add when a table of the range
// does not exist on the server, whose definition the check needs.
var ErrNoServerTable = errors.New("flashback: table not on the server")

// ConflictKind says how a row differs from the state the range left it in.
type ConflictKind uint8

const (
	// RowChanged: the row is there, with other values in Conflict.Columns.
	RowChanged ConflictKind = iota + 1
	// RowDeleted: the row is gone.
	RowDeleted
	// RowReinserted: the range deleted the row (or moved it to another
	// key), and a row with its key exists again.
	RowReinserted
	// RowMissing: a table without a key has fewer rows identical to the
	// image (Conflict.Have) than the range left (Conflict.Want).
	RowMissing
)

func (k ConflictKind) String() string {
	switch k {
	case RowChanged:
		return "changed"
	case RowDeleted:
		return "deleted"
	case RowReinserted:
		return "reinserted"
	case RowMissing:
		return "missing"
	}
	return fmt.Sprintf("ConflictKind(%d)", uint8(k))
}

// Conflict is one row changed after the range.
type Conflict struct {
	Schema, Table string
	// Key is the row's key as an SQL condition, `id`=5 AND `k`='x'; for a
	// row identified by its full image, the conditions on every column.
	Key  string
	Kind ConflictKind
	// Columns are the columns that differ, in table order (RowChanged).
	Columns []string
	// Want and Have are the copies of the image expected and found
	// (RowMissing).
	Want, Have int
}

func (c Conflict) String() string {
	s := fmt.Sprintf("%s.%s %s: %s", c.Schema, c.Table, c.Key, c.Kind)
	switch c.Kind {
	case RowChanged:
		s += " (" + strings.Join(c.Columns, ", ") + ")"
	case RowMissing:
		s += fmt.Sprintf(" (%d of %d copies)", c.Have, c.Want)
	}
	return s
}

// A Checker follows a range and checks it against a server. Create it with
// NewChecker, feed it the events of the range in log order with Add, then
// call Check once. A Checker is not safe for concurrent use.
type Checker struct {
	db     *sql.DB
	opts   CheckOptions
	tables map[string]*tableState
	order  []*tableState
	parent []int32 // union-find of lineages: the rows that one row of the range became
	buf    []byte
}

// tableState is what the check knows of one table of the range.
type tableState struct {
	schema, table string
	names         []string
	key           []int // identity columns: primary key, else a UNIQUE key; nil: the full image
	rows          map[string]*rowState
}

// rowState is the state the range left one row in. Its map key is the
// row's identity: 'k' and the key condition, or 'f' and img.
type rowState struct {
	// img holds the match condition of each column of the final image,
	// each after its length as a uvarint (0 for a column the image lacks);
	// nil for a keyed row that must be absent.
	img     []byte
	count   int32 // full-image rows: copies the range added, less those it removed
	lineage int32
}

// NewChecker returns a Checker that will check against db (one of whose
// connections it uses, see Check). It does no I/O.
func NewChecker(db *sql.DB, opts *CheckOptions) (*Checker, error) {
	c := &Checker{db: db, tables: map[string]*tableState{}}
	if opts != nil {
		c.opts = *opts
	}
	if c.opts.OnConflict > ConflictForce {
		return nil, fmt.Errorf("flashback: unknown OnConflict %d", c.opts.OnConflict)
	}
	if c.opts.BatchRows < 0 {
		return nil, fmt.Errorf("flashback: negative BatchRows %d", c.opts.BatchRows)
	}
	if c.opts.BatchRows == 0 {
		c.opts.BatchRows = 100
	}
	c.opts.SQL = rowevent.Options{HexStrings: c.opts.SQL.HexStrings, JSONCast: c.opts.SQL.JSONCast}
	return c, nil
}

// Add takes the next event of the range, in log order. Row events are
// followed; other events are ignored. The first event of each table asks
// the server for the table's columns and keys. An error for the event (a
// value with no literal, a table the server lacks) is an *EventError.
func (c *Checker) Add(ctx context.Context, ev *binlog.Event) error {
	p, ok := ev.Payload.(*binlog.Rows)
	if !ok || len(p.Rows) == 0 {
		return nil
	}
	if err := c.addRows(ctx, p); err != nil {
		return &EventError{File: ev.File, Offset: ev.Offset, Err: err}
	}
	return nil
}

func (c *Checker) addRows(ctx context.Context, p *binlog.Rows) error {
	if p.Table == nil {
		return rowevent.ErrNoTable
	}
	t, err := c.table(ctx, p.Table)
	if err != nil {
		return err
	}
	for _, r := range p.Rows {
		switch p.Kind {
		case binlog.Insert:
			err = c.insert(t, r.After)
		case binlog.Delete:
			err = c.delete(t, r.Before)
		case binlog.Update:
			err = c.update(t, r.Before, r.After)
		default:
			err = fmt.Errorf("flashback: unknown rows kind %v", p.Kind)
		}
		if err != nil {
			return fmt.Errorf("%s.%s: %w", t.schema, t.table, err)
		}
	}
	return nil
}

// row returns the state of the row with identity id, made when new.
func (c *Checker) row(t *tableState, id []byte) *rowState {
	if st := t.rows[string(id)]; st != nil {
		return st
	}
	st := &rowState{lineage: int32(len(c.parent))}
	c.parent = append(c.parent, st.lineage)
	t.rows[string(id)] = st
	return st
}

func (c *Checker) insert(t *tableState, after []binlog.Value) error {
	id, err := c.identity(t, after)
	if err != nil {
		return err
	}
	st := c.row(t, id)
	return c.arrive(t, st, id, after)
}

func (c *Checker) delete(t *tableState, before []binlog.Value) error {
	id, err := c.identity(t, before)
	if err != nil {
		return err
	}
	leave(c.row(t, id), id)
	return nil
}

func (c *Checker) update(t *tableState, before, after []binlog.Value) error {
	idB, err := c.identity(t, before)
	if err != nil {
		return err
	}
	stB := c.row(t, idB)
	idB = []byte(string(idB)) // identity reuses c.buf
	idA, err := c.identity(t, after)
	if err != nil {
		return err
	}
	if string(idA) == string(idB) {
		if idA[0] == 'f' {
			return nil // the same image: the same copies
		}
		return c.arrive(t, stB, idA, after)
	}
	leave(stB, idB)
	stA := c.row(t, idA)
	c.union(stA.lineage, stB.lineage)
	return c.arrive(t, stA, idA, after)
}

// arrive records that the row st (identity id) now holds img.
func (c *Checker) arrive(t *tableState, st *rowState, id []byte, img []binlog.Value) error {
	if id[0] == 'f' {
		st.count++
		return nil
	}
	b, err := c.render(nil, t, img)
	if err != nil {
		return err
	}
	st.img = b
	return nil
}

// leave records that the row st (identity id) is gone.
func leave(st *rowState, id []byte) {
	if id[0] == 'f' {
		st.count--
		return
	}
	st.img = nil
}

// identity returns the identity of the row img, in c.buf (valid until the
// next call): 'k' and the conditions on its key columns joined by AND,
// when the table has a key and img holds it without a NULL; else 'f' and
// the rendered image.
func (c *Checker) identity(t *tableState, img []binlog.Value) ([]byte, error) {
	if len(img) != len(t.names) {
		return nil, fmt.Errorf("row has %d values, table has %d columns", len(img), len(t.names))
	}
	b := c.buf[:0]
	if keyed(t, img) {
		b = append(b, 'k')
		for j, k := range t.key {
			if j > 0 {
				b = append(b, " AND "...)
			}
			var err error
			if b, err = rowevent.AppendKeyMatch(b, t.names[k], img[k], &c.opts.SQL); err != nil {
				return nil, err
			}
		}
	} else {
		b = append(b, 'f')
		var err error
		if b, err = c.render(b, t, img); err != nil {
			return nil, err
		}
	}
	c.buf = b
	return b, nil
}

// keyed reports whether img holds the key of t without a NULL.
func keyed(t *tableState, img []binlog.Value) bool {
	if len(t.key) == 0 {
		return false
	}
	for _, k := range t.key {
		if kd := img[k].Kind(); kd == binlog.KindNull || kd == binlog.KindAbsent {
			return false
		}
	}
	return true
}

// render appends the match conditions of img, each after its length.
func (c *Checker) render(dst []byte, t *tableState, img []binlog.Value) ([]byte, error) {
	var tmp []byte
	for i, v := range img {
		tmp = tmp[:0]
		if k := v.Kind(); k != binlog.KindAbsent && k != binlog.KindJSONDiff {
			var err error
			if tmp, err = rowevent.AppendMatch(tmp, t.names[i], v, &c.opts.SQL); err != nil {
				return dst, err
			}
		}
		dst = binary.AppendUvarint(dst, uint64(len(tmp)))
		dst = append(dst, tmp...)
	}
	return dst, nil
}

// union joins the lineages a and b.
func (c *Checker) union(a, b int32) {
	ra, rb := find(c.parent, a), find(c.parent, b)
	if ra != rb {
		c.parent[ra] = rb
	}
}

// find returns the root of lineage a, halving paths.
func find(parent []int32, a int32) int32 {
	for parent[a] != a {
		parent[a] = parent[parent[a]]
		a = parent[a]
	}
	return a
}
