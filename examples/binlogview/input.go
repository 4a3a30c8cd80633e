package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/live"
)

// resume is a place where reading can start: the start of a group (a GTID
// or BEGIN event), or the start of a file (Offset 0), so that rows events
// find their table maps.
type resume struct {
	File   string
	Offset int64
}

// input opens sources of events at resume points.
type input interface {
	// open returns the events from r on. rowValues false leaves row values
	// undecoded (binlog.ReaderOptions.SkipRowValues).
	open(ctx context.Context, r resume, rowValues bool) (binlog.Source, io.Closer, error)
	// first is where the log starts.
	first() resume
	// describe names the input for people.
	describe() string
}

// files is a chain of binlog files.
type files struct{ paths []string }

func (f *files) describe() string {
	if len(f.paths) == 1 {
		return f.paths[0]
	}
	return fmt.Sprintf("%d files, %s to %s", len(f.paths), f.paths[0], f.paths[len(f.paths)-1])
}

func (f *files) first() resume { return resume{File: binlog.LogName(f.paths[0])} }

func (f *files) open(_ context.Context, r resume, rowValues bool) (binlog.Source, io.Closer, error) {
	i := slices.IndexFunc(f.paths, func(p string) bool { return binlog.LogName(p) == r.File })
	if i < 0 {
		return nil, nil, fmt.Errorf("no file %q", r.File)
	}
	c := &chain{paths: f.paths[i+1:], opts: binlog.ReaderOptions{SkipRowValues: !rowValues}}
	opts := c.opts
	opts.Name = binlog.LogName(f.paths[i])
	if r.Offset > 4 {
		opts.StartOffset = r.Offset
	}
	fr, err := binlog.Open(f.paths[i], &opts)
	if err != nil {
		return nil, nil, err
	}
	c.cur, c.closer = fr, fr
	return c, c, nil
}

// chain reads one file from a resume point, then the files after it.
type chain struct {
	paths  []string
	opts   binlog.ReaderOptions
	cur    binlog.Source
	closer io.Closer
}

func (c *chain) Next() (*binlog.Event, error) {
	for {
		ev, err := c.cur.Next()
		if !errors.Is(err, io.EOF) || len(c.paths) == 0 {
			return ev, err
		}
		c.closer.Close()
		opts := c.opts
		opts.Name = binlog.LogName(c.paths[0])
		fr, err := binlog.Open(c.paths[0], &opts)
		if err != nil {
			return nil, err
		}
		c.paths = c.paths[1:]
		c.cur, c.closer = fr, fr
	}
}

func (c *chain) Close() error { return c.closer.Close() }

// server reads a server's binlogs over the replication protocol.
type server struct {
	opts  live.Options
	start string // first binlog file
}

func (s *server) describe() string { return "server " + s.opts.Host }

func (s *server) first() resume { return resume{File: s.start} }

func (s *server) open(ctx context.Context, r resume, rowValues bool) (binlog.Source, io.Closer, error) {
	o := s.opts
	o.Position = binlog.Position{File: r.File, Offset: max(r.Offset, 4)}
	o.Decode.SkipRowValues = !rowValues
	st, err := live.Open(ctx, &o)
	if err != nil {
		return nil, nil, err
	}
	return st, st, nil
}

// openServer prepares the live input of -h -P -u.
func openServer(cfg *config) (*server, error) {
	host, port := cfg.host, uint16(cfg.port)
	if strings.HasPrefix(host, "/") {
		port = 0
	}
	s := &server{start: cfg.startFile, opts: live.Options{
		Flavor: cfg.flavor, Host: host, Port: port, User: cfg.user, Password: cfg.password,
		HeartbeatPeriod: time.Second, MaxRetries: 5,
	}}
	if s.start == "" {
		return nil, errors.New("a live server needs --start-file (the first binlog to read, as SHOW BINARY LOGS lists it)")
	}
	return s, nil
}
