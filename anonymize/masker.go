package anonymize

import (
	"fmt"
	"strconv"

	"github.com/binlogkit/binlogkit/binlog"
)

// StatementText says what Masker.Event does with the statement text of
// Rows_query (MySQL) and Annotate_rows (MariaDB) events.
type StatementText uint8

const (
	// DropStatementText drops the events: always safe for replay, since
	// the rows events that follow carry the changes.
	DropStatementText StatementText = iota
	// MaskStatementText keeps them with their literals masked
	// (AppendSQL).
	MaskStatementText
)

// Options configures a Masker. The zero value (or nil) masks with the
// rules alone: no key (so no pseudonym or fake strategy), statement text
// of Rows_query and Annotate_rows events dropped, no schema checked in
// advance, SQL text read in the default sql_mode.
type Options struct {
	// Key is the HMAC-SHA256 key of the Pseudonym and Fake strategies:
	// the same key gives the same outputs in every file and run. It is
	// never logged nor put in an error. Zero (nil or empty) means no key:
	// rules with those strategies are an error at New (ErrNoKey).
	Key []byte
	// StatementText says what to do with Rows_query and Annotate_rows
	// events. Zero means DropStatementText.
	StatementText StatementText
	// Tables are table layouts known in advance (from a schema dump, or a
	// first pass over the binlog). New checks every rule against every
	// column of them it applies to and fails with ErrCannotFit when its
	// output cannot fit. Nil means no check at New: a value a rule cannot
	// fit is replaced by a fitting redaction and counted in the Report as
	// skipped.
	Tables []*binlog.TableMap
	// SQLMode is the sql_mode bits (as in a Query event's Q_SQL_MODE_CODE:
	// ANSI_QUOTES 1<<2, NO_BACKSLASH_ESCAPES 1<<21) of the text given to
	// AppendSQL. Zero means the default mode: "x" is a string, backslash
	// escapes apply. Query events use their own sql_mode.
	SQLMode uint64
}

// Masker applies a rule set to values, rows, SQL text and events. It is
// deterministic (its outputs depend on the rules, the key and the input
// only: no clock, no randomness, no global state) and does no I/O. A
// Masker is not safe for concurrent use: it caches per-table plans and
// keeps counts; use one per goroutine.
type Masker struct {
	rules []Rule
	names []string
	k     *keyed
	opts  Options

	plans  map[string]*tablePlan // db "\x00" table
	single map[string]colPlan    // plans for Value: db, table, column, type

	ruleCounts              []Counts
	tableCounts             map[string]*Counts
	stmtMasked, stmtDropped int64

	fallback Rule    // the redaction used when a rule cannot fit
	ms       []match // scratch
}

// colPlan is what applies to one column.
type colPlan struct {
	whole   int             // index of the whole-value rule; -1 when none
	dets    detSet          // detectors that run on the column's values
	detRule [IPv6 + 1]int16 // rule index of each detector in dets
}

// tablePlan caches the plans of a table's columns, valid while its
// columns keep their names and types.
type tablePlan struct {
	name  string // "db.table"
	names []string
	types []binlog.ColumnType
	cols  []colPlan
}

// New returns a Masker of rules (nil means DefaultRules). Errors are
// *RuleError values: ErrNoKey for a rule needing Options.Key, ErrCannotFit
// for a rule that cannot fit a column of Options.Tables.
func New(rules *Rules, opts *Options) (*Masker, error) {
	if rules == nil {
		rules = DefaultRules()
	}
	m := &Masker{
		rules:       rules.rules,
		plans:       map[string]*tablePlan{},
		single:      map[string]colPlan{},
		tableCounts: map[string]*Counts{},
		fallback:    Rule{Name: "fallback", Strategy: Redact},
	}
	if opts != nil {
		m.opts = *opts
		m.opts.Key = append([]byte(nil), opts.Key...)
	}
	m.ruleCounts = make([]Counts, len(m.rules))
	for i := range m.rules {
		ru := &m.rules[i]
		name := ru.Name
		if name == "" {
			name = "rule " + strconv.Itoa(i+1)
		}
		m.names = append(m.names, name)
		if ru.Strategy.needsKey() && len(m.opts.Key) == 0 {
			return nil, &RuleError{File: rules.file, Line: ru.Line, Rule: i + 1, Name: ru.Name,
				Err: fmt.Errorf("%w: strategy %v", ErrNoKey, ru.Strategy)}
		}
	}
	m.k = newKeyed(m.opts.Key)
	if m.opts.StatementText > MaskStatementText {
		return nil, &RuleError{Err: fmt.Errorf("%w: Options.StatementText %d", ErrRules, m.opts.StatementText)}
	}
	for _, tm := range m.opts.Tables {
		if tm == nil {
			continue
		}
		for c := range tm.Columns {
			col := &tm.Columns[c]
			p := m.planColumn(tm.Schema, tm.Table, col)
			if err := m.checkFit(&p, col); err != nil {
				i := err.rule
				return nil, &RuleError{File: rules.file, Line: m.rules[i].Line, Rule: i + 1, Name: m.rules[i].Name,
					Column: tm.Schema + "." + tm.Table + "." + colName(col, c), Err: err.err}
			}
		}
	}
	return m, nil
}

