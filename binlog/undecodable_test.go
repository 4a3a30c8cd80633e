package binlog_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/eventfmt"
	"github.com/binlogkit/binlogkit/internal/testbinlog"
	"github.com/binlogkit/binlogkit/rowevent"
)

// garbageJSON is what MySQL 5.7.9-5.7.21 could log for a JSON generated
// column (bug #88791): bytes that are not binary JSON (0xff is no value
// type).
var garbageJSON = []byte{0xff, 0x00, 0x13}

// undecodableBinlog returns a MySQL binlog whose rows event (at the
// returned offset) holds two rows of (id INT, doc JSON, at DATETIME, n INT):
// the first with garbage in doc and in at, the second sound. Inside a
// transaction payload when payload is set. The events after it must still
// be read.
func undecodableBinlog(payload bool) ([]byte, int64) {
	cols := []testbinlog.Col{
		{Type: testbinlog.TypeLong, Name: "id"},
		{Type: testbinlog.TypeJSON, Meta: []byte{4}, Name: "doc"},
		{Type: 18, Meta: []byte{0}, Name: "at"}, // DATETIME(0), stored as DATETIME2
		{Type: testbinlog.TypeLong, Name: "n"},
	}
	row := func(id int32, doc []byte, at []byte, n int32) []byte {
		img := []byte{0} // no NULLs
		img = binary.LittleEndian.AppendUint32(img, uint32(id))
		img = binary.LittleEndian.AppendUint32(img, uint32(len(doc)))
		img = append(img, doc...)
		img = append(img, at...)
		return binary.LittleEndian.AppendUint32(img, uint32(n))
	}
	rows := [][]byte{
		row(1, garbageJSON, []byte{0, 0, 0, 0, 0}, 10),           // at: a negative DATETIME2
		row(2, []byte{0x04, 0x01}, []byte{0x80, 0, 0, 0, 0}, 20), // doc: true; at: zero datetime
	}
	sid := [16]byte{9}
	b := testbinlog.New(testbinlog.MySQL).MySQLGTID(sid, 1)
	var at int64
	if payload {
		tx := testbinlog.New(testbinlog.MySQL) // for its events only
		n := tx.Len()
		tx.Query("app", "BEGIN").TableMapCols(9, "app", "docs", cols...).WriteRowsImages(9, len(cols), rows...).XID(5)
		var inner []byte
		for _, ev := range splitEvents(tx.Bytes()[n:]) {
			t := ev[4]
			inner = append(inner, testbinlog.PayloadEvent(t, ev[19:len(ev)-4])...)
		}
		at = int64(b.Len())
		b.TransactionPayload(inner, true, uint64(len(inner)))
	} else {
		b.Query("app", "BEGIN").TableMapCols(9, "app", "docs", cols...)
		at = int64(b.Len())
		b.WriteRowsImages(9, len(cols), rows...).XID(5)
	}
	b.MySQLGTID(sid, 2).Query("app", "DROP TABLE docs")
	return b.Bytes(), at
}

// splitEvents splits events (no magic) by their header sizes.
func splitEvents(b []byte) [][]byte {
	var out [][]byte
	for len(b) >= 19 {
		n := binary.LittleEndian.Uint32(b[9:])
		out = append(out, b[:n])
		b = b[n:]
	}
	return out
}

