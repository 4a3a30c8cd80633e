package binlogtest

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/sqlquote"
)

// Def is one part of a CREATE TABLE: a Column, or a table option such as
// Engine.
type Def interface{ isDef() }

// Engine is the storage engine of a table (ENGINE=name). Tables are InnoDB
// unless told; a transaction that changed a MyISAM, MEMORY or Aria table
// ends with a COMMIT Query event instead of an XID.
type Engine string

func (Engine) isDef() {}

// transactional reports whether the engine logs an XID at commit.
func (e Engine) transactional() bool {
	switch strings.ToLower(string(e)) {
	case "myisam", "memory", "heap", "aria", "csv", "archive", "merge", "mrg_myisam", "blackhole":
		return false
	}
	return true
}

// Column is a column of a table for CreateTable, made by a type function
// (Int, Varchar, Enum, ...) and refined by its methods, which return a
// changed copy:
//
//	binlogtest.Int("id").Unsigned().PrimaryKey()
//	binlogtest.Varchar("name", 40).Charset("latin1").NotNull()
//	binlogtest.Enum("size", "S", "M", "L")
//
// Columns are NULL-able unless NotNull or PrimaryKey says otherwise, and
// text columns are utf8mb4 (utf8mb4_general_ci on MariaDB,
// utf8mb4_0900_ai_ci on MySQL) unless Charset or Collate says otherwise.
type Column struct {
	name      string
	sqlType   string // keyword: INT, VARCHAR, ...
	typ       binlog.ColumnType
	length    int // characters, bytes, bits or fractional digits, by type
	prec      int
	scale     int
	unsigned  bool
	charset   string
	collation string
	members   []string
	notNull   bool
	primary   bool
	geometry  uint32
	bin       bool // a binary string type (BINARY, VARBINARY, BLOB)
}

func (Column) isDef() {}

// Name returns the column's name.
func (c Column) Name() string { return c.name }

// Unsigned makes a numeric column UNSIGNED.
func (c Column) Unsigned() Column { c.unsigned = true; return c }

// NotNull makes the column NOT NULL.
func (c Column) NotNull() Column { c.notNull = true; return c }

// PrimaryKey makes the column part of the primary key (and NOT NULL); the
// key's columns are in the order of the table.
func (c Column) PrimaryKey() Column { c.primary, c.notNull = true, true; return c }

// Charset sets the character set of a text column (CHAR, VARCHAR, TEXT,
// ENUM, SET), with its default collation: utf8mb4, utf8mb3, latin1,
// latin2, ascii, cp1251, gbk, ucs2, utf16, utf32 or binary.
func (c Column) Charset(name string) Column { c.charset, c.collation = name, ""; return c }

// Collate sets the collation of a text column, and its character set.
func (c Column) Collate(name string) Column { c.collation = name; return c }

func intCol(name, sql string, t binlog.ColumnType) Column {
	return Column{name: name, sqlType: sql, typ: t}
}

// Integer, floating-point and DECIMAL columns.
func TinyInt(name string) Column   { return intCol(name, "TINYINT", binlog.TypeTiny) }
func SmallInt(name string) Column  { return intCol(name, "SMALLINT", binlog.TypeShort) }
func MediumInt(name string) Column { return intCol(name, "MEDIUMINT", binlog.TypeInt24) }
func Int(name string) Column       { return intCol(name, "INT", binlog.TypeLong) }
func BigInt(name string) Column    { return intCol(name, "BIGINT", binlog.TypeLongLong) }
func Float(name string) Column     { return intCol(name, "FLOAT", binlog.TypeFloat) }
func Double(name string) Column    { return intCol(name, "DOUBLE", binlog.TypeDouble) }

// Decimal is DECIMAL(precision, scale).
func Decimal(name string, precision, scale int) Column {
	return Column{name: name, sqlType: "DECIMAL", typ: binlog.TypeNewDecimal, prec: precision, scale: scale}
}

// Bit is BIT(bits), 1 to 64.
func Bit(name string, bits int) Column {
	return Column{name: name, sqlType: "BIT", typ: binlog.TypeBit, length: bits}
}

// Temporal columns; fsp is the number of fractional-second digits, 0 to 6.
func Year(name string) Column { return Column{name: name, sqlType: "YEAR", typ: binlog.TypeYear} }
func Date(name string) Column { return Column{name: name, sqlType: "DATE", typ: binlog.TypeDate} }
func Time(name string, fsp int) Column {
	return Column{name: name, sqlType: "TIME", typ: binlog.TypeTime2, length: fsp}
}
func DateTime(name string, fsp int) Column {
	return Column{name: name, sqlType: "DATETIME", typ: binlog.TypeDateTime2, length: fsp}
}
func Timestamp(name string, fsp int) Column {
	return Column{name: name, sqlType: "TIMESTAMP", typ: binlog.TypeTimestamp2, length: fsp}
}

