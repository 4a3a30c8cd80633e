package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/live"
	"github.com/binlogkit/binlogkit/internal/cliflag"
	"github.com/binlogkit/binlogkit/internal/schemaload"
	"github.com/go-mysql-org/go-mysql/client"
)

// place says where an event is relative to the selected range.
type place int

const (
	inside place = iota
	before       // skip it
	after        // stop before it
)

// input is where run reads events from: files or a live server.
type input interface {
	Next() (*binlog.Event, error)
	Close() error
	// place tells where ev lies relative to the start and stop positions.
	place(ev *binlog.Event) place
	// last reports whether ev, now handled, is the last event to read.
	last(ev *binlog.Event) bool
}

func openInput(ctx context.Context, cfg *config, ropts *binlog.ReaderOptions) (input, error) {
	if cfg.live() {
		return openLive(ctx, cfg, ropts)
	}
	paths, err := cliflag.ExpandPaths(cfg.files)
	if err != nil {
		return nil, err
	}
	if paths, err = cliflag.SelectFiles(paths, cfg.startFile, cfg.stopFile); err != nil {
		return nil, err
	}
	cr, err := binlog.OpenChain(paths, ropts)
	if err != nil {
		return nil, err
	}
	return &fileInput{ChainReader: cr, n: len(paths), startPos: cfg.startPos, stopPos: cfg.stopPos,
		started: cfg.startPos == 0, index: -1}, nil
}

// fileInput reads a chain of files.
type fileInput struct {
	*binlog.ChainReader
	n                 int // files in the chain
	startPos, stopPos int64
	started           bool
	cur               string
	index             int // index in the chain of the current file
}

func (f *fileInput) place(ev *binlog.Event) place {
	if f.index < 0 || ev.File != f.cur {
		f.cur = ev.File
		f.index++
	}
	if !f.started {
		if f.index == 0 && ev.Offset < f.startPos {
			return before
		}
		f.started = true
	}
	if f.stopPos > 0 && f.index == f.n-1 && ev.Offset >= f.stopPos {
		return after
	}
	return inside
}

func (f *fileInput) last(*binlog.Event) bool { return false }

// liveInput reads a server's binlogs over the replication protocol.
type liveInput struct {
	*live.Stream
	stopFile string
	stopPos  int64
	eofFile  string // "" with --stop-never
	eofPos   int64
}

func (l *liveInput) place(ev *binlog.Event) place {
	if ev.File == "" {
		return inside
	}
	if l.stopFile != "" {
		c := binlog.CompareFileNames(ev.File, l.stopFile)
		if c > 0 || (c == 0 && l.stopPos > 0 && ev.Offset >= l.stopPos) {
			return after
		}
	}
	if l.eofFile != "" {
		c := binlog.CompareFileNames(ev.File, l.eofFile)
		if c > 0 || (c == 0 && ev.Offset >= l.eofPos) {
			return after
		}
	}
	if _, ok := ev.Payload.(*binlog.Heartbeat); ok {
		// Not in the log: nothing to print.
		return before
	}
	return inside
}

func (l *liveInput) last(ev *binlog.Event) bool {
	return l.eofFile != "" && ev.File == l.eofFile && ev.NextPos >= l.eofPos
}

// serverAddr returns the go-mysql address of -h and -P.
func (cfg *config) serverAddr() string { return cliflag.HostPort(cfg.host, cfg.port) }

// connect opens a client session to addr.
func connect(addr, user, password string) (*client.Conn, error) {
	c, err := client.ConnectWithTimeout(addr, user, password, "", 10*time.Second)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", addr, err)
	}
	// go-mysql announces a MySQL 8 collation MariaDB lacks: be explicit.
	if _, err := c.Execute("SET NAMES utf8mb4"); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// queryRow returns the first row of q as strings (nil when q returns none).
