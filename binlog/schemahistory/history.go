// Package schemahistory follows the DDL statements of a binlog (CREATE,
// ALTER, RENAME and DROP TABLE, CREATE/ALTER/DROP DATABASE) so that the rows
// events of a binlog written with binlog_row_metadata=MINIMAL or NO_LOG get
// the column names, signedness, charsets, ENUM/SET members and primary key
// the table had when they were written.
//
// A History is a binlog.Schema and a binlog.SchemaTracker: set it, once, as
// binlog.ReaderOptions.Schema (or the live stream's Decode.Schema), and the
// Reader applies each Query event to the history before it decodes the next
// TABLE_MAP event. Statements are parsed with the TiDB SQL parser, which is
// why this is a package of its own: package binlog does not import it. See
// History for what the parser changes process-wide.
//
// Errors are sentinels (ErrUnknown, ErrBadDDL, ErrBadJSON, ErrNilEvent) for
// errors.Is, inside an *Error naming the method and the table for the
// History's own failures, or inside the *binlog.EventError, naming the
// event's file and offset, with which Observe rejects a TABLE_MAP event.
package schemahistory

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/binlogkit/binlogkit/binlog"
)

// History tracks table definitions through the DDL statements of a
// binlog, so that rows events get the column names, signedness, charsets,
// ENUM/SET members and primary key the table had when they were written,
// even with binlog_row_metadata=MINIMAL or NO_LOG.
//
// It implements binlog.Schema, binlog.SchemaTracker and
// binlog.MismatchPolicy: give it once, as the Schema of the Reader (or of
// the live stream's Decode options), and the Reader feeds it every event
// in log order (Observe):
//
//	h := schemahistory.New(nil)
//	r := binlog.NewReader(f, &binlog.ReaderOptions{Schema: h})
//	for ev, err := range r.All() { ... }
//
// The Reader resolves a TABLE_MAP event when it decodes it, inside Next;
// the DDL statement before it has already been observed by then, so the
// history is current. Apply feeds it one event by hand.
//
// Understood statements: CREATE TABLE (column list, LIKE; CREATE ... SELECT
// marks the table unknown), MariaDB's CREATE OR REPLACE TABLE, ALTER TABLE
// (ADD/DROP/MODIFY/CHANGE/RENAME COLUMN with FIRST/AFTER, ADD/DROP PRIMARY
// KEY, RENAME TO, DEFAULT CHARSET, CONVERT TO CHARACTER SET), RENAME TABLE,
// DROP TABLE, CREATE/ALTER/DROP DATABASE, DROP INDEX `PRIMARY`. TRUNCATE,
// temporary tables, views and other statements change nothing.
//
// Statements are parsed with the TiDB SQL parser. A DDL statement it
// rejects (some MariaDB syntax: system versioning, INET4, ...) is not an
// error: Apply records a Warning and marks the table(s) the statement names
// unknown, so that rows events for them fail with ErrUnknown (or are
// skipped, see Options.SkipMismatch) rather than being decoded with a stale
// definition. Seeding the table again (SeedDDL) makes it known.
//
// Charsets: a column's collation comes from its own CHARACTER SET/COLLATE,
// else the table's default, else the database's default (CREATE DATABASE
// in the log or seeded with SeedDDL), else the session's collation_server
// for a database created in the log; otherwise it is unknown (0) and
// strings stay bytes. When only a charset is named, the collation id is the
// charset's classic default (utf8mb4_general_ci, latin1_swedish_ci, ...),
// which may differ from the server's choice but decodes identically.
// MariaDB UCA 14.0 collations map to their charset's default id likewise.
//
// Names: database and table names are compared as given, then without
// regard to case; column names without regard to case.
//
// A History is safe for concurrent use.
//
// Process-wide effects: none on the TiDB parser's charset and collation
// tables. The parser knows only a few charsets and MySQL's collations; a
// statement naming others (cp1251, utf8mb4_uca1400_ai_ci, ...) is parsed
// with placeholders in their place, which the history maps back to the
// names written. Importing this package imports the parser's test_driver,
// which sets the parser's value expression hooks (ast.NewValueExpr, ...) in
// its init; a program that also imports TiDB's own driver
// (pkg/types/parser_driver) gets whichever initializes last.
type History struct {
	opts     Options
	mu       sync.Mutex
	dbs      map[string]*shDB
	warnings []Warning
	p        *ddlParser
	skipped  map[uint64]*binlog.TableMap // table ids whose events Observe drops
}

