package eventfmt

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"github.com/binlogkit/binlogkit/internal/jsonstr"
	"math"
	"strconv"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
)

// AppendJSON appends ev to dst as one JSON object on one line, without a
// trailing newline, and returns the extended buffer. See the package doc
// for the keys and the mapping of values.
func AppendJSON(dst []byte, ev *binlog.Event) []byte {
	dst = append(dst, `{"file":`...)
	dst = jsonstr.Append(dst, ev.File)
	dst = append(dst, `,"offset":`...)
	dst = strconv.AppendInt(dst, ev.Offset, 10)
	dst = append(dst, `,"next_pos":`...)
	dst = strconv.AppendInt(dst, ev.NextPos, 10)
	if ev.PayloadIndex > 0 {
		dst = append(dst, `,"payload_index":`...)
		dst = strconv.AppendInt(dst, int64(ev.PayloadIndex), 10)
	}
	dst = append(dst, `,"type":`...)
	dst = jsonstr.Append(dst, ev.Type().String())
	dst = append(dst, `,"type_code":`...)
	dst = strconv.AppendUint(dst, uint64(ev.Type()), 10)
	dst = append(dst, `,"time":"`...)
	dst = ev.Time().AppendFormat(dst, time.RFC3339)
	dst = append(dst, `","server_id":`...)
	dst = strconv.AppendUint(dst, uint64(ev.Header.ServerID), 10)
	dst = append(dst, `,"log_pos":`...)
	dst = strconv.AppendUint(dst, uint64(ev.Header.LogPos), 10)
	dst = append(dst, `,"flags":`...)
	dst = strconv.AppendUint(dst, uint64(ev.Header.Flags), 10)
	dst = appendJSONPayload(dst, ev)
	return append(dst, '}')
}

// key appends ,"k": to start a member after the first.
func key(dst []byte, k string) []byte {
	dst = append(dst, ',', '"')
	dst = append(dst, k...)
	return append(dst, '"', ':')
}

func keyUint(dst []byte, k string, u uint64) []byte {
	return strconv.AppendUint(key(dst, k), u, 10)
}

func keyInt(dst []byte, k string, i int64) []byte {
	return strconv.AppendInt(key(dst, k), i, 10)
}

func keyString(dst []byte, k, s string) []byte {
	return jsonstr.Append(key(dst, k), s)
}

func keyBool(dst []byte, k string, b bool) []byte {
	return strconv.AppendBool(key(dst, k), b)
}

func keyBase64(dst []byte, k string, b []byte) []byte {
	dst = append(key(dst, k), '"')
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, '"')
}

