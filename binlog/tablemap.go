package binlog

import (
	"encoding/binary"
	"fmt"
)

// TABLE_MAP_EVENT body layout (after the common header):
//
//	post-header: table id (6 bytes, 4 when the post-header is 6 bytes long), flags (2)
//	body:        schema length (1) schema NUL, table length (1) table NUL,
//	             column count (packed), column types (count bytes),
//	             metadata length (packed), metadata (per type),
//	             null bitmap ((count+7)/8 bytes),
//	             optional metadata: TLVs of type (1), length (packed), value.

// Optional metadata field types of a TABLE_MAP_EVENT.
const (
	tmSignedness            = 1
	tmDefaultCharset        = 2
	tmColumnCharset         = 3
	tmColumnName            = 4
	tmSetStrValue           = 5
	tmEnumStrValue          = 6
	tmGeometryType          = 7
	tmSimplePrimaryKey      = 8
	tmPrimaryKeyWithPrefix  = 9
	tmEnumSetDefaultCharset = 10
	tmEnumSetColumnCharset  = 11
	tmColumnVisibility      = 12
	tmVectorDimensionality  = 13
)

// rdCursor reads little-endian fields from an event body. Reads past the
// end set err and return zeros; callers check err once after a group of
// reads.
type rdCursor struct {
	b   []byte
	pos int
	err error
}

func (c *rdCursor) fail(what string) {
	if c.err == nil {
		c.err = corruptf("%s at byte %d: body is %d bytes", what, c.pos, len(c.b))
	}
}

func (c *rdCursor) bytes(n int, what string) []byte {
	if c.err != nil {
		return nil
	}
	if n < 0 || n > len(c.b)-c.pos {
		c.fail(what)
		return nil
	}
	s := c.b[c.pos : c.pos+n : c.pos+n]
	c.pos += n
	return s
}

func (c *rdCursor) u8(what string) uint8 {
	if c.err != nil {
		return 0
	}
	if c.pos >= len(c.b) {
		c.fail(what)
		return 0
	}
	v := c.b[c.pos]
	c.pos++
	return v
}

func (c *rdCursor) uintN(n int, what string) uint64 {
	s := c.bytes(n, what)
	var v uint64
	for i := len(s) - 1; i >= 0; i-- {
		v = v<<8 | uint64(s[i])
	}
	return v
}

func (c *rdCursor) packed(what string) uint64 {
	if c.err != nil {
		return 0
	}
	v, n := rdPacked(c.b[c.pos:])
	if n == 0 {
		c.fail(what)
		return 0
	}
	c.pos += n
	return v
}

// rdPacked reads a packed (length-encoded) integer. n is 0 when b is too
// short or starts with the invalid 0xff.
func rdPacked(b []byte) (v uint64, n int) {
	if len(b) == 0 {
		return 0, 0
	}
	switch b[0] {
	case 0xfb: // NULL in the protocol; here simply 251 is never written
		return 0, 1
	case 0xfc:
		if len(b) < 3 {
			return 0, 0
		}
		return uint64(b[1]) | uint64(b[2])<<8, 3
	case 0xfd:
		if len(b) < 4 {
			return 0, 0
		}
		return uint64(b[1]) | uint64(b[2])<<8 | uint64(b[3])<<16, 4
	case 0xfe:
		if len(b) < 9 {
			return 0, 0
		}
		return binary.LittleEndian.Uint64(b[1:]), 9
	case 0xff:
		return 0, 0
	}
	return uint64(b[0]), 1
}

// decodeTableMap decodes a TABLE_MAP_EVENT body, merging in what
// st.opts.Schema knows.
// maxColumns is the most columns a MySQL or MariaDB table can have.
const maxColumns = 4096

