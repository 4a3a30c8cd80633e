package testserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-mysql-org/go-mysql/client"
)

// Options configures a server. The zero value (or nil) gives the defaults.
type Options struct {
	// RowMetadata is binlog_row_metadata: "FULL" (default), "MINIMAL" or "NO_LOG".
	RowMetadata string
	// RowImage is binlog_row_image: "FULL" (default), "MINIMAL" or "NOBLOB".
	RowImage string
	// ExtraArgs are appended to the mariadbd command line after the
	// harness's own options, so they override them; for example
	// "--log-bin-compress", "--gtid-strict-mode" or "--binlog-checksum=NONE".
	// They must not change what is fixed when the data directory is
	// installed (such as --innodb-page-size): data directories are copied
	// from a template installed with the harness's own settings.
	ExtraArgs []string
	// DefaultCharset keeps the server's compiled-in default character set
	// (latin1, collation latin1_swedish_ci), as a stock install has, instead
	// of the harness's utf8mb4 (utf8mb4_general_ci): databases and tables
	// created without a CHARACTER SET then get latin1. It only changes
	// character_set_server and collation_server, which are runtime
	// settings, so the template data directory is the same either way. The
	// harness's own sessions (Exec, Query, Connect) still use utf8mb4.
	DefaultCharset bool
}

// withDefaults validates o and fills in defaults.
func (o *Options) withDefaults() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	r.RowMetadata = strings.ToUpper(r.RowMetadata)
	r.RowImage = strings.ToUpper(r.RowImage)
	switch r.RowMetadata {
	case "":
		r.RowMetadata = "FULL"
	case "FULL", "MINIMAL", "NO_LOG":
	default:
		return r, fmt.Errorf("testserver: bad RowMetadata %q (want FULL, MINIMAL or NO_LOG)", o.RowMetadata)
	}
	switch r.RowImage {
	case "":
		r.RowImage = "FULL"
	case "FULL", "MINIMAL", "NOBLOB":
	default:
		return r, fmt.Errorf("testserver: bad RowImage %q (want FULL, MINIMAL or NOBLOB)", o.RowImage)
	}
	return r, nil
}

// startTimeout bounds how long a server may take to accept connections.
const startTimeout = 30 * time.Second

// Server is a running private mariadbd. Its methods are safe for
// concurrent use; Exec and Query share one session, so session state (USE,
// SET TIMESTAMP, ...) carries from one call to the next.
type Server struct {
	opts    Options
	bins    binaries
	dir     string // temporary root: datadir, socket, logs, binlogs
	dataDir string
	socket  string
	errLog  string
	port    int

	cmd     *exec.Cmd
	exited  chan struct{} // closed when the process has exited
	waitErr error         // valid after exited is closed

	mu   sync.Mutex
	conn *client.Conn

	closeOnce sync.Once
	closeErr  error
}

// StartServer installs a fresh data directory in a new temporary directory
// and starts mariadbd on it. It returns once the server accepts
// connections. The caller must Close the server.
func StartServer(ctx context.Context, opts *Options) (*Server, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	bins, err := findBinaries()
	if err != nil {
		return nil, fmt.Errorf("testserver: %w", err)
	}
	dir, err := makeTempDir()
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:    o,
		bins:    bins,
		dir:     dir,
		dataDir: filepath.Join(dir, "data"),
		socket:  filepath.Join(dir, "mysqld.sock"),
		errLog:  filepath.Join(dir, "error.log"),
	}
	if err := s.install(ctx); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// The port is picked by listening on :0 and closing, so another process
	// may grab it before mariadbd binds it: retry a few times on bind errors.
	for attempt := 0; ; attempt++ {
		err = s.launch(ctx)
		if err == nil {
			break
		}
		if attempt < 3 && s.bindFailed() {
			continue
		}
		os.RemoveAll(dir)
		return nil, err
	}
	if err := s.setup(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// makeTempDir creates the server's root directory. Unix socket paths are
// limited to about 107 bytes, so a long TMPDIR falls back to /tmp.
func makeTempDir() (string, error) {
	base := os.TempDir()
	if len(base) > 60 {
		base = "/tmp"
	}
	dir, err := os.MkdirTemp(base, "binlogkit-mariadb-")
	if err != nil {
		return "", fmt.Errorf("testserver: %w", err)
	}
	return dir, nil
}

// innodbArgs keep the footprint small; they are passed to the install step
// and to the server alike.
var innodbArgs = []string{
	"--innodb-buffer-pool-size=32M",
	"--innodb-log-file-size=16M",
	"--innodb-log-buffer-size=4M",
	"--innodb-flush-log-at-trx-commit=2",
	"--innodb-doublewrite=0",
}

// currentUser is the --user value: mariadbd refuses to run as root without it.
func currentUser() string {
	if u := os.Getenv("USER"); u != "" && os.Geteuid() != 0 {
		return u
	}
	if os.Geteuid() == 0 {
		return "root"
	}
	return strconv.Itoa(os.Geteuid())
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("testserver: pick a port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) serverArgs() []string {
	args := []string{
		"--no-defaults",
		"--user=" + currentUser(),
		"--datadir=" + s.dataDir,
		"--tmpdir=" + s.dir,
		"--port=" + strconv.Itoa(s.port),
		"--bind-address=127.0.0.1",
		"--skip-networking=0",
		"--socket=" + s.socket,
		"--pid-file=" + filepath.Join(s.dir, "mysqld.pid"),
		"--log-error=" + s.errLog,
		"--log-bin=" + filepath.Join(s.dir, "binlog"),
		"--binlog-format=ROW",
		"--binlog-row-metadata=" + s.opts.RowMetadata,
		"--binlog-row-image=" + s.opts.RowImage,
		"--server-id=1",
		"--default-time-zone=+00:00",
		"--performance-schema=OFF",
		"--skip-name-resolve",
		"--max-connections=64",
		"--max-allowed-packet=256M",
		"--sync-binlog=0",
		"--skip-slave-start",
		"--loose-feedback=OFF",
		"--secure-file-priv=" + s.dir,
	}
	if !s.opts.DefaultCharset {
		args = append(args, "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci")
	}
	args = append(args, innodbArgs...)
	return append(args, s.opts.ExtraArgs...)
}

// launch picks a port, starts mariadbd and waits until it accepts
// connections on its socket.
func (s *Server) launch(ctx context.Context) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	s.port = port
	return s.start(ctx)
}

// start starts mariadbd on s.port and waits until it accepts connections on
// its socket.
func (s *Server) start(ctx context.Context) error {
	os.Remove(s.errLog)
	cmd := exec.Command(s.bins.server, s.serverArgs()...)
	cmd.Dir = s.dir
	cmd.SysProcAttr = sysProcAttr()
	var out bytes.Buffer // stdout/stderr before the error log is open
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("testserver: start %s: %w", s.bins.server, err)
	}
	s.cmd = cmd
	s.exited = make(chan struct{})
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()

	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	var lastErr error
	for {
		select {
		case <-s.exited:
			return fmt.Errorf("testserver: mariadbd exited during startup (%v)%s\n%s", s.waitErr, tail(out.Bytes(), 2000), s.logTail())
		default:
		}
		if _, err := os.Stat(s.socket); err == nil {
			c, err := s.connectSocket(ctx, "")
			if err == nil {
				s.conn = c
				return nil
			}
			lastErr = err
		}
		select {
		case <-ctx.Done():
			s.kill()
			return fmt.Errorf("testserver: mariadbd not ready after %v (last error: %v)\n%s", startTimeout, lastErr, s.logTail())
		case <-s.exited:
		case <-time.After(30 * time.Millisecond):
		}
	}
}

