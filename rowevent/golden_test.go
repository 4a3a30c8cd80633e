package rowevent

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.txtar from ../binlog/testdata/*.binlog")

// goldenMaxEvents and goldenMaxBytes bound the rows events per golden file,
// to keep the files reviewable.
const (
	goldenMaxEvents = 120
	goldenMaxBytes  = 32 << 10
	// goldenMaxEventSQL: larger event SQL is recorded as a digest.
	goldenMaxEventSQL = 4096
)

func digestIfLarge(b []byte) []byte {
	if len(b) <= goldenMaxEventSQL {
		return b
	}
	return fmt.Appendf(nil, "/* %d bytes, sha256 %x */\n", len(b), sha256.Sum256(b))
}

// TestGolden converts the rows events of every ../binlog/testdata/*.binlog
// (written by internal/cmd/gentestdata) and compares the SQL with
// testdata/NAME.txtar, sections forward.sql and inverse.sql. Run with
// -update to rewrite them.
func TestGolden(t *testing.T) {
	bins, err := filepath.Glob("../binlog/testdata/*.binlog")
	if err != nil {
		t.Fatal(err)
	}
	if len(bins) == 0 {
		t.Skip("no ../binlog/testdata/*.binlog")
	}
	for _, bin := range bins {
		name := strings.TrimSuffix(filepath.Base(bin), ".binlog")
		t.Run(name, func(t *testing.T) {
			fwd, inv := goldenSQL(t, bin)
			got := formatTxtar(goldenComment(name), [][2]string{{"forward.sql", fwd}, {"inverse.sql", inv}})
			path := filepath.Join("testdata", name+".txtar")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./rowevent -run TestGolden -update)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
			}
		})
	}
}

func goldenComment(name string) string {
	return "SQL that rowevent writes for the first rows events (at most " + fmtInt(goldenMaxEvents) + ", about " + fmtInt(goldenMaxBytes>>10) + " KiB) of\n" +
		"../binlog/testdata/" + name + ".binlog, with Options{Position: ...}.\n" +
		"forward.sql: AppendForward per event, in order. inverse.sql: AppendInverse\n" +
		"per event, events in reverse order. When the binlog has no column names\n" +
		"(binlog_row_metadata=NO_LOG), Options.PositionalNames is set. An inverse\n" +
		"that a MINIMAL row image makes impossible is a /* comment */ with the error.\n" +
		"The SQL of an event over " + fmtInt(goldenMaxEventSQL) + " bytes is replaced by its size and SHA-256.\n" +
		"Regenerate: go test ./rowevent -run TestGolden -update\n"
}

func fmtInt(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

func goldenSQL(t *testing.T, path string) (fwd, inv string) {
	fr, err := binlog.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fr.Close()
	var f []byte
	var inverses [][]byte
	gtid := ""
	for len(inverses) < goldenMaxEvents && len(f) < goldenMaxBytes {
		ev, err := fr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch p := ev.Payload.(type) {
		case *binlog.GTID:
			gtid = gtidString(p)
		case *binlog.Rows:
			opts := &Options{Origin: &Origin{Start: ev.Offset, End: ev.NextPos, Time: ev.Time(), GTID: gtid}, InsertBatch: 2}
			if !p.Table.HasNames {
				opts.PositionalNames = true
			}
			fb, err := AppendForward(nil, p, opts)
			if err != nil {
				t.Fatalf("%s@%d: %v", ev.File, ev.Offset, err)
			}
			b, err := AppendInverse(nil, p, opts)
			if errors.Is(err, ErrIncompleteImage) {
				b = []byte("/* " + err.Error() + " */\n")
			} else if err != nil {
				t.Fatalf("%s@%d: %v", ev.File, ev.Offset, err)
			}
			f = append(f, digestIfLarge(fb)...)
			b = digestIfLarge(b)
			inverses = append(inverses, b)
		}
	}
	var ib []byte
	for i := len(inverses) - 1; i >= 0; i-- {
		ib = append(ib, inverses[i]...)
	}
	return Header + string(f), Header + string(ib)
}

func gtidString(g *binlog.GTID) string {
	if g.MariaDB {
		return fmtInt(int(g.Domain)) + "-" + fmtInt(int(g.ServerID)) + "-" + fmtInt(int(g.Sequence))
	}
	return ""
}

// formatTxtar writes a txtar archive (golang.org/x/tools/txtar format).
func formatTxtar(comment string, files [][2]string) string {
	var b bytes.Buffer
	b.WriteString(comment)
	for _, f := range files {
		b.WriteString("-- " + f[0] + " --\n")
		b.WriteString(f[1])
		if !strings.HasSuffix(f[1], "\n") {
			b.WriteString("\n")
		}
	}
	return b.String()
}
