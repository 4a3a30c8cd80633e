package binlog

import (
	"bytes"
	"testing"
)

func TestEncodeTextCharset(t *testing.T) {
	tests := []struct {
		coll uint16
		in   string
		want []byte // nil: not encodable
	}{
		{45, "Zoë 😀", []byte("Zoë 😀")},             // utf8mb4_general_ci
		{45, "bad \xff", nil},                      // not UTF-8
		{33, "Zoë", []byte("Zoë")},                 // utf8mb3_general_ci
		{33, "😀", nil},                             // above U+FFFF
		{8, "Zoë", []byte("Zo\xeb")},               // latin1 (cp1252)
		{8, "€", []byte{0x80}},                     // cp1252's euro sign
		{8, "张", nil},                              // not in latin1
		{28, "张三", []byte{0xd5, 0xc5, 0xc8, 0xfd}}, // gbk_chinese_ci
		{11, "abc", []byte("abc")},                 // ascii_general_ci
		{11, "é", nil},                             // not ASCII
		{32, "abc", []byte("abc")},                 // armscii8: ASCII only
		{32, "é", nil},                             //
		{35, "A", []byte{0, 'A'}},                  // ucs2_general_ci
		{63, "\xff\x00", []byte{0xff, 0}},          // binary: as is
		{0, "\xff", []byte{0xff}},                  // unknown: as is
	}
	for _, tt := range tests {
		got, ok := EncodeText(tt.coll, tt.in)
		if ok != (tt.want != nil) || !bytes.Equal(got, tt.want) {
			t.Errorf("EncodeText(%d, %q) = %q, %v; want %q", tt.coll, tt.in, got, ok, tt.want)
		}
		if ok && tt.coll != 0 && tt.coll != 63 {
			if back := string(appendUTF8(nil, got, tt.coll)); back != tt.in {
				t.Errorf("collation %d: %q decodes back to %q", tt.coll, tt.in, back)
			}
		}
	}
	for _, tt := range []struct {
		coll uint16
		want bool
	}{{45, true}, {8, true}, {28, true}, {63, true}, {0, true}, {35, false}, {54, false}, {56, false}, {60, false}} {
		if got := ASCIICompatible(tt.coll); got != tt.want {
			t.Errorf("ASCIICompatible(%d) = %v", tt.coll, got)
		}
	}
}

func TestColumnMaxBytes(t *testing.T) {
	tests := []struct {
		name       string
		col        Column
		bytes, chr int
	}{
		{"varchar(10) utf8mb4", Column{Type: TypeVarchar, Meta: 40, Collation: 45}, 40, 10},
		{"varchar(10) latin1", Column{Type: TypeVarchar, Meta: 10, Collation: 8}, 10, 10},
		{"varchar(10) gbk", Column{Type: TypeVarchar, Meta: 20, Collation: 28}, 20, 10},
		{"varbinary(10)", Column{Type: TypeVarchar, Meta: 10, Collation: 63}, 10, -1},
		{"char(8) utf8mb4", Column{Type: TypeString, Meta: uint16(TypeString)<<8 | 32, Collation: 45}, 32, 8},
		// CHAR(255) utf8mb4 is 1020 bytes: bits 8 and 9 of the length
		// ride, inverted, in bits 4 and 5 of the real type.
		{"char(255) utf8mb4", Column{Type: TypeString, Meta: uint16(TypeString^0x30)<<8 | 1020&0xff, Collation: 45}, 1020, 255},
		{"tinytext", Column{Type: TypeBlob, Meta: 1, Collation: 45}, 255, -1},
		{"blob", Column{Type: TypeBlob, Meta: 2, Collation: 63}, 65535, -1},
		{"mediumblob", Column{Type: TypeBlob, Meta: 3}, 1<<24 - 1, -1},
		{"longtext", Column{Type: TypeBlob, Meta: 4, Collation: 45}, -1, -1},
		{"json", Column{Type: TypeJSON, Meta: 4}, -1, -1},
		{"int", Column{Type: TypeLong}, -1, -1},
		{"enum", Column{Type: TypeEnum, Meta: uint16(TypeEnum)<<8 | 1, Collation: 45}, -1, -1},
	}
	for _, tt := range tests {
		if got := tt.col.MaxBytes(); got != tt.bytes {
			t.Errorf("%s: MaxBytes = %d, want %d", tt.name, got, tt.bytes)
		}
		if got := tt.col.MaxChars(); got != tt.chr {
			t.Errorf("%s: MaxChars = %d, want %d", tt.name, got, tt.chr)
		}
	}
}
