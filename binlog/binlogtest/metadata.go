package binlogtest

import "github.com/binlogkit/binlogkit/binlog"

// Optional metadata field types of a table map (binlog_row_metadata).
const (
	mdSignedness           = 1
	mdColumnCharset        = 3
	mdColumnName           = 4
	mdSetStrValue          = 5
	mdEnumStrValue         = 6
	mdGeometryType         = 7
	mdSimplePrimaryKey     = 8
	mdEnumSetColumnCharset = 11
)

// optionalMetadata returns the optional metadata block of tm as the
// server writes it for binlog_row_metadata=FULL (full) or MINIMAL.
func optionalMetadata(tm *binlog.TableMap, css []*charset, f Flavor, full bool) []byte {
	var out []byte
	field := func(typ byte, v []byte) {
		if len(v) == 0 {
			return
		}
		out = append(out, typ)
		out = appendPacked(out, uint64(len(v)))
		out = append(out, v...)
	}
	var sign []byte
	n := 0
	for i := range tm.Columns {
		c := &tm.Columns[i]
		if !signednessBit(c.Type, f) {
			continue
		}
		if n%8 == 0 {
			sign = append(sign, 0)
		}
		if c.Unsigned {
			sign[n/8] |= 0x80 >> (n % 8)
		}
		n++
	}
	field(mdSignedness, sign)
	var chars, enumChars, geoms []byte
	for i := range tm.Columns {
		c := &tm.Columns[i]
		switch {
		case c.Type == binlog.TypeEnum || c.Type == binlog.TypeSet:
			enumChars = appendPacked(enumChars, uint64(c.Collation))
		case c.Type == binlog.TypeString || c.Type == binlog.TypeVarchar || c.Type == binlog.TypeBlob ||
			c.Type == binlog.TypeGeometry && f == MariaDB:
			chars = appendPacked(chars, uint64(c.Collation))
		}
		if c.Type == binlog.TypeGeometry {
			geoms = appendPacked(geoms, uint64(c.GeometryType))
		}
	}
	field(mdColumnCharset, chars)
	field(mdEnumSetColumnCharset, enumChars)
	field(mdGeometryType, geoms)
	if !full {
		return nonNil(out)
	}
	var names, sets, enums, pk []byte
	for i := range tm.Columns {
		c := &tm.Columns[i]
		names = appendPacked(names, uint64(len(c.Name)))
		names = append(names, c.Name...)
		members := func(dst []byte, ms []string) []byte {
			dst = appendPacked(dst, uint64(len(ms)))
			for _, m := range ms {
				b := []byte(m)
				if cs := css[i]; cs != nil {
					if e, err := cs.encode(m); err == nil {
						b = e
					}
				}
				dst = appendPacked(dst, uint64(len(b)))
				dst = append(dst, b...)
			}
			return dst
		}
		switch c.Type {
		case binlog.TypeSet:
			sets = members(sets, c.SetValues)
		case binlog.TypeEnum:
			enums = members(enums, c.EnumValues)
		}
	}
	for _, i := range tm.PrimaryKey {
		pk = appendPacked(pk, uint64(i))
	}
	field(mdColumnName, names)
	field(mdSetStrValue, sets)
	field(mdEnumStrValue, enums)
	field(mdSimplePrimaryKey, pk)
	return nonNil(out)
}

// signednessBit reports whether the signedness field has a bit for a
// column of type t: numeric types and YEAR, a kind of TINYINT. A real
// MariaDB 10.11 writes a bit for YEAR; for MySQL this follows the readers
// (ours, go-mysql), not a MySQL server, which this was not checked with.
func signednessBit(t binlog.ColumnType, f Flavor) bool {
	return isNumeric(t) || t == binlog.TypeYear
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func appendPacked(dst []byte, v uint64) []byte {
	switch {
	case v < 251:
		return append(dst, byte(v))
	case v < 1<<16:
		return append(dst, 252, byte(v), byte(v>>8))
	case v < 1<<24:
		return append(dst, 253, byte(v), byte(v>>8), byte(v>>16))
	}
	dst = append(dst, 254)
	for i := 0; i < 8; i++ {
		dst = append(dst, byte(v>>(8*i)))
	}
	return dst
}