// Options configure a History. The zero value (or nil) is the default.
type Options struct {
	// SkipMismatch makes Observe drop a TABLE_MAP event that disagrees
	// with the history (binlog.ErrSchemaMismatch, ErrUnknown) and the rows
	// events that use it, recording a Warning, instead of failing; it is
	// not persisted. The zero value, false, makes such an event an error.
	SkipMismatch bool
}

// Warning records a statement or event the history could not handle.
type Warning struct {
	File   string // "" for seeded statements
	Offset int64
	Query  string   // the statement, for DDL; "" otherwise
	Tables []string // "db.table" names marked unknown or skipped
	Err    error
}

func (w Warning) String() string {
	return fmt.Sprintf("%s:%d: %v (tables %s)", w.File, w.Offset, w.Err, strings.Join(w.Tables, ", "))
}

type shDB struct {
	Name        string     `json:"name"`
	Collation   string     `json:"collation,omitempty"` // default collation name, "" unknown
	CollationID uint16     `json:"collation_id,omitempty"`
	Tables      []*shTable `json:"tables"`
}

type shTable struct {
	Name        string     `json:"name"`
	Collation   string     `json:"collation,omitempty"` // default collation, "" = database default
	CollationID uint16     `json:"collation_id,omitempty"`
	Columns     []shColumn `json:"columns"`
	PrimaryKey  []string   `json:"primary_key,omitempty"`
	// Unknown is non-empty when the definition is unknown: why.
	Unknown string `json:"unknown,omitempty"`
}

type shColumn struct {
	Name        string            `json:"name"`
	Type        binlog.ColumnType `json:"type"`
	Unsigned    bool              `json:"unsigned,omitempty"`
	Collation   string            `json:"collation,omitempty"` // resolved collation name, "" unknown or not text
	CollationID uint16            `json:"collation_id,omitempty"`
	Enum        []string          `json:"enum,omitempty"`
	Set         []string          `json:"set,omitempty"`
}

// New returns an empty history. opts may be nil.
func New(opts *Options) *History {
	h := &History{dbs: make(map[string]*shDB)}
	if opts != nil {
		h.opts = *opts
	}
	return h
}

func (h *History) init() {
	if h.dbs == nil {
		h.dbs = make(map[string]*shDB)
	}
}

var (
	_ binlog.Schema         = (*History)(nil)
	_ binlog.SchemaTracker  = (*History)(nil)
	_ binlog.MismatchPolicy = (*History)(nil)
)

// Table implements Schema. It returns (nil, nil) for a table the history
// does not know, or knows to be unknown (see ErrUnknown).
func (h *History) Table(db, table string) (*binlog.TableInfo, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	t := h.lookup(db, table)
	if t == nil || t.Unknown != "" {
		return nil, nil
	}
	return t.info(), nil
}

func (t *shTable) info() *binlog.TableInfo {
	ti := &binlog.TableInfo{Columns: make([]binlog.ColumnInfo, len(t.Columns))}
	for i, c := range t.Columns {
		ti.Columns[i] = binlog.ColumnInfo{
			Name:       c.Name,
			Unsigned:   c.Unsigned,
			Collation:  c.CollationID,
			EnumValues: slices.Clone(c.Enum),
			SetValues:  slices.Clone(c.Set),
		}
	}
	for _, k := range t.PrimaryKey {
		if i := t.colIndex(k); i >= 0 {
			ti.PrimaryKey = append(ti.PrimaryKey, i)
		}
	}
	return ti
}

func (t *shTable) colIndex(name string) int {
	for i := range t.Columns {
		if strings.EqualFold(t.Columns[i].Name, name) {
			return i
		}
	}
	return -1
}

// Tables returns the "db.table" names the history knows, sorted.
func (h *History) Tables() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, d := range h.dbs {
		for _, t := range d.Tables {
			out = append(out, d.Name+"."+t.Name)
		}
	}
	slices.Sort(out)
	return out
}

// Warnings returns the statements and events the history could not
// handle, oldest first.
func (h *History) Warnings() []Warning {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.warnings)
}

// maxWarnings bounds the warnings kept; older ones are dropped.
const maxWarnings = 1000

func (h *History) warn(w Warning) {
	if len(h.warnings) >= maxWarnings {
		h.warnings = slices.Delete(h.warnings, 0, len(h.warnings)-maxWarnings+1)
	}
	h.warnings = append(h.warnings, w)
}

