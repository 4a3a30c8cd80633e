package anonymize

import "sort"

// Counts are the counts of a rule or a table.
type Counts struct {
	// Matched counts values (or detector matches) a rule applied to.
	Matched int64
	// Masked counts those replaced as the rule says.
	Masked int64
	// Skipped counts those where the rule's output could not fit the
	// column (NULL for NOT NULL, a text the charset cannot hold, ...): the
	// value was replaced by the fallback redaction that fits instead
	// (fixed text cut to the column, 0, the first ENUM member, ...), never
	// left as it was.
	Skipped int64
}

func (c *Counts) add(o Counts) {
	c.Matched += o.Matched
	c.Masked += o.Masked
	c.Skipped += o.Skipped
}

// RuleCounts are the counts of one rule.
type RuleCounts struct {
	Rule int    // 1-based index in the rule set
	Name string // the rule's name, "rule N" when it has none
	Counts
}

// TableCounts are the counts of one table, "db.table" ("" for SQL text
// whose table is unknown).
type TableCounts struct {
	Table string
	Counts
}

// Report counts what a Masker did since it was made.
type Report struct {
	Rules  []RuleCounts  // one per rule, in rule order
	Tables []TableCounts // tables with at least one match, by name
	// StatementsMasked counts Query, Rows_query and Annotate_rows events
	// whose text was changed; StatementsDropped those dropped.
	StatementsMasked, StatementsDropped int64
}

// Unmatched returns the names of the rules that matched nothing (for a
// --strict mode).
func (r Report) Unmatched() []string {
	var out []string
	for _, rc := range r.Rules {
		if rc.Matched == 0 {
			out = append(out, rc.Name)
		}
	}
	return out
}

// Report returns the counts so far.
func (m *Masker) Report() Report {
	var r Report
	for i := range m.rules {
		r.Rules = append(r.Rules, RuleCounts{Rule: i + 1, Name: m.names[i], Counts: m.ruleCounts[i]})
	}
	for t, c := range m.tableCounts {
		r.Tables = append(r.Tables, TableCounts{Table: t, Counts: *c})
	}
	sort.Slice(r.Tables, func(i, j int) bool { return r.Tables[i].Table < r.Tables[j].Table })
	r.StatementsMasked, r.StatementsDropped = m.stmtMasked, m.stmtDropped
	return r
}

// count records an application of rule i in table t.
func (m *Masker) count(i int, table string, c Counts) {
	m.ruleCounts[i].add(c)
	tc := m.tableCounts[table]
	if tc == nil {
		tc = new(Counts)
		m.tableCounts[table] = tc
	}
	tc.add(c)
}
