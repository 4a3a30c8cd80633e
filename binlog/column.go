package binlog

// ColumnType is a MySQL field type code (enum_field_types).
type ColumnType uint8

// Column type codes.
const (
	TypeDecimal    ColumnType = 0
	TypeTiny       ColumnType = 1
	TypeShort      ColumnType = 2
	TypeLong       ColumnType = 3
	TypeFloat      ColumnType = 4
	TypeDouble     ColumnType = 5
	TypeNull       ColumnType = 6
	TypeTimestamp  ColumnType = 7
	TypeLongLong   ColumnType = 8
	TypeInt24      ColumnType = 9
	TypeDate       ColumnType = 10
	TypeTime       ColumnType = 11
	TypeDateTime   ColumnType = 12
	TypeYear       ColumnType = 13
	TypeNewDate    ColumnType = 14
	TypeVarchar    ColumnType = 15
	TypeBit        ColumnType = 16
	TypeTimestamp2 ColumnType = 17
	TypeDateTime2  ColumnType = 18
	TypeTime2      ColumnType = 19
	TypeTypedArray ColumnType = 20
	TypeVector     ColumnType = 242
	TypeJSON       ColumnType = 245
	TypeNewDecimal ColumnType = 246
	TypeEnum       ColumnType = 247
	TypeSet        ColumnType = 248
	TypeTinyBlob   ColumnType = 249
	TypeMediumBlob ColumnType = 250
	TypeLongBlob   ColumnType = 251
	TypeBlob       ColumnType = 252
	TypeVarString  ColumnType = 253
	TypeString     ColumnType = 254
	TypeGeometry   ColumnType = 255
)

// Column describes one column of a table as the binlog (TABLE_MAP event and
// its optional metadata) and, where given, the Schema know it.
type Column struct {
	// Name is the column name, or "" when neither the table map metadata
	// (binlog_row_metadata=FULL) nor the Schema gives it. Printers then use
	// "@N", N counting from 1, like mysqlbinlog.
	Name string
	// Type is the real type: for a column logged as TypeString, the ENUM,
	// SET or CHAR type that the metadata encodes.
	Type ColumnType
	// BinlogType is the type code as logged in the table map.
	BinlogType ColumnType
	// Meta is the type metadata from the table map, decoded: length or
	// pack length, precision<<8|scale for DECIMAL, fractional-second
	// precision for TIME2/DATETIME2/TIMESTAMP2, bits for BIT
	// (bytes<<8|bits), real type<<8|length for STRING.
	Meta     uint16
	Nullable bool
	// Unsigned is true for an UNSIGNED numeric column. SignednessKnown is
	// false when neither the metadata nor the Schema said; integers are then
	// decoded as signed, like mysqlbinlog does.
	Unsigned        bool
	SignednessKnown bool
	// Collation is the column's collation id (63 = binary), 0 when unknown.
	// Strings in a column of unknown collation are kept as bytes.
	Collation uint16
	// EnumValues and SetValues are the member names of an ENUM or SET,
	// nil when unknown.
	EnumValues []string
	SetValues  []string
	// GeometryType is the geometry subtype code from the metadata
	// (0 = GEOMETRY, 1 = POINT, ...).
	GeometryType uint32
	// Visible is false for invisible columns (MySQL 8.0.23+ metadata);
	// true when unknown.
	Visible bool
}

// Charset returns the character set name of the column's collation
// ("utf8mb4", "latin1", "gbk", "binary", ...), or "" when unknown.
func (c *Column) Charset() string { return charsetOf(c.Collation) }

// IsText reports whether values of the column are character strings
// (CHAR, VARCHAR, TEXT, ENUM, SET in a non-binary collation).
func (c *Column) IsText() bool {
	switch c.Type {
	case TypeVarchar, TypeVarString, TypeString, TypeBlob, TypeTinyBlob, TypeMediumBlob, TypeLongBlob:
		return c.Collation != 0 && c.Collation != 63
	}
	return false
}

