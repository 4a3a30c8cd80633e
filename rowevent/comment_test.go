package rowevent

import (
	"strings"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// hostileGTIDs are GTID texts a caller may pass in Position (binlog
// refuses such tags, but rowevent's callers are not all binlog's Reader).
var hostileGTIDs = []string{
	"x\nDROP DATABASE victimdb; -- ",
	"x\rDROP DATABASE victimdb; -- ",
	"x\r\nDROP DATABASE victimdb; -- ",
	"x */ DROP DATABASE victimdb; /* ",
	`x\`,
	"x\x00y\x1b[2J",
}

// TestPositionCommentOneLine checks that the position comment keeps every
// statement on one line whatever its GTID holds: each line is one
// statement, and the comment ends the line.
func TestPositionCommentOneLine(t *testing.T) {
	pk := testTable([]int{0})
	ins := &binlog.Rows{Kind: binlog.Insert, Table: pk, Rows: []binlog.Row{{After: row(1, "a", 1.5)}, {After: row(2, "b\nc", 2)}}}
	upd := &binlog.Rows{Kind: binlog.Update, Table: pk, Rows: []binlog.Row{{Before: row(1, "a", 1.5), After: row(10, "a", 1.5)}}}
	del := &binlog.Rows{Kind: binlog.Delete, Table: pk, Rows: []binlog.Row{{Before: row(1, "", 1.5)}}}
	for _, gtid := range hostileGTIDs {
		pos := &Origin{Start: 4, End: 120, Time: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), GTID: gtid}
		want := " #start 4 end 120 time 2024-05-01 12:00:00 gtid " + escapedGTID(gtid) + "\n"
		for _, rows := range []*binlog.Rows{ins, upd, del} {
			for _, inverse := range []bool{false, true} {
				f := AppendForward
				if inverse {
					f = AppendInverse
				}
				out, err := f(nil, rows, &Options{Origin: pos})
				if err != nil {
					t.Fatal(err)
				}
				lines := strings.SplitAfter(strings.TrimSuffix(string(out), "\n"), "\n")
				if len(lines) != len(rows.Rows) {
					t.Errorf("GTID %q, %v inverse=%v: %d lines for %d rows:\n%s", gtid, rows.Kind, inverse, len(lines), len(rows.Rows), out)
					continue
				}
				for _, l := range lines {
					if !strings.HasSuffix(l+"\n", ";"+want) && !strings.HasSuffix(l, ";"+want) {
						t.Errorf("GTID %q, %v inverse=%v: line %q does not end with %q", gtid, rows.Kind, inverse, l, ";"+want)
					}
					if strings.ContainsRune(strings.TrimSuffix(l, "\n"), '\r') || strings.Contains(l, "*/") {
						t.Errorf("GTID %q: line %q holds a carriage return or */", gtid, l)
					}
				}
			}
		}
	}
}

// escapedGTID is what the position comment shows of gtid.
func escapedGTID(gtid string) string {
	r := strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`, "*/", `*\/`, "\x00", `\x00`, "\x1b", `\x1b`)
	return r.Replace(gtid)
}

// TestPositionCommentApplied applies statements whose position comment
// holds a hostile GTID to a real server, and checks that only they ran:
// the victim database is still there, the rows are.
func TestPositionCommentApplied(t *testing.T) {
	srv := testserver.Start(t, nil)
	if err := srv.Exec("CREATE DATABASE victimdb", "CREATE TABLE victimdb.v (id INT PRIMARY KEY)",
		"INSERT INTO victimdb.v VALUES (1)", "CREATE DATABASE db", "CREATE TABLE db.`t``1` (id INT PRIMARY KEY, name VARCHAR(20), f DOUBLE)"); err != nil {
		t.Fatal(err)
	}
	sum, err := srv.Checksum("victimdb.v")
	if err != nil {
		t.Fatal(err)
	}
	pk := testTable([]int{0})
	script := []byte(Header)
	for i, gtid := range hostileGTIDs {
		rows := &binlog.Rows{Kind: binlog.Insert, Table: pk, Rows: []binlog.Row{{After: row(int64(i+1), "a", 1.5)}}}
		if script, err = AppendForward(script, rows, &Options{Origin: &Origin{Start: 4, End: 120, GTID: gtid}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.ExecScript(string(script)); err != nil {
		t.Fatalf("%v\nscript:\n%s", err, script)
	}
	if got, err := srv.Checksum("victimdb.v"); err != nil || got != sum {
		t.Fatalf("victimdb.v: checksum %q, %v; want %q (the script ran a statement of its comments)\nscript:\n%s", got, err, sum, script)
	}
	n, err := srv.QueryValue("SELECT COUNT(*) FROM db.`t``1`")
	if err != nil || n != "6" {
		t.Fatalf("db.t`1 has %s rows (%v); want 6", n, err)
	}
}