func colName(col *binlog.Column, i int) string {
	if col.Name != "" {
		return col.Name
	}
	return "@" + strconv.Itoa(i+1)
}

// isStringType reports whether a column type holds strings, bytes or
// JSON: the columns hints and detectors apply to.
func isStringType(t binlog.ColumnType) bool {
	switch t {
	case binlog.TypeVarchar, binlog.TypeVarString, binlog.TypeString, binlog.TypeBlob,
		binlog.TypeTinyBlob, binlog.TypeMediumBlob, binlog.TypeLongBlob, binlog.TypeJSON:
		return true
	}
	return false
}

// planColumn works out which rules apply to a column: the first rule that
// names it (by Columns or Hints) and has no detectors masks whole values;
// otherwise each detector belongs to the first rule that has it and either
// names the column or names no column at all.
func (m *Masker) planColumn(db, table string, col *binlog.Column) colPlan {
	p := colPlan{whole: -1}
	str := isStringType(col.Type)
	for i := range m.rules {
		ru := &m.rules[i]
		targeted := false
		for _, pat := range ru.Columns {
			if matchPattern(pat, db, table, col.Name) {
				targeted = true
				break
			}
		}
		if !targeted && str && col.Name != "" {
			for _, h := range ru.Hints {
				if matchHint(h, col.Name) {
					targeted = true
					break
				}
			}
		}
		if len(ru.Detect) == 0 {
			if targeted {
				p.whole = i
				return p
			}
			continue
		}
		if !str || !targeted && (len(ru.Columns) > 0 || len(ru.Hints) > 0) {
			continue
		}
		for _, d := range ru.Detect {
			if !p.dets.has(d) {
				p.dets |= 1 << d
				p.detRule[d] = int16(i)
			}
		}
	}
	return p
}

type fitErr struct {
	rule int
	err  error
}

// checkFit reports a rule of p whose output cannot fit col.
func (m *Masker) checkFit(p *colPlan, col *binlog.Column) *fitErr {
	if p.whole >= 0 {
		ru := &m.rules[p.whole]
		if why := m.cannotFit(ru, col); why != "" {
			return &fitErr{p.whole, fmt.Errorf("%w: %s", ErrCannotFit, why)}
		}
	}
	for d := Email; d <= IPv6; d++ {
		if p.dets.has(d) {
			ru := &m.rules[p.detRule[d]]
			if ru.Strategy == Null && !col.Nullable {
				return &fitErr{int(p.detRule[d]), fmt.Errorf("%w: NULL for a NOT NULL column", ErrCannotFit)}
			}
			if why := m.cannotFitText(ru, col); why != "" {
				return &fitErr{int(p.detRule[d]), fmt.Errorf("%w: %s", ErrCannotFit, why)}
			}
		}
	}
	return nil
}

// cannotFit says why a whole-value rule cannot fit col, "" when it can.
func (m *Masker) cannotFit(ru *Rule, col *binlog.Column) string {
	switch ru.Strategy {
	case Keep:
		return ""
	case Null:
		if !col.Nullable {
			return "NULL for a NOT NULL column"
		}
		return ""
	}
	switch col.Type {
	case binlog.TypeEnum, binlog.TypeSet:
		if ru.Strategy == Partial {
			return "a partial mask of an ENUM or SET member"
		}
	case binlog.TypeGeometry, binlog.TypeVector:
		return ru.Strategy.String() + " of a geometry or vector value"
	case binlog.TypeDecimal:
		return "old DECIMAL column"
	}
	return m.cannotFitText(ru, col)
}

