package schemahistory

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/sqllex"
	"github.com/pingcap/tidb/pkg/parser"
	"github.com/pingcap/tidb/pkg/parser/ast"
	"github.com/pingcap/tidb/pkg/parser/charset"
	"github.com/pingcap/tidb/pkg/parser/mysql"
	_ "github.com/pingcap/tidb/pkg/parser/test_driver" // value expressions (DEFAULT 'x')
)

// ddlEnv is the context of a DDL statement.
type ddlEnv struct {
	file            string
	offset          int64
	sqlMode         uint64 // Q_SQL_MODE_CODE
	serverCollation uint16 // collation_server of the session, 0 unknown
	seed            bool   // from SeedDDL: report errors, mark nothing unknown
}

type ddlParser struct{ p *parser.Parser }

// applyDDL parses sql and applies the statements it understands. h.mu is
// held.
func (h *History) applyDDL(db, sql string, env ddlEnv) error {
	toks := sqllex.Tokens(sql, sqllex.ModeOf(env.sqlMode))
	repl, names := placeholders(sql, toks)
	rewritten := rewriteDDL(sql, toks, repl)
	if h.p == nil {
		h.p = &ddlParser{p: parser.New()}
	}
	var mode mysql.SQLMode
	if env.sqlMode&sqllex.SQLModeANSIQuotes != 0 {
		mode |= mysql.ModeANSIQuotes
	}
	if env.sqlMode&sqllex.SQLModeNoBackslashEscapes != 0 {
		mode |= mysql.ModeNoBackslashEscapes
	}
	h.p.p.SetSQLMode(mode)
	stmts, _, err := h.p.p.Parse(rewritten, "", "")
	if err != nil {
		names := ddlTableNames(sql, toks, db)
		if env.seed {
			e := &Error{Op: "SeedDDL", Schema: db, Err: fmt.Errorf("%w: %w", ErrBadDDL, err)}
			if len(names) == 1 {
				e.Schema, e.Table = names[0][0], names[0][1]
			}
			return e
		}
		var tables []string
		for _, n := range names {
			why := fmt.Sprintf("DDL at %s:%d not understood: %v", env.file, env.offset, err)
			h.markUnknown(n[0], n[1], why)
			tables = append(tables, n[0]+"."+n[1])
		}
		h.warn(Warning{File: env.file, Offset: env.offset, Query: sql, Tables: tables, Err: err})
		return nil
	}
	for _, st := range stmts {
		names.restore(st)
		if err := h.applyStmt(db, st, env); err != nil {
			if env.seed {
				e := &Error{Op: "SeedDDL", Schema: db, Err: fmt.Errorf("%w: %w", ErrBadDDL, err)}
				if a, ok := st.(*ast.AlterTableStmt); ok {
					e.Schema, e.Table = tableName(db, a.Table)
				}
				return e
			}
			h.warn(Warning{File: env.file, Offset: env.offset, Query: sql, Err: err})
		}
	}
	return nil
}

func tableName(db string, tn *ast.TableName) (string, string) {
	if tn.Schema.O != "" {
		db = tn.Schema.O
	}
	return db, tn.Name.O
}

// coll is a resolved collation: name (may be "" when known by id only)
// and id (0 unknown).
type coll struct {
	Name string
	ID   uint16
}