func appendJSONPayload(dst []byte, ev *binlog.Event) []byte {
	switch p := ev.Payload.(type) {
	case *binlog.FormatDescription:
		dst = keyUint(dst, "binlog_version", uint64(p.BinlogVersion))
		dst = keyString(dst, "server_version", p.ServerVersion)
		dst = keyUint(dst, "create_timestamp", uint64(p.CreateTimestamp))
		dst = keyUint(dst, "header_length", uint64(p.HeaderLength))
		dst = keyString(dst, "checksum", checksumName(p.ChecksumAlg))
	case *binlog.Query:
		dst = keyUint(dst, "thread_id", uint64(p.ThreadID))
		dst = keyUint(dst, "exec_time", uint64(p.ExecTime))
		dst = keyUint(dst, "error_code", uint64(p.ErrorCode))
		dst = keyString(dst, "schema", p.Schema)
		dst = keyString(dst, "query", p.Query)
		if p.SQLMode != 0 {
			dst = keyUint(dst, "sql_mode", p.SQLMode)
		}
		if p.TimeZone != "" {
			dst = keyString(dst, "time_zone", p.TimeZone)
		}
	case *binlog.Rotate:
		dst = keyString(dst, "next_file", p.NextFile)
		dst = keyUint(dst, "position", p.Position)
	case *binlog.XID:
		dst = keyUint(dst, "xid", p.XID)
	case *binlog.GTID:
		dst = appendGTIDJSON(dst, ev, p)
	case *binlog.PreviousGTIDs:
		dst = key(dst, "gtid_set")
		dst = append(dst, '"')
		dst = appendGTIDSets(dst, p.Sets)
		dst = append(dst, '"')
	case *binlog.GTIDList:
		dst = key(dst, "gtids")
		dst = append(dst, '[')
		for i, g := range p.GTIDs {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, '"')
			dst = appendMariaGTID(dst, g.Domain, g.ServerID, g.Sequence)
			dst = append(dst, '"')
		}
		dst = append(dst, ']')
	case *binlog.BinlogCheckpoint:
		dst = keyString(dst, "binlog_file", p.File)
	case *binlog.RowsQuery:
		dst = keyString(dst, "query", p.Query)
	case *binlog.TableMap:
		dst = keyString(dst, "table", p.Schema+"."+p.Table)
		dst = keyUint(dst, "table_id", p.TableID)
		dst = appendColumnsJSON(dst, p)
	case *binlog.Rows:
		dst = appendRowsJSON(dst, p)
	case *binlog.IntVar:
		dst = keyUint(dst, "intvar_type", uint64(p.Type))
		dst = keyUint(dst, "value", p.Value)
	case *binlog.Rand:
		dst = keyUint(dst, "seed1", p.Seed1)
		dst = keyUint(dst, "seed2", p.Seed2)
	case *binlog.UserVar:
		dst = keyString(dst, "name", p.Name)
		dst = keyBool(dst, "is_null", p.IsNull)
		dst = keyUint(dst, "value_type", uint64(p.ValueType))
		dst = keyUint(dst, "collation", uint64(p.Collation))
		dst = keyBase64(dst, "value", p.Value)
		dst = keyUint(dst, "user_var_flags", uint64(p.Flags))
	case *binlog.XAPrepare:
		dst = keyBool(dst, "one_phase", p.OnePhase)
		dst = keyInt(dst, "format_id", int64(p.FormatID))
		dst = keyBase64(dst, "gtrid", p.GTRID)
		dst = keyBase64(dst, "bqual", p.BQUAL)
	case *binlog.StartEncryption:
		dst = keyUint(dst, "scheme", uint64(p.Scheme))
		dst = keyUint(dst, "key_version", uint64(p.KeyVersion))
	case *binlog.Incident:
		dst = keyUint(dst, "code", uint64(p.Code))
		dst = keyString(dst, "message", p.Message)
	case *binlog.Heartbeat:
		dst = keyString(dst, "log_file", p.LogFile)
		dst = keyUint(dst, "position", p.LogPos)
	case *binlog.TransactionPayload:
		dst = keyUint(dst, "compression", uint64(p.Compression))
		dst = keyUint(dst, "uncompressed_size", p.UncompressedSize)
		if p.Count > 0 { // known once the events inside are read
			dst = keyInt(dst, "count", int64(p.Count))
		}
	case *binlog.Unknown:
		dst = keyBase64(dst, "body", p.Body)
	}
	return dst
}

func appendGTIDJSON(dst []byte, ev *binlog.Event, g *binlog.GTID) []byte {
	dst = key(dst, "gtid")
	dst = append(dst, '"')
	switch {
	case g.MariaDB:
		dst = appendMariaGTID(dst, g.Domain, ev.Header.ServerID, g.Sequence)
	case g.Anonymous:
		dst = append(dst, "ANONYMOUS"...)
	default:
		dst = appendUUID(dst, g.SID)
		if g.Tag != "" {
			dst = append(dst, ':')
			dst = append(dst, g.Tag...)
		}
		dst = append(dst, ':')
		dst = strconv.AppendInt(dst, g.GNO, 10)
	}
	dst = append(dst, '"')
	if g.MariaDB {
		dst = keyUint(dst, "gtid_flags", uint64(g.Flags))
		dst = keyBool(dst, "standalone", g.Standalone())
		if g.CommitID != 0 {
			dst = keyUint(dst, "commit_id", g.CommitID)
		}
		return dst
	}
	dst = keyInt(dst, "last_committed", g.LastCommitted)
	dst = keyInt(dst, "sequence_number", g.SequenceNumber)
	if g.ImmediateCommitTime != 0 {
		dst = keyUint(dst, "immediate_commit_time", g.ImmediateCommitTime)
	}
	if g.OriginalCommitTime != 0 {
		dst = keyUint(dst, "original_commit_time", g.OriginalCommitTime)
	}
	if g.TransactionLength != 0 {
		dst = keyUint(dst, "transaction_length", g.TransactionLength)
	}
	return dst
}