// bindFailed reports whether the last launch failed because the port was taken.
func (s *Server) bindFailed() bool {
	b, _ := os.ReadFile(s.errLog)
	return bytes.Contains(b, []byte("Address already in use")) || bytes.Contains(b, []byte("Bind on TCP/IP port"))
}

// setup runs the harness's own statements, unlogged, so the binary log only
// holds what callers do.
func (s *Server) setup() error {
	return s.Exec(
		"SET SESSION sql_log_bin=0",
		"CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'",
		"GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION",
		"SET SESSION sql_log_bin=1",
	)
}

func (s *Server) connectSocket(ctx context.Context, db string) (*client.Conn, error) {
	return s.connect(ctx, s.socket, db)
}

func (s *Server) connect(ctx context.Context, addr, db string) (*client.Conn, error) {
	c, err := client.ConnectWithContext(ctx, addr, "root", "", db, 5*time.Second)
	if err != nil {
		return nil, err
	}
	// go-mysql announces a MySQL 8 collation id that MariaDB does not know.
	if _, err := c.Execute("SET NAMES utf8mb4 COLLATE utf8mb4_general_ci"); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Connect opens a new session over TCP as root, with db as the default
// database ("" for none). The caller closes it.
func (s *Server) Connect(db string) (*client.Conn, error) {
	c, err := s.connect(context.Background(), s.Addr(), db)
	if err != nil {
		return nil, fmt.Errorf("testserver: connect: %w", err)
	}
	return c, nil
}

// Addr is the server's TCP address, "127.0.0.1:PORT".
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// Port is the server's TCP port.
func (s *Server) Port() int { return s.port }

// Socket is the path of the server's Unix socket.
func (s *Server) Socket() string { return s.socket }

// BinlogDir is the directory holding the binary logs and binlog.index.
func (s *Server) BinlogDir() string { return s.dir }

// DataDir is the server's data directory.
func (s *Server) DataDir() string { return s.dataDir }

// Options returns the options the server was started with, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// ErrorLogTail returns the last few KB of the server's error log, for
// failure messages.
func (s *Server) ErrorLogTail() string { return s.logTail() }

func (s *Server) logTail() string {
	b, err := os.ReadFile(s.errLog)
	if err != nil {
		return fmt.Sprintf("(no error log: %v)", err)
	}
	return "error log tail:\n" + tail(b, 4000)
}

// tail returns the last n bytes of b, starting at a line boundary.
func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return string(b)
}

// Close shuts the server down (SIGTERM, then SIGKILL after 30s) and
// removes its temporary directory, binary logs included. Set
// BINLOGKIT_KEEP_SERVER_DIR=1 to keep the directory for debugging. Close is
// idempotent.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		if s.conn != nil {
			s.conn.Close()
			s.conn = nil
		}
		s.mu.Unlock()
		if s.cmd != nil && s.cmd.Process != nil {
			s.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-s.exited:
			case <-time.After(30 * time.Second):
				s.kill()
				s.closeErr = fmt.Errorf("testserver: mariadbd did not stop within 30s; killed\n%s", s.logTail())
			}
		}
		if os.Getenv("BINLOGKIT_KEEP_SERVER_DIR") == "1" {
			fmt.Fprintf(os.Stderr, "testserver: keeping %s\n", s.dir)
			return
		}
		if err := os.RemoveAll(s.dir); err != nil && s.closeErr == nil {
			s.closeErr = fmt.Errorf("testserver: %w", err)
		}
	})
	return s.closeErr
}

func (s *Server) kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.exited
}

// errClosed is returned by methods called after Close.
var errClosed = errors.New("testserver: server closed")
