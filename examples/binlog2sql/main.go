// Command binlog2sql prints SQL from MySQL/MariaDB binary logs: the
// statements that redo the row changes, or with -B (--flashback) the
// statements that undo them, in reverse order. Its flags follow the Python
// binlog2sql tool's. It reads binlog files, or a live server over the
// replication protocol:
//
//	binlog2sql [flags] FILE|DIR|INDEX...
//	binlog2sql -h HOST [-P PORT] -u USER -p PASSWORD [--start-file NAME] [flags]
//
// FILE arguments are binlog files, plain or compressed (lz4, xz, gzip,
// zstd), read in the order given as one stream. A DIR argument stands for
// the binlogs of a server's directory (those its *.index file lists, else
// every NAME.NNNNNN file in name order); an INDEX argument (NAME.index) for
// the files it lists. The output starts with statements that set the
// session (time zone, character set, sql_mode) so that the mariadb or mysql
// client applies it as is:
//
//	binlog2sql --start-datetime '2024-05-01 10:00:00' -d shop -B mysql-bin.000042 | mariadb
//
// Flags (each may be written -flag or --flag; flags may follow files):
//
//	--start-file NAME    start at this file of the chain (base name)
//	--start-position N   skip events before offset N of the first file
//	--stop-file NAME     end with this file of the chain (alias --end-file)
//	--stop-position N    stop at offset N of the last file (alias --end-pos)
//	--start-datetime T   skip events before T
//	--stop-datetime T    stop at the first event at or after T
//	--tz ZONE            zone of T without offset and of the comments:
//	                     UTC (default), Local, an IANA name or +08:00
//	-d, --databases L    only these databases (comma-separated; repeatable)
//	-t, --tables L       only these tables (comma-separated; repeatable)
//	--sql-type L         only these statement kinds: INSERT,UPDATE,DELETE
//	--only-dml           leave out DDL and other non-row statements
//	-B, --flashback      print the inverse statements, last event first
//	--back-interval S    with -B, pause S seconds after each 1000 statements
//	                     (binlog2sql's default is 1; ours is 0)
//	-K, --no-primary-key leave primary key columns out of INSERTs
//	--batch N            rows per INSERT (default 1)
//	--where-all          locate rows by every column, not the primary key
//	--update-all         SET every column in UPDATE, not only changed ones
//	--json-cast          write JSON values as CAST(... AS JSON) (MySQL)
//	--positional-names   name columns @1, @2, ... when the binlog lacks names
//	--schema             take missing column names, signedness, charsets,
//	                     ENUM/SET members and primary keys from the server's
//	                     information_schema (connects with -h -P -u -p or
//	                     --schema-dsn)
//	--schema-dsn D       USER:PASSWORD@HOST:PORT (or @/path/to/socket) for
//	                     --schema
//	--no-comments        leave out the "#start ... end ... time ..." comments
//	-h, -P, -u, -p       live server host (or socket path), port (3306),
//	                     user and password: read its binlogs, from
//	                     --start-file (default: its first binlog) and
//	                     --start-position
//	--stop-never         live: keep waiting for new events; without it the
//	                     command stops at the server's log end at startup
//	--server-id N        live: replica server id (default random)
//
// T is "YYYY-MM-DD hh:mm:ss" in the --tz zone, or RFC 3339 with an offset
// ("2024-05-01T10:00:00+02:00"). Event times in the comments are in --tz.
//
// Column names come from the binlog (binlog_row_metadata=FULL). For binlogs
// without them use --schema (the current definitions: right only if the
// tables have not been altered since) or --positional-names.
//
// With --flashback the selected events' inverse SQL is spooled to a
// temporary file in $TMPDIR (package flashback) until the input ends, then
// written last event first and the file removed: memory stays bounded by the
// largest event, and the disk holds about the SQL size of the selected
// changes (about twice the size of their row images). DDL cannot be undone
// and is left out.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/rowevent"
)

// gcHeap is the memory limit at which the forward mode collects garbage.
const gcHeap = 128 << 20

type listFlag map[string]bool

func (l listFlag) String() string { return "" }

func (l listFlag) Set(s string) error {
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			l[p] = true
		}
	}
	return nil
}