// The strings are copies: go-mysql's GetString aliases the result set's
// buffer, which Close hands back to a pool for the next query to overwrite.
func queryRow(c *client.Conn, q string) ([]string, error) {
	r, err := c.Execute(q)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", q, err)
	}
	defer r.Close()
	if r.Resultset == nil || r.RowNumber() == 0 {
		return nil, nil
	}
	row := make([]string, len(r.Fields))
	for i := range row {
		s, err := r.GetString(0, i)
		if err != nil {
			return nil, err
		}
		row[i] = strings.Clone(s)
	}
	return row, nil
}

func openLive(ctx context.Context, cfg *config, ropts *binlog.ReaderOptions) (*liveInput, error) {
	c, err := connect(cfg.serverAddr(), cfg.user, cfg.password)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	l := &liveInput{stopFile: cfg.stopFile, stopPos: cfg.stopPos}
	start := binlog.Position{File: cfg.startFile, Offset: max(cfg.startPos, 4)}
	if start.File == "" {
		row, err := queryRow(c, "SHOW BINARY LOGS")
		if err != nil {
			return nil, err
		}
		if row == nil {
			return nil, errors.New("the server has no binary logs")
		}
		start.File = row[0]
	}
	if l.stopFile == "" && l.stopPos > 0 {
		// As binlog2sql: --stop-position alone applies to the start file.
		l.stopFile = start.File
	}
	if !cfg.stopNever {
		row, err := queryRow(c, "SHOW MASTER STATUS")
		if err != nil {
			return nil, err
		}
		if len(row) < 2 {
			return nil, errors.New("SHOW MASTER STATUS: no binary log (is log_bin on?)")
		}
		l.eofFile = row[0]
		if l.eofPos, err = strconv.ParseInt(row[1], 10, 64); err != nil {
			return nil, fmt.Errorf("SHOW MASTER STATUS: position %q: %w", row[1], err)
		}
	}
	version, err := queryRow(c, "SELECT VERSION()")
	if err != nil {
		return nil, err
	}
	flavor := "mysql"
	if len(version) > 0 && strings.Contains(strings.ToLower(version[0]), "mariadb") {
		flavor = "mariadb"
	}
	host, port := cfg.host, uint16(cfg.port)
	if strings.HasPrefix(host, "/") {
		port = 0
	}
	opts := &live.Options{
		Flavor: flavor, Host: host, Port: port, User: cfg.user, Password: cfg.password,
		ServerID: uint32(cfg.serverID), Position: start, Decode: *ropts,
		MaxRetries: 5,
	}
	if !cfg.stopNever {
		// Heartbeats tell us we have reached the end when nothing follows.
		opts.HeartbeatPeriod = time.Second
		if binlog.CompareFileNames(start.File, l.eofFile) > 0 ||
			(start.File == l.eofFile && start.Offset >= l.eofPos) {
			return nil, fmt.Errorf("start %s is past the end of the server's binlogs (%s:%d)", start, l.eofFile, l.eofPos)
		}
	}
	if l.Stream, err = live.Open(ctx, opts); err != nil {
		return nil, err
	}
	return l, nil
}

// loadSchema reads the current table definitions from the server of
// --schema-dsn or -h -P -u -p. It returns the address it read them from.
func loadSchema(cfg *config) (binlog.StaticSchema, string, error) {
	addr, user, password := cfg.serverAddr(), cfg.user, cfg.password
	if cfg.schemaDSN != "" {
		addr, user, password = cfg.schemaAddr, cfg.schemaUser, cfg.schemaPassword
	}
	fail := func(err error) (binlog.StaticSchema, string, error) {
		return nil, "", fmt.Errorf("reading the table definitions from %s (--no-schema skips it): %w", addr, err)
	}
	c, err := connect(addr, user, password)
	if err != nil {
		return fail(err)
	}
	defer c.Close()
	var dbs []string
	for d := range cfg.dbs {
		dbs = append(dbs, d)
	}
	s, err := schemaload.Load(c, dbs)
	if err != nil {
		return fail(err)
	}
	return s, addr, nil
}
