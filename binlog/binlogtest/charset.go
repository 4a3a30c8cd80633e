package binlogtest

import (
	"fmt"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// charset is a character set that text columns may have.
type charset struct {
	name      string
	mbmax     int               // longest character in bytes
	mariaColl uint16            // default collation on MariaDB
	mysqlColl uint16            // default collation on MySQL
	enc       encoding.Encoding // nil for UTF-8 and binary
}

func (c *charset) collation(f Flavor) uint16 {
	if f == MariaDB {
		return c.mariaColl
	}
	return c.mysqlColl
}

var charsets = map[string]*charset{
	"utf8mb4": {"utf8mb4", 4, 45, 255, nil},
	"utf8mb3": {"utf8mb3", 3, 33, 33, nil},
	"utf8":    {"utf8mb3", 3, 33, 33, nil},
	"latin1":  {"latin1", 1, 8, 8, charmap.Windows1252},
	"latin2":  {"latin2", 1, 9, 9, charmap.ISO8859_2},
	"ascii":   {"ascii", 1, 11, 11, nil},
	"cp1251":  {"cp1251", 1, 51, 51, charmap.Windows1251},
	"gbk":     {"gbk", 2, 28, 28, simplifiedchinese.GBK},
	"ucs2":    {"ucs2", 2, 35, 35, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)},
	"utf16":   {"utf16", 4, 54, 54, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)},
	"utf32":   {"utf32", 4, 60, 60, utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM)},
	"binary":  {"binary", 1, 63, 63, nil},
}

// collations are the collations Collate knows: id and character set.
var collations = []struct {
	name    string
	id      uint16
	charset string
}{
	{"utf8mb4_general_ci", 45, "utf8mb4"},
	{"utf8mb4_bin", 46, "utf8mb4"},
	{"utf8mb4_unicode_ci", 224, "utf8mb4"},
	{"utf8mb4_0900_ai_ci", 255, "utf8mb4"},
	{"utf8mb4_0900_bin", 309, "utf8mb4"},
	{"utf8mb3_general_ci", 33, "utf8mb3"},
	{"utf8mb3_bin", 83, "utf8mb3"},
	{"utf8mb3_unicode_ci", 192, "utf8mb3"},
	{"latin1_swedish_ci", 8, "latin1"},
	{"latin1_bin", 47, "latin1"},
	{"latin1_general_ci", 48, "latin1"},
	{"latin2_general_ci", 9, "latin2"},
	{"ascii_general_ci", 11, "ascii"},
	{"ascii_bin", 65, "ascii"},
	{"cp1251_general_ci", 51, "cp1251"},
	{"gbk_chinese_ci", 28, "gbk"},
	{"gbk_bin", 87, "gbk"},
	{"ucs2_general_ci", 35, "ucs2"},
	{"utf16_general_ci", 54, "utf16"},
	{"utf32_general_ci", 60, "utf32"},
	{"binary", 63, "binary"},
}

// collationName returns the name of collation id.
func collationName(id uint16) string {
	for _, c := range collations {
		if c.id == id {
			return c.name
		}
	}
	return fmt.Sprint(id)
}

// lookupCharset returns the charset and collation id for a column's
// Charset and Collate settings ("" and "" mean utf8mb4).
func lookupCharset(cs, coll string, f Flavor) (*charset, uint16, error) {
	if coll != "" {
		for _, c := range collations {
			if c.name == coll {
				if cs != "" && charsets[cs] != charsets[c.charset] {
					return nil, 0, fmt.Errorf("collation %s is not of character set %s", coll, cs)
				}
				return charsets[c.charset], c.id, nil
			}
		}
		return nil, 0, fmt.Errorf("unknown collation %q", coll)
	}
	if cs == "" {
		cs = "utf8mb4"
	}
	c, ok := charsets[cs]
	if !ok {
		return nil, 0, fmt.Errorf("unknown character set %q", cs)
	}
	return c, c.collation(f), nil
}

// encode returns s in the charset.
func (c *charset) encode(s string) ([]byte, error) {
	if c.enc == nil {
		if c.name == "ascii" {
			for i := 0; i < len(s); i++ {
				if s[i] >= 0x80 {
					return nil, fmt.Errorf("%q is not ASCII", s)
				}
			}
		}
		return []byte(s), nil
	}
	b, err := c.enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("%q in %s: %v", s, c.name, err)
	}
	return b, nil
}
