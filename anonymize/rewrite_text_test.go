package anonymize_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/binlogkit/binlogkit/anonymize"
)

// TestRewriteSQLCuts masks scripts whose statements span lines, hold ";"
// and line breaks in strings and comments, and end without a line feed:
// the output keeps everything but the values, whatever the read sizes.
func TestRewriteSQLCuts(t *testing.T) {
	script := "-- a comment; 13912345678 is not cut here\n" +
		"INSERT INTO t VALUES ('a;b\n13912345678\n;c', \"alice@example.com\");\n" +
		"/* multi-line ; comment\n */ UPDATE t SET x = 'bob@example.org'\n WHERE y = ';';\n" +
		"# hash comment ;\n" +
		"SELECT 'tail 13912345678'"
	m := testMasker(t)
	var whole bytes.Buffer
	n, err := anonymize.RewriteSQL(&whole, strings.NewReader(script), m, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(whole.Len()) {
		t.Errorf("RewriteSQL returned %d bytes written, wrote %d", n, whole.Len())
	}
	got := whole.String()
	for _, v := range []string{"13912345678'", "alice@example.com", "bob@example.org", "'tail 13912345678'"} {
		if strings.Contains(got, v) {
			t.Errorf("the output holds %q:\n%s", v, got)
		}
	}
	for _, keep := range []string{"-- a comment; ", " is not cut here\n", "INSERT INTO t VALUES ('a;b\n", "/* multi-line ; comment\n */ UPDATE t SET x = '", " WHERE y = ';';\n# hash comment ;\nSELECT '"} {
		if !strings.Contains(got, keep) {
			t.Errorf("the output lost %q:\n%s", keep, got)
		}
	}
	// Reading one byte at a time gives the same output: cuts never depend
	// on how the input arrives.
	var slow bytes.Buffer
	if _, err := anonymize.RewriteSQL(&slow, iotest.OneByteReader(strings.NewReader(script)), testMasker(t), nil); err != nil {
		t.Fatal(err)
	}
	if slow.String() != got {
		t.Errorf("one byte at a time:\n%s\nwant:\n%s", slow.String(), got)
	}
	// The same masker gives the same output for every statement alone.
	var each bytes.Buffer
	for _, st := range []string{"INSERT INTO t VALUES ('a;b\n13912345678\n;c', \"alice@example.com\");"} {
		if _, err := anonymize.RewriteSQL(&each, strings.NewReader(st), testMasker(t), nil); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(got, each.String()) {
		t.Errorf("a statement masked alone gives %q, not in the whole output", each.String())
	}
}

func TestRewriteSQLTooLarge(t *testing.T) {
	script := "SELECT 1;\nINSERT INTO t VALUES ('" + strings.Repeat("x", 5000) + "');\n"
	_, err := anonymize.RewriteSQL(&bytes.Buffer{}, strings.NewReader(script), testMasker(t), &anonymize.TextOptions{MaxStatement: 1000})
	if !errors.Is(err, anonymize.ErrStatementTooLarge) || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("err = %v, want ErrStatementTooLarge at line 2", err)
	}
	// An unterminated quote runs to the end of the input: masked as one
	// piece, not an error.
	var out bytes.Buffer
	if _, err := anonymize.RewriteSQL(&out, strings.NewReader("SELECT 'open;\nquote"), testMasker(t), nil); err != nil {
		t.Errorf("unterminated quote: %v", err)
	}
}
