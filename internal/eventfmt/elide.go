package eventfmt

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"github.com/binlogkit/binlogkit/binlog"
)

// elideOver, when positive, makes both printers replace a value whose
// bytes (Value.Bytes) are longer than it by its length and SHA-256. Only
// the golden tests set it, to keep golden files small while still pinning
// every byte; the printers are lossless by default.
var elideOver = 0

// elided reports whether v is to be elided, and its digest.
func elided(v binlog.Value) (n int, sum string, ok bool) {
	b := v.Bytes()
	if elideOver <= 0 || len(b) <= elideOver {
		return 0, "", false
	}
	h := sha256.Sum256(b)
	return len(b), hex.EncodeToString(h[:8]), true
}

func appendElidedText(dst []byte, n int, sum string) []byte {
	dst = append(dst, "/* "...)
	dst = strconv.AppendInt(dst, int64(n), 10)
	dst = append(dst, " bytes, sha256 "...)
	dst = append(dst, sum...)
	return append(dst, "... */"...)
}

func appendElidedJSON(dst []byte, n int, sum string) []byte {
	dst = append(dst, `{"elided_bytes":`...)
	dst = strconv.AppendInt(dst, int64(n), 10)
	dst = append(dst, `,"sha256_prefix":"`...)
	dst = append(dst, sum...)
	return append(dst, `"}`...)
}