// TestUndecodableValues reads rows whose JSON (and DATETIME) values are
// garbage: by default the reader stops with ErrCorrupt at the rows event;
// with KeepUndecodable it keeps the raw bytes as a KindUndecodable value,
// decodes the rest of the row and the events after it, counts and logs the
// value, and the consumers refuse it.
func TestUndecodableValues(t *testing.T) {
	for _, payload := range []bool{false, true} {
		name := "plain"
		if payload {
			name = "in transaction payload"
		}
		t.Run(name, func(t *testing.T) {
			data, rowsAt := undecodableBinlog(payload)

			// Strict, the default: the first bad value stops the reader.
			r := binlog.NewReader(bytes.NewReader(data), &binlog.ReaderOptions{Name: "binlog.000007"})
			var err error
			for err == nil {
				_, err = r.Next()
			}
			var ee *binlog.EventError
			if !errors.As(err, &ee) || !errors.Is(err, binlog.ErrCorrupt) || ee.Offset != rowsAt {
				t.Fatalf("strict: got %v, want ErrCorrupt at offset %d", err, rowsAt)
			}
			if !strings.Contains(err.Error(), "column 2 (doc)") {
				t.Errorf("strict: error %q does not name column 2 (doc)", err)
			}

			// KeepUndecodable.
			var log bytes.Buffer
			r = binlog.NewReader(bytes.NewReader(data), &binlog.ReaderOptions{
				Name:            "binlog.000007",
				KeepUndecodable: true,
				Logger:          slog.New(slog.NewJSONHandler(&log, nil)),
			})
			var rowsEv *binlog.Event
			var last *binlog.Event
			for {
				ev, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("KeepUndecodable: %v", err)
				}
				if _, ok := ev.Payload.(*binlog.Rows); ok {
					rowsEv = ev
				}
				last = ev
			}
			if q, ok := last.Payload.(*binlog.Query); !ok || q.Query != "DROP TABLE docs" {
				t.Fatalf("last event %v %T, want the DROP TABLE after the rows", last.Type(), last.Payload)
			}
			if rowsEv == nil || rowsEv.Offset != rowsAt {
				t.Fatalf("rows event %v, want one at offset %d", rowsEv, rowsAt)
			}
			if got := r.UndecodableValues(); got != 2 {
				t.Errorf("UndecodableValues() = %d, want 2", got)
			}
			rows := rowsEv.Payload.(*binlog.Rows)
			if len(rows.Rows) != 2 {
				t.Fatalf("%d rows, want 2", len(rows.Rows))
			}
			got := func(i int) []string {
				var s []string
				for _, v := range rows.Rows[i].After {
					s = append(s, v.Kind().String()+":"+v.String())
				}
				return s
			}
			want0 := []string{"int:1", "undecodable:/* undecodable: 3 bytes X'ff0013' */", "undecodable:/* undecodable: 5 bytes X'0000000000' */", "int:10"}
			want1 := []string{"int:2", "json:'true'", "datetime:'0000-00-00 00:00:00'", "int:20"}
			if g := got(0); strings.Join(g, " ") != strings.Join(want0, " ") {
				t.Errorf("row 1: %q, want %q", g, want0)
			}
			if g := got(1); strings.Join(g, " ") != strings.Join(want1, " ") {
				t.Errorf("row 2: %q, want %q", g, want1)
			}
			bad := rows.Rows[0].After[1]
			if !bytes.Equal(bad.Bytes(), garbageJSON) || bad.Text() != "" {
				t.Errorf("undecodable value: Bytes %x, Text %q; want %x and empty", bad.Bytes(), bad.Text(), garbageJSON)
			}

			// Each value is logged with where it is.
			lines := strings.Split(strings.TrimSpace(log.String()), "\n")
			if len(lines) != 2 {
				t.Fatalf("%d log lines, want 2:\n%s", len(lines), log.String())
			}
			var rec struct {
				Level, File, Table, Image, Column_name, Error string
				Offset                                        int64
				Payload_index, Row, Column                    int
			}
			if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
				t.Fatal(err)
			}
			wantIndex := 0
			if payload {
				wantIndex = 3 // BEGIN, table map, rows
			}
			if rec.Level != "WARN" || rec.File != "binlog.000007" || rec.Offset != rowsAt || rec.Payload_index != wantIndex ||
				rec.Table != "app.docs" || rec.Row != 1 || rec.Image != "after" || rec.Column != 2 || rec.Column_name != "doc" ||
				!strings.Contains(rec.Error, "JSON") {
				t.Errorf("log line %s", lines[0])
			}

			// Consumers refuse it rather than write something wrong.
			if _, err := rowevent.AppendLiteral(nil, bad, nil); !errors.Is(err, rowevent.ErrNoLiteral) {
				t.Errorf("rowevent.AppendLiteral: %v, want ErrNoLiteral", err)
			}
			if _, err := rowevent.Forward(rows, nil); !errors.Is(err, rowevent.ErrNoLiteral) {
				t.Errorf("rowevent.Forward: %v, want ErrNoLiteral", err)
			}
			if _, err := rowevent.ChangeJSON(&rowevent.Change{}, rows, 0, nil); !errors.Is(err, binlog.ErrUndecodable) {
				t.Errorf("rowevent.ChangeJSON: %v, want ErrUndecodable", err)
			}
			if _, err := bad.MarshalJSON(); !errors.Is(err, binlog.ErrUndecodable) {
				t.Errorf("MarshalJSON: %v, want ErrUndecodable", err)
			}
			if _, err := json.Marshal(rows.Rows[0].After); !errors.Is(err, binlog.ErrUndecodable) {
				t.Errorf("json.Marshal: %v, want ErrUndecodable", err)
			}
			text := string(eventfmt.AppendText(nil, rowsEv, nil))
			if !strings.Contains(text, "@2=/* undecodable: 3 bytes X'ff0013' */") {
				t.Errorf("eventfmt text listing:\n%s", text)
			}
			if js := string(eventfmt.AppendJSON(nil, rowsEv)); !strings.Contains(js, `"doc":{"undecodable":"/wAT"}`) {
				t.Errorf("eventfmt JSON listing:\n%s", js)
			}
		})
	}
}
