package binlogtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/eventfmt"
)

// Listing returns the events of the binlog file data as the binlogdump
// tool prints them (mysqlbinlog -vv style: "# at" offsets, headers with
// times in UTC, statements, and rows with `name`=value lines), one event
// after another: a text to keep in a golden file or a txtar section and
// diff against. The events of MySQL transaction payloads are listed after
// the payload event. A file that does not read to its end returns the
// listing so far and the reader's error.
func Listing(data []byte) (string, error) {
	r := binlog.NewReader(bytes.NewReader(data), nil)
	var out []byte
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			return string(out), nil
		}
		if err != nil {
			return string(out), err
		}
		out = eventfmt.AppendText(out, ev, &eventfmt.TextOptions{ColumnNames: true})
	}
}

// Golden compares got with the contents of the file at path and reports
// a difference as a test error, showing the first lines that differ. With
// update set it writes got to path instead (creating its directory), so
// that a test run with -update records the golden file:
//
//	var update = flag.Bool("update", false, "rewrite the golden files")
//	...
//	binlogtest.Golden(t, "testdata/orders.golden", got, *update)
//
// The package declares no flag itself.
func Golden(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs (run with -update to rewrite it):\n%s", path, diffLines(string(want), string(got)))
	}
}

// diffLines shows the first differing line of want and got, with two
// lines of context before it.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	var b strings.Builder
	for k := max(0, i-2); k < i; k++ {
		fmt.Fprintf(&b, "  %s\n", w[k])
	}
	for k := i; k < min(len(w), i+3); k++ {
		fmt.Fprintf(&b, "- %s\n", w[k])
	}
	for k := i; k < min(len(g), i+3); k++ {
		fmt.Fprintf(&b, "+ %s\n", g[k])
	}
	fmt.Fprintf(&b, "(first difference at line %d; %d lines wanted, %d got)", i+1, len(w), len(g))
	return b.String()
}
