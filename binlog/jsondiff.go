package binlog

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Partial JSON updates (MySQL sql/json_diff.cc, Json_diff_vector::
// write_binary/read_binary). With binlog_row_value_options=PARTIAL_JSON a
// PARTIAL_UPDATE_ROWS event may log a JSON column of the after image as the
// list of changes applied to the before image instead of the whole document:
//
//	uint32 length             little-endian, bytes of the diffs that follow
//	diff ...                  until length bytes are used:
//	  uint8  operation        0 REPLACE, 1 INSERT, 2 REMOVE
//	  lenenc path length      MySQL packed integer (net_field_length)
//	  path                    JSON path text, e.g. $.a[1]
//	  lenenc value length     (absent for REMOVE)
//	  value                   binary JSON document (absent for REMOVE)
//
// A packed integer is one byte below 251, or 0xfc + 2 bytes, 0xfd + 3 bytes,
// 0xfe (or 0xff) + 8 bytes, little-endian; 0xfb (SQL NULL) is invalid here.

// decodeJSONDiffs decodes the diffs of one JSON column in a
// PARTIAL_UPDATE_ROWS after image. data is the diff bytes after the uint32
// length (readJSONDiffColumn reads the length too). Values are converted to
// JSON text with appendJSON. An empty data is an empty list.
func decodeJSONDiffs(data []byte) ([]JSONDiff, error) {
	var diffs []JSONDiff
	for p := 0; p < len(data); {
		op := JSONDiffOp(data[p])
		if op > JSONRemove {
			return nil, corruptf("JSON diff %d: bad operation %d", len(diffs), op)
		}
		p++
		path, n, err := jsonDiffBytes(data[p:])
		if err != nil {
			return nil, corruptf("JSON diff %d: path: %v", len(diffs), err)
		}
		p += n
		d := JSONDiff{Op: op, Path: string(path)}
		if op != JSONRemove {
			doc, n, err := jsonDiffBytes(data[p:])
			if err != nil {
				return nil, corruptf("JSON diff %d: value: %v", len(diffs), err)
			}
			p += n
			if len(doc) == 0 {
				return nil, corruptf("JSON diff %d: empty value", len(diffs))
			}
			d.Value, err = appendJSON(nil, doc)
			if err != nil {
				return nil, fmt.Errorf("%w (in the value of JSON diff %d)", err, len(diffs))
			}
		}
		diffs = append(diffs, d)
	}
	return diffs, nil
}

// readJSONDiffColumn reads a whole diff column (the uint32 length and the
// diffs) at the start of data and returns the diffs and the bytes used.
func readJSONDiffColumn(data []byte) ([]JSONDiff, int, error) {
	if len(data) < 4 {
		return nil, 0, corruptf("JSON diff list: truncated length")
	}
	n := uint64(binary.LittleEndian.Uint32(data))
	if n > uint64(len(data)-4) {
		return nil, 0, corruptf("JSON diff list of %d bytes exceeds the %d bytes available", n, len(data)-4)
	}
	diffs, err := decodeJSONDiffs(data[4 : 4+n])
	if err != nil {
		return nil, 0, err
	}
	return diffs, 4 + int(n), nil
}

// jsonDiffBytes reads a packed-integer length and the bytes it counts,
// returning them and the total bytes used.
func jsonDiffBytes(data []byte) ([]byte, int, error) {
	if len(data) < 1 {
		return nil, 0, errJSONDiffShort
	}
	var n uint64
	hdr := 1
	switch c := data[0]; {
	case c < 0xfb:
		n = uint64(c)
	case c == 0xfb:
		return nil, 0, errors.New("NULL length")
	case c == 0xfc:
		hdr = 3
	case c == 0xfd:
		hdr = 4
	default:
		hdr = 9
	}
	if len(data) < hdr {
		return nil, 0, errJSONDiffShort
	}
	switch hdr {
	case 3:
		n = uint64(binary.LittleEndian.Uint16(data[1:]))
	case 4:
		n = uint64(data[1]) | uint64(data[2])<<8 | uint64(data[3])<<16
	case 9:
		n = binary.LittleEndian.Uint64(data[1:])
	}
	if n > uint64(len(data)-hdr) {
		return nil, 0, fmt.Errorf("length %d exceeds the %d bytes available", n, len(data)-hdr)
	}
	return data[hdr : hdr+int(n)], hdr + int(n), nil
}

var errJSONDiffShort = errors.New("truncated")
