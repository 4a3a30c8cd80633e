package binlog

// decodeRows decodes a rows event body. (stub)
func decodeRows(t EventType, body []byte, st *decodeState) (*Rows, error) { return nil, ErrUnsupported }
