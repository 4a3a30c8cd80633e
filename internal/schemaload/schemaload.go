// Package schemaload builds a binlog.StaticSchema from a live server's
// information_schema: column names in ordinal order, signedness, collation
// ids, ENUM and SET members and the primary key. It is the I/O half of
// binlog2sql's --schema: binlogs written with binlog_row_metadata=MINIMAL or
// NO_LOG (or by old servers) lack these, and package rowevent needs at least
// the names.
//
// The schema is the current one: it describes old events correctly only if
// the tables have not been altered since.
package schemaload

import (
	"fmt"
	"strings"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/go-mysql-org/go-mysql/client"
	"github.com/go-mysql-org/go-mysql/mysql"
)

// systemDBs are left out when Load is given no databases.
var systemDBs = []string{"information_schema", "performance_schema", "mysql", "sys"}

// binaryTypes are the DATA_TYPEs of byte strings, whose COLLATION_NAME is
// NULL: they get the binary collation (63).
var binaryTypes = map[string]bool{
	"binary": true, "varbinary": true, "tinyblob": true, "blob": true,
	"mediumblob": true, "longblob": true,
}

// Load reads the definitions of every table of databases (all but the
// system databases when empty) over conn.
func Load(conn *client.Conn, databases []string) (binlog.StaticSchema, error) {
	colls, err := collationIDs(conn)
	if err != nil {
		return nil, err
	}
	where, args := dbFilter(databases)
	r, err := conn.Execute(`SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, DATA_TYPE,
		IFNULL(COLLATION_NAME, '') FROM information_schema.COLUMNS WHERE `+where+`
		ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`, args...)
	if err != nil {
		return nil, fmt.Errorf("schemaload: columns: %w", err)
	}
	defer r.Close()
	s := binlog.StaticSchema{}
	index := map[string]map[string]int{} // "db.table" -> column name -> index
	for i := range r.RowNumber() {
		f, err := strs(r.Resultset, i, 6)
		if err != nil {
			return nil, err
		}
		key := f[0] + "." + f[1]
		ti := s[key]
		if ti == nil {
			ti = &binlog.TableInfo{}
			s[key] = ti
			index[key] = map[string]int{}
		}
		ci, err := column(f[2], f[3], f[4], f[5], colls)
		if err != nil {
			return nil, fmt.Errorf("schemaload: %s.%s: %w", key, f[2], err)
		}
		index[key][strings.ToLower(ci.Name)] = len(ti.Columns)
		ti.Columns = append(ti.Columns, ci)
	}

	pk, err := conn.Execute(`SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME FROM information_schema.STATISTICS
		WHERE INDEX_NAME = 'PRIMARY' AND `+where+` ORDER BY TABLE_SCHEMA, TABLE_NAME, SEQ_IN_INDEX`, args...)
	if err != nil {
		return nil, fmt.Errorf("schemaload: primary keys: %w", err)
	}
	defer pk.Close()
	for i := range pk.RowNumber() {
		f, err := strs(pk.Resultset, i, 3)
		if err != nil {
			return nil, err
		}
		key := f[0] + "." + f[1]
		ti := s[key]
		c, ok := index[key][strings.ToLower(f[2])]
		if ti == nil || !ok {
			continue
		}
		ti.PrimaryKey = append(ti.PrimaryKey, c)
	}
	return s, nil
}

// column builds the ColumnInfo of one COLUMNS row.
func column(name, colType, dataType, collation string, colls map[string]uint16) (binlog.ColumnInfo, error) {
	ci := binlog.ColumnInfo{Name: name}
	lt := strings.ToLower(colType)
	ci.Unsigned = strings.Contains(lt, " unsigned")
	dataType = strings.ToLower(dataType)
	switch {
	case collation != "":
		id, ok := colls[strings.ToLower(collation)]
		if !ok {
			return ci, fmt.Errorf("unknown collation %q", collation)
		}
		ci.Collation = id
	case binaryTypes[dataType]:
		ci.Collation = 63
	}
	var err error
	switch dataType {
	case "enum":
		ci.EnumValues, err = ParseMembers(colType)
	case "set":
		ci.SetValues, err = ParseMembers(colType)
	}
	return ci, err
}

