package anonymize

import (
	"encoding/hex"
	"strings"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/sqllex"
)

// AppendSQL appends sql to dst with its string and number literals masked:
// the text of a Query, Rows_query or Annotate_rows event, an SQL dump, or
// binlog2sql output. The text is split by the server's lexical rules
// (internal/sqllex, in the sql_mode of Options.SQLMode), so keywords,
// identifiers, quotes and comments' delimiters are never touched and the
// sequence of token kinds is unchanged: a masked string is re-quoted with
// the quote it had, a masked number stays digits.
//
// Which rule applies to a literal: the column it is compared with or
// assigned to (col = 'x', col >= 3, SET col = 'x', and the columns of
// INSERT/REPLACE ... (cols) VALUES (...), or of a table of Options.Tables
// for an INSERT without a column list; account passwords, as in
// IDENTIFIED BY 'x' and PASSWORD('x'), are a column named "password"),
// with the table of the INSERT,
// REPLACE, UPDATE or DELETE FROM; a Null rule writes its fallback
// redaction instead (a literal stays a literal). Literals without a
// column get the detectors. Hexadecimal literals (X'..', 0x..) are decoded
// for the detectors and written back in hex. Comments keep their
// delimiters; detector matches inside them are masked too, and so is the
// text after an unterminated quote.
//
// The error is always nil today; it is there for rules that may one day
// refuse a statement.
func (m *Masker) AppendSQL(dst []byte, sql string) ([]byte, error) {
	out, _ := m.appendSQL(dst, sql, "", sqllex.ModeOf(m.opts.SQLMode))
	return out, nil
}

// sqlState follows enough of a statement to name the column of a literal.
type sqlState struct {
	db, table string // table of INSERT/REPLACE/UPDATE/DELETE, "" when unknown
	insCols   []string
	expect    int // what the next tokens are: see the expect* constants
	depth     int // parenthesis depth inside VALUES
	idx       int // index of the value in the current tuple
	prev      [3]sqllex.Token
	// columns returns the column names of a table known in advance, for
	// an INSERT without a column list.
	columns func(db, table string) []string
}

const (
	expectNone   = iota
	expectTable  // after INTO, UPDATE, FROM, REPLACE, INSERT
	afterTable   // after a table name: ".", "(" or the rest
	qualified    // after "db.": the table name
	expectCols   // after an INSERT's table: "(" starts the column list
	inCols       // inside the column list
	expectValues // after the column list: VALUES
	inValues     // inside VALUES
)

func (m *Masker) appendSQL(dst []byte, sql, defaultDB string, mode sqllex.Mode) ([]byte, bool) {
	lx := sqllex.New(sql, mode)
	st := sqlState{db: defaultDB, columns: m.tableColumns}
	changed := false
	last := 0
	gp := m.planFor("", "", "") // plan for comments: detectors only
	for {
		tok := lx.Next()
		if gap := sql[last:tok.Start]; gap != "" {
			var ok bool
			dst, ok = m.appendGap(dst, &gp, gap)
			changed = changed || ok
		}
		if tok.Kind == sqllex.EOF {
			if rest := sql[tok.Start:]; rest != "" {
				var ok bool
				dst, ok = m.appendGap(dst, &gp, rest)
				changed = changed || ok
			}
			return dst, changed
		}
		last = tok.End
		text := tok.Text(sql)
		col, colKnown := st.column(sql, tok)
		var out string
		var did bool
		switch {
		case tok.Kind == sqllex.String:
			out, did = m.sqlString(&st, sql, tok, col, colKnown, mode)
		case tok.Kind == sqllex.Word && isNumberWord(text):
			out, did = m.sqlNumber(&st, text, col, colKnown)
		case tok.Kind == sqllex.Word && len(text) > 2 && (text[1] == 'x') && text[0] == '0':
			out, did = m.sqlHex(&st, text[2:], col, colKnown, "0x", "")
		}
		if did {
			dst = append(dst, out...)
			changed = true
		} else {
			dst = append(dst, text...)
		}
		st.advance(sql, tok)
	}
}

func isNumberWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// planFor returns the plan of a literal's column (name "" when unknown).
func (m *Masker) planFor(db, table, name string) colPlan {
	key := db + "\x00" + table + "\x00" + name + "\x00sql"
	p, ok := m.single[key]
	if !ok {
		col := binlog.Column{Name: name, Type: binlog.TypeVarchar}
		p = m.planColumn(db, table, &col)
		if len(m.single) > 4096 {
			clear(m.single)
		}
		m.single[key] = p
	}
	return p
}

func (st *sqlState) tableName() string {
	if st.table == "" {
		return ""
	}
	return st.db + "." + st.table
}

// literalRule returns what applies to a literal of column col.
func (m *Masker) literalPlan(st *sqlState, col string, known bool) colPlan {
	if !known {
		col = ""
	}
	return m.planFor(st.db, st.table, col)
}

