package binlog

import (
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// charsetOf returns the character set name of a collation id: MySQL 8.0
// and MariaDB ids, MariaDB's NO PAD (id+1024) and UCA 14.0 (2048..3327)
// collations included. "" when unknown.
func charsetOf(collation uint16) string {
	return charsetNames[charsetIndex(collation)]
}

func charsetIndex(collation uint16) uint8 {
	id := int(collation)
	switch {
	case id >= 1024 && id < 2048:
		id -= 1024 // MariaDB NO PAD variants
	case id >= 2048 && id < 2304:
		return csUTF8MB3
	case id >= 2304 && id < 2560:
		return csUTF8MB4
	case id >= 2560 && id < 2816:
		return csUCS2
	case id >= 2816 && id < 3072:
		return csUTF16
	case id >= 3072 && id < 3328:
		return csUTF32
	}
	if id < len(collCharset) {
		return collCharset[id]
	}
	return 0
}

// Indexes into charsetNames used by the code (checked by a test).
const (
	csUnknown = 0
	csBinary  = 1
	csASCII   = 3
	csLatin1  = 26
	csUCS2    = 35
	csUTF16   = 37
	csUTF16LE = 38
	csUTF32   = 39
	csUTF8MB3 = 40
	csUTF8MB4 = 41
)

// charsetEncodings gives the x/text encoding of a character set, nil for
// UTF-8 and ASCII (kept as is) and for charsets x/text lacks (invalid bytes
// become U+FFFD).
var charsetEncodings = map[string]encoding.Encoding{
	"latin1":   charmap.Windows1252, // MySQL's latin1 is cp1252
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
	"gb2312":   simplifiedchinese.GBK, // GBK is a superset of EUC-CN
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

// charsetMaxLen gives the longest character, in bytes, of the multi-byte
// character sets; the others (absent) have one-byte characters.
var charsetMaxLen = map[string]int{
	"utf8mb4": 4, "utf8mb3": 3, "ucs2": 2, "utf16": 4, "utf16le": 4, "utf32": 4,
	"gbk": 2, "gb2312": 2, "gb18030": 4, "big5": 2, "sjis": 2, "cp932": 2, "ujis": 3,
	"eucjpms": 3, "euckr": 2,
}

// maxCharLen returns the longest character, in bytes, of the character
// set of collation: 1 for single-byte, binary and unknown ones.
func maxCharLen(collation uint16) int {
	if n := charsetMaxLen[charsetNames[charsetIndex(collation)]]; n > 0 {
		return n
	}
	return 1
}

// ASCIICompatible reports whether the character set of collation writes
// every ASCII character as its own single byte, so that a byte search
// for ASCII text in a value's bytes finds what a search of its decoded
// text would (it may find more: the second byte of a GBK or Big5
// character can look like '@'). False for ucs2, utf16, utf16le and utf32;
// true for binary and for unknown collations (0), whose bytes are kept
// as they are.
func ASCIICompatible(collation uint16) bool {
	switch charsetIndex(collation) {
	case csUCS2, csUTF16, csUTF16LE, csUTF32:
		return false
	}
	return true
}

// EncodeText returns the UTF-8 text s in the character set of collation,
// the inverse of decoding a string value (Value.Text). ok is false when s
// has a character the charset cannot hold, or is not valid UTF-8 for a
// UTF-8 charset (utf8mb4, utf8mb3, which holds no character above
// U+FFFF). The binary collation (63) and an unknown one (0) take the bytes
// of s as they are; ascii only ASCII; a charset with no encoder here
// (armscii8, dec8, geostd8, hp8, keybcs2, macce, swe7) only ASCII, which
// each of them writes as itself. The result never shares memory with s.
func EncodeText(collation uint16, s string) ([]byte, bool) {
	ci := charsetIndex(collation)
	switch ci {
	case csUnknown, csBinary:
		return []byte(s), true
	case csUTF8MB4:
		if !utf8.ValidString(s) {
			return nil, false
		}
		return []byte(s), true
	case csUTF8MB3:
		for _, r := range s {
			if r > 0xffff || r == utf8.RuneError {
				return nil, false
			}
		}
		return []byte(s), true
	}
	if ci == csLatin1 || ci == csASCII || charsetEncodings[charsetNames[ci]] == nil {
		ascii := true
		for k := 0; k < len(s); k++ {
			if s[k] >= 0x80 {
				ascii = false
				break
			}
		}
		if ascii {
			return []byte(s), true // every charset here writes ASCII as itself
		}
		if ci != csLatin1 {
			return nil, false
		}
	}
	b, err := charsetEncodings[charsetNames[ci]].NewEncoder().Bytes([]byte(s))
	if err != nil {
		return nil, false
	}
	return b, true
}

// appendUTF8 appends b, in the character set of collation, to dst as UTF-8.
// UTF-8 and ASCII text is appended as is when valid; unknown charsets and
// invalid sequences give U+FFFD.
func appendUTF8(dst, b []byte, collation uint16) []byte {
	ci := charsetIndex(collation)
	switch ci {
	case csUTF8MB3, csUTF8MB4, csASCII, csBinary, csUnknown:
		return appendValidUTF8(dst, b)
	case csLatin1:
		ascii := true
		for _, c := range b {
			if c >= 0x80 {
				ascii = false
				break
			}
		}
		if ascii {
			return append(dst, b...)
		}
	}
	enc := charsetEncodings[charsetNames[ci]]
	if enc == nil {
		return appendValidUTF8(dst, b)
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return appendValidUTF8(dst, b)
	}
	return append(dst, out...)
}

// appendValidUTF8 appends b with invalid UTF-8 sequences replaced by
// U+FFFD.
func appendValidUTF8(dst, b []byte) []byte {
	if utf8.Valid(b) {
		return append(dst, b...)
	}
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		dst = utf8.AppendRune(dst, r)
		b = b[n:]
	}
	return dst
}