func decodeTableMap(body []byte, st *decodeState) (*TableMap, error) {
	phl := st.postHeaderLen(TableMapEvent, 8)
	c := &rdCursor{b: body}
	tm := &TableMap{}
	if phl == 6 {
		tm.TableID = c.uintN(4, "table id")
	} else {
		tm.TableID = c.uintN(6, "table id")
	}
	tm.Flags = uint16(c.uintN(2, "flags"))
	if phl > c.pos {
		c.bytes(phl-c.pos, "post-header")
	}
	n := int(c.u8("schema length"))
	tm.Schema = string(c.bytes(n, "schema"))
	c.u8("schema terminator")
	n = int(c.u8("table length"))
	tm.Table = string(c.bytes(n, "table"))
	c.u8("table terminator")
	count := c.packed("column count")
	if c.err != nil {
		return nil, c.err
	}
	if count > uint64(len(body)-c.pos) {
		return nil, corruptf("table map: %d columns in a %d-byte body", count, len(body))
	}
	if count > maxColumns {
		// Each column costs about 90 bytes decoded, and more in every
		// row image: a table map of a few MB must not cost gigabytes.
		return nil, corruptf("table map: %d columns, more than any server allows (%d)", count, maxColumns)
	}
	ncol := int(count)
	types := c.bytes(ncol, "column types")
	if c.err == nil && c.pos == len(body) {
		// MySQL 5.1 before 5.1.18 wrote no metadata and no null bitmap.
		cols := make([]Column, ncol)
		for i := range cols {
			t := ColumnType(types[i])
			cols[i] = Column{Type: t, BinlogType: t, Nullable: true, Visible: true}
		}
		tm.Columns = cols
		if st != nil && st.opts != nil && st.opts.Schema != nil {
			if err := mergeSchema(tm, st.opts.Schema); err != nil {
				return nil, err
			}
		}
		return tm, nil
	}
	metaLen := c.packed("metadata length")
	if c.err != nil {
		return nil, c.err
	}
	if metaLen > uint64(len(body)-c.pos) {
		return nil, corruptf("table map: metadata length %d past end of body", metaLen)
	}
	meta := c.bytes(int(metaLen), "metadata")
	nulls := c.bytes((ncol+7)/8, "null bitmap")
	if c.err != nil {
		return nil, c.err
	}
	cols := make([]Column, ncol)
	mp := 0
	for i := range cols {
		col := &cols[i]
		t := ColumnType(types[i])
		col.BinlogType, col.Type, col.Visible = t, t, true
		col.Nullable = nulls[i/8]&(1<<(i%8)) != 0
		need := 0
		switch t {
		case TypeString, TypeNewDecimal, TypeVarString, TypeVarchar, TypeBit, TypeEnum, TypeSet:
			need = 2
		case TypeBlob, TypeDouble, TypeFloat, TypeGeometry, TypeJSON, TypeVector,
			TypeTime2, TypeDateTime2, TypeTimestamp2, TypeTinyBlob, TypeMediumBlob, TypeLongBlob:
			need = 1
		case TypeDecimal, TypeTiny, TypeShort, TypeLong, TypeNull, TypeTimestamp, TypeLongLong,
			TypeInt24, TypeDate, TypeTime, TypeDateTime, TypeYear, TypeNewDate:
		default:
			return nil, corruptf("table map: column %d has unknown type %d", i, t)
		}
		if need > len(meta)-mp {
			return nil, corruptf("table map: metadata of column %d past end of metadata block", i)
		}
		switch t {
		case TypeString, TypeNewDecimal, TypeEnum, TypeSet:
			col.Meta = uint16(meta[mp])<<8 | uint16(meta[mp+1])
		case TypeVarString, TypeVarchar, TypeBit:
			col.Meta = uint16(meta[mp]) | uint16(meta[mp+1])<<8
		default:
			if need == 1 {
				col.Meta = uint16(meta[mp])
			}
		}
		mp += need
		if t == TypeString {
			rt, _ := stringMeta(col.Meta)
			switch rt {
			case TypeEnum, TypeSet:
				col.Type = rt
			}
		}
	}
	if c.pos < len(body) {
		tm.OptionalMetadata = body[c.pos:]
	}
	if err := decodeOptionalMeta(tm, cols, body[c.pos:], st); err != nil {
		return nil, err
	}
	tm.Columns = cols
	if st != nil && st.opts != nil && st.opts.Schema != nil {
		if err := mergeSchema(tm, st.opts.Schema); err != nil {
			return nil, err
		}
	}
	return tm, nil
}

// stringMeta decodes the metadata of a TypeString column: the real type
// and the maximum length in bytes. Lengths over 255 keep their two high
// bits in the real type byte (MySQL bug #37426).
func stringMeta(meta uint16) (ColumnType, int) {
	rt, length := int(meta>>8), int(meta&0xff)
	if rt&0x30 != 0x30 {
		length |= ((rt & 0x30) ^ 0x30) << 4
		rt |= 0x30
	}
	return ColumnType(rt), length
}