func (h *History) applyStmt(db string, st ast.StmtNode, env ddlEnv) error {
	switch s := st.(type) {
	case *ast.CreateTableStmt:
		if s.TemporaryKeyword != ast.TemporaryNone {
			return nil
		}
		tdb, name := tableName(db, s.Table)
		if s.IfNotExists && h.lookup(tdb, name) != nil {
			return nil
		}
		if s.ReferTable != nil {
			rdb, rname := tableName(db, s.ReferTable)
			src := h.lookup(rdb, rname)
			if src == nil || src.Unknown != "" {
				h.put(tdb, &shTable{Name: name, Unknown: fmt.Sprintf("created at %s:%d LIKE %s.%s, whose definition is unknown", env.file, env.offset, rdb, rname)})
				return nil
			}
			t := src.clone()
			t.Name = name
			h.put(tdb, t)
			return nil
		}
		if s.Select != nil {
			h.put(tdb, &shTable{Name: name, Unknown: fmt.Sprintf("CREATE TABLE ... SELECT at %s:%d", env.file, env.offset)})
			return nil
		}
		t := &shTable{Name: name}
		def := h.tableDefault(tdb, s.Options, coll{})
		t.Collation = def.Name
		t.CollationID = def.ID
		for _, cd := range s.Cols {
			c, pk := resolveColumn(cd, def)
			t.Columns = append(t.Columns, c)
			if pk {
				t.PrimaryKey = []string{c.Name}
			}
		}
		for _, c := range s.Constraints {
			if c.Tp == ast.ConstraintPrimaryKey {
				t.PrimaryKey = keyColumns(c)
			}
		}
		h.put(tdb, t)
	case *ast.AlterTableStmt:
		tdb, name := tableName(db, s.Table)
		t := h.lookup(tdb, name)
		if t == nil {
			// Only a rename matters for a table the history has never
			// heard of; column changes cannot be applied to nothing.
			return nil
		}
		return h.alterTable(tdb, t, s, env)
	case *ast.RenameTableStmt:
		for _, tt := range s.TableToTables {
			odb, oname := tableName(db, tt.OldTable)
			ndb, nname := tableName(db, tt.NewTable)
			t := h.remove(odb, oname)
			if t == nil {
				continue
			}
			t.Name = nname
			h.put(ndb, t)
		}
	case *ast.DropTableStmt:
		if s.IsView || s.TemporaryKeyword != ast.TemporaryNone {
			return nil
		}
		for _, tn := range s.Tables {
			tdb, name := tableName(db, tn)
			h.remove(tdb, name)
		}
	case *ast.DropIndexStmt:
		if strings.EqualFold(s.IndexName, "PRIMARY") {
			tdb, name := tableName(db, s.Table)
			if t := h.lookup(tdb, name); t != nil {
				t.PrimaryKey = nil
			}
		}
	case *ast.CreateDatabaseStmt:
		if d := h.findDB(s.Name.O); d != nil && s.IfNotExists {
			return nil
		}
		var def coll
		if env.serverCollation != 0 {
			def = coll{ID: env.serverCollation}
		}
		def = dbOptionsCollation(s.Options, def)
		h.dbs[s.Name.O] = &shDB{Name: s.Name.O, Collation: def.Name, CollationID: def.ID}
		for k := range h.dbs {
			if k != s.Name.O && strings.EqualFold(k, s.Name.O) {
				delete(h.dbs, k)
			}
		}
	case *ast.AlterDatabaseStmt:
		name := s.Name.O
		if s.AlterDefaultDatabase || name == "" {
			name = db
		}
		d := h.db(name)
		def := dbOptionsCollation(s.Options, coll{Name: d.Collation, ID: d.CollationID})
		d.Collation, d.CollationID = def.Name, def.ID
	case *ast.DropDatabaseStmt:
		for k := range h.dbs {
			if strings.EqualFold(k, s.Name.O) {
				delete(h.dbs, k)
			}
		}
	}
	return nil
}

func (t *shTable) clone() *shTable {
	c := *t
	c.Columns = slices.Clone(t.Columns)
	c.PrimaryKey = slices.Clone(t.PrimaryKey)
	return &c
}

func keyColumns(c *ast.Constraint) []string {
	var pk []string
	for _, k := range c.Keys {
		if k.Column != nil {
			pk = append(pk, k.Column.Name.O)
		}
	}
	return pk
}

// tableDefault resolves a table's default collation from its options,
// falling back to cur, then to the database default.
func (h *History) tableDefault(db string, opts []*ast.TableOption, cur coll) coll {
	var cs, co string
	for _, o := range opts {
		switch o.Tp {
		case ast.TableOptionCharset:
			cs = o.StrValue
		case ast.TableOptionCollate:
			co = o.StrValue
		}
	}
	if c, ok := optionsCollation(cs, co); ok {
		return c
	}
	if cur.ID != 0 || cur.Name != "" {
		return cur
	}
	if d := h.findDB(db); d != nil {
		return coll{Name: d.Collation, ID: d.CollationID}
	}
	return coll{}
}

