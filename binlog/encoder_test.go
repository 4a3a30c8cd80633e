package binlog

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// Reasons an event of ../shared/binlogs may encode to other bytes than it
// was read from: the documented exceptions (package doc, "Encoding").
const (
	excLogPos     = "logpos"      // LogPos is not the event's end in this file (relay logs, 0)
	excZlib       = "zlib"        // MariaDB compressed event: re-compressed by Go's zlib
	excInPayload  = "in-payload"  // inside a TRANSACTION_PAYLOAD: not a top-level event
	excLongHeader = "long-header" // header longer than 19 bytes: the extra bytes are not kept
	excJSONText   = "json-text"   // MySQL JSON that its text does not give back (opaque values)
	excDevTree    = "dev-tree"    // MySQL 5.2.2 development tree (wl2325): layouts no release has
)

// encodeMismatch classifies the difference between the encoding enc of ev
// and its stored bytes, returning the exception that explains it, or "".
func encodeMismatch(ev *Event, enc []byte, fd *FormatDescription) string {
	raw := ev.Raw
	if fd != nil && strings.HasPrefix(fd.ServerVersion, "5.2.") {
		return excDevTree
	}
	if len(enc) == len(raw) && len(raw) >= minHeaderLen {
		orig := binary.LittleEndian.Uint32(raw[13:])
		if orig != uint32(ev.Offset)+uint32(len(raw)) {
			// Put the stored end position in and checksum again.
			p := append([]byte(nil), enc...)
			binary.LittleEndian.PutUint32(p[13:], orig)
			crc := fd != nil && fd.ChecksumAlg == ChecksumCRC32
			if p, ok := ev.Payload.(*FormatDescription); ok {
				crc = versionHasChecksum(p.ServerVersion)
			}
			if crc {
				binary.LittleEndian.PutUint32(p[len(p)-4:], eventCRC(p[:len(p)-4]))
			}
			if bytes.Equal(p, raw) {
				return excLogPos
			}
		}
	}
	if fd != nil && fd.HeaderLength > minHeaderLen && len(enc) == len(raw) && ev.Type() != FormatDescriptionEvent {
		p := append([]byte(nil), enc...)
		copy(p[minHeaderLen:fd.HeaderLength], raw[minHeaderLen:])
		if fd.ChecksumAlg == ChecksumCRC32 {
			binary.LittleEndian.PutUint32(p[len(p)-4:], eventCRC(p[:len(p)-4]))
		}
		if bytes.Equal(p, raw) {
			return excLongHeader
		}
	}
	if r, ok := ev.Payload.(*Rows); ok && storedJSONHasOpaque(ev, r, fd) {
		return excJSONText
	}
	switch ev.Type() {
	case MariaQueryCompressedEvent, MariaWriteRowsCompressedEventV1, MariaUpdateRowsCompressedEventV1,
		MariaDeleteRowsCompressedEventV1, MariaWriteRowsCompressedEvent, MariaUpdateRowsCompressedEvent,
		MariaDeleteRowsCompressedEvent:
		return excZlib
	}
	return ""
}

// TestEncodeSharedBinlogs decodes every readable file of ../shared/binlogs
// and encodes each event again at its offset: the bytes must be those
// read, but for the documented exceptions, which are counted.
func TestEncodeSharedBinlogs(t *testing.T) {
	dir := sharedBinlogs(t)
	entries := readManifest(t, dir)
	counts := map[string]int{}
	var files, events, same int
	for _, e := range entries {
		path := filepath.Join(dir, e.Path)
		res, ok := readAllEvents(path, 20*time.Second)
		if !ok || len(res) == 0 {
			continue
		}
		files++
		var fd *FormatDescription
		fails := 0
		for _, ev := range res {
			if ev.PayloadIndex > 0 {
				counts[excInPayload]++
				continue
			}
			events++
			enc, err := AppendEvent(nil, ev, fd, ev.Offset)
			if p, ok := ev.Payload.(*FormatDescription); ok {
				fd = p
			}
			if err != nil {
				t.Errorf("%s: event at %d (%v): %v", e.Path, ev.Offset, ev.Type(), err)
				continue
			}
			if bytes.Equal(enc, ev.Raw) {
				same++
				continue
			}
			if why := encodeMismatch(ev, enc, fd); why != "" {
				counts[why]++
				continue
			}
			if fails++; fails <= 3 {
				t.Errorf("%s: event at %d (%v, %T) encodes to other bytes:\n got %x\nwant %x", e.Path, ev.Offset, ev.Type(), ev.Payload, enc, ev.Raw)
			}
		}
	}
	var keys []string
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sb strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&sb, " %s=%d", k, counts[k])
	}
	t.Logf("%d files, %d events: %d byte for byte; exceptions:%s", files, events, same, sb.String())
}

// readAllEvents reads every event of a file (inner payload events too),
// keeping them, up to the end or the first error.
func readAllEvents(path string, timeout time.Duration) ([]*Event, bool) {
	done := make(chan []*Event, 1)
	go func() {
		var evs []*Event
		defer func() {
			recover()
			done <- evs
		}()
		fr, err := Open(path, nil)
		if err != nil {
			return
		}
		defer fr.Close()
		for ev, err := range fr.All() {
			if err != nil {
				return
			}
			evs = append(evs, ev)
		}
	}()
	select {
	case evs := <-done:
		return evs, true
	case <-time.After(timeout):
		return nil, false
	}
}

var _ = os.ReadFile

