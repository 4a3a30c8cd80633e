package rowevent

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/internal/jsonstr"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/google/go-cmp/cmp"
)

func changeTable() *binlog.TableMap {
	return &binlog.TableMap{
		TableID: 7, Schema: "shop", Table: "orders", HasNames: true, PrimaryKey: []int{0},
		Columns: []binlog.Column{
			{Name: "id", Type: binlog.TypeLongLong, Unsigned: true},
			{Name: "amount", Type: binlog.TypeNewDecimal},
			{Name: "note", Type: binlog.TypeVarchar, Collation: 45},
			{Name: "at", Type: binlog.TypeTimestamp2},
		},
	}
}

var testChange = &Change{
	File: "binlog.000012", Offset: 1234, GTID: "0-1-77", ServerID: 1,
	CommitTime: time.Date(2024, 5, 1, 12, 0, 0, 0, time.FixedZone("CEST", 2*3600)), Index: 3,
}

func TestAppendChangeJSON(t *testing.T) {
	at := binlog.TimestampValue(time.Date(2024, 5, 1, 10, 0, 0, 123000000, time.UTC), 3)
	img := func(id uint64, amount, note string) []binlog.Value {
		return []binlog.Value{binlog.UintValue(id), binlog.DecimalValue(amount), binlog.StringValue([]byte(note), 45), at}
	}
	const src = `"commit_time":"2024-05-01T10:00:00Z","source":{"file":"binlog.000012","pos":1234,"gtid":"0-1-77","server_id":1},"transaction":{"id":"0-1-77","index":3}}`
	tests := []struct {
		name string
		kind binlog.RowsKind
		row  binlog.Row
		c    *Change
		want string
	}{
		{"insert", binlog.Insert, binlog.Row{After: img(18446744073709551615, "-12.50", "a \"quoted\"\nline")}, testChange,
			`{"op":"insert","database":"shop","table":"orders","pk":{"id":18446744073709551615},"before":null,` +
				`"after":{"id":18446744073709551615,"amount":"-12.50","note":"a \"quoted\"\nline","at":"2024-05-01T10:00:00.123Z"},` + src},
		{"update", binlog.Update, binlog.Row{Before: img(1, "1.00", "x"), After: img(2, "2.00", "y")}, testChange,
			`{"op":"update","database":"shop","table":"orders","pk":{"id":2},` +
				`"before":{"id":1,"amount":"1.00","note":"x","at":"2024-05-01T10:00:00.123Z"},` +
				`"after":{"id":2,"amount":"2.00","note":"y","at":"2024-05-01T10:00:00.123Z"},` + src},
		{"delete", binlog.Delete, binlog.Row{Before: img(5, "0.00", "")}, testChange,
			`{"op":"delete","database":"shop","table":"orders","pk":{"id":5},` +
				`"before":{"id":5,"amount":"0.00","note":"","at":"2024-05-01T10:00:00.123Z"},"after":null,` + src},
		{"minimal image, no gtid", binlog.Update,
			binlog.Row{Before: []binlog.Value{binlog.UintValue(5), {}, {}, {}}, After: []binlog.Value{{}, binlog.NullValue(), {}, {}}},
			&Change{File: "f", Offset: 4, TxID: "f:4"},
			`{"op":"update","database":"shop","table":"orders","pk":null,"before":{"id":5},"after":{"amount":null},` +
				`"commit_time":null,"source":{"file":"f","pos":4,"gtid":null,"server_id":0},"transaction":{"id":"f:4","index":0}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := &binlog.Rows{Kind: tt.kind, Table: changeTable(), Rows: []binlog.Row{tt.row}}
			got, err := AppendChangeJSON([]byte("prefix "), tt.c, rows, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff("prefix "+tt.want, string(got)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			if !json.Valid(got[len("prefix "):]) {
				t.Errorf("invalid JSON: %s", got)
			}
		})
	}
}

func TestAppendChangeJSONErrors(t *testing.T) {
	tm := changeTable()
	rows := &binlog.Rows{Kind: binlog.Insert, Table: tm, Rows: []binlog.Row{{After: make([]binlog.Value, 4)}}}
	if _, err := AppendChangeJSON(nil, testChange, &binlog.Rows{Kind: binlog.Insert}, 0, nil); !errors.Is(err, ErrNoTable) {
		t.Errorf("no table: %v, want ErrNoTable", err)
	}
	if _, err := AppendChangeJSON(nil, testChange, rows, 1, nil); err == nil {
		t.Error("row out of range: no error")
	}
	bad := &binlog.Rows{Kind: binlog.Insert, Table: tm, Rows: []binlog.Row{{After: make([]binlog.Value, 3)}}}
	if _, err := AppendChangeJSON(nil, testChange, bad, 0, nil); err == nil {
		t.Error("short image: no error")
	}
	tm.HasNames = false
	for i := range tm.Columns {
		tm.Columns[i].Name = ""
	}
	if _, err := AppendChangeJSON(nil, testChange, rows, 0, nil); !errors.Is(err, ErrNoColumnNames) {
		t.Errorf("no names: %v, want ErrNoColumnNames", err)
	}
	rows.Rows[0].After[0] = binlog.IntValue(-1)
	got, err := ChangeJSON(&Change{}, rows, 0, &ChangeOptions{PositionalNames: true})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"op":"insert","database":"shop","table":"orders","pk":{"@1":-1},"before":null,"after":{"@1":-1},` +
		`"commit_time":null,"source":{"file":"","pos":0,"gtid":null,"server_id":0},"transaction":{"id":"","index":0}}`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestChangeValuesMatchMarshalJSON checks, on every value of the testdata
// binlogs, that change records encode values exactly as
// binlog.Value.MarshalJSON does, and that every record is valid JSON with
// the table's column names.
func TestChangeValuesMatchMarshalJSON(t *testing.T) {
	bins, _ := filepath.Glob("../binlog/testdata/*.binlog")
	if len(bins) == 0 {
		t.Skip("no ../binlog/testdata/*.binlog")
	}
	var values, records int
	for _, bin := range bins {
		fr, err := binlog.Open(bin, nil)
		if err != nil {
			t.Fatal(err)
		}
		for ev, err := range fr.All() {
			if err != nil {
				t.Fatal(err)
			}
			r, ok := ev.Payload.(*binlog.Rows)
			if !ok {
				continue
			}
			for i, row := range r.Rows {
				for _, v := range append(append([]binlog.Value(nil), row.Before...), row.After...) {
					want, _ := v.MarshalJSON()
					if v.Kind() == binlog.KindYear && v.Int() == 0 {
						want = []byte("0")
					}
					got := appendValueJSON(nil, v)
					if !bytes.Equal(got, want) {
						t.Errorf("%s:%d: %v value: appendValueJSON %s, MarshalJSON %s", bin, ev.Offset, v.Kind(), got, want)
					}
					values++
				}
				rec, err := AppendChangeJSON(nil, &Change{File: ev.File, Offset: ev.Offset}, r, i, &ChangeOptions{PositionalNames: true})
				if err != nil {
					t.Fatalf("%s:%d: %v", bin, ev.Offset, err)
				}
				var m struct {
					Op            string
					Before, After map[string]json.RawMessage
				}
				if err := json.Unmarshal(rec, &m); err != nil {
					t.Fatalf("%s:%d: %v in %s", bin, ev.Offset, err, rec)
				}
				for _, img := range []map[string]json.RawMessage{m.Before, m.After} {
					for name := range img {
						if !hasColumn(r.Table, name) {
							t.Errorf("%s:%d: column %q not in %s.%s", bin, ev.Offset, name, r.Table.Schema, r.Table.Table)
						}
					}
				}
				records++
			}
		}
		fr.Close()
	}
	t.Logf("%d records, %d values", records, values)
}

func hasColumn(tm *binlog.TableMap, name string) bool {
	for i, c := range tm.Columns {
		if c.Name == name || c.Name == "" && name == "@"+itoa(i+1) {
			return true
		}
	}
	return false
}

func itoa(i int) string { return string(appendInt(nil, i)) }

func appendInt(dst []byte, i int) []byte {
	if i >= 10 {
		dst = appendInt(dst, i/10)
	}
	return append(dst, byte('0'+i%10))
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", "q\"b\\", "\x00\x1f\t\r\n", "é€😀", "\xff\xfe", "\u2028\u2029", "<&>"} {
		got := jsonstr.Append(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Errorf("%q: %s: %v", s, got, err)
			continue
		}
		want := string(bytes.ToValidUTF8([]byte(s), []byte("\uFFFD")))
		if s == "\xff\xfe" {
			want = "\uFFFD\uFFFD"
		}
		if back != want {
			t.Errorf("%q: round trip gives %q", s, back)
		}
		v := binlog.StringValue([]byte(s), 45)
		if g, w := appendValueJSON(nil, v), mustMarshal(t, v); !bytes.Equal(g, w) {
			t.Errorf("%q: appendValueJSON %s, MarshalJSON %s", s, g, w)
		}
	}
}

func mustMarshal(t *testing.T, v binlog.Value) []byte {
	b, err := v.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
