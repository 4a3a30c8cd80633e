package rowevent

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
)

// TestPartialJSONUpdate reads MySQL 8 PARTIAL_UPDATE_ROWS events from the
// shared samples and checks that forward SQL applies every diff, first
// diff innermost, and inverse SQL restores the full before image.
func TestPartialJSONUpdate(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "binlogs", "rust_mysql_common", "json.binlog.000001")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("shared binlogs not found: %v", err)
	}
	r, err := binlog.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	partial := 0
	for {
		ev, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rows, ok := ev.Payload.(*binlog.Rows)
		if !ok || !rows.Partial {
			continue
		}
		opts := &Options{PositionalNames: true}
		fwd, err := Forward(rows, opts)
		if err != nil {
			t.Fatalf("offset %d: forward: %v", ev.Offset, err)
		}
		inv, err := Inverse(rows, opts)
		if errors.Is(err, ErrIncompleteImage) {
			// binlog_row_image=MINIMAL: the before image lacks the old
			// document, so there is nothing to restore it from.
			inv = ""
		} else if err != nil {
			t.Fatalf("offset %d: inverse: %v", ev.Offset, err)
		}
		for _, row := range rows.Rows {
			for _, v := range row.After {
				if v.Kind() != binlog.KindJSONDiff {
					continue
				}
				partial++
				d := v.JSONDiffs()
				if !strings.Contains(fwd, d[0].Op.String()+"(") || !strings.Contains(fwd, "AS JSON)") {
					t.Errorf("offset %d: forward SQL does not apply the diffs:\n%s", ev.Offset, fwd)
				}
			}
		}
		if strings.Contains(inv, "JSON_REPLACE(") || strings.Contains(inv, "JSON_REMOVE(") {
			t.Errorf("offset %d: inverse SQL should restore the whole before value:\n%s", ev.Offset, inv)
		}
	}
	if partial == 0 {
		t.Fatal("no partial JSON update found in the sample")
	}
}

func TestJSONDiffExpression(t *testing.T) {
	b := &builder{names: []string{"id", "doc"}}
	v := binlog.JSONDiffValue([]binlog.JSONDiff{
		{Op: binlog.JSONReplace, Path: "$.a", Value: []byte(`1`)},
		{Op: binlog.JSONInsert, Path: "$.b", Value: []byte(`"x"`)},
		{Op: binlog.JSONRemove, Path: "$.c"},
	})
	got := string(b.jsonDiff(nil, v, 1))
	want := "JSON_REMOVE(JSON_INSERT(JSON_REPLACE(`doc`, '$.a', CAST('1' AS JSON)), '$.b', CAST('\"x\"' AS JSON)), '$.c')"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
