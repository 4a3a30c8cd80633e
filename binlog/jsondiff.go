package binlog

// decodeJSONDiffs decodes the diff list of a JSON column in a PARTIAL_UPDATE_ROWS after image. (stub)
func decodeJSONDiffs(data []byte) ([]JSONDiff, error) { return nil, ErrUnsupported }