// Character columns of n characters, and their binary twins of n bytes.
func Char(name string, n int) Column {
	return Column{name: name, sqlType: "CHAR", typ: binlog.TypeString, length: n}
}
func Varchar(name string, n int) Column {
	return Column{name: name, sqlType: "VARCHAR", typ: binlog.TypeVarchar, length: n}
}
func Binary(name string, n int) Column {
	return Column{name: name, sqlType: "BINARY", typ: binlog.TypeString, length: n, bin: true}
}
func VarBinary(name string, n int) Column {
	return Column{name: name, sqlType: "VARBINARY", typ: binlog.TypeVarchar, length: n, bin: true}
}

// TEXT and BLOB columns; length is the size of their length prefix.
func TinyText(name string) Column   { return blobCol(name, "TINYTEXT", 1, false) }
func Text(name string) Column       { return blobCol(name, "TEXT", 2, false) }
func MediumText(name string) Column { return blobCol(name, "MEDIUMTEXT", 3, false) }
func LongText(name string) Column   { return blobCol(name, "LONGTEXT", 4, false) }
func TinyBlob(name string) Column   { return blobCol(name, "TINYBLOB", 1, true) }
func Blob(name string) Column       { return blobCol(name, "BLOB", 2, true) }
func MediumBlob(name string) Column { return blobCol(name, "MEDIUMBLOB", 3, true) }
func LongBlob(name string) Column   { return blobCol(name, "LONGBLOB", 4, true) }

func blobCol(name, sql string, lp int, bin bool) Column {
	return Column{name: name, sqlType: sql, typ: binlog.TypeBlob, length: lp, bin: bin}
}

// Enum is ENUM(members...) and Set is SET(members...) (64 members at most).
func Enum(name string, members ...string) Column {
	return Column{name: name, sqlType: "ENUM", typ: binlog.TypeEnum, members: members}
}
func Set(name string, members ...string) Column {
	return Column{name: name, sqlType: "SET", typ: binlog.TypeSet, members: members}
}

// JSON is a JSON column: MySQL's binary JSON; on MariaDB, where JSON is
// LONGTEXT in utf8mb4_bin, the text as given.
func JSON(name string) Column { return Column{name: name, sqlType: "JSON", typ: binlog.TypeJSON} }

// Geometry is a GEOMETRY column; Point, LineString and Polygon are its
// subtypes. Values are the stored form: a 4-byte little-endian SRID then
// WKB.
func Geometry(name string) Column {
	return Column{name: name, sqlType: "GEOMETRY", typ: binlog.TypeGeometry}
}
func Point(name string) Column {
	return Column{name: name, sqlType: "POINT", typ: binlog.TypeGeometry, geometry: 1}
}
func LineString(name string) Column {
	return Column{name: name, sqlType: "LINESTRING", typ: binlog.TypeGeometry, geometry: 2}
}
func Polygon(name string) Column {
	return Column{name: name, sqlType: "POLYGON", typ: binlog.TypeGeometry, geometry: 3}
}

// MultiPoint, MultiLineString, MultiPolygon and GeometryCollection are
// the collection subtypes of GEOMETRY.
func MultiPoint(name string) Column {
	return Column{name: name, sqlType: "MULTIPOINT", typ: binlog.TypeGeometry, geometry: 4}
}
func MultiLineString(name string) Column {
	return Column{name: name, sqlType: "MULTILINESTRING", typ: binlog.TypeGeometry, geometry: 5}
}
func MultiPolygon(name string) Column {
	return Column{name: name, sqlType: "MULTIPOLYGON", typ: binlog.TypeGeometry, geometry: 6}
}
func GeometryCollection(name string) Column {
	return Column{name: name, sqlType: "GEOMETRYCOLLECTION", typ: binlog.TypeGeometry, geometry: 7}
}

// Vector is MySQL 9's VECTOR(dims) of float32s; values are []float32 or
// their little-endian bytes. Other flavors refuse it.
func Vector(name string, dims int) Column {
	return Column{name: name, sqlType: "VECTOR", typ: binlog.TypeVector, length: dims}
}

// isText reports whether values of c are character strings in a charset.
func (c *Column) isText() bool {
	switch c.typ {
	case binlog.TypeString, binlog.TypeVarchar, binlog.TypeBlob, binlog.TypeEnum, binlog.TypeSet:
		return !c.bin
	}
	return false
}