func appendColumnsJSON(dst []byte, t *binlog.TableMap) []byte {
	dst = key(dst, "columns")
	dst = append(dst, '[')
	for i := range t.Columns {
		c := &t.Columns[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"name":`...)
		dst = jsonstr.Append(dst, columnKey(t, i))
		dst = keyString(dst, "type", typeName(c))
		dst = keyUint(dst, "meta", uint64(c.Meta))
		dst = keyBool(dst, "nullable", c.Nullable)
		if c.Collation != 0 {
			dst = keyUint(dst, "collation", uint64(c.Collation))
		}
		dst = append(dst, '}')
	}
	dst = append(dst, ']')
	if t.PrimaryKey != nil {
		dst = key(dst, "primary_key")
		dst = append(dst, '[')
		for i, k := range t.PrimaryKey {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = strconv.AppendInt(dst, int64(k), 10)
		}
		dst = append(dst, ']')
	}
	return dst
}

// columnKey returns the column's name, or "@N" when it is unknown.
func columnKey(t *binlog.TableMap, i int) string {
	if t != nil && i < len(t.Columns) && t.Columns[i].Name != "" {
		return t.Columns[i].Name
	}
	return "@" + strconv.Itoa(i+1)
}

func appendRowsJSON(dst []byte, p *binlog.Rows) []byte {
	if t := p.Table; t != nil {
		dst = keyString(dst, "table", t.Schema+"."+t.Table)
	}
	dst = keyUint(dst, "table_id", p.TableID)
	kind := "unknown"
	switch p.Kind {
	case binlog.Insert:
		kind = "insert"
	case binlog.Update:
		kind = "update"
	case binlog.Delete:
		kind = "delete"
	}
	dst = keyString(dst, "kind", kind)
	dst = keyUint(dst, "rows_flags", uint64(p.Flags))
	if p.Partial {
		dst = keyBool(dst, "partial", true)
	}
	if p.Rows == nil {
		return dst
	}
	dst = key(dst, "rows")
	dst = append(dst, '[')
	for i := range p.Rows {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '{')
		r := &p.Rows[i]
		first := true
		if r.Before != nil {
			dst = append(dst, `"before":`...)
			dst = appendImageJSON(dst, p.Table, r.Before)
			first = false
		}
		if r.After != nil {
			if !first {
				dst = append(dst, ',')
			}
			dst = append(dst, `"after":`...)
			dst = appendImageJSON(dst, p.Table, r.After)
		}
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

func appendImageJSON(dst []byte, t *binlog.TableMap, img []binlog.Value) []byte {
	dst = append(dst, '{')
	n := 0
	for i, v := range img {
		if v.Kind() == binlog.KindAbsent {
			continue
		}
		if n > 0 {
			dst = append(dst, ',')
		}
		n++
		dst = jsonstr.Append(dst, columnKey(t, i))
		dst = append(dst, ':')
		dst = appendJSONValue(dst, v)
	}
	return append(dst, '}')
}

// appendJSONValue appends a column value by the mapping in the package doc.
func appendJSONValue(dst []byte, v binlog.Value) []byte {
	if n, sum, ok := elided(v); ok {
		return appendElidedJSON(dst, n, sum)
	}
	switch v.Kind() {
	case binlog.KindNull, binlog.KindAbsent:
		return append(dst, "null"...)
	case binlog.KindInt, binlog.KindYear:
		return strconv.AppendInt(dst, v.Int(), 10)
	case binlog.KindUint, binlog.KindBit:
		return strconv.AppendUint(dst, v.Uint(), 10)
	case binlog.KindFloat:
		return appendJSONFloat(dst, v.Float64(), 32)
	case binlog.KindDouble:
		return appendJSONFloat(dst, v.Float64(), 64)
	case binlog.KindDecimal:
		return jsonstr.Append(dst, v.Bytes())
	case binlog.KindDate:
		dst = append(dst, '"')
		dst = v.Date().AppendFormat(dst)
		return append(dst, '"')
	case binlog.KindDateTime:
		dst = append(dst, '"')
		dst = v.DateTime().AppendFormat(dst, v.Precision())
		return append(dst, '"')
	case binlog.KindTime:
		dst = append(dst, '"')
		dst = v.Time().AppendFormat(dst, v.Precision())
		return append(dst, '"')
	case binlog.KindTimestamp:
		// RFC 3339 in UTC; the zero TIMESTAMP as 0000-00-00T00:00:00Z.
		dst = append(dst, '"')
		start := len(dst)
		dst = v.DateTime().AppendFormat(dst, v.Precision())
		dst[start+10] = 'T'
		return append(dst, 'Z', '"')
	case binlog.KindString:
		var small [256]byte
		if text, ok := appendStringText(small[:0], v); ok {
			return jsonstr.Append(dst, text)
		}
		return appendBase64Obj(dst, v.Bytes())
	case binlog.KindBytes:
		return appendBase64Obj(dst, v.Bytes())
	case binlog.KindEnum:
		names := v.Names()
		if i := v.Int(); i >= 1 && int(i) <= len(names) {
			return jsonstr.Append(dst, names[i-1])
		}
		if v.Int() == 0 && names != nil {
			return append(dst, `""`...)
		}
		return strconv.AppendInt(dst, v.Int(), 10)
	case binlog.KindSet:
		names := v.Names()
		mask := v.Uint()
		if names == nil || (len(names) < 64 && mask>>uint(len(names)) != 0) {
			return strconv.AppendUint(dst, mask, 10)
		}
		dst = append(dst, '[')
		n := 0
		for i, name := range names {
			if i < 64 && mask&(1<<uint(i)) != 0 {
				if n > 0 {
					dst = append(dst, ',')
				}
				n++
				dst = jsonstr.Append(dst, name)
			}
		}
		return append(dst, ']')
	case binlog.KindJSON:
		return appendRawJSON(dst, v.Bytes())
	case binlog.KindJSONDiff:
		dst = append(dst, `{"json_diff":[`...)
		for i, d := range v.JSONDiffs() {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"op":`...)
			dst = jsonstr.Append(dst, d.Op.String())
			dst = keyString(dst, "path", d.Path)
			if d.Op != binlog.JSONRemove {
				dst = appendRawJSON(key(dst, "value"), d.Value)
			}
			dst = append(dst, '}')
		}
		return append(dst, "]}"...)
	case binlog.KindGeometry:
		dst = append(dst, `{"srid":`...)
		dst = strconv.AppendUint(dst, uint64(v.SRID()), 10)
		dst = keyBase64(dst, "wkb", v.WKB())
		return append(dst, '}')
	case binlog.KindVector:
		b := v.Bytes()
		if len(b)%4 != 0 {
			return appendBase64Obj(dst, b)
		}
		dst = append(dst, '[')
		for i := 0; i < len(b); i += 4 {
			if i > 0 {
				dst = append(dst, ',')
			}
			f := math.Float32frombits(binary.LittleEndian.Uint32(b[i:]))
			dst = appendJSONFloat(dst, float64(f), 32)
		}
		return append(dst, ']')
	case binlog.KindUndecodable:
		// Only with binlog.ReaderOptions.KeepUndecodable: the stored bytes.
		dst = append(dst, `{"undecodable":"`...)
		dst = base64.StdEncoding.AppendEncode(dst, v.Bytes())
		return append(dst, `"}`...)
	}
	return jsonstr.Append(dst, "unknown kind "+v.Kind().String())
}

// appendJSONFloat appends a float as a JSON number; NaN and infinities,
// which MySQL does not store, become strings.
func appendJSONFloat(dst []byte, f float64, bits int) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		dst = append(dst, '"')
		dst = appendFloat(dst, f, bits)
		return append(dst, '"')
	}
	return strconv.AppendFloat(dst, f, 'g', -1, bits)
}

func appendBase64Obj(dst, b []byte) []byte {
	dst = append(dst, `{"base64":"`...)
	dst = base64.StdEncoding.AppendEncode(dst, b)
	return append(dst, `"}`...)
}

// appendRawJSON appends JSON text compacted onto one line, or as a JSON
// string when it is not valid JSON.
func appendRawJSON(dst, text []byte) []byte {
	n := len(dst)
	buf := bytes.NewBuffer(dst)
	if err := json.Compact(buf, text); err == nil {
		return buf.Bytes()
	}
	return jsonstr.Append(dst[:n], text)
}