// maskLiteral masks the text of a literal by plan p; num keeps it a number.
func (m *Masker) maskLiteral(p *colPlan, table, s string, num bool) (string, bool) {
	if p.whole >= 0 {
		ru := &m.rules[p.whole]
		switch ru.Strategy {
		case Keep:
			m.count(p.whole, table, Counts{Matched: 1})
			return s, false
		case Null:
			ru = &m.fallback
		}
		m.count(p.whole, table, Counts{Matched: 1, Masked: 1})
		if num {
			return m.numberMask(ru, 0, s), true
		}
		return m.textMask(ru, 0, s), true
	}
	if !mayMatchText(s, p.dets) {
		return s, false
	}
	out, hits, _ := m.detectText(p, s, num, false)
	for _, ri := range hits {
		m.count(ri, table, Counts{Matched: 1, Masked: 1})
	}
	return out, out != s
}

func (m *Masker) sqlString(st *sqlState, sql string, tok sqllex.Token, col string, known bool, mode sqllex.Mode) (string, bool) {
	// X'..' and B'..' literals: the prefix is the Word right before.
	if p := st.prev[0]; p.Kind == sqllex.Word && p.End == tok.Start && p.End-p.Start == 1 {
		switch sql[p.Start] {
		case 'x', 'X':
			body := sql[tok.Start+1 : tok.End-1]
			return m.sqlHex(st, body, col, known, "'", "'")
		case 'b', 'B':
			return "", false // bits: no detector reads them
		}
	}
	val := tok.Value(sql)
	p := m.literalPlan(st, col, known)
	out, ok := m.maskLiteral(&p, st.tableName(), val, false)
	if !ok {
		return "", false
	}
	q := sql[tok.Start]
	var b strings.Builder
	b.WriteByte(q)
	for i := 0; i < len(out); i++ {
		c := out[i]
		switch {
		case c == q:
			b.WriteByte(q)
		case c == '\\' && mode&sqllex.NoBackslashEscapes == 0:
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	b.WriteByte(q)
	return b.String(), true
}

func (m *Masker) sqlNumber(st *sqlState, text, col string, known bool) (string, bool) {
	p := m.literalPlan(st, col, known)
	return m.maskLiteral(&p, st.tableName(), text, true)
}

// sqlHex masks the hex digits of a X'..' or 0x.. literal: decoded, masked
// as bytes, written back in hex between open and close.
func (m *Masker) sqlHex(st *sqlState, digits, col string, known bool, open, close string) (string, bool) {
	if len(digits)%2 == 1 {
		digits = "0" + digits // the server pads 0x123 to 0x0123
	}
	raw, err := hex.DecodeString(digits)
	if err != nil {
		return "", false
	}
	p := m.literalPlan(st, col, known)
	out, ok := m.maskLiteral(&p, st.tableName(), string(raw), false)
	if !ok {
		return "", false
	}
	return open + hex.EncodeToString([]byte(out)) + close, true
}

// appendGap appends blanks and comments, with detector matches inside
// masked and no '*' written in their place (it could close a comment).
func (m *Masker) appendGap(dst []byte, p *colPlan, gap string) ([]byte, bool) {
	if !mayMatchText(gap, p.dets) {
		return append(dst, gap...), false
	}
	m.ms = findAll(m.ms[:0], gap, p.dets)
	changed, last := false, 0
	for _, mt := range m.ms {
		ri := int(p.detRule[mt.det])
		ru := &m.rules[ri]
		sub := gap[mt.start:mt.end]
		dst = append(dst, gap[last:mt.start]...)
		last = mt.end
		switch ru.Strategy {
		case Keep:
			m.count(ri, "", Counts{Matched: 1})
			dst = append(dst, sub...)
			continue
		case Null:
			ru = &m.fallback
		}
		m.count(ri, "", Counts{Matched: 1, Masked: 1})
		changed = true
		for _, c := range []byte(m.textMask(ru, mt.det, sub)) {
			switch c {
			case '*':
				c = 'x'
			case '\n', '\r':
				c = ' '
			}
			dst = append(dst, c)
		}
	}
	return append(dst, gap[last:]...), changed
}

// column returns the column a literal token is compared with or assigned
// to, when the tokens before it say.
func (st *sqlState) column(sql string, tok sqllex.Token) (string, bool) {
	if st.expect == inValues && st.depth >= 1 {
		if st.idx < len(st.insCols) {
			return st.insCols[st.idx], true
		}
		return "", false
	}
	// Account passwords: IDENTIFIED BY 'x', IDENTIFIED BY PASSWORD 'x',
	// IDENTIFIED WITH plugin AS 'x', PASSWORD('x'), SET PASSWORD = 'x'.
	p0, p1 := st.prev[0], st.prev[1]
	switch {
	case p0.Is(sql, "PASSWORD"),
		p0.Is(sql, "BY") && p1.Is(sql, "IDENTIFIED"),
		p0.Is(sql, "AS") && (p1.Kind == sqllex.String || p1.Kind == sqllex.Word) && st.prev[2].Is(sql, "WITH"),
		p0.Kind == sqllex.Punct && sql[p0.Start] == '(' && p1.Is(sql, "PASSWORD"),
		p0.Kind == sqllex.Punct && sql[p0.Start] == '=' && p1.Is(sql, "PASSWORD"):
		return "password", true
	}
	// Skip an introducer (_utf8mb4'x') or a hex prefix (X'..').
	k := 0
	if p := st.prev[0]; p.Kind == sqllex.Word && p.End == tok.Start && (sql[p.Start] == '_' || p.End-p.Start == 1) {
		k = 1
	}
	// One or two operator characters: = <> <= >= != :=
	ops := 0
	for ; k < len(st.prev) && ops < 2; k++ {
		p := st.prev[k]
		if p.Kind != sqllex.Punct || !strings.ContainsRune("=<>!:", rune(sql[p.Start])) {
			break
		}
		ops++
	}
	if ops == 0 || k >= len(st.prev) {
		return "", false
	}
	p := st.prev[k]
	switch p.Kind {
	case sqllex.Word:
		return p.Text(sql), true
	case sqllex.Ident:
		return p.Value(sql), true
	}
	return "", false
}

// advance updates the state after tok.
func (st *sqlState) advance(sql string, tok sqllex.Token) {
	text := tok.Text(sql)
	isWord := func(w string) bool { return tok.Is(sql, w) }
	switch st.expect {
	case expectTable:
		if tok.Kind == sqllex.Word && (isWord("INTO") || isWord("FROM") || isWord("IGNORE") ||
			isWord("LOW_PRIORITY") || isWord("DELAYED") || isWord("HIGH_PRIORITY") || isWord("QUICK")) {
			break
		}
		if tok.Kind == sqllex.Word || tok.Kind == sqllex.Ident {
			st.table = tok.Value(sql)
			st.expect = afterTable
			break
		}
		st.expect = expectNone
	case afterTable:
		switch {
		case text == ".":
			st.expect = qualified
		case text == "(" && st.insCols != nil:
			st.expect = inCols
		default:
			st.expect = expectNone
			if (isWord("VALUES") || isWord("VALUE")) && st.insCols != nil {
				st.insCols = append(st.insCols[:0], st.columns(st.db, st.table)...)
				st.expect, st.depth, st.idx = inValues, 0, 0
			}
		}
	case qualified:
		if tok.Kind == sqllex.Word || tok.Kind == sqllex.Ident {
			st.db, st.table = st.table, tok.Value(sql)
			st.expect = afterTable
		} else {
			st.expect = expectNone
		}
	case inCols:
		switch {
		case tok.Kind == sqllex.Word || tok.Kind == sqllex.Ident:
			st.insCols = append(st.insCols, tok.Value(sql))
		case text == ")":
			st.expect = expectValues
		}
	case expectValues:
		if isWord("VALUES") || isWord("VALUE") {
			st.expect, st.depth, st.idx = inValues, 0, 0
		} else {
			st.expect = expectNone
		}
	case inValues:
		switch text {
		case "(":
			st.depth++
			if st.depth == 1 {
				st.idx = 0
			}
		case ")":
			st.depth--
		case ",":
			if st.depth == 1 {
				st.idx++
			}
		default:
			if st.depth == 0 && tok.Kind == sqllex.Word && !isWord("AS") {
				st.expect = expectNone // ON DUPLICATE KEY UPDATE ...
			}
		}
	default:
		switch {
		case isWord("INSERT") || isWord("REPLACE"):
			st.expect, st.insCols = expectTable, []string{}
		case isWord("UPDATE") && st.insCols == nil || isWord("DELETE") && st.insCols == nil:
			st.expect = expectTable
		}
	}
	if tok.Kind == sqllex.Punct && text == ";" {
		st.expect, st.insCols, st.table = expectNone, nil, ""
	}
	st.prev[2], st.prev[1], st.prev[0] = st.prev[1], st.prev[0], tok
}

// tableColumns returns the column names of db.table from Options.Tables,
// nil when it is not there.
func (m *Masker) tableColumns(db, table string) []string {
	for _, tm := range m.opts.Tables {
		if tm != nil && strings.EqualFold(tm.Schema, db) && strings.EqualFold(tm.Table, table) {
			names := make([]string, len(tm.Columns))
			for i := range tm.Columns {
				names[i] = tm.Columns[i].Name
			}
			return names
		}
	}
	return nil
}