// MaxBytes returns the longest value, in bytes, that a CHAR, VARCHAR,
// BINARY, VARBINARY, TEXT, BLOB or JSON column holds, from the table map
// metadata: the declared length times the charset's longest character
// for CHAR and VARCHAR, 255, 65535 or 16777215 for the TINY, plain and
// MEDIUM TEXT and BLOB types. It returns -1 for LONGTEXT, LONGBLOB and
// JSON (whose 4 GiB limit no event reaches) and for every other type.
func (c *Column) MaxBytes() int {
	meta := int(c.Meta)
	switch c.Type {
	case TypeVarchar, TypeVarString:
		return meta
	case TypeString:
		// real type<<8 | length, with bits 4 and 5 of the real type
		// holding bits 8 and 9 of the length (inverted) for CHAR columns
		// longer than 255 bytes.
		rt, n := meta>>8, meta&0xff
		if rt&0x30 != 0x30 {
			n |= ((rt & 0x30) ^ 0x30) << 4
		}
		return n
	case TypeBlob, TypeTinyBlob, TypeMediumBlob, TypeLongBlob, TypeJSON:
		if meta >= 1 && meta <= 3 {
			return 1<<(8*meta) - 1
		}
	}
	return -1
}

// MaxChars returns the longest value, in characters, that a CHAR or
// VARCHAR column of a character set holds: MaxBytes divided by the
// length of the charset's longest character (CHAR(10) in utf8mb4 is
// logged as 40 bytes). It returns -1 for binary and TEXT columns (limited
// in bytes only), columns of unknown collation and other types.
func (c *Column) MaxChars() int {
	switch c.Type {
	case TypeVarchar, TypeVarString, TypeString:
		if c.IsText() {
			return c.MaxBytes() / maxCharLen(c.Collation)
		}
	}
	return -1
}

// TableMap is a TABLE_MAP_EVENT: the table id that following rows events
// use, and the table's column layout.
type TableMap struct {
	TableID uint64
	Flags   uint16
	Schema  string
	Table   string
	Columns []Column
	// PrimaryKey lists the column indexes of the primary key, in key order;
	// nil when unknown (no metadata and no Schema) or when the table has
	// none.
	PrimaryKey []int
	// HasNames reports whether column names are known (from metadata or
	// Schema).
	HasNames bool
	// OptionalMetadata is the optional metadata block of the event as
	// logged (binlog_row_metadata: type, length, value fields), which the
	// fields above decode in part; nil when the event has none. The
	// Encoder writes it unchanged, so that a table map encodes to the
	// bytes it was decoded from; clear it when changing the columns.
	OptionalMetadata []byte
}

// Schema supplies table definitions when the binlog lacks them
// (binlog_row_metadata=MINIMAL or NO_LOG, or old servers). The Reader calls
// Table once per TABLE_MAP event; metadata present in the event wins over
// what the Schema says.
type Schema interface {
	// Table returns the definition of db.table as it was when the event at
	// the reader's current position was written. It returns (nil, nil) when
	// the table is unknown; the reader then keeps what the binlog says.
	Table(db, table string) (*TableInfo, error)
}

// TableInfo is a table definition from a Schema.
type TableInfo struct {
	Columns    []ColumnInfo
	PrimaryKey []int // column indexes, in key order
}

// ColumnInfo is a column definition from a Schema.
type ColumnInfo struct {
	Name       string
	Unsigned   bool
	Collation  uint16 // 0 = unknown, 63 = binary
	EnumValues []string
	SetValues  []string
}

// StaticSchema is a Schema backed by a map keyed "db.table".
type StaticSchema map[string]*TableInfo

// Table implements Schema.
func (s StaticSchema) Table(db, table string) (*TableInfo, error) { return s[db+"."+table], nil }

var _ Schema = StaticSchema(nil)