// optionsCollation resolves a CHARACTER SET / COLLATE option pair: the
// collation when given, else the charset's default; ok is false when
// neither is.
func optionsCollation(cs, co string) (c coll, ok bool) {
	switch {
	case co != "":
		return resolveCollation(co), true
	case cs != "":
		return charsetDefault(cs), true
	}
	return coll{}, false
}

func dbOptionsCollation(opts []*ast.DatabaseOption, cur coll) coll {
	var cs, co string
	for _, o := range opts {
		switch o.Tp {
		case ast.DatabaseOptionCharset:
			cs = o.Value
		case ast.DatabaseOptionCollate:
			co = o.Value
		}
	}
	if c, ok := optionsCollation(cs, co); ok {
		return c
	}
	return cur
}

// isTextType reports whether columns of type t have a character set.
func isTextType(t binlog.ColumnType) bool {
	switch t {
	case binlog.TypeVarchar, binlog.TypeVarString, binlog.TypeString, binlog.TypeBlob, binlog.TypeTinyBlob, binlog.TypeMediumBlob,
		binlog.TypeLongBlob, binlog.TypeEnum, binlog.TypeSet:
		return true
	}
	return false
}

// resolveColumn converts a column definition; pk reports an inline
// PRIMARY KEY.
func resolveColumn(cd *ast.ColumnDef, def coll) (c shColumn, pk bool) {
	c.Name = cd.Name.Name.O
	tp := cd.Tp
	c.Type = binlog.ColumnType(tp.GetType())
	c.Unsigned = mysql.HasUnsignedFlag(tp.GetFlag())
	co := tp.GetCollate()
	for _, o := range cd.Options {
		switch o.Tp {
		case ast.ColumnOptionCollate:
			co = o.StrValue
		case ast.ColumnOptionPrimaryKey:
			pk = true
		}
	}
	switch c.Type {
	case binlog.TypeEnum:
		c.Enum = slices.Clone(tp.GetElems())
	case binlog.TypeSet:
		c.Set = slices.Clone(tp.GetElems())
	}
	if c.Type == binlog.TypeJSON {
		// MariaDB logs JSON as LONGTEXT utf8mb4_bin; MySQL's binary JSON
		// ignores the collation.
		c.Collation, c.CollationID = "utf8mb4_bin", 46
		return c, pk
	}
	if !isTextType(c.Type) {
		return c, pk
	}
	var r coll
	switch cs := tp.GetCharset(); {
	case strings.EqualFold(cs, "binary") || strings.EqualFold(co, "binary"):
		r = coll{Name: "binary", ID: 63}
	case co != "":
		r = resolveCollation(co)
	case cs != "":
		r = charsetDefault(cs)
	default:
		r = def
	}
	c.Collation, c.CollationID = r.Name, r.ID
	return c, pk
}

