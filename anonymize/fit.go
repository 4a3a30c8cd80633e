package anonymize

import (
	"unicode/utf8"

	"github.com/binlogkit/binlogkit/binlog"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// charsetEncodings gives the encoder of the character sets whose bytes
// are not UTF-8. It mirrors binlog's decoding table (binlog decodes with
// the same encodings); a charset missing here that is not UTF-8 or ASCII
// gets only ASCII output (see fits).
var charsetEncodings = map[string]encoding.Encoding{
	"latin1":   charmap.Windows1252,
	"latin2":   charmap.ISO8859_2,
	"latin5":   charmap.ISO8859_9,
	"latin7":   charmap.ISO8859_13,
	"greek":    charmap.ISO8859_7,
	"hebrew":   charmap.ISO8859_8,
	"cp1250":   charmap.Windows1250,
	"cp1251":   charmap.Windows1251,
	"cp1256":   charmap.Windows1256,
	"cp1257":   charmap.Windows1257,
	"cp850":    charmap.CodePage850,
	"cp852":    charmap.CodePage852,
	"cp866":    charmap.CodePage866,
	"koi8r":    charmap.KOI8R,
	"koi8u":    charmap.KOI8U,
	"macroman": charmap.Macintosh,
	"tis620":   charmap.Windows874,
	"gbk":      simplifiedchinese.GBK,
	"gb2312":   simplifiedchinese.GBK, // EUC-CN, which GBK extends byte for byte
	"gb18030":  simplifiedchinese.GB18030,
	"big5":     traditionalchinese.Big5,
	"sjis":     japanese.ShiftJIS,
	"cp932":    japanese.ShiftJIS,
	"ujis":     japanese.EUCJP,
	"eucjpms":  japanese.EUCJP,
	"euckr":    korean.EUCKR,
	"ucs2":     unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM),
	"utf16":    unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM),
	"utf16le":  unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM),
	"utf32":    utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM),
}

// mbMaxLen gives the longest character, in bytes, of the multi-byte
// character sets; 1 for the others.
var mbMaxLen = map[string]int{
	"utf8mb4": 4, "utf8mb3": 3, "utf8": 3, "ucs2": 2, "utf16": 4, "utf16le": 4, "utf32": 4,
	"gbk": 2, "gb2312": 2, "gb18030": 4, "big5": 2, "sjis": 2, "cp932": 2, "ujis": 3,
	"eucjpms": 3, "euckr": 2,
}

// limits are what a column accepts of a string value.
type limits struct {
	maxBytes int    // -1: no limit
	maxChars int    // -1: no limit
	charset  string // "" for bytes
}

// stringLimits returns the limits of a string or bytes column.
func stringLimits(col *binlog.Column) limits {
	l := limits{maxBytes: -1, maxChars: -1}
	if col.IsText() {
		l.charset = col.Charset()
	}
	meta := int(col.Meta)
	mb := mbMaxLen[l.charset]
	if mb == 0 {
		mb = 1
	}
	switch col.Type {
	case binlog.TypeVarchar, binlog.TypeVarString:
		l.maxBytes = meta
		l.maxChars = meta / mb
	case binlog.TypeString:
		rt, n := meta>>8, meta&0xff
		if rt&0x30 != 0x30 {
			n |= ((rt & 0x30) ^ 0x30) << 4
		}
		l.maxBytes = n
		l.maxChars = n / mb
	case binlog.TypeBlob, binlog.TypeTinyBlob, binlog.TypeMediumBlob, binlog.TypeLongBlob, binlog.TypeJSON:
		if meta >= 1 && meta <= 3 {
			l.maxBytes = 1<<(8*meta) - 1
		}
	}
	if l.charset == "" {
		l.maxChars = -1
	}
	return l
}

// encodeText returns s (UTF-8) in charset cs, and false when a character
// has no representation in it.
func encodeText(cs, s string) ([]byte, bool) {
	switch cs {
	case "", "utf8mb4", "binary":
		return []byte(s), utf8.ValidString(s) || cs != "utf8mb4"
	case "utf8", "utf8mb3":
		for _, r := range s {
			if r > 0xffff || r == utf8.RuneError {
				return nil, false
			}
		}
		return []byte(s), true
	case "ascii":
		for k := 0; k < len(s); k++ {
			if s[k] >= 0x80 {
				return nil, false
			}
		}
		return []byte(s), true
	}
	enc, ok := charsetEncodings[cs]
	if !ok {
		// Unknown to us: only ASCII, which every such charset (all ASCII
		// supersets) writes as itself.
		return encodeText("ascii", s)
	}
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		return nil, false
	}
	return b, true
}

// fitText cuts s to the column's limits and encodes it; false when s has
// a character the charset cannot hold.
func fitText(l limits, s string) ([]byte, bool) {
	if l.maxChars >= 0 && utf8.RuneCountInString(s) > l.maxChars {
		n := 0
		for k := range s {
			if n == l.maxChars {
				s = s[:k]
				break
			}
			n++
		}
	}
	b, ok := encodeText(l.charset, s)
	if !ok {
		return nil, false
	}
	for l.maxBytes >= 0 && len(b) > l.maxBytes {
		// Cut one character at a time: rare, and only for long outputs.
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
		if b, ok = encodeText(l.charset, s); !ok {
			return nil, false
		}
	}
	return b, true
}
