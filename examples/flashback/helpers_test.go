package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/internal/testserver"
)

// flashbackCmd runs the command in process and returns its stdout, stderr
// and exit status.
func flashbackCmd(t testing.TB, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = mainContext(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

// mustFlashback runs the command and fails the test unless it exits 0.
func mustFlashback(t testing.TB, args ...string) string {
	t.Helper()
	out, stderr, code := flashbackCmd(t, args...)
	if code != 0 {
		t.Fatalf("flashback %q: exit %d\n%s", args, code, stderr)
	}
	return out
}

// copyTables makes the tables of db hold the rows of the same tables of
// from, unlogged.
func copyTables(t testing.TB, srv *testserver.Server, db, from string, tables []string) {
	t.Helper()
	var sb strings.Builder
	sb.WriteString("SET SESSION sql_log_bin=0;\nSET SESSION sql_mode='';\nSET SESSION foreign_key_checks=0;\n")
	for _, tb := range tables {
		dst, src := testserver.QuoteIdent(db)+"."+testserver.QuoteIdent(tb), testserver.QuoteIdent(from)+"."+testserver.QuoteIdent(tb)
		sb.WriteString("DELETE FROM " + dst + ";\nINSERT INTO " + dst + " SELECT * FROM " + src + ";\n")
	}
	if err := srv.ExecScript(sb.String()); err != nil {
		t.Fatalf("copying %s to %s: %v", from, db, err)
	}
}