// Seed sets the definition of db.table from info, replacing what the
// history knew. Column types are unknown to a seeded table, so a later
// ALTER TABLE ... CONVERT TO CHARACTER SET converts only columns that have
// a collation.
func (h *History) Seed(db, table string, info *binlog.TableInfo) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.init()
	t := &shTable{Name: table}
	if info != nil {
		for _, c := range info.Columns {
			sc := shColumn{Name: c.Name, Unsigned: c.Unsigned, CollationID: c.Collation,
				Enum: slices.Clone(c.EnumValues), Set: slices.Clone(c.SetValues)}
			switch {
			case c.EnumValues != nil:
				sc.Type = binlog.TypeEnum
			case c.SetValues != nil:
				sc.Type = binlog.TypeSet
			case c.Collation != 0 && c.Collation != 63:
				sc.Type = binlog.TypeVarchar
			}
			t.Columns = append(t.Columns, sc)
		}
		for _, k := range info.PrimaryKey {
			if k >= 0 && k < len(t.Columns) {
				t.PrimaryKey = append(t.PrimaryKey, t.Columns[k].Name)
			}
		}
	}
	h.put(db, t)
}

// SeedDDL applies DDL text (SHOW CREATE TABLE or SHOW CREATE DATABASE
// output, a mysqldump schema: one or more statements) with db as the
// default database. Unlike Apply it returns the parse error, an *Error
// wrapping ErrBadDDL, and marks nothing unknown.
func (h *History) SeedDDL(db, sql string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.init()
	return h.applyDDL(db, sql, ddlEnv{seed: true})
}

