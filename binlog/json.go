package binlog

// appendJSON appends the canonical JSON text of MySQL binary JSON data to dst. (stub)
func appendJSON(dst, data []byte) ([]byte, error) { return dst, ErrUnsupported }