// table is a table created by CreateTable.
type table struct {
	db, name string
	id       uint64
	cols     []Column
	charsets []*charset // of each column; nil for non-text columns
	colls    []uint16   // collation ids; 63 for binary strings, 0 for others
	tm       *binlog.TableMap
	trans    bool
}

// resolve checks the columns of t and works out their collations and
// table map columns.
func (t *table) resolve(f Flavor, full bool) error {
	if len(t.cols) == 0 {
		return fmt.Errorf("%w: table %s.%s has no columns", ErrOptions, t.db, t.name)
	}
	t.charsets = make([]*charset, len(t.cols))
	t.colls = make([]uint16, len(t.cols))
	tm := &binlog.TableMap{TableID: t.id, Flags: 1, Schema: t.db, Table: t.name, HasNames: full}
	for i := range t.cols {
		c := &t.cols[i]
		col, err := t.mapColumn(i, c, f)
		if err != nil {
			return fmt.Errorf("%w: column %s: %v", ErrOptions, c.name, err)
		}
		col.Visible = true
		tm.Columns = append(tm.Columns, col)
		if c.primary {
			tm.PrimaryKey = append(tm.PrimaryKey, i)
		}
	}
	tm.OptionalMetadata = optionalMetadata(tm, t.charsets, f, full)
	if !full {
		for i := range tm.Columns {
			tm.Columns[i].Name = ""
		}
	}
	t.tm = tm
	return nil
}

// mapColumn returns the table map column of c.
func (t *table) mapColumn(i int, c *Column, f Flavor) (binlog.Column, error) {
	col := binlog.Column{Name: c.name, Type: c.typ, BinlogType: c.typ, Nullable: !c.notNull,
		Unsigned: c.unsigned, SignednessKnown: true}
	if c.isText() || c.sqlType == "JSON" && f == MariaDB {
		cs, coll, err := lookupCharset(c.charset, c.collation, f)
		if err != nil {
			return col, err
		}
		if c.sqlType == "JSON" {
			cs, coll = charsets["utf8mb4"], 46 // utf8mb4_bin
		}
		t.charsets[i], t.colls[i] = cs, coll
		col.Collation = coll
	} else if c.charset != "" || c.collation != "" {
		return col, fmt.Errorf("a character set for a %s column", c.sqlType)
	}
	if c.bin || c.typ == binlog.TypeGeometry {
		t.colls[i] = 63
		col.Collation = 63
	}
	if c.typ == binlog.TypeYear {
		col.Unsigned = true // servers mark YEAR unsigned in the signedness field
	}
	if c.unsigned && !isNumeric(c.typ) {
		return col, fmt.Errorf("UNSIGNED %s", c.sqlType)
	}
	fsp := func() error {
		if c.length < 0 || c.length > 6 {
			return fmt.Errorf("%s(%d): precision 0 to 6", c.sqlType, c.length)
		}
		col.Meta = uint16(c.length)
		return nil
	}
	switch c.typ {
	case binlog.TypeFloat:
		col.Meta = 4
	case binlog.TypeDouble:
		col.Meta = 8
	case binlog.TypeNewDecimal:
		if c.prec < 1 || c.prec > 65 || c.scale < 0 || c.scale > 30 || c.scale > c.prec {
			return col, fmt.Errorf("DECIMAL(%d,%d)", c.prec, c.scale)
		}
		col.Meta = uint16(c.prec<<8 | c.scale)
	case binlog.TypeBit:
		if c.length < 1 || c.length > 64 {
			return col, fmt.Errorf("BIT(%d)", c.length)
		}
		col.Meta = uint16(c.length/8<<8 | c.length%8)
	case binlog.TypeTime2, binlog.TypeDateTime2, binlog.TypeTimestamp2:
		if err := fsp(); err != nil {
			return col, err
		}
	case binlog.TypeString:
		n := c.length * t.mbmax(i)
		if c.length < 0 || c.length > 255 || n > 1023 {
			return col, fmt.Errorf("%s(%d)", c.sqlType, c.length)
		}
		// Lengths over 255 keep their two high bits in the type byte,
		// inverted (MySQL bug #37426).
		rt := byte(binlog.TypeString)&^0x30 | (0x30 ^ byte(n>>8<<4))
		col.Meta = uint16(rt)<<8 | uint16(n&0xff)
	case binlog.TypeVarchar:
		n := c.length * t.mbmax(i)
		if c.length < 0 || n > 65535 {
			return col, fmt.Errorf("%s(%d)", c.sqlType, c.length)
		}
		col.Meta = uint16(n)
	case binlog.TypeBlob:
		col.Meta = uint16(c.length)
	case binlog.TypeEnum, binlog.TypeSet:
		col.BinlogType = binlog.TypeString
		n := len(c.members)
		if n == 0 || c.typ == binlog.TypeSet && n > 64 || n > 65535 {
			return col, fmt.Errorf("%s of %d members", c.sqlType, n)
		}
		size := 1
		if c.typ == binlog.TypeEnum {
			col.EnumValues = c.members
			if n > 255 {
				size = 2
			}
		} else {
			col.SetValues = c.members
			size = (n + 7) / 8
			if size > 4 {
				size = 8
			}
		}
		col.Meta = uint16(c.typ)<<8 | uint16(size)
	case binlog.TypeJSON:
		col.Meta = 4
		if f == MariaDB {
			col.Type, col.BinlogType = binlog.TypeBlob, binlog.TypeBlob
		}
	case binlog.TypeGeometry:
		col.Meta = 4
		col.GeometryType = c.geometry
	case binlog.TypeVector:
		if f != MySQL9 {
			return col, fmt.Errorf("VECTOR on %v", f)
		}
		if c.length < 1 || c.length > 16383 {
			return col, fmt.Errorf("VECTOR(%d)", c.length)
		}
		col.Meta = 4
	}
	return col, nil
}

