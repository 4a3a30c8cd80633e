package testserver

import (
	"context"
	"os"
	"testing"
)

// RequireEnv is the environment variable that turns a missing server from
// a skip into a failure; CI sets it to 1.
const RequireEnv = "BINLOGKIT_REQUIRE_SERVER"

// Start starts a server for the test and closes it when the test ends. When
// mariadbd is not installed it skips the test, or fails it when
// BINLOGKIT_REQUIRE_SERVER=1.
func Start(tb testing.TB, opts *Options) *Server {
	tb.Helper()
	if !checkAvailable(tb, Available()) {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*startTimeout)
	defer cancel()
	s, err := StartServer(ctx, opts)
	if err != nil {
		tb.Fatalf("%v", err)
		return nil
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("%v", err)
		}
	})
	return s
}

// checkAvailable skips or fails tb when avail is not nil and reports
// whether the test may go on.
func checkAvailable(tb testing.TB, avail error) bool {
	tb.Helper()
	if avail == nil {
		return true
	}
	if os.Getenv(RequireEnv) == "1" {
		tb.Fatalf("mariadbd not found and %s=1: %v", RequireEnv, avail)
		return false
	}
	tb.Skipf("mariadbd not found: install mariadb-server (apt-get install mariadb-server) or set %s=1 to fail instead: %v", RequireEnv, avail)
	return false
}
