package binlogtest_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/binlogkit/binlogkit/binlog/binlogtest"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// writeFiles writes the builder's files into a temporary directory and
// returns their paths.
func writeFiles(t testing.TB, b *binlogtest.Builder) []string {
	t.Helper()
	dir := t.TempDir()
	files, err := b.Files()
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range files {
		p := filepath.Join(dir, f.Name)
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// apply runs `mariadb-binlog FILE | mariadb` for each file on srv.
func apply(t testing.TB, srv *testserver.Server, paths ...string) {
	t.Helper()
	for _, p := range paths {
		script := testserver.MariaDBBinlog(t, "--verify-binlog-checksum", p)
		if err := srv.ExecScript(script); err != nil {
			t.Fatalf("applying %s: %v\n%s", p, err, script)
		}
	}
}
