package testserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// RequirePostgresEnv is the environment variable that turns a missing
// PostgreSQL from a skip into a failure; CI sets it to 1.
const RequirePostgresEnv = "BINLOGKIT_REQUIRE_POSTGRES"

// postgresBinDirs are searched for initdb and postgres after PATH: Debian
// keeps them in a versioned directory that is never on PATH.
var postgresBinDirs = []string{
	"/usr/lib/postgresql/18/bin", "/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin",
	"/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/14/bin", "/usr/lib/postgresql/13/bin",
	"/usr/local/pgsql/bin",
}

// PostgresServer is a running private PostgreSQL server: a fresh cluster
// in a temporary directory, listening on a free loopback port and on a Unix
// socket in that directory, with the superuser "postgres" and trust
// authentication (no password).
type PostgresServer struct {
	dir  string
	port int
	cmd  *exec.Cmd
	done chan struct{}
	log  string
}

// findPostgres returns the directory holding initdb, postgres and
// pg_isready (Debian's /usr/lib/postgresql/N/bin).
func findPostgres() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		// Resolve a symbolic link in PATH to the directory that holds
		// the other programs too.
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		return filepath.Dir(p), nil
	}
	for _, d := range postgresBinDirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("testserver: initdb not found in PATH or %v (install Debian's postgresql)", postgresBinDirs)
}

// PostgresAvailable reports whether a PostgreSQL server can be started:
// nil when initdb and postgres are found.
func PostgresAvailable() error {
	_, err := findPostgres()
	return err
}

// Postgres starts a PostgreSQL server for the test and stops it when the
// test ends. Without PostgreSQL it skips the test, or fails it when
// BINLOGKIT_REQUIRE_POSTGRES=1.
func Postgres(tb testing.TB) *PostgresServer {
	tb.Helper()
	if err := PostgresAvailable(); err != nil {
		if os.Getenv(RequirePostgresEnv) == "1" {
			tb.Fatalf("%v (%s=1)", err, RequirePostgresEnv)
		}
		tb.Skipf("skipping: %v", err)
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := StartPostgres(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Error(err)
		}
	})
	return s
}

// StartPostgres runs initdb in a new temporary directory and starts
// postgres on it; it returns once the server accepts connections. When the
// process runs as root, both run as the user nobody (PostgreSQL refuses to
// run as root), and the directory belongs to nobody. The caller must Close
// the server.
func StartPostgres(ctx context.Context) (*PostgresServer, error) {
	bin, err := findPostgres()
	if err != nil {
		return nil, err
	}
	base := os.TempDir()
	if len(base) > 60 {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "binlogkit-pg-")
	if err != nil {
		return nil, fmt.Errorf("testserver: %w", err)
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		cred = &syscall.Credential{Uid: 65534, Gid: 65534}
		if err := os.Chown(dir, 65534, 65534); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("testserver: %w", err)
		}
	}
	attr := func() *syscall.SysProcAttr {
		a := sysProcAttr()
		a.Credential = cred
		return a
	}
	data := filepath.Join(dir, "data")
	init := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres",
		"--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync")
	init.SysProcAttr = attr()
	init.Dir = dir
	if out, err := init.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("testserver: initdb: %v\n%s", err, out)
	}
	for attempt := 0; ; attempt++ {
		port, err := freePort()
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		s := &PostgresServer{dir: dir, port: port, done: make(chan struct{}), log: filepath.Join(dir, "postgres.log")}
		logf, err := os.Create(s.log)
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("testserver: %w", err)
		}
		if cred != nil {
			os.Chown(s.log, 65534, 65534)
		}
		s.cmd = exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(port),
			"-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=50",
			"-c", "shared_buffers=32MB", "-c", "logging_collector=off")
		s.cmd.SysProcAttr = attr()
		s.cmd.Stdout, s.cmd.Stderr = logf, logf
		s.cmd.Dir = dir
		if err := s.cmd.Start(); err != nil {
			logf.Close()
			os.RemoveAll(dir)
			return nil, fmt.Errorf("testserver: postgres: %w", err)
		}
		go func() { s.cmd.Wait(); logf.Close(); close(s.done) }()
		err = s.waitReady(ctx, bin)
		if err == nil {
			return s, nil
		}
		s.stop()
		if attempt < 3 && bytes.Contains(s.logTail(), []byte("could not bind")) {
			continue
		}
		err = fmt.Errorf("%w\n%s", err, s.logTail())
		os.RemoveAll(dir)
		return nil, err
	}
}

// waitReady polls pg_isready until the server accepts connections.
func (s *PostgresServer) waitReady(ctx context.Context, bin string) error {
	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case <-s.done:
			return errors.New("testserver: postgres exited at start")
		default:
		}
		c := exec.CommandContext(ctx, filepath.Join(bin, "pg_isready"), "-q", "-h", s.dir, "-p", strconv.Itoa(s.port))
		out, err := c.CombinedOutput()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("testserver: postgres not ready after %v: pg_isready: %v %s", startTimeout, err, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *PostgresServer) logTail() []byte {
	b, _ := os.ReadFile(s.log)
	if len(b) > 4096 {
		b = b[len(b)-4096:]
	}
	return b
}

// stop shuts postgres down (fast shutdown: SIGINT, then SIGKILL after 30s).
func (s *PostgresServer) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// Port is the server's TCP port on 127.0.0.1.
func (s *PostgresServer) Port() int { return s.port }

// Dir is the server's temporary directory, which holds its Unix socket.
func (s *PostgresServer) Dir() string { return s.dir }

// URL returns the connection URL of database db ("postgres" when empty)
// as the superuser over TCP: postgres://postgres@127.0.0.1:PORT/db?sslmode=disable.
func (s *PostgresServer) URL(db string) string {
	if db == "" {
		db = "postgres"
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.port, db)
}

// Close stops the server and removes its directory. It is idempotent.
func (s *PostgresServer) Close() error {
	if s.dir == "" {
		return nil
	}
	s.stop()
	err := os.RemoveAll(s.dir)
	s.dir = ""
	return err
}