type config struct {
	startFile, stopFile   string
	startPos, stopPos     int64
	startTime, stopTime   time.Time
	loc                   *time.Location
	dbs, tables, sqlTypes listFlag
	onlyDML, flashback    bool
	backInterval          time.Duration
	noComments            bool
	opts                  rowevent.Options
	files                 []string

	// Server: live mode when host is set; --schema uses it too.
	host, user, password string
	port                 uint
	stopNever            bool
	serverID             uint
	schema               bool
	schemaDSN            string

	// sleep pauses between flashback chunks (time.Sleep; tests replace it).
	sleep func(time.Duration)
}

func (cfg *config) live() bool { return cfg.host != "" }

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "binlog2sql:", err)
		os.Exit(2)
	}
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		// Little stays live between events (a few MB), but the decoder
		// allocates about 20 bytes per byte of binlog: rather than collect
		// every few MB, let the heap grow to gcHeap and collect then. A
		// single event larger than that (huge blobs) makes the collector
		// run often, at most half the CPU, until it is done. With
		// --flashback the SQL is spooled to a file, not kept live.
		debug.SetGCPercent(-1)
		debug.SetMemoryLimit(gcHeap)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// run writes chunks larger than this buffer: they go straight through,
	// without a copy; the buffer is for the small writes of the end.
	w := bufio.NewWriterSize(os.Stdout, 64<<10)
	err = runContext(ctx, cfg, w)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil && !(cfg.stopNever && errors.Is(err, context.Canceled)) {
		fmt.Fprintln(os.Stderr, "binlog2sql:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (*config, error) {
	cfg := &config{dbs: listFlag{}, tables: listFlag{}, sqlTypes: listFlag{}, sleep: time.Sleep}
	fs := flag.NewFlagSet("binlog2sql", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: binlog2sql [flags] FILE|DIR|INDEX...\n       binlog2sql -h HOST [-P PORT] -u USER -p PASSWORD [flags]")
		fs.PrintDefaults()
	}
	var startDT, stopDT, tz string
	var backInterval float64
	fs.StringVar(&cfg.startFile, "start-file", "", "start at this binlog file of the chain (base name)")
	fs.StringVar(&cfg.stopFile, "stop-file", "", "end with this binlog file of the chain")
	fs.StringVar(&cfg.stopFile, "end-file", "", "alias of --stop-file")
	fs.Int64Var(&cfg.startPos, "start-position", 0, "skip events before this offset of the first file")
	fs.Int64Var(&cfg.startPos, "start-pos", 0, "alias of --start-position")
	fs.Int64Var(&cfg.stopPos, "stop-position", 0, "stop at this offset of the last file")
	fs.Int64Var(&cfg.stopPos, "end-pos", 0, "alias of --stop-position")
	fs.StringVar(&startDT, "start-datetime", "", `skip events before this time ("2006-01-02 15:04:05" in --tz, or RFC 3339)`)
	fs.StringVar(&stopDT, "stop-datetime", "", "stop at the first event at or after this time")
	fs.StringVar(&tz, "tz", "UTC", "zone of datetimes without offset and of comments: UTC, Local, IANA name or +hh:mm")
	fs.Var(cfg.dbs, "databases", "only these databases (comma-separated)")
	fs.Var(cfg.dbs, "d", "alias of --databases")
	fs.Var(cfg.tables, "tables", "only these tables (comma-separated)")
	fs.Var(cfg.tables, "t", "alias of --tables")
	fs.Var(cfg.sqlTypes, "sql-type", "only these kinds: INSERT,UPDATE,DELETE")
	fs.BoolVar(&cfg.onlyDML, "only-dml", false, "only row changes, no DDL")
	fs.BoolVar(&cfg.flashback, "flashback", false, "print inverse SQL, last event first")
	fs.BoolVar(&cfg.flashback, "B", false, "alias of --flashback")
	fs.Float64Var(&backInterval, "back-interval", 0, "with --flashback, seconds to pause after each 1000 statements")
	fs.BoolVar(&cfg.opts.OmitPrimaryKey, "no-primary-key", false, "leave primary key columns out of INSERTs")
	fs.BoolVar(&cfg.opts.OmitPrimaryKey, "K", false, "alias of --no-primary-key")
	fs.IntVar(&cfg.opts.InsertBatch, "batch", 1, "rows per INSERT")
	fs.BoolVar(&cfg.opts.WhereAllColumns, "where-all", false, "locate rows by every column")
	fs.BoolVar(&cfg.opts.UpdateAllColumns, "update-all", false, "SET every column in UPDATE")
	fs.BoolVar(&cfg.opts.JSONCast, "json-cast", false, "write JSON as CAST(... AS JSON)")
	fs.BoolVar(&cfg.opts.PositionalNames, "positional-names", false, "name unknown columns @1, @2, ...")
	fs.BoolVar(&cfg.schema, "schema", false, "fill missing column names etc. from the server's information_schema")
	fs.StringVar(&cfg.schemaDSN, "schema-dsn", "", "USER:PASSWORD@HOST:PORT of the server for --schema (default: -h -P -u -p)")
	fs.BoolVar(&cfg.noComments, "no-comments", false, "no position comments")
	fs.StringVar(&cfg.host, "h", "", "live server host (or Unix socket path)")
	fs.StringVar(&cfg.host, "host", "", "alias of -h")
	fs.UintVar(&cfg.port, "P", 3306, "live server port")
	fs.UintVar(&cfg.port, "port", 3306, "alias of -P")
	fs.StringVar(&cfg.user, "u", "", "live server user")
	fs.StringVar(&cfg.user, "user", "", "alias of -u")
	fs.StringVar(&cfg.password, "p", "", "live server password")
	fs.StringVar(&cfg.password, "password", "", "alias of -p")
	fs.BoolVar(&cfg.stopNever, "stop-never", false, "live: keep waiting for new events")
	fs.UintVar(&cfg.serverID, "server-id", 0, "live: replica server id (default random)")
	// Flags may follow file names: parse, take the file, parse the rest.
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		cfg.files = append(cfg.files, args[0])
		args = args[1:]
	}
	switch {
	case cfg.live() && len(cfg.files) > 0:
		return nil, errors.New("give either binlog files or a server (-h), not both")
	case !cfg.live() && len(cfg.files) == 0:
		return nil, errors.New("no binlog FILE given (usage: binlog2sql [flags] FILE...; -help lists the flags)")
	case cfg.stopNever && !cfg.live():
		return nil, errors.New("--stop-never needs a server (-h)")
	case cfg.stopNever && cfg.flashback:
		return nil, errors.New("--flashback and --stop-never exclude each other")
	case cfg.flashback && cfg.opts.OmitPrimaryKey:
		return nil, errors.New("--flashback and --no-primary-key exclude each other")
	case cfg.schema && !cfg.live() && cfg.schemaDSN == "":
		return nil, errors.New("--schema needs --schema-dsn or a server (-h)")
	case backInterval < 0:
		return nil, errors.New("--back-interval must not be negative")
	case cfg.port > 65535:
		return nil, fmt.Errorf("-P %d: not a port", cfg.port)
	case cfg.serverID > 1<<32-1:
		return nil, fmt.Errorf("--server-id %d: out of range", cfg.serverID)
	}
	cfg.backInterval = time.Duration(backInterval * float64(time.Second))
	var err error
	if cfg.loc, err = parseZone(tz); err != nil {
		return nil, fmt.Errorf("--tz: %w", err)
	}
	if cfg.startTime, err = parseTime(startDT, cfg.loc); err != nil {
		return nil, fmt.Errorf("--start-datetime: %w", err)
	}
	if cfg.stopTime, err = parseTime(stopDT, cfg.loc); err != nil {
		return nil, fmt.Errorf("--stop-datetime: %w", err)
	}
	for t := range cfg.sqlTypes {
		switch strings.ToUpper(t) {
		case "INSERT", "UPDATE", "DELETE":
			delete(cfg.sqlTypes, t)
			cfg.sqlTypes[strings.ToUpper(t)] = true
		default:
			return nil, fmt.Errorf("--sql-type: unknown kind %q", t)
		}
	}
	return cfg, nil
}

// parseZone reads --tz: "UTC", "Local", an IANA name or a fixed offset
// "+08:00" / "-0330".
func parseZone(s string) (*time.Location, error) {
	switch {
	case s == "" || strings.EqualFold(s, "UTC"):
		return time.UTC, nil
	case strings.EqualFold(s, "Local"):
		return time.Local, nil
	case s[0] == '+' || s[0] == '-':
		for _, layout := range []string{"-07:00", "-0700", "-07"} {
			if t, err := time.Parse(layout, s); err == nil {
				_, off := t.Zone()
				return time.FixedZone(s, off), nil
			}
		}
		return nil, fmt.Errorf("bad offset %q (want +hh:mm)", s)
	}
	return time.LoadLocation(s)
}

// parseTime reads a datetime flag: RFC 3339 with an offset, or
// "2006-01-02 15:04:05" (or "2006-01-02") in loc.
func parseTime(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999", "2006-01-02T15:04:05.999999", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q (want \"2006-01-02 15:04:05\" or RFC 3339)", s)
}