func (h *History) alterTable(db string, t *shTable, s *ast.AlterTableStmt, env ddlEnv) error {
	if t.Unknown != "" {
		// Only a rename can be followed.
		for _, sp := range s.Specs {
			if sp.Tp == ast.AlterTableRenameTable && sp.NewTable != nil {
				ndb, nname := tableName(db, sp.NewTable)
				h.remove(db, t.Name)
				t.Name = nname
				h.put(ndb, t)
				db = ndb
			}
		}
		return nil
	}
	work := t.clone()
	newDB := db
	def := coll{Name: work.Collation, ID: work.CollationID}
	if def.ID == 0 && def.Name == "" {
		if d := h.findDB(db); d != nil {
			def = coll{Name: d.Collation, ID: d.CollationID}
		}
	}
	fail := func(format string, args ...any) error {
		if env.seed {
			// SeedDDL reports the error and leaves the table as it was.
			return fmt.Errorf("ALTER TABLE: "+format, args...)
		}
		why := fmt.Sprintf("ALTER TABLE at %s:%d: %s", env.file, env.offset, fmt.Sprintf(format, args...))
		t.Unknown = why
		return errors.New(why)
	}
	for _, sp := range s.Specs {
		switch sp.Tp {
		case ast.AlterTableAddColumns:
			pos := len(work.Columns)
			if sp.Position != nil {
				switch sp.Position.Tp {
				case ast.ColumnPositionFirst:
					pos = 0
				case ast.ColumnPositionAfter:
					i := work.colIndex(sp.Position.RelativeColumn.Name.O)
					if i < 0 {
						return fail("unknown column %s", sp.Position.RelativeColumn.Name.O)
					}
					pos = i + 1
				}
			}
			for _, cd := range sp.NewColumns {
				if work.colIndex(cd.Name.Name.O) >= 0 {
					if sp.IfNotExists {
						continue
					}
					return fail("column %s exists", cd.Name.Name.O)
				}
				c, pk := resolveColumn(cd, def)
				work.Columns = slices.Insert(work.Columns, pos, c)
				pos++
				if pk {
					work.PrimaryKey = []string{c.Name}
				}
			}
		case ast.AlterTableDropColumn:
			name := sp.OldColumnName.Name.O
			i := work.colIndex(name)
			if i < 0 {
				if sp.IfExists {
					continue
				}
				return fail("unknown column %s", name)
			}
			work.Columns = slices.Delete(work.Columns, i, i+1)
			work.PrimaryKey = slices.DeleteFunc(work.PrimaryKey, func(k string) bool { return strings.EqualFold(k, name) })
			if len(work.PrimaryKey) == 0 {
				work.PrimaryKey = nil
			}
		case ast.AlterTableModifyColumn, ast.AlterTableChangeColumn:
			old := ""
			if sp.Tp == ast.AlterTableChangeColumn {
				old = sp.OldColumnName.Name.O
			} else if len(sp.NewColumns) > 0 {
				old = sp.NewColumns[0].Name.Name.O
			}
			if len(sp.NewColumns) != 1 {
				return fail("%d columns in MODIFY/CHANGE", len(sp.NewColumns))
			}
			i := work.colIndex(old)
			if i < 0 {
				if sp.IfExists {
					continue
				}
				return fail("unknown column %s", old)
			}
			c, pk := resolveColumn(sp.NewColumns[0], def)
			work.Columns = slices.Delete(work.Columns, i, i+1)
			pos := i
			if sp.Position != nil {
				switch sp.Position.Tp {
				case ast.ColumnPositionFirst:
					pos = 0
				case ast.ColumnPositionAfter:
					j := work.colIndex(sp.Position.RelativeColumn.Name.O)
					if j < 0 {
						return fail("unknown column %s", sp.Position.RelativeColumn.Name.O)
					}
					pos = j + 1
				}
			}
			work.Columns = slices.Insert(work.Columns, pos, c)
			work.renamePK(old, c.Name)
			if pk {
				work.PrimaryKey = []string{c.Name}
			}
		case ast.AlterTableRenameColumn:
			old, nn := sp.OldColumnName.Name.O, sp.NewColumnName.Name.O
			i := work.colIndex(old)
			if i < 0 {
				return fail("unknown column %s", old)
			}
			work.Columns[i].Name = nn
			work.renamePK(old, nn)
		case ast.AlterTableAddConstraint:
			if sp.Constraint != nil && sp.Constraint.Tp == ast.ConstraintPrimaryKey {
				work.PrimaryKey = keyColumns(sp.Constraint)
			}
		case ast.AlterTableDropPrimaryKey:
			work.PrimaryKey = nil
		case ast.AlterTableDropIndex:
			if strings.EqualFold(sp.Name, "PRIMARY") {
				work.PrimaryKey = nil
			}
		case ast.AlterTableRenameTable:
			if sp.NewTable != nil {
				var nname string
				newDB, nname = tableName(db, sp.NewTable)
				work.Name = nname
			}
		case ast.AlterTableOption:
			convert := false
			for _, o := range sp.Options {
				if o.Tp == ast.TableOptionCharset && o.UintValue == ast.TableOptionCharsetWithConvertTo {
					convert = true
				}
			}
			nd := h.tableDefault(db, sp.Options, coll{Name: work.Collation, ID: work.CollationID})
			if nd == (coll{}) {
				break
			}
			if convert {
				for i := range work.Columns {
					c := &work.Columns[i]
					if c.CollationID == 63 || c.Type == binlog.TypeJSON || !isTextType(c.Type) {
						continue
					}
					c.Collation, c.CollationID = nd.Name, nd.ID
				}
			}
			def = nd
			work.Collation, work.CollationID = nd.Name, nd.ID
		}
	}
	h.remove(db, t.Name)
	h.put(newDB, work)
	return nil
}

