package binlog

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// jdiff encodes one diff as Json_diff::write_binary does.
func jdiff(op JSONDiffOp, path string, doc []byte) []byte {
	b := jlenenc([]byte{byte(op)}, len(path))
	b = append(b, path...)
	if op != JSONRemove {
		b = jlenenc(b, len(doc))
		b = append(b, doc...)
	}
	return b
}

func jlenenc(dst []byte, n int) []byte {
	switch {
	case n < 251:
		return append(dst, byte(n))
	case n < 1<<16:
		return binary.LittleEndian.AppendUint16(append(dst, 0xfc), uint16(n))
	case n < 1<<24:
		return append(dst, 0xfd, byte(n), byte(n>>8), byte(n>>16))
	}
	return binary.LittleEndian.AppendUint64(append(dst, 0xfe), uint64(n))
}

func TestDecodeJSONDiffs(t *testing.T) {
	longPath := "$." + strings.Repeat("k", 300) // 0xfc path length
	data := jdiff(JSONReplace, "$.a", jdoc(1, false))
	data = append(data, jdiff(JSONInsert, "$.b[0]", jdoc(jObj{{"x", jArr{1.5, "s"}}}, false))...)
	data = append(data, jdiff(JSONRemove, "$.c", nil)...)
	data = append(data, jdiff(JSONReplace, longPath, jdoc(strings.Repeat("v", 70000), true))...)
	data = append(data, jdiff(JSONInsert, `$."key with space"[last]`, jdoc(nil, false))...)
	want := []JSONDiff{
		{Op: JSONReplace, Path: "$.a", Value: []byte("1")},
		{Op: JSONInsert, Path: "$.b[0]", Value: []byte(`{"x": [1.5, "s"]}`)},
		{Op: JSONRemove, Path: "$.c"},
		{Op: JSONReplace, Path: longPath, Value: []byte(`"` + strings.Repeat("v", 70000) + `"`)},
		{Op: JSONInsert, Path: `$."key with space"[last]`, Value: []byte("null")},
	}
	got, err := decodeJSONDiffs(data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}

	// With the uint32 length, and bytes after it.
	col := binary.LittleEndian.AppendUint32(nil, uint32(len(data)))
	col = append(col, data...)
	got, n, err := readJSONDiffColumn(append(col, 0xaa, 0xbb))
	if err != nil || n != len(col) {
		t.Fatalf("readJSONDiffColumn: n=%d (want %d), %v", n, len(col), err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("readJSONDiffColumn mismatch (-want +got):\n%s", diff)
	}

	if got, err := decodeJSONDiffs(nil); err != nil || len(got) != 0 {
		t.Errorf("decodeJSONDiffs(empty) = %v, %v; want no diffs", got, err)
	}
}

func TestDecodeJSONDiffsErrors(t *testing.T) {
	good := jdiff(JSONReplace, "$.a", jdoc(1, false))
	tests := []struct {
		name string
		data []byte
	}{
		{"bad op", jdiff(3, "$.a", jdoc(1, false))},
		{"no path length", []byte{0}},
		{"path past end", []byte{0, 5, '$', '.'}},
		{"NULL path length", []byte{2, 0xfb}},
		{"short 0xfc length", []byte{2, 0xfc, 1}},
		{"short 0xfd length", []byte{2, 0xfd, 1, 0}},
		{"short 0xfe length", []byte{2, 0xfe, 1, 0, 0, 0, 0, 0, 0}},
		{"huge 0xfe length", []byte{2, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0x80, '$'}},
		{"huge 0xff length", []byte{2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, '$'}},
		{"no value length", []byte{0, 1, '$'}},
		{"value past end", []byte{1, 1, '$', 3, jsonbLiteral, 0}},
		{"empty value", []byte{1, 1, '$', 0}},
		{"corrupt value", []byte{1, 1, '$', 2, jsonbLiteral, 7}},
		{"good then truncated", append(append([]byte{}, good...), good[:len(good)-1]...)},
		{"good then bad op", append(append([]byte{}, good...), 9)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeJSONDiffs(tt.data)
			if !errors.Is(err, ErrCorrupt) || got != nil {
				t.Fatalf("decodeJSONDiffs(% x) = %v, %v; want ErrCorrupt", tt.data, got, err)
			}
		})
	}
	for _, col := range [][]byte{{1, 0, 0}, {5, 0, 0, 0, 2, 1}} {
		if _, _, err := readJSONDiffColumn(col); !errors.Is(err, ErrCorrupt) {
			t.Errorf("readJSONDiffColumn(% x) = %v; want ErrCorrupt", col, err)
		}
	}
}

