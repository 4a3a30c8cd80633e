package binlogtest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog/binlogtest"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// mariadbBinlog returns the output of mariadb-binlog for the file path,
// failing the test when it reports an error.
func mariadbBinlog(t testing.TB, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("mariadb-binlog")
	if err != nil {
		t.Skip("no mariadb-binlog")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"--no-defaults"}, args...)...)
	cmd.Env = append(cmd.Environ(), "TZ=UTC")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("mariadb-binlog %q: %v\n%s", args, err, ee.Stderr)
		}
		t.Fatalf("mariadb-binlog %q: %v", args, err)
	}
	return string(out)
}

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
		script := mariadbBinlog(t, "--verify-binlog-checksum", p)
		if err := srv.ExecScript(script); err != nil {
			t.Fatalf("applying %s: %v\n%s", p, err, script)
		}
	}
}