func (t *shTable) renamePK(old, nn string) {
	for i, k := range t.PrimaryKey {
		if strings.EqualFold(k, old) {
			t.PrimaryKey[i] = nn
		}
	}
}

// Charsets and collations.

// charsetDefaultIDs are the classic default collations of each character
// set (MySQL 5.7 / MariaDB).
var charsetDefaultIDs = map[string]uint16{
	"armscii8": 32, "ascii": 11, "big5": 1, "binary": 63, "cp1250": 26, "cp1251": 51,
	"cp1256": 57, "cp1257": 59, "cp850": 4, "cp852": 40, "cp866": 36, "cp932": 95,
	"dec8": 3, "eucjpms": 97, "euckr": 19, "gb18030": 248, "gb2312": 24, "gbk": 28,
	"geostd8": 92, "greek": 25, "hebrew": 16, "hp8": 6, "keybcs2": 37, "koi8r": 7,
	"koi8u": 22, "latin1": 8, "latin2": 9, "latin5": 30, "latin7": 41, "macce": 38,
	"macroman": 39, "sjis": 13, "swe7": 10, "tis620": 18, "ucs2": 35, "ujis": 12,
	"utf16": 54, "utf16le": 56, "utf32": 60, "utf8mb3": 33, "utf8mb4": 45,
}

func normCharset(cs string) string {
	cs = strings.ToLower(cs)
	if cs == "utf8" {
		return "utf8mb3"
	}
	return cs
}

// charsetDefault returns the default collation of a character set.
func charsetDefault(cs string) coll {
	id := charsetDefaultIDs[normCharset(cs)]
	if id == 0 {
		return coll{}
	}
	return coll{Name: normCharset(cs), ID: id}
}

// resolveCollation returns the id of a collation name: MySQL ids from the
// TiDB parser's table, MariaDB NO PAD variants as id+1024, and for other
// names (MariaDB UCA 14.0, ...) the default collation of the charset the
// name starts with.
func resolveCollation(name string) coll {
	n := strings.ToLower(name)
	if n == "binary" {
		return coll{Name: n, ID: 63}
	}
	tn := n
	if rest, ok := strings.CutPrefix(tn, "utf8mb3_"); ok {
		tn = "utf8_" + rest
	}
	if c, err := charset.GetCollationByName(tn); err == nil && c.ID > 0 && c.ID < 1024 {
		return coll{Name: n, ID: uint16(c.ID)}
	}
	if strings.Contains(n, "_nopad") {
		if base := resolveCollation(strings.Replace(n, "_nopad", "", 1)); base.ID != 0 && base.ID < 1024 {
			return coll{Name: n, ID: base.ID + 1024}
		}
	}
	if cs := collationCharset(n); cs != "" {
		return coll{Name: n, ID: charsetDefaultIDs[cs]}
	}
	return coll{Name: n}
}

// collationCharset returns the charset a collation name starts with.
func collationCharset(n string) string {
	best := ""
	for cs := range charsetDefaultIDs {
		if strings.HasPrefix(n, cs+"_") && len(cs) > len(best) {
			best = cs
		}
	}
	if best == "" && strings.HasPrefix(n, "utf8_") {
		best = "utf8mb3"
	}
	return best
}

// looksLikeDDL reports whether a statement may change table definitions:
// it starts with CREATE, ALTER, RENAME or DROP.
func looksLikeDDL(sql string) bool {
	toks := sqllex.Tokens(sql, 0)
	if len(toks) == 0 {
		return false
	}
	for _, w := range []string{"CREATE", "ALTER", "RENAME", "DROP"} {
		if toks[0].Is(sql, w) {
			return true
		}
	}
	return false
}

// typeEnders may follow a column's type.
var typeEnders = []string{",", ")", "NOT", "NULL", "DEFAULT", "PRIMARY", "UNIQUE", "KEY", "COMMENT",
	"FIRST", "AFTER", "INVISIBLE", "CHECK", "REFERENCES", "AUTO_INCREMENT"}

