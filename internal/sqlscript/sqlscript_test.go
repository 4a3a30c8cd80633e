package sqlscript

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

func TestAppendComment(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"0-1-7", "0-1-7"},
		{"3e11fa47-71ca-11e1-9e33-c80aa9429562:tag_1:5", "3e11fa47-71ca-11e1-9e33-c80aa9429562:tag_1:5"},
		{"x\nDROP DATABASE victimdb; -- ", `x\nDROP DATABASE victimdb; -- `},
		{"a\r\nb", `a\r\nb`},
		{"end */ DROP TABLE t; /*", `end *\/ DROP TABLE t; /*`},
		{`C:\dir`, `C:\\dir`},
		{"tab\there\x00\x1b\x7f", "tab\there\\x00\\x1b\\x7f"},
		{"émile 李四", "émile 李四"},
		{"**/", `**\/`},
		{"*", "*"},
	} {
		got := string(AppendComment([]byte("# "), tc.in))
		if got != "# "+tc.want {
			t.Errorf("AppendComment(%q) = %q, want %q", tc.in, got, "# "+tc.want)
		}
		if strings.ContainsAny(got, "\r\n") || strings.Contains(got, "*/") {
			t.Errorf("AppendComment(%q) = %q: a line break or */ remains", tc.in, got)
		}
	}
}

