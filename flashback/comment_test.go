package flashback

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testbinlog"
	"github.com/binlogkit/binlogkit/rowevent"
)

// TestPositionCommentStaysComment writes the inverse of crafted rows
// events whose position comments hold GTIDs with line breaks and comment
// terminators (a caller's text: flashback takes Position as given): every
// statement must stay one line with its comment, and the statement count
// must be the row count.
func TestPositionCommentStaysComment(t *testing.T) {
	b := testbinlog.New(testbinlog.MariaDB)
	b.MariaGTID(0, 1, false).Query("app", "BEGIN").TableMap(5, "app", "t").
		WriteRows(5, testbinlog.Row{ID: 1, V: "a\nb"}, testbinlog.Row{ID: 2, V: "*/"}).XID(7)
	r := binlog.NewReader(bytes.NewReader(b.Bytes()), &binlog.ReaderOptions{Name: "bin\n.000001"})
	var out bytes.Buffer
	w := NewWriter(&out, &Options{TempDir: t.TempDir()})
	gtids := []string{"0-1-1\nDROP DATABASE victimdb; -- ", "0-1-1\r\nDROP DATABASE victimdb; -- ", "0-1-1 */ DROP DATABASE victimdb /*"}
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range gtids {
			if err := w.WriteEvent(ev, &rowevent.Origin{Start: ev.Offset, End: ev.NextPos, GTID: g}); err != nil {
				t.Fatal(err)
			}
		}
	}
	st := w.Stats()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if st.Statements != int64(2*len(gtids)) {
		t.Errorf("Stats().Statements = %d, want %d", st.Statements, 2*len(gtids))
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2*len(gtids) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), 2*len(gtids), out.String())
	}
	for _, l := range lines {
		_, comment, ok := strings.Cut(l, "; #start ")
		if !strings.HasPrefix(l, "DELETE FROM `app`.`t` WHERE ") || !ok || strings.ContainsAny(comment, "\r") || strings.Contains(comment, "*/") {
			t.Errorf("line %q: want one DELETE with its comment, the comment without CR or */", l)
		}
	}
}