// cannotFitText checks a redaction text against the column's charset.
func (m *Masker) cannotFitText(ru *Rule, col *binlog.Column) string {
	if ru.Strategy != Redact || ru.Text == "" || !col.IsText() {
		return ""
	}
	if _, ok := binlog.EncodeText(col.Collation, ru.Text); !ok {
		return fmt.Sprintf("text %q has characters %s cannot hold", ru.Text, col.Charset())
	}
	return ""
}

// Value masks one value of column col of db.table and returns it. Values
// the rules do not apply to come back as they are (their bytes shared with
// v). The result always fits col. The only error is a rule applying to an
// undecodable value (ErrUndecodable).
func (m *Masker) Value(db, table string, col binlog.Column, v binlog.Value) (binlog.Value, error) {
	key := db + "\x00" + table + "\x00" + col.Name + "\x00" + strconv.Itoa(int(col.Type))
	p, ok := m.single[key]
	if !ok {
		p = m.planColumn(db, table, &col)
		if len(m.single) > 4096 {
			clear(m.single)
		}
		m.single[key] = p
	}
	out, _, err := m.apply(&p, db+"."+table, &col, v)
	return out, err
}

// Rows returns a copy of rows with the values of every image, before and
// after alike, masked: an UPDATE's before image is masked as its after
// image, so that the same value gives the same output in both. rows is not
// modified; values left as they are share their bytes with it (so the
// copy must not outlive rows' event if that is Released). When no value
// changes, Rows returns rows itself.
func (m *Masker) Rows(rows *binlog.Rows) (*binlog.Rows, error) {
	if rows == nil || rows.Table == nil {
		return rows, nil
	}
	tp := m.tablePlan(rows.Table)
	var out *binlog.Rows
	for ri := range rows.Rows {
		r := &rows.Rows[ri]
		for side := 0; side < 2; side++ {
			img := r.Before
			if side == 1 {
				img = r.After
			}
			for c := range img {
				if c >= len(tp.cols) {
					break
				}
				p := &tp.cols[c]
				if p.whole < 0 && !mayDetect(p.dets, &img[c]) {
					continue // nothing to mask: the common case, kept cheap
				}
				v, changed, err := m.apply(p, tp.name, &rows.Table.Columns[c], img[c])
				if err != nil {
					return nil, fmt.Errorf("column %s: %w", colName(&rows.Table.Columns[c], c), err)
				}
				if !changed {
					continue
				}
				if out == nil {
					out = copyRows(rows)
				}
				if side == 0 {
					out.Rows[ri].Before[c] = v
				} else {
					out.Rows[ri].After[c] = v
				}
			}
		}
	}
	if out == nil {
		return rows, nil
	}
	return out, nil
}

// copyRows copies rows and its images (not the bytes values point to).
func copyRows(rows *binlog.Rows) *binlog.Rows {
	out := *rows
	out.Rows = make([]binlog.Row, len(rows.Rows))
	n := 0
	for _, r := range rows.Rows {
		n += len(r.Before) + len(r.After)
	}
	vals := make([]binlog.Value, 0, n)
	for i, r := range rows.Rows {
		if r.Before != nil {
			vals = append(vals, r.Before...)
			out.Rows[i].Before = vals[len(vals)-len(r.Before) : len(vals) : len(vals)]
		}
		if r.After != nil {
			vals = append(vals, r.After...)
			out.Rows[i].After = vals[len(vals)-len(r.After) : len(vals) : len(vals)]
		}
	}
	return &out
}

// tablePlan returns the plans of tm's columns, from the cache when its
// columns are unchanged.
func (m *Masker) tablePlan(tm *binlog.TableMap) *tablePlan {
	key := tm.Schema + "\x00" + tm.Table
	tp := m.plans[key]
	if tp != nil && len(tp.cols) == len(tm.Columns) {
		same := true
		for i := range tm.Columns {
			if tp.names[i] != tm.Columns[i].Name || tp.types[i] != tm.Columns[i].Type {
				same = false
				break
			}
		}
		if same {
			return tp
		}
	}
	tp = &tablePlan{name: tm.Schema + "." + tm.Table}
	for i := range tm.Columns {
		col := &tm.Columns[i]
		tp.names = append(tp.names, col.Name)
		tp.types = append(tp.types, col.Type)
		tp.cols = append(tp.cols, m.planColumn(tm.Schema, tm.Table, col))
	}
	if len(m.plans) > 4096 {
		clear(m.plans)
	}
	m.plans[key] = tp
	return tp
}