func FuzzJSONDiffs(f *testing.F) {
	f.Add([]byte{})
	f.Add(jdiff(JSONRemove, "$.a", nil))
	multi := jdiff(JSONReplace, "$.a", jdoc(jArr{1, "x", 2.5}, false))
	multi = append(multi, jdiff(JSONInsert, "$.b", jdoc(jObj{{"k", jOpaque{246, []byte{3, 1, 0x80, 0x01}}}}, true))...)
	multi = append(multi, jdiff(JSONRemove, "$[0]", nil)...)
	f.Add(multi)
	f.Fuzz(func(t *testing.T, data []byte) {
		diffs, err := decodeJSONDiffs(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error does not wrap ErrCorrupt: %v", err)
			}
			return
		}
		// Re-encode: the diffs must round-trip to the same structure.
		var again []byte
		for _, d := range diffs {
			if d.Op > JSONRemove {
				t.Fatalf("bad op %d", d.Op)
			}
			if (d.Op == JSONRemove) != (d.Value == nil) {
				t.Fatalf("diff %+v: value presence does not match op", d)
			}
			if d.Value != nil && !json.Valid(d.Value) {
				t.Fatalf("invalid JSON value %q", d.Value)
			}
			again = append(again, byte(d.Op))
			again = append(again, d.Path...)
		}
		if len(again) > len(data) {
			t.Fatalf("decoded more than the input holds")
		}
	})
}

// sharedJSONBinlog returns the path of a sample in ../shared/binlogs,
// skipping the test when the samples are absent.
func sharedJSONBinlog(t *testing.T, rel string) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Skip("no caller information")
	}
	p := filepath.Join(filepath.Dir(file), "..", "..", "shared", "binlogs", filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		t.Skipf("sample binlog not available: %v", err)
	}
	return p
}

// TestJSONRealBinlogs decodes the JSON columns and partial-update diffs of
// real MySQL 8 binlogs and checks that every value is valid JSON text. It
// needs the Reader and the rows decoder; the values are logged with -v.
func TestJSONRealBinlogs(t *testing.T) {
	files := []string{
		"rust_mysql_common/json.binlog.000001",
		"rust_mysql_common/json-opaque.binlog",
		"mariadb-11.8.6/std_data/mdev35643_mysql_80_binlog.000001",
	}
	for _, rel := range files {
		t.Run(filepath.Base(rel), func(t *testing.T) {
			path := sharedJSONBinlog(t, rel)
			r, err := Open(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			var docs, diffs int
			for {
				ev, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("Next: %v", err)
				}
				rows, ok := ev.Payload.(*Rows)
				if !ok {
					continue
				}
				for _, row := range rows.Rows {
					for _, img := range [][]Value{row.Before, row.After} {
						for _, v := range img {
							switch v.Kind() {
							case KindJSON:
								docs++
								if !json.Valid(v.Bytes()) {
									t.Errorf("offset %d: invalid JSON %q", ev.Offset, v.Bytes())
								}
								t.Logf("offset %d: %.200s", ev.Offset, v.Bytes())
							case KindJSONDiff:
								for _, d := range v.JSONDiffs() {
									diffs++
									if d.Value != nil && !json.Valid(d.Value) {
										t.Errorf("offset %d: invalid JSON diff value %q", ev.Offset, d.Value)
									}
									t.Logf("offset %d: %v %s %.200s", ev.Offset, d.Op, d.Path, d.Value)
								}
							}
						}
					}
				}
			}
			t.Logf("%d JSON documents, %d diffs", docs, diffs)
			if docs == 0 {
				t.Errorf("no JSON values found")
			}
		})
	}
}
