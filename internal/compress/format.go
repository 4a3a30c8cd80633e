package compress

import (
	"bytes"
	"strings"
)

// A Format is a compression format: its name, its file name extensions
// and the magic numbers its streams start with.
type Format struct {
	Name  string   // "lz4", "xz", "gzip" or "zstd"
	Exts  []string // file name extensions with their dot, the usual one first
	Magic [][]byte // any of these starts a stream
}

// Format names.
const (
	LZ4  = "lz4"
	XZ   = "xz"
	Gzip = "gzip"
	Zstd = "zstd"
)

// MagicLen is the length of the longest magic number: MagicLen bytes are
// enough for Detect to tell every format apart.
const MagicLen = 6

// formats are the formats Detect knows, by magic number.
var formats = []Format{
	{
		Name: LZ4,
		// Frame format, and the legacy format of "lz4 -l".
		Magic: [][]byte{{0x04, 0x22, 0x4d, 0x18}, {0x02, 0x21, 0x4c, 0x18}},
		Exts:  []string{".lz4"},
	},
	{
		Name:  XZ,
		Magic: [][]byte{{0xfd, '7', 'z', 'X', 'Z', 0x00}},
		Exts:  []string{".xz"},
	},
	{
		Name:  Gzip,
		Magic: [][]byte{{0x1f, 0x8b}},
		Exts:  []string{".gz", ".gzip"},
	},
	{
		Name:  Zstd,
		Magic: [][]byte{{0x28, 0xb5, 0x2f, 0xfd}},
		Exts:  []string{".zst", ".zstd"},
	},
}

// Detect returns the format whose magic number starts head, or nil when
// head starts with none of them (plain content, or fewer bytes than the
// magic number).
func Detect(head []byte) *Format {
	for i := range formats {
		for _, m := range formats[i].Magic {
			if bytes.HasPrefix(head, m) {
				return &formats[i]
			}
		}
	}
	return nil
}

// Lookup returns the format called name, or nil.
func Lookup(name string) *Format {
	for i := range formats {
		if formats[i].Name == name {
			return &formats[i]
		}
	}
	return nil
}

// Ext returns the usual file name extension of f, with its dot, or "" for
// a nil Format.
func (f *Format) Ext() string {
	if f == nil {
		return ""
	}
	return f.Exts[0]
}

// TrimExt returns name without the first of f's extensions it ends with
// (compared case-insensitively), unless that would leave it empty.
func (f *Format) TrimExt(name string) string {
	if f == nil {
		return name
	}
	for _, ext := range f.Exts {
		if len(name) > len(ext) && strings.EqualFold(name[len(name)-len(ext):], ext) {
			return name[:len(name)-len(ext)]
		}
	}
	return name
}
