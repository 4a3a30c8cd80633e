package testserver

import (
	"context"
	"errors"
	"os/exec"
	"testing"
	"time"
)

// MariaDBBinlog returns the output of mariadb-binlog (mysqlbinlog when it
// is missing) run with --no-defaults, args and TZ=UTC, failing tb when it
// reports an error. Without the tool it skips tb, or fails it when the
// server is required (RequireEnv).
func MariaDBBinlog(tb testing.TB, args ...string) string {
	tb.Helper()
	bin, err := exec.LookPath("mariadb-binlog")
	if err != nil {
		if bin, err = exec.LookPath("mysqlbinlog"); err != nil {
			checkAvailable(tb, errors.New("no mariadb-binlog or mysqlbinlog in $PATH"))
			return ""
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"--no-defaults"}, args...)...)
	cmd.Env = append(cmd.Environ(), "TZ=UTC")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			tb.Fatalf("mariadb-binlog %q: %v\n%s", args, err, ee.Stderr)
		}
		tb.Fatalf("mariadb-binlog %q: %v", args, err)
	}
	return string(out)
}

// ApplyBinlogs applies binlog files to s as `mariadb-binlog FILE | mariadb`
// does (checksums verified; logged, so the server gives each transaction
// a GTID of its own), failing tb on an error.
func (s *Server) ApplyBinlogs(tb testing.TB, paths ...string) {
	tb.Helper()
	for _, p := range paths {
		script := MariaDBBinlog(tb, "--verify-binlog-checksum", p)
		if err := s.ExecScript(script); err != nil {
			tb.Fatalf("applying %s: %v\n%.4000s", p, err, script)
		}
	}
}
