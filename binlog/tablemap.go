package binlog

// decodeTableMap decodes a TABLE_MAP_EVENT body. (stub)
func decodeTableMap(body []byte, st *decodeState) (*TableMap, error) { return nil, ErrUnsupported }
