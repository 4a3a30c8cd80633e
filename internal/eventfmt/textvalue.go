package eventfmt

import (
	"bytes"
	"encoding/hex"
	"math"
	"strconv"

	"github.com/binlogkit/binlogkit/internal/mysqlesc"

	"github.com/binlogkit/binlogkit/binlog"
)

// appendTextValue appends v in mysqlbinlog's listing form (see the package
// doc): mostly Value.AppendListing, mysqlbinlog's form. pos is the column's 1-based
// position (partial JSON updates refer to the column as @N).
func appendTextValue(dst []byte, v binlog.Value, pos int) []byte {
	if n, sum, ok := elided(v); ok {
		return appendElidedText(dst, n, sum)
	}
	switch v.Kind() {
	case binlog.KindAbsent:
		return append(dst, "/* absent */"...)
	case binlog.KindString:
		var small [256]byte
		if text, ok := appendStringText(small[:0], v); ok {
			return mysqlesc.AppendQuoted(dst, text, true)
		}
		return mysqlesc.AppendQuoted(dst, v.Bytes(), false)
	case binlog.KindJSONDiff:
		return appendJSONDiffText(dst, v.JSONDiffs(), pos)
	case binlog.KindGeometry, binlog.KindVector:
		return appendHexLiteral(dst, v.Bytes())
	}
	return v.AppendListing(dst)
}

// appendStringText appends the text of a KindString value decoded to UTF-8
// from its charset, and reports whether the decoding lost nothing (it
// replaces bytes invalid in the charset with U+FFFD).
func appendStringText(dst []byte, v binlog.Value) ([]byte, bool) {
	n := len(dst)
	dst = v.AppendText(dst)
	if bytes.Contains(dst[n:], replacement) && !bytes.Contains(v.Bytes(), replacement) {
		return dst[:n], false
	}
	return dst, true
}

var replacement = []byte("\uFFFD")

// appendJSONDiffText prints the diffs of a partial JSON update as nested
// JSON_* calls applied to the column's old value, like mysqlbinlog.
func appendJSONDiffText(dst []byte, diffs []binlog.JSONDiff, pos int) []byte {
	for i := len(diffs) - 1; i >= 0; i-- {
		dst = append(dst, diffs[i].Op.String()...)
		dst = append(dst, '(')
	}
	dst = append(dst, '@')
	dst = strconv.AppendInt(dst, int64(pos), 10)
	for _, d := range diffs {
		dst = append(dst, ", "...)
		dst = mysqlesc.AppendQuoted(dst, []byte(d.Path), true)
		if d.Op != binlog.JSONRemove {
			dst = append(dst, ", CAST("...)
			dst = mysqlesc.AppendQuoted(dst, d.Value, true)
			dst = append(dst, " AS JSON)"...)
		}
		dst = append(dst, ')')
	}
	return dst
}

func appendFloat(dst []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-Inf"...)
	}
	return strconv.AppendFloat(dst, f, 'g', -1, bits)
}

// appendPad appends n in decimal, zero-padded to width digits.
func appendPad(dst []byte, n, width int) []byte {
	if n < 0 {
		dst = append(dst, '-')
		n = -n
	}
	var b [20]byte
	s := strconv.AppendInt(b[:0], int64(n), 10)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

// appendHexLiteral appends x'<hex>'.
func appendHexLiteral(dst, b []byte) []byte {
	dst = append(dst, "x'"...)
	dst = hex.AppendEncode(dst, b)
	return append(dst, '\'')
}

// typeName returns the column's type as the row comments show it, in the
// style of mysqlbinlog -vv.
func typeName(c *binlog.Column) string {
	unsigned := ""
	if c.Unsigned {
		unsigned = " UNSIGNED"
	}
	m := int(c.Meta)
	switch c.Type {
	case binlog.TypeTiny:
		return "TINYINT" + unsigned
	case binlog.TypeShort:
		return "SHORTINT" + unsigned
	case binlog.TypeInt24:
		return "MEDIUMINT" + unsigned
	case binlog.TypeLong:
		return "INT" + unsigned
	case binlog.TypeLongLong:
		return "LONGINT" + unsigned
	case binlog.TypeFloat:
		return "FLOAT"
	case binlog.TypeDouble:
		return "DOUBLE"
	case binlog.TypeNewDecimal, binlog.TypeDecimal:
		return "DECIMAL(" + strconv.Itoa(m>>8) + "," + strconv.Itoa(m&255) + ")"
	case binlog.TypeNull:
		return "NULL"
	case binlog.TypeTimestamp:
		return "TIMESTAMP"
	case binlog.TypeTimestamp2:
		return "TIMESTAMP(" + strconv.Itoa(m) + ")"
	case binlog.TypeDate, binlog.TypeNewDate:
		return "DATE"
	case binlog.TypeTime:
		return "TIME"
	case binlog.TypeTime2:
		return "TIME(" + strconv.Itoa(m) + ")"
	case binlog.TypeDateTime:
		return "DATETIME"
	case binlog.TypeDateTime2:
		return "DATETIME(" + strconv.Itoa(m) + ")"
	case binlog.TypeYear:
		return "YEAR"
	case binlog.TypeVarchar, binlog.TypeVarString:
		return "VARSTRING(" + strconv.Itoa(m) + ")"
	case binlog.TypeString:
		// The high bits of the length hide in the real-type byte.
		n, rt := m&255, m>>8
		if rt&0x30 != 0x30 {
			n |= (rt&0x30 ^ 0x30) << 4
		}
		return "STRING(" + strconv.Itoa(n) + ")"
	case binlog.TypeBit:
		return "BIT(" + strconv.Itoa((m>>8)*8+m&255) + ")"
	case binlog.TypeEnum:
		return "ENUM"
	case binlog.TypeSet:
		return "SET"
	case binlog.TypeTinyBlob, binlog.TypeMediumBlob, binlog.TypeLongBlob, binlog.TypeBlob:
		switch m {
		case 1:
			return "TINYBLOB/TINYTEXT"
		case 2:
			return "BLOB/TEXT"
		case 3:
			return "MEDIUMBLOB/MEDIUMTEXT"
		case 4:
			return "LONGBLOB/LONGTEXT"
		}
		return "BLOB"
	case binlog.TypeJSON:
		return "JSON"
	case binlog.TypeGeometry:
		return "GEOMETRY"
	case binlog.TypeVector:
		return "VECTOR(" + strconv.Itoa(m/4) + ")"
	}
	return "TYPE_" + strconv.Itoa(int(c.Type))
}