// TestEncodeWholeFiles writes every event of each shared file that reads
// to a clean end, and holds no documented exception, through one Encoder:
// the output must be the file, byte for byte. Two files must be among
// them.
func TestEncodeWholeFiles(t *testing.T) {
	dir := sharedBinlogs(t)
	must := map[string]bool{
		"rust_mysql_common/json.binlog.000001":                      false,
		"mariadb-11.8.6/std_data/rpl/master-bin-seq_10.3.36.000001": false,
	}
	n := 0
	for _, e := range readManifest(t, dir) {
		path := filepath.Join(dir, e.Path)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		evs, clean := readFileEvents(path)
		if !clean || len(evs) == 0 || !wholeFileCandidate(evs) {
			continue
		}
		var out bytes.Buffer
		enc := NewEncoder(&out, nil)
		for _, ev := range evs {
			if ev.PayloadIndex > 0 {
				continue
			}
			if err := enc.WriteEvent(ev); err != nil {
				t.Fatalf("%s: %v", e.Path, err)
			}
		}
		if err := enc.Flush(); err != nil {
			t.Fatal(err)
		}
		if enc.Offset() != int64(len(data)) {
			t.Errorf("%s: Offset %d after the last event, file of %d bytes", e.Path, enc.Offset(), len(data))
		}
		if !bytes.Equal(out.Bytes(), data) {
			t.Errorf("%s: encoded file differs (%d bytes, want %d)", e.Path, out.Len(), len(data))
			continue
		}
		if _, ok := must[e.Path]; ok {
			must[e.Path] = true
		}
		n++
	}
	for p, ok := range must {
		if !ok {
			t.Errorf("%s was not reproduced", p)
		}
	}
	t.Logf("%d whole files reproduced byte for byte", n)
}

// wholeFileCandidate reports whether every event of a file encodes to its
// bytes at its offset.
func wholeFileCandidate(evs []*Event) bool {
	var fd *FormatDescription
	for _, ev := range evs {
		if ev.PayloadIndex > 0 {
			continue
		}
		enc, err := AppendEvent(nil, ev, fd, ev.Offset)
		if p, ok := ev.Payload.(*FormatDescription); ok {
			fd = p
		}
		if err != nil || !bytes.Equal(enc, ev.Raw) {
			return false
		}
	}
	return true
}

// readFileEvents reads every event of a file; clean says whether it ended
// with io.EOF.
func readFileEvents(path string) (evs []*Event, clean bool) {
	fr, err := Open(path, nil)
	if err != nil {
		return nil, false
	}
	defer fr.Close()
	for ev, err := range fr.All() {
		if err != nil {
			return evs, false
		}
		evs = append(evs, ev)
	}
	return evs, true
}

// storedJSONHasOpaque reports whether a stored JSON document of the rows
// event ev (uncompressed, not a partial update) holds an opaque value:
// the documented exception of MySQL JSON.
func storedJSONHasOpaque(ev *Event, r *Rows, fd *FormatDescription) bool {
	kind, defPHL, compressed := rowsEventInfo(ev.Type())
	if compressed || r.Partial {
		return false
	}
	end := len(ev.Raw)
	if fd.ChecksumAlg == ChecksumCRC32 {
		end -= 4
	}
	body := ev.Raw[headerLen(fd, ev.Type()):end]
	phl := postHeaderLen(fd, ev.Type(), defPHL)
	pos := phl
	if phl == 10 {
		pos = 8 + int(binary.LittleEndian.Uint16(body[8:]))
	}
	ncol, n := rdPacked(body[pos:])
	pos += n
	bm := body[pos : pos+(int(ncol)+7)/8]
	pos += len(bm)
	bmAfter := bm
	if kind == Update {
		bmAfter = body[pos : pos+len(bm)]
		pos += len(bm)
	}
	d := rowsDecoder{cols: r.Table.Columns, ncol: int(ncol), limit: 1 << 30}
	data := body[pos:]
	pos = 0
	for pos < len(data) {
		for img := 0; img < 1+btoi(kind == Update); img++ {
			m := bm
			if img == 1 {
				m = bmAfter
			}
			present := 0
			for i := 0; i < int(ncol); i++ {
				if m[i/8]&(1<<(i%8)) != 0 {
					present++
				}
			}
			nulls := data[pos : pos+(present+7)/8]
			pos += len(nulls)
			ni := 0
			for i := 0; i < int(ncol); i++ {
				if m[i/8]&(1<<(i%8)) == 0 {
					continue
				}
				null := nulls[ni/8]&(1<<(ni%8)) != 0
				ni++
				if null {
					continue
				}
				col := &d.cols[i]
				var v Value
				n, err := d.value(col, data[pos:], &v, false)
				if err != nil {
					return false
				}
				if col.Type == TypeJSON && jsonHasOpaque(data[pos+int(col.Meta):pos+n]) {
					return true
				}
				pos += n
			}
		}
	}
	return false
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// jsonHasOpaque reports whether the binary JSON document doc holds an
// opaque value.
func jsonHasOpaque(doc []byte) bool {
	if len(doc) == 0 {
		return false
	}
	var walk func(t byte, data []byte) bool
	walk = func(t byte, data []byte) bool {
		switch t {
		case jsonbOpaque:
			return true
		case jsonbSmallObject, jsonbLargeObject, jsonbSmallArray, jsonbLargeArray:
			large := t == jsonbLargeObject || t == jsonbLargeArray
			osz := 2
			if large {
				osz = 4
			}
			count := int(jsonOffset(data, large))
			entries := 2 * osz
			if t == jsonbSmallObject || t == jsonbLargeObject {
				entries += count * (osz + 2)
			}
			for i := 0; i < count; i++ {
				e := data[entries+i*(1+osz):]
				if jsonInlined(e[0], large) {
					continue
				}
				if walk(e[0], data[jsonOffset(e[1:], large):]) {
					return true
				}
			}
		}
		return false
	}
	return walk(doc[0], doc[1:])
}