// ParseMembers returns the members of an ENUM or SET COLUMN_TYPE such as
// enum('a','b'): single-quoted strings, a quote inside written twice.
func ParseMembers(colType string) ([]string, error) {
	open := strings.IndexByte(colType, '(')
	if open < 0 || !strings.HasSuffix(colType, ")") {
		return nil, fmt.Errorf("bad ENUM/SET type %q", colType)
	}
	s := colType[open+1 : len(colType)-1]
	members := []string{}
	for len(s) > 0 {
		if s[0] != '\'' {
			return nil, fmt.Errorf("bad ENUM/SET type %q", colType)
		}
		var b strings.Builder
		i := 1
		for {
			if i >= len(s) {
				return nil, fmt.Errorf("bad ENUM/SET type %q: unterminated member", colType)
			}
			if s[i] == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					b.WriteByte('\'')
					i += 2
					continue
				}
				i++
				break
			}
			b.WriteByte(s[i])
			i++
		}
		members = append(members, b.String())
		s = s[i:]
		if len(s) > 0 {
			if s[0] != ',' {
				return nil, fmt.Errorf("bad ENUM/SET type %q", colType)
			}
			s = s[1:]
		}
	}
	return members, nil
}

// collationIDs maps lower-case collation names to ids. MariaDB 10.10+
// lists the full names of charset-independent collations (uca1400) only in
// COLLATION_CHARACTER_SET_APPLICABILITY, with their ids.
func collationIDs(conn *client.Conn) (map[string]uint16, error) {
	m := map[string]uint16{}
	add := func(q string) error {
		r, err := conn.Execute(q)
		if err != nil {
			return err
		}
		defer r.Close()
		for i := range r.RowNumber() {
			if null, _ := r.IsNull(i, 1); null {
				continue
			}
			name, err := str(r.Resultset, i, 0)
			if err != nil {
				return err
			}
			id, err := r.GetUint(i, 1)
			if err != nil {
				return err
			}
			if id > 0 && id <= 0xffff {
				m[strings.ToLower(name)] = uint16(id)
			}
		}
		return nil
	}
	if err := add("SELECT COLLATION_NAME, ID FROM information_schema.COLLATIONS"); err != nil {
		return nil, fmt.Errorf("schemaload: collations: %w", err)
	}
	// Absent before MariaDB 10.10 and on MySQL: ignore the error.
	_ = add("SELECT FULL_COLLATION_NAME, ID FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY")
	return m, nil
}

// dbFilter returns the WHERE condition on TABLE_SCHEMA and its arguments.
func dbFilter(databases []string) (string, []any) {
	list, not := databases, ""
	if len(list) == 0 {
		list, not = systemDBs, "NOT "
	}
	args := make([]any, len(list))
	for i, d := range list {
		args[i] = d
	}
	return "TABLE_SCHEMA " + not + "IN (?" + strings.Repeat(", ?", len(list)-1) + ")", args
}

// str returns field j of row i as a string of its own. go-mysql's
// GetString returns a string aliasing the result set's buffer, which goes
// back to a pool on Close and is overwritten by a later query: a collation
// name kept as a map key, or a column name kept in a ColumnInfo, would
// change under us.
func str(r *mysql.Resultset, i, j int) (string, error) {
	s, err := r.GetString(i, j)
	if err != nil {
		return "", err
	}
	return strings.Clone(s), nil
}

// strs returns the first n fields of row i as strings of their own (see str).
func strs(r *mysql.Resultset, i, n int) ([]string, error) {
	f := make([]string, n)
	for j := range f {
		s, err := str(r, i, j)
		if err != nil {
			return nil, fmt.Errorf("schemaload: %w", err)
		}
		f[j] = s
	}
	return f, nil
}