// mbmax returns the longest character of column i's charset, in bytes.
func (t *table) mbmax(i int) int {
	if cs := t.charsets[i]; cs != nil {
		return cs.mbmax
	}
	return 1
}

func isNumeric(t binlog.ColumnType) bool {
	switch t {
	case binlog.TypeTiny, binlog.TypeShort, binlog.TypeInt24, binlog.TypeLong, binlog.TypeLongLong,
		binlog.TypeFloat, binlog.TypeDouble, binlog.TypeNewDecimal:
		return true
	}
	return false
}

// createSQL returns the CREATE TABLE statement of t.
func (t *table) createSQL(engine string, f Flavor) string {
	var defs [][]byte
	for i := range t.cols {
		c := &t.cols[i]
		b := sqlquote.AppendIdent([]byte("  "), c.name)
		b = append(b, ' ')
		b = append(b, c.sqlType...)
		switch c.typ {
		case binlog.TypeNewDecimal:
			b = fmt.Appendf(b, "(%d,%d)", c.prec, c.scale)
		case binlog.TypeBit, binlog.TypeString, binlog.TypeVarchar, binlog.TypeVector:
			b = fmt.Appendf(b, "(%d)", c.length)
		case binlog.TypeTime2, binlog.TypeDateTime2, binlog.TypeTimestamp2:
			if c.length > 0 {
				b = fmt.Appendf(b, "(%d)", c.length)
			}
		case binlog.TypeEnum, binlog.TypeSet:
			b = append(b, '(')
			for k, m := range c.members {
				if k > 0 {
					b = append(b, ',')
				}
				b = appendQuoted(b, m)
			}
			b = append(b, ')')
		}
		if c.unsigned {
			b = append(b, " UNSIGNED"...)
		}
		if cs := t.charsets[i]; cs != nil && c.sqlType != "JSON" {
			b = append(b, " CHARACTER SET "...)
			b = append(b, cs.name...)
			b = append(b, " COLLATE "...)
			b = append(b, collationName(t.colls[i])...)
		}
		if c.notNull {
			b = append(b, " NOT NULL"...)
		} else if c.typ == binlog.TypeTimestamp2 {
			b = append(b, " NULL DEFAULT NULL"...) // no implicit DEFAULT CURRENT_TIMESTAMP
		}
		defs = append(defs, b)
	}
	if len(t.tm.PrimaryKey) > 0 {
		b := []byte("  PRIMARY KEY (")
		for k, i := range t.tm.PrimaryKey {
			if k > 0 {
				b = append(b, ", "...)
			}
			b = sqlquote.AppendIdent(b, t.cols[i].name)
		}
		defs = append(defs, append(b, ')'))
	}
	b := sqlquote.AppendQualified([]byte("CREATE TABLE "), t.db, t.name)
	b = append(b, " (\n"...)
	b = append(b, bytes.Join(defs, []byte(",\n"))...)
	b = append(b, "\n) ENGINE="...)
	b = append(b, engine...)
	b = append(b, " DEFAULT CHARSET=utf8mb4 COLLATE="...)
	b = append(b, collationName(charsets["utf8mb4"].collation(f))...)
	return string(b)
}

// appendQuoted appends s as a SQL string literal.
func appendQuoted(b []byte, s string) []byte {
	b = append(b, '\'')
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\'':
			b = append(b, '\'', '\'')
		case '\\':
			b = append(b, '\\', '\\')
		default:
			b = append(b, s[i])
		}
	}
	return append(b, '\'')
}
