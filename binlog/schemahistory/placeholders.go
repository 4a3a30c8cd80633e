package schemahistory

import (
	"strings"

	"github.com/binlogkit/binlogkit/internal/sqllex"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/charset"
)

// Charset and collation names the TiDB parser does not know.
//
// The parser accepts only the charsets TiDB supports (utf8, utf8mb4, ascii,
// latin1, binary, gbk, gb18030) and MySQL's collation names, and looks them
// up in process-wide tables. Rather than adding to those tables, which
// another user of the parser in the same program would notice, a statement
// naming others (cp1251, koi8r, utf8mb4_uca1400_ai_ci, ...) is parsed with
// placeholders in their place: names the parser knows and the statement
// does not use. After parsing, the placeholders found in the tree are put
// back to the names written.

// charsetPlaceholders are supported charsets, least common first. utf8 is
// not one: the parser returns it for utf8mb3 too.
var charsetPlaceholders = []string{"gb18030", "gbk", "ascii", "latin1", "utf8mb4"}

// collationPlaceholders are MySQL collations a MariaDB DDL statement is
// unlikely to name.
var collationPlaceholders = []string{
	"ucs2_persian_ci", "utf16_persian_ci", "utf32_persian_ci",
	"ucs2_sinhala_ci", "utf16_sinhala_ci", "utf32_sinhala_ci",
	"ucs2_esperanto_ci", "utf16_esperanto_ci", "utf32_esperanto_ci",
	"ucs2_hungarian_ci", "utf16_hungarian_ci", "utf32_hungarian_ci",
}

// nameMap maps placeholders (as the parser returns them) back to the names
// the statement wrote. Its zero value maps nothing.
type nameMap struct {
	charsets   map[string]string
	collations map[string]string
}

// placeholders chooses placeholders for the charset and collation names of
// sql the parser does not know: the replacement text of each token to
// replace, by token index, and the map back. Names past the last free
// placeholder are left alone (the parser then rejects the statement).
func placeholders(sql string, toks []sqllex.Token) (map[int]string, nameMap) {
	var repl map[int]string
	var back nameMap
	used := make(map[string]bool) // every word, identifier and string of sql, lower case
	for _, t := range toks {
		if t.Kind != sqllex.Punct {
			used[strings.ToLower(t.Value(sql))] = true
		}
	}
	chosen := make(map[string]string) // kind and name written, lower case → placeholder
	pick := func(key, name string, pool []string, back *map[string]string) string {
		if p, ok := chosen[key]; ok {
			return p
		}
		for _, p := range pool {
			if !used[p] {
				used[p] = true
				chosen[key] = p
				if *back == nil {
					*back = make(map[string]string)
				}
				(*back)[p] = name
				return p
			}
		}
		return ""
	}
	set := func(i int, p string) {
		if p == "" {
			return
		}
		if repl == nil {
			repl = make(map[int]string)
		}
		repl[i] = p
	}
	for i, t := range toks {
		if t.Kind != sqllex.Word && t.Kind != sqllex.Ident && t.Kind != sqllex.String {
			continue
		}
		name := strings.ToLower(t.Value(sql))
		// An introducer: _cp1251'text'. Its text does not matter here.
		if t.Kind == sqllex.Word && len(name) > 1 && name[0] == '_' && i+1 < len(toks) &&
			toks[i+1].Kind == sqllex.String && toks[i+1].Start == t.End {
			if _, err := charset.GetCharsetInfo(name[1:]); err != nil && charsetDefaultIDs[normCharset(name[1:])] != 0 {
				set(i, "_binary")
			}
			continue
		}
		if name == "default" && t.Kind == sqllex.Word {
			continue // CONVERT TO CHARACTER SET DEFAULT
		}
		switch nameKind(sql, toks, i) {
		case "charset":
			if _, err := charset.GetCharsetInfo(name); err != nil {
				set(i, pick("charset "+name, name, charsetPlaceholders, &back.charsets))
			}
		case "collation":
			if _, err := charset.GetCollationByName(name); err != nil {
				set(i, pick("collation "+name, name, collationPlaceholders, &back.collations))
			}
		}
	}
	return repl, back
}

// nameKind tells whether token i names a charset (after CHARACTER SET,
// CHAR SET or CHARSET, and an optional "=") or a collation (after
// COLLATE), or neither ("").
func nameKind(sql string, toks []sqllex.Token, i int) string {
	j := i - 1
	if j >= 0 && toks[j].Text(sql) == "=" {
		j--
	}
	switch {
	case j < 0:
		return ""
	case toks[j].Is(sql, "COLLATE"):
		return "collation"
	case toks[j].Is(sql, "CHARSET"):
		return "charset"
	case toks[j].Is(sql, "SET") && j > 0 && (toks[j-1].Is(sql, "CHARACTER") || toks[j-1].Is(sql, "CHAR")):
		return "charset"
	}
	return ""
}

// restore puts the names written back in place of the placeholders in the
// charset and collation fields of st that the history reads.
func (m nameMap) restore(st ast.StmtNode) {
	if m.charsets == nil && m.collations == nil {
		return
	}
	st.Accept(&restorer{m: m})
}

func (m nameMap) charset(s string) string {
	if n, ok := m.charsets[strings.ToLower(s)]; ok {
		return n
	}
	return s
}

func (m nameMap) collation(s string) string {
	if n, ok := m.collations[strings.ToLower(s)]; ok {
		return n
	}
	return s
}

func (m nameMap) tableOptions(opts []*ast.TableOption) {
	for _, o := range opts {
		switch o.Tp {
		case ast.TableOptionCharset:
			o.StrValue = m.charset(o.StrValue)
		case ast.TableOptionCollate:
			o.StrValue = m.collation(o.StrValue)
		}
	}
}

func (m nameMap) databaseOptions(opts []*ast.DatabaseOption) {
	for _, o := range opts {
		switch o.Tp {
		case ast.DatabaseOptionCharset:
			o.Value = m.charset(o.Value)
		case ast.DatabaseOptionCollate:
			o.Value = m.collation(o.Value)
		}
	}
}

// restorer is the ast.Visitor of nameMap.restore.
type restorer struct{ m nameMap }

func (r *restorer) Enter(n ast.Node) (ast.Node, bool) {
	switch n := n.(type) {
	case *ast.ColumnDef:
		if n.Tp != nil {
			n.Tp.SetCharset(r.m.charset(n.Tp.GetCharset()))
			n.Tp.SetCollate(r.m.collation(n.Tp.GetCollate()))
		}
		for _, o := range n.Options {
			if o.Tp == ast.ColumnOptionCollate {
				o.StrValue = r.m.collation(o.StrValue)
			}
		}
	case *ast.CreateTableStmt:
		r.m.tableOptions(n.Options)
	case *ast.AlterTableSpec:
		r.m.tableOptions(n.Options)
	case *ast.CreateDatabaseStmt:
		r.m.databaseOptions(n.Options)
	case *ast.AlterDatabaseStmt:
		r.m.databaseOptions(n.Options)
	}
	return n, false
}

func (r *restorer) Leave(n ast.Node) (ast.Node, bool) { return n, true }
