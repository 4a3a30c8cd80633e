package audit

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/binlog/cdc"
	"github.com/binlogkit/binlogkit/rowevent"
)

// genesis is the previous hash of the first record: 32 zero bytes in hex.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Entry is one stored record: one row change.
type Entry struct {
	// Seq numbers the records from 1 in the order they were written,
	// which is commit order.
	Seq int64
	// CommitTime is the server's commit time of the transaction, zero for
	// the records of the chunks of a transaction larger than the
	// pipeline's MaxTxBytes (see cdc.Batch.Partial).
	CommitTime time.Time
	// GTID is the transaction's GTID, "" when it has none.
	GTID string
	// ServerID is the id of the server that wrote the transaction.
	ServerID uint32
	// File and Pos locate the rows event in the binlog.
	File string
	Pos  int64
	// Database, Table and Kind ("insert", "update" or "delete") say what
	// changed.
	Database, Table, Kind string
	// PK is the primary key as text (see KeyText); PKJSON is the key as a
	// JSON object, column name to value. Both are "" and nil when the key
	// is unknown.
	PK     string
	PKJSON json.RawMessage
	// Before and After are the row images as JSON objects in the change
	// record encoding (rowevent.Change); Before is nil for an insert,
	// After for a delete.
	Before, After json.RawMessage
	// TxID and TxIndex identify the change: the transaction's id and the
	// index of the change among its row changes.
	TxID    string
	TxIndex int
	// PrevHash is the hash of the previous record (64 zero digits for the
	// first one), Hash the SHA-256 of this record, and MAC its
	// HMAC-SHA256 under the store's key ("" without a key), all in hex.
	PrevHash, Hash, MAC string
}

// changeJSON is the part of a change record that the entry takes from
// rowevent's JSON.
type changeJSON struct {
	Op       string          `json:"op"`
	Database string          `json:"database"`
	Table    string          `json:"table"`
	PK       json.RawMessage `json:"pk"`
	Before   json.RawMessage `json:"before"`
	After    json.RawMessage `json:"after"`
}

// fill sets the fields of e that come from the record r of batch b (all but
// Seq and the hashes); buf is scratch space, returned for reuse.
func (e *Entry) fill(b *cdc.Batch, r *cdc.Record, opts *rowevent.ChangeOptions, buf []byte) ([]byte, error) {
	buf, err := r.AppendJSON(buf[:0], opts)
	if err != nil {
		return buf, err
	}
	var c changeJSON
	if err := json.Unmarshal(buf, &c); err != nil {
		return buf, fmt.Errorf("%w: %v", ErrBadRecord, err)
	}
	*e = Entry{
		CommitTime: b.CommitTime,
		GTID:       r.Change.GTID,
		ServerID:   r.Change.ServerID,
		File:       r.Change.File,
		Pos:        r.Change.Offset,
		Database:   c.Database,
		Table:      c.Table,
		Kind:       c.Op,
		PKJSON:     nullJSON(c.PK),
		Before:     nullJSON(c.Before),
		After:      nullJSON(c.After),
		TxID:       r.Change.TxID,
		TxIndex:    r.Change.Index,
	}
	if e.TxID == "" {
		e.TxID = e.GTID
	}
	if e.PKJSON != nil {
		if e.PK, err = KeyText(e.PKJSON); err != nil {
			return buf, fmt.Errorf("%w: %v", ErrBadRecord, err)
		}
	}
	return buf, nil
}

// nullJSON returns nil for a JSON null, else a copy of m.
func nullJSON(m json.RawMessage) json.RawMessage {
	if len(m) == 0 || string(m) == "null" {
		return nil
	}
	return bytes.Clone(m)
}

// KeyText returns the text form of a primary key given as a JSON object
// (column name to value, in key order): the values in order, separated by
// commas; strings without their quotes, other values as their JSON text.
// In a key of several columns, a comma or backslash inside a string value
// is escaped with a backslash. A "users" row with id 12345 has the key
// "12345"; a key (region, id) of ("eu", 7) has "eu,7".
func KeyText(pk json.RawMessage) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(pk))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", fmt.Errorf("primary key %.40q is not a JSON object", pk)
	}
	var vals []string
	for dec.More() {
		if _, err := dec.Token(); err != nil { // the column name
			return "", err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return "", err
		}
		s := string(v)
		if len(v) > 0 && v[0] == '"' {
			if err := json.Unmarshal(v, &s); err != nil {
				return "", err
			}
		}
		vals = append(vals, s)
	}
	if len(vals) == 1 {
		return vals[0], nil
	}
	esc := strings.NewReplacer(`\`, `\\`, `,`, `\,`)
	for i, v := range vals {
		vals[i] = esc.Replace(v)
	}
	return strings.Join(vals, ","), nil
}

// appendCanonical appends the bytes that Hash covers: every field but Seq,
// Hash and MAC, each length-prefixed, in a fixed order, starting with
// PrevHash. A null and an empty value differ.
func (e *Entry) appendCanonical(dst []byte) []byte {
	dst = append(dst, "binlogkit-audit-v1"...)
	str := func(s string) {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	opt := func(b []byte) {
		if b == nil {
			dst = append(dst, 0)
			return
		}
		dst = append(dst, 1)
		dst = binary.AppendUvarint(dst, uint64(len(b)))
		dst = append(dst, b...)
	}
	str(e.PrevHash)
	if e.CommitTime.IsZero() {
		dst = append(dst, 0)
	} else {
		dst = append(dst, 1)
		dst = binary.BigEndian.AppendUint64(dst, uint64(e.CommitTime.UnixMicro()))
	}
	str(e.GTID)
	dst = binary.BigEndian.AppendUint32(dst, e.ServerID)
	str(e.File)
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.Pos))
	str(e.Database)
	str(e.Table)
	str(e.Kind)
	str(e.PK)
	opt(e.PKJSON)
	opt(e.Before)
	opt(e.After)
	str(e.TxID)
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.TxIndex))
	return dst
}

// seal computes Hash (SHA-256 of the canonical bytes) and, with a key,
// MAC (HMAC-SHA256 of the Hash's bytes under key); buf is scratch space.
func (e *Entry) seal(key, buf []byte) []byte {
	e.Hash, buf = e.computeHash(buf)
	e.MAC = computeMAC(key, e.Hash)
	return buf
}

func (e *Entry) computeHash(buf []byte) (string, []byte) {
	buf = e.appendCanonical(buf[:0])
	sum := sha256.Sum256(buf)
	return hex.EncodeToString(sum[:]), buf
}

// computeMAC returns the hex HMAC-SHA256 of s under key, "" without a key.
func computeMAC(key []byte, s string) string {
	if len(key) == 0 {
		return ""
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return hex.EncodeToString(m.Sum(nil))
}