func TestAppendCommentLines(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"INSERT INTO t VALUES (1)", "#Q> INSERT INTO t VALUES (1)\n"},
		{"a\nDROP DATABASE victimdb; -- x\r\nb\rc\n", "#Q> a\n#Q> DROP DATABASE victimdb; -- x\n#Q> b\n#Q> c\n"},
		{"\n\n", "#Q> \n#Q> \n"},
		{"bell\x07\ttab", "#Q> bell\\x07\ttab\n"},
	} {
		if got := string(AppendCommentLines(nil, "#Q> ", tc.in)); got != tc.want {
			t.Errorf("AppendCommentLines(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestAppendUse(t *testing.T) {
	for _, tc := range []struct{ db, want string }{
		{"shop", "USE `shop`"},
		{"a`b", "USE `a``b`"},
		{"a\nb", "USE `a\nb`"},
		{`a\b`, "USE`a\\b`"},
	} {
		if got := string(AppendUse(nil, "USE", tc.db)); got != tc.want {
			t.Errorf("AppendUse(%q) = %q, want %q", tc.db, got, tc.want)
		}
	}
}

func TestAppendStatement(t *testing.T) {
	for _, tc := range []struct {
		text, delim string
		ownLine     bool
		want        string // "" : ErrUnsafe
	}{
		{"CREATE TABLE t (a INT)", ";", false, "CREATE TABLE t (a INT);\n"},
		{"CREATE TABLE t (a INT)", MysqlbinlogDelimiter, true, "CREATE TABLE t (a INT)\n/*!*/;\n"},
		{"CREATE TABLE t (a INT) -- made", ";", false, "CREATE TABLE t (a INT) -- made\n;\n"},
		{"CREATE TABLE t (a INT) # made", ";", false, "CREATE TABLE t (a INT) # made\n;\n"},
		{"CREATE TABLE t (a INT) --", ";", false, "CREATE TABLE t (a INT) --\n;\n"},
		{"SELECT 1 --x", ";", false, "SELECT 1 --x;\n"},
		{"CREATE TABLE t (a INT) /* c */", ";", false, "CREATE TABLE t (a INT) /* c */;\n"},
		{"CREATE PROCEDURE p() BEGIN SELECT 1; DELETE FROM victim; END", ";", false,
			"DELIMITER /*!*/;\nCREATE PROCEDURE p() BEGIN SELECT 1; DELETE FROM victim; END\n/*!*/;\nDELIMITER ;\n"},
		{"CREATE PROCEDURE p() BEGIN SELECT 1; END -- x", ";", false,
			"DELIMITER /*!*/;\nCREATE PROCEDURE p() BEGIN SELECT 1; END -- x\n/*!*/;\nDELIMITER ;\n"},
		{"SELECT '/*!*/;'", MysqlbinlogDelimiter, true, "DELIMITER /*!*/;;\nSELECT '/*!*/;'\n/*!*/;;\nDELIMITER /*!*/;\n"},
		{"SELECT '/*!*/;;;', ';'", ";", false, "DELIMITER /*!*/;;;;\nSELECT '/*!*/;;;', ';'\n/*!*/;;;;\nDELIMITER ;\n"},
		{"SELECT '/*!*/;" + strings.Repeat(";", 12) + "'", ";", false,
			"DELIMITER $\nSELECT '/*!*/;" + strings.Repeat(";", 12) + "'\n$\nDELIMITER ;\n"},
		{"SELECT 'DELIMITER ;\nDROP DATABASE victimdb'", ";", false,
			"DELIMITER /*!*/;\nSELECT 'DELIMITER ;\nDROP DATABASE victimdb'\n/*!*/;\nDELIMITER ;\n"},
		{"SELECT 'DELIMITER x\nDROP DATABASE victimdb x'", ";", false, "SELECT 'DELIMITER x\nDROP DATABASE victimdb x';\n"},
		{"SELECT 'it''s', 'a\\'b', \"x\\\"y\", `c``d`, \\N", ";", false, "SELECT 'it''s', 'a\\'b', \"x\\\"y\", `c``d`, \\N;\n"},
		{"SELECT 1\n", ";", false, "SELECT 1\n;\n"},
		{"/*!50003 CREATE*/ /*!50003 TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1 */", ";", false,
			"/*!50003 CREATE*/ /*!50003 TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.a = 1 */;\n"},
		{"-- note\nCREATE TABLE t (a INT)", ";", false, "-- note\nCREATE TABLE t (a INT);\n"},
		{"INSERT INTO t VALUES ('\\\n')", ";", false, "INSERT INTO t VALUES ('\\\n');\n"},

		// The client would go on reading the script into the text.
		{"SELECT 'a", ";", false, ""},
		{"SELECT 'a\\'", ";", false, ""},
		{"SELECT `a", ";", false, ""},
		{"SELECT \"a", ";", false, ""},
		{"SELECT 1 /* a", ";", false, ""},
		{"SELECT 1 /*! 2 /* a */ , 3", ";", false, ""}, // the client's ss_comment: */ ends the /*!, not the /*
		// Client commands.
		{"SELECT 1 \\! touch /tmp/pwned", ";", false, ""},
		{"SELECT 1 /*!99999 \\! touch /tmp/pwned */", ";", false, ""},
		{"SELECT 1 \\g DROP DATABASE victimdb", ";", false, ""},
		{"SELECT '\\\x00' ", ";", false, ""},
		{"system touch /tmp/pwned", ";", false, ""},
		{"  SYSTEM touch /tmp/pwned", ";", false, ""},
		{"/* c */ system touch /tmp/pwned", ";", false, ""},
		{"-- c\nsource /etc/passwd", ";", false, ""},
		{"# c\nquit", ";", false, ""},
		{"delimiter x", ";", false, ""},
		{"use victimdb", ";", false, ""},
		{"? contents", ";", false, ""},
		{"--x\nDROP DATABASE victimdb", ";", false, ""},
	} {
		got, err := AppendStatement([]byte("#\n"), tc.text, tc.delim, tc.ownLine)
		if tc.want == "" {
			if !errors.Is(err, ErrUnsafe) || string(got) != "#\n" {
				t.Errorf("AppendStatement(%q) = %q, %v; want ErrUnsafe and dst unchanged", tc.text, got, err)
			}
			continue
		}
		if err != nil || string(got) != "#\n"+tc.want {
			t.Errorf("AppendStatement(%q, %q) = %q, %v; want %q", tc.text, tc.delim, got, err, "#\n"+tc.want)
		}
	}
}

// clientPath returns the mariadb (or mysql) command-line client, skipping
// the test when there is none.
func clientPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"mariadb", "mysql"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no mariadb or mysql client")
	return ""
}

// TestClientReadsOneStatement runs statements written by AppendStatement
// through the real mariadb client, in its default mode and with
// --binary-mode (testserver.ExecScript's), and checks that each ran whole
// and alone: the rows printed are those of the text, then of the SELECT
// written after it.
func TestClientReadsOneStatement(t *testing.T) {
	client := clientPath(t)
	srv := testserver.Start(t, nil)
	for _, tc := range []struct{ text, want string }{
		{"SELECT 'a;b'", "a;b"},
		{"SELECT 1 -- x", "1"},
		{"SELECT 2 # x", "2"},
		{"SELECT 3 /* x; */", "3"},
		{"SELECT 4 --", "4"},
		{"SELECT '/*!*/;' AS x", "/*!*/;"},
		{"SELECT 'x\nDELIMITER ;\nSELECT 9' AS x", `x\nDELIMITER ;\nSELECT 9`},
		{"SELECT `a;b` FROM (SELECT 1 AS `a;b`) t", "1"},
		{"SELECT \"x;\\\"y\"", `x;"y`},
		{"BEGIN NOT ATOMIC SELECT 4; SELECT 5; END", "4\n5"},
		{"SELECT 6 /*! , 7 */", "6\t7"},
		{"SELECT 8 -- ;\n, 9", "8\t9"},
		{"SELECT 10 -- x\n", "10"},
		{"-- lead\n/* lead */ SELECT 11", "11"},
		{"SELECT 'a\\'; SELECT 12; -- '", "a'; SELECT 12; -- "},
		{"SELECT '" + "/*!*/;" + strings.Repeat(";", 12) + "'", "/*!*/;" + strings.Repeat(";", 12)},
	} {
		for _, mode := range []string{"", "--binary-mode"} {
			script, err := AppendStatement([]byte("SELECT 'start';\n"), tc.text, ";", false)
			if err != nil {
				t.Errorf("AppendStatement(%q): %v", tc.text, err)
				break
			}
			script = append(script, "SELECT 'end';\n"...)
			args := []string{"--no-defaults", "--socket=" + srv.Socket(), "--user=root", "--batch",
				"--skip-column-names", "--default-character-set=utf8mb4"}
			if mode != "" {
				args = append(args, mode)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			cmd := exec.CommandContext(ctx, client, args...)
			cmd.Stdin = strings.NewReader(string(script))
			out, err := cmd.CombinedOutput()
			cancel()
			if err != nil {
				t.Errorf("client %s on %q: %v\n%s", mode, script, err, out)
				continue
			}
			if diff := cmp.Diff("start\n"+tc.want+"\nend\n", string(out)); diff != "" {
				t.Errorf("client %s on %q: mismatch (-want +got):\n%s", mode, script, diff)
			}
		}
	}
}

func TestHasSemicolon(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"BEGIN", false},
		{"SAVEPOINT `a;b`", false},
		{"SAVEPOINT 'a;b' -- ;\n# ;\n/* ; */", false},
		{"BEGIN; DROP DATABASE victimdb", true},
		{"SAVEPOINT a /*! ; */", true},
		{"CREATE PROCEDURE p() BEGIN SELECT 1; END", true},
	} {
		if got := HasSemicolon(tc.text); got != tc.want {
			t.Errorf("HasSemicolon(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