// isNumericCol reports whether the signedness bitmap has a bit for c.
func isNumericCol(c *Column) bool {
	switch c.Type {
	case TypeTiny, TypeShort, TypeInt24, TypeLong, TypeLongLong, TypeFloat, TypeDouble,
		TypeDecimal, TypeNewDecimal, TypeYear:
		return true
	}
	return false
}

// isCharCol reports whether the charset fields have an entry for c.
// MariaDB counts GEOMETRY columns too.
func isCharCol(c *Column, mariadb bool) bool {
	switch c.Type {
	case TypeString, TypeVarString, TypeVarchar, TypeBlob:
		return true
	case TypeGeometry:
		return mariadb
	}
	return false
}

func isEnumSetCol(c *Column) bool { return c.Type == TypeEnum || c.Type == TypeSet }

func decodeOptionalMeta(tm *TableMap, cols []Column, b []byte, st *decodeState) error {
	mariadb := st != nil && st.fd != nil && st.fd.MariaDB()
	c := &rdCursor{b: b}
	for c.pos < len(b) {
		typ := c.u8("optional metadata type")
		l := c.packed("optional metadata length")
		if c.err != nil {
			return c.err
		}
		if l > uint64(len(b)-c.pos) {
			return corruptf("table map: optional metadata field %d of %d bytes past end of body", typ, l)
		}
		v := c.bytes(int(l), "optional metadata")
		var err error
		switch typ {
		case tmSignedness:
			j := 0
			for i := range cols {
				if !isNumericCol(&cols[i]) {
					continue
				}
				if j/8 < len(v) {
					cols[i].Unsigned = v[j/8]&(0x80>>(j%8)) != 0
					cols[i].SignednessKnown = true
				}
				j++
			}
		case tmDefaultCharset, tmEnumSetDefaultCharset:
			sel := func(c *Column) bool { return isCharCol(c, mariadb) }
			if typ == tmEnumSetDefaultCharset {
				sel = isEnumSetCol
			}
			err = applyDefaultCharset(cols, v, sel)
		case tmColumnCharset, tmEnumSetColumnCharset:
			sel := func(c *Column) bool { return isCharCol(c, mariadb) }
			if typ == tmEnumSetColumnCharset {
				sel = isEnumSetCol
			}
			vc := &rdCursor{b: v}
			for i := range cols {
				if !sel(&cols[i]) || vc.pos >= len(v) {
					continue
				}
				cols[i].Collation = uint16(vc.packed("column charset"))
			}
			err = vc.err
		case tmColumnName:
			vc := &rdCursor{b: v}
			for i := range cols {
				if vc.pos >= len(v) {
					break
				}
				n := int(vc.u8("column name length"))
				cols[i].Name = string(vc.bytes(n, "column name"))
			}
			err = vc.err
			if err == nil {
				tm.HasNames = len(cols) > 0
			}
		case tmSetStrValue, tmEnumStrValue:
			want := TypeSet
			if typ == tmEnumStrValue {
				want = TypeEnum
			}
			vc := &rdCursor{b: v}
			for i := range cols {
				if cols[i].Type != want || vc.pos >= len(v) {
					continue
				}
				n := vc.packed("member count")
				if vc.err != nil || n > uint64(len(v)-vc.pos) {
					vc.fail("member count")
					break
				}
				names := make([]string, n)
				for k := range names {
					l := vc.packed("member length")
					if l > uint64(len(v)) {
						vc.fail("member length")
						break
					}
					names[k] = string(vc.bytes(int(l), "member"))
				}
				if want == TypeEnum {
					cols[i].EnumValues = names
				} else {
					cols[i].SetValues = names
				}
			}
			err = vc.err
		case tmGeometryType:
			vc := &rdCursor{b: v}
			for i := range cols {
				if cols[i].Type != TypeGeometry || vc.pos >= len(v) {
					continue
				}
				cols[i].GeometryType = uint32(vc.packed("geometry type"))
			}
			err = vc.err
		case tmSimplePrimaryKey, tmPrimaryKeyWithPrefix:
			vc := &rdCursor{b: v}
			pk := make([]int, 0, 4)
			for vc.pos < len(v) {
				k := vc.packed("primary key column")
				if typ == tmPrimaryKeyWithPrefix {
					vc.packed("primary key prefix")
				}
				if vc.err != nil {
					break
				}
				if k >= uint64(len(cols)) {
					vc.fail("primary key column index")
					break
				}
				pk = append(pk, int(k))
			}
			err = vc.err
			tm.PrimaryKey = pk
		case tmColumnVisibility:
			for i := range cols {
				if i/8 < len(v) {
					cols[i].Visible = v[i/8]&(0x80>>(i%8)) != 0
				}
			}
		default:
			// tmVectorDimensionality and future fields: ignored.
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// applyDefaultCharset applies a DEFAULT_CHARSET field: the default
// collation, then (index, collation) pairs for the selected columns that
// differ from it.
func applyDefaultCharset(cols []Column, v []byte, sel func(*Column) bool) error {
	vc := &rdCursor{b: v}
	def := uint16(vc.packed("default charset"))
	if vc.err != nil {
		return vc.err
	}
	for i := range cols {
		if sel(&cols[i]) {
			cols[i].Collation = def
		}
	}
	for vc.pos < len(v) {
		idx := vc.packed("charset column index")
		coll := uint16(vc.packed("charset collation"))
		if vc.err != nil {
			return vc.err
		}
		j := uint64(0)
		for i := range cols {
			if !sel(&cols[i]) {
				continue
			}
			if j == idx {
				cols[i].Collation = coll
				break
			}
			j++
		}
	}
	return nil
}

// MismatchPolicy is an optional interface of a Schema: it says what the
// Reader (or the live stream) does when the Schema's definition of a table
// has another column count than the TABLE_MAP event.
//
// A Schema that does not implement MismatchPolicy, or whose
// SkipSchemaMismatch returns false, makes the Reader fail with
// ErrSchemaMismatch naming the table. When SkipSchemaMismatch returns true
// the Reader keeps the table map as decoded, without the Schema's names,
// and leaves the mismatch to the Schema's owner (the history of package
// schemahistory, with SkipMismatch, drops the table map and its rows
// events in Observe, see SchemaTracker). Wrappers that embed such a Schema inherit the
// policy.
type MismatchPolicy interface {
	SkipSchemaMismatch() bool
}

// mergeSchema fills what the table map lacks from the Schema. A definition
// with another column count than the table map is never merged: the
// Reader fails with ErrSchemaMismatch, naming the table, unless the Schema
// says it handles the mismatch itself (MismatchPolicy).
func mergeSchema(tm *TableMap, s Schema) error {
	ti, err := s.Table(tm.Schema, tm.Table)
	if err != nil || ti == nil {
		return err
	}
	if len(ti.Columns) != len(tm.Columns) {
		if mp, ok := s.(MismatchPolicy); ok && mp.SkipSchemaMismatch() {
			return nil
		}
		return fmt.Errorf("%w: %s.%s: the table map has %d columns, the schema %d",
			ErrSchemaMismatch, tm.Schema, tm.Table, len(tm.Columns), len(ti.Columns))
	}
	for i := range tm.Columns {
		if i >= len(ti.Columns) {
			break
		}
		col, ci := &tm.Columns[i], &ti.Columns[i]
		if col.Name == "" && ci.Name != "" {
			col.Name = ci.Name
		}
		if !col.SignednessKnown && isNumericCol(col) {
			col.Unsigned, col.SignednessKnown = ci.Unsigned, true
		}
		if col.Collation == 0 {
			col.Collation = ci.Collation
		}
		if col.EnumValues == nil && col.Type == TypeEnum {
			col.EnumValues = ci.EnumValues
		}
		if col.SetValues == nil && col.Type == TypeSet {
			col.SetValues = ci.SetValues
		}
	}
	if tm.PrimaryKey == nil && ti.PrimaryKey != nil {
		pk := make([]int, 0, len(ti.PrimaryKey))
		for _, k := range ti.PrimaryKey {
			if k >= 0 && k < len(tm.Columns) {
				pk = append(pk, k)
			}
		}
		tm.PrimaryKey = pk
	}
	if !tm.HasNames && len(tm.Columns) > 0 {
		named := true
		for i := range tm.Columns {
			if tm.Columns[i].Name == "" {
				named = false
				break
			}
		}
		tm.HasNames = named
	}
	return nil
}
