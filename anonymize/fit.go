package anonymize

import (
	"unicode/utf8"

	"github.com/binlogkit/binlogkit/binlog"
)

// limits are what a column accepts of a string value.
type limits struct {
	maxBytes  int    // -1: no limit
	maxChars  int    // -1: no limit
	collation uint16 // of the value's bytes; 0 for bytes
}

// stringLimits returns the limits of a string or bytes column, in the
// column's own collation.
func stringLimits(col *binlog.Column) limits {
	l := limits{maxBytes: col.MaxBytes(), maxChars: col.MaxChars()}
	if col.IsText() {
		l.collation = col.Collation
	}
	return l
}

// fitText cuts s to the column's limits and encodes it in the collation's
// charset (binlog.EncodeText); false when s has a character the charset
// cannot hold.
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
	b, ok := binlog.EncodeText(l.collation, s)
	if !ok {
		return nil, false
	}
	for l.maxBytes >= 0 && len(b) > l.maxBytes {
		// Cut one character at a time: rare, and only for long outputs.
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
		if b, ok = binlog.EncodeText(l.collation, s); !ok {
			return nil, false
		}
	}
	return b, true
}