// rewriteDDL removes or replaces MariaDB syntax the TiDB parser rejects
// and that does not change the column layout: CREATE OR REPLACE, ALTER
// ONLINE/IGNORE, WAIT n/NOWAIT, the INVISIBLE and COMPRESSED column
// attributes; UUID and INET6 types become BINARY(16), INET4 BINARY(4).
// The tokens in repl (by index) are replaced with their text there: the
// placeholders of charset and collation names.
func rewriteDDL(sql string, toks []sqllex.Token, repl map[int]string) string {
	var b strings.Builder
	last := 0
	drop := func(t sqllex.Token) {
		b.WriteString(sql[last:t.Start])
		last = t.End
	}
	replace := func(t sqllex.Token, s string) {
		b.WriteString(sql[last:t.Start])
		b.WriteString(s)
		last = t.End
	}
	prevIs := func(i int, s string) bool { return i > 0 && toks[i-1].Text(sql) == s }
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch {
		case repl[i] != "":
			replace(t, repl[i])
		case i == 1 && toks[0].Is(sql, "CREATE") && t.Is(sql, "OR") && i+1 < len(toks) && toks[i+1].Is(sql, "REPLACE"):
			drop(t)
			drop(toks[i+1])
			i++
		case i == 1 && toks[0].Is(sql, "ALTER") && (t.Is(sql, "ONLINE") || t.Is(sql, "IGNORE")):
			drop(t)
		case t.Is(sql, "NOWAIT"):
			drop(t)
		case t.Is(sql, "WAIT") && i+1 < len(toks) && toks[i+1].Kind == sqllex.Word && toks[i+1].Text(sql)[0] <= '9':
			drop(t)
			drop(toks[i+1])
			i++
		case (t.Is(sql, "INVISIBLE") || t.Is(sql, "COMPRESSED")) && !prevIs(i, "=") && !(i+1 < len(toks) && toks[i+1].Text(sql) == "="):
			drop(t)
		case (t.Is(sql, "UUID") || t.Is(sql, "INET6") || t.Is(sql, "INET4")) && i > 1 &&
			(toks[i-1].Kind == sqllex.Word || toks[i-1].Kind == sqllex.Ident):
			next := ""
			if i+1 < len(toks) {
				next = strings.ToUpper(toks[i+1].Text(sql))
			}
			if next == "" || slices.Contains(typeEnders, next) {
				if t.Is(sql, "INET4") {
					replace(t, "BINARY(4)")
				} else {
					replace(t, "BINARY(16)")
				}
			}
		}
	}
	b.WriteString(sql[last:])
	return b.String()
}

// ddlTableNames finds the tables a DDL statement the parser rejected
// names: [db, table] pairs. Temporary tables, and statements on other
// objects, give none.
func ddlTableNames(sql string, toks []sqllex.Token, db string) [][2]string {
	i := 0
	skip := func(words ...string) {
		for i < len(toks) && slices.ContainsFunc(words, func(w string) bool { return toks[i].Is(sql, w) }) {
			i++
		}
	}
	if len(toks) == 0 {
		return nil
	}
	verb := strings.ToUpper(toks[0].Text(sql))
	i = 1
	skip("OR", "REPLACE", "ONLINE", "IGNORE")
	if i < len(toks) && toks[i].Is(sql, "TEMPORARY") {
		return nil
	}
	if i >= len(toks) || !toks[i].Is(sql, "TABLE") && !(verb == "DROP" && toks[i].Is(sql, "TABLES")) {
		return nil
	}
	i++
	skip("IF", "NOT", "EXISTS")
	var out [][2]string
	name := func() bool {
		if i >= len(toks) || toks[i].Kind != sqllex.Word && toks[i].Kind != sqllex.Ident {
			return false
		}
		d, n := db, toks[i].Value(sql)
		i++
		if i+1 < len(toks) && toks[i].Text(sql) == "." && (toks[i+1].Kind == sqllex.Word || toks[i+1].Kind == sqllex.Ident) {
			d, n = n, toks[i+1].Value(sql)
			i += 2
		}
		out = append(out, [2]string{d, n})
		return true
	}
	switch verb {
	case "CREATE", "ALTER":
		name()
	case "DROP", "RENAME":
		for name() {
			if i < len(toks) && toks[i].Is(sql, "TO") {
				i++
				continue
			}
			if i < len(toks) && toks[i].Text(sql) == "," {
				i++
				continue
			}
			break
		}
	}
	return out
}