// Apply updates the history with ev if it is a Query event holding DDL;
// other events are ignored. It is for events read without the history as
// their Schema (Observe, which the Reader calls, applies them already). A statement that fails to parse is recorded in
// Warnings and marks the tables it names unknown; Apply returns an error
// only for a nil event (ErrNilEvent).
func (h *History) Apply(ev *binlog.Event) error {
	if ev == nil {
		return &Error{Op: "Apply", Err: ErrNilEvent}
	}
	q, ok := ev.Payload.(*binlog.Query)
	if !ok || q.ErrorCode != 0 {
		return nil
	}
	if !looksLikeDDL(q.Query) {
		return nil
	}
	env := ddlEnv{file: ev.File, offset: ev.Offset, sqlMode: q.SQLMode}
	if q.Charset != nil {
		env.serverCollation = q.Charset.Server
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.init()
	h.applyDDL(q.Schema, q.Query, env)
	return nil
}

// lookup finds db.table: exact names first, then without regard to case.
func (h *History) lookup(db, table string) *shTable {
	d := h.findDB(db)
	if d == nil {
		return nil
	}
	_, t := d.find(table)
	return t
}

func (h *History) findDB(db string) *shDB {
	if d := h.dbs[db]; d != nil {
		return d
	}
	for k, d := range h.dbs {
		if strings.EqualFold(k, db) {
			return d
		}
	}
	return nil
}

func (d *shDB) find(table string) (int, *shTable) {
	for i, t := range d.Tables {
		if t.Name == table {
			return i, t
		}
	}
	for i, t := range d.Tables {
		if strings.EqualFold(t.Name, table) {
			return i, t
		}
	}
	return -1, nil
}

func (h *History) db(name string) *shDB {
	if d := h.findDB(name); d != nil {
		return d
	}
	d := &shDB{Name: name}
	h.dbs[name] = d
	return d
}

// put stores t in db, replacing a table of the same name.
func (h *History) put(db string, t *shTable) {
	d := h.db(db)
	if i, _ := d.find(t.Name); i >= 0 {
		d.Tables[i] = t
		return
	}
	d.Tables = append(d.Tables, t)
}

// remove deletes db.table and returns it, nil when absent.
func (h *History) remove(db, table string) *shTable {
	d := h.findDB(db)
	if d == nil {
		return nil
	}
	i, t := d.find(table)
	if i < 0 {
		return nil
	}
	d.Tables = slices.Delete(d.Tables, i, i+1)
	return t
}

// markUnknown records that db.table's definition is unknown.
func (h *History) markUnknown(db, table, why string) {
	if t := h.lookup(db, table); t != nil {
		t.Unknown = why
		return
	}
	h.put(db, &shTable{Name: table, Unknown: why})
}

// schemaHistoryJSON is the persisted form: databases and tables sorted by
// name, columns in table order.
type schemaHistoryJSON struct {
	Version   int     `json:"version"`
	Databases []*shDB `json:"databases"`
}

// MarshalJSON returns the history as stable JSON (sorted databases and
// tables), to be saved with a checkpoint. Warnings are not included.
func (h *History) MarshalJSON() ([]byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := schemaHistoryJSON{Version: 1, Databases: []*shDB{}}
	for _, d := range h.dbs {
		c := *d
		c.Tables = slices.Clone(d.Tables)
		if c.Tables == nil {
			c.Tables = []*shTable{}
		}
		slices.SortFunc(c.Tables, func(a, b *shTable) int { return strings.Compare(a.Name, b.Name) })
		out.Databases = append(out.Databases, &c)
	}
	slices.SortFunc(out.Databases, func(a, b *shDB) int { return strings.Compare(a.Name, b.Name) })
	return json.Marshal(out)
}

// UnmarshalJSON replaces the history's content with the JSON from
// MarshalJSON. Anything else is an *Error wrapping ErrBadJSON, and leaves
// the history unchanged.
func (h *History) UnmarshalJSON(b []byte) error {
	var in schemaHistoryJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return &Error{Op: "UnmarshalJSON", Err: fmt.Errorf("%w: %w", ErrBadJSON, err)}
	}
	if in.Version != 1 {
		return &Error{Op: "UnmarshalJSON", Err: fmt.Errorf("%w: unsupported version %d", ErrBadJSON, in.Version)}
	}
	dbs := make(map[string]*shDB, len(in.Databases))
	for _, d := range in.Databases {
		if d == nil {
			continue
		}
		d.Tables = slices.DeleteFunc(d.Tables, func(t *shTable) bool { return t == nil })
		dbs[d.Name] = d
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.dbs = dbs
	h.skipped = nil
	return nil
}

// Observe implements binlog.SchemaTracker; the Reader, the Decoder and
// the live stream call it with every event, in log order, when the history
// is their Schema. It applies each Query event to the history (see Apply),
// and checks each TABLE_MAP event against it: when the history knows the
// table but with a different column count (binlog.ErrSchemaMismatch), or
// knows it to be unknown (ErrUnknown), Observe fails with a
// *binlog.EventError naming the table and the event's position, or, with
// Options.SkipMismatch, records a Warning and returns binlog.ErrSkipEvent
// for the table map and the rows events that use it, which are then
// dropped. Tables the history has never heard of pass unchanged.
func (h *History) Observe(ev *binlog.Event) error {
	if ev == nil {
		return &Error{Op: "Observe", Err: ErrNilEvent}
	}
	switch p := ev.Payload.(type) {
	case *binlog.Query:
		return h.Apply(ev)
	case *binlog.TableMap:
		err := h.check(p)
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.skipped, p.TableID)
		if err == nil {
			return nil
		}
		if !h.opts.SkipMismatch {
			return &binlog.EventError{File: ev.File, Offset: ev.Offset, Type: ev.Type(), Err: err}
		}
		if h.skipped == nil {
			h.skipped = make(map[uint64]*binlog.TableMap)
		}
		h.skipped[p.TableID] = p
		h.warn(Warning{File: ev.File, Offset: ev.Offset, Tables: []string{p.Schema + "." + p.Table}, Err: err})
		return binlog.ErrSkipEvent
	case *binlog.Rows:
		h.mu.Lock()
		defer h.mu.Unlock()
		if tm, ok := h.skipped[p.TableID]; ok && (p.Table == nil || p.Table == tm) {
			return binlog.ErrSkipEvent
		}
	}
	return nil
}

// check compares a table map with the history's definition.
func (h *History) check(tm *binlog.TableMap) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	t := h.lookup(tm.Schema, tm.Table)
	switch {
	case t == nil:
		return nil
	case t.Unknown != "":
		return fmt.Errorf("%w: %s.%s: %s", ErrUnknown, tm.Schema, tm.Table, t.Unknown)
	case len(t.Columns) != len(tm.Columns):
		return fmt.Errorf("%w: %s.%s: the binlog has %d columns, the schema history %d",
			binlog.ErrSchemaMismatch, tm.Schema, tm.Table, len(tm.Columns), len(t.Columns))
	}
	return nil
}

// SkipSchemaMismatch implements binlog.MismatchPolicy: it returns
// Options.SkipMismatch, so that the Reader leaves a table map that
// disagrees with the history unmerged for Observe to drop, instead of
// failing.
func (h *History) SkipSchemaMismatch() bool { return h.opts.SkipMismatch }
