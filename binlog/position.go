package binlog

import (
	"fmt"
	"strconv"
	"strings"
)

// Position is a place in a server's binary logs: a file name and a byte
// offset in it. A position where a reader resumes is the NextPos of the
// last event it consumed; Tx.End and Checkpoint.Position are always the
// position right after a commit.
type Position struct {
	File   string `json:"file"`
	Offset int64  `json:"offset"`
}

// IsZero reports whether p is the zero Position (no file).
func (p Position) IsZero() bool { return p.File == "" && p.Offset == 0 }

// String returns "file:offset", the notation ParsePosition reads.
func (p Position) String() string { return p.File + ":" + strconv.FormatInt(p.Offset, 10) }

// ParsePosition parses "file:offset" (the offset after the last colon) or a
// bare "file", which means offset 4, the first event after the magic.
func ParsePosition(s string) (Position, error) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		if s == "" {
			return Position{}, fmt.Errorf("binlog: empty position")
		}
		return Position{File: s, Offset: 4}, nil
	}
	off, err := strconv.ParseInt(s[i+1:], 10, 64)
	if err != nil || off < 0 {
		return Position{}, fmt.Errorf("binlog: bad position %q: offset is not a non-negative integer", s)
	}
	if i == 0 {
		return Position{}, fmt.Errorf("binlog: bad position %q: no file name", s)
	}
	return Position{File: s[:i], Offset: off}, nil
}

// Compare orders positions in log order: by file, then offset. Files are
// compared by their numeric extension when both have one ("binlog.000010"
// after "binlog.000009", and after "binlog.999999" comes "binlog.1000000"),
// otherwise by name. It returns -1, 0 or +1.
func (p Position) Compare(q Position) int {
	if c := CompareFileNames(p.File, q.File); c != 0 {
		return c
	}
	switch {
	case p.Offset < q.Offset:
		return -1
	case p.Offset > q.Offset:
		return 1
	}
	return 0
}

// CompareFileNames orders binlog file names as a server numbers them:
// "binlog.000010" after "binlog.000009", "binlog.1000000" after
// "binlog.999999" (by the number when both names have the same base and a
// numeric extension), other names as strings. It returns -1, 0 or +1. It is
// the one ordering of file names in binlogkit.
func CompareFileNames(a, b string) int {
	if a == b {
		return 0
	}
	ab, an, aok := SplitFileName(a)
	bb, bn, bok := SplitFileName(b)
	if aok && bok && ab == bb {
		switch {
		case an < bn:
			return -1
		case an > bn:
			return 1
		}
	}
	return strings.Compare(a, b)
}

// SplitFileName splits "binlog.000042" into its base "binlog" and number
// 42; ok is false when name has no numeric extension.
func SplitFileName(name string) (base string, n uint64, ok bool) {
	i := strings.LastIndexByte(name, '.')
	if i < 0 || i == len(name)-1 {
		return name, 0, false
	}
	n, err := strconv.ParseUint(name[i+1:], 10, 64)
	if err != nil {
		return name, 0, false
	}
	return name[:i], n, true
}
