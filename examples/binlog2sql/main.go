// Command binlog2sql prints SQL from MySQL/MariaDB binary logs: the
// statements that redo the row changes, or with -B (--flashback) the
// statements that undo them, in reverse order. Its flags follow the Python
// binlog2sql tool's. It reads binlog files, or a live server over the
// replication protocol:
//
//	binlog2sql [-h HOST -P PORT -u USER] [flags] FILE|DIR|INDEX...
//	binlog2sql -h HOST [-P PORT] -u USER [--start-file NAME] [flags]
//
// With FILE arguments it reads those files; a server given with them is
// where the table definitions come from (see Column names below). Without
// files it reads the server's binlogs over the replication protocol (the
// live mode).
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
//	-t, --tables L       only these tables (comma-separated; repeatable;
//	                     NAME or DB.NAME)
//	--exclude-databases L  leave out these databases (comma-separated;
//	                     repeatable); wins over -d
//	--exclude-tables L   leave out these tables (NAME or DB.NAME,
//	                     comma-separated; repeatable); wins over -t
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
//	--hex-strings        write every non-ASCII string as _charset X'...'
//	                     (default: readable escaped text where that is
//	                     exact, hex for binary, invalid and other charsets)
//	--positional-names   name columns @1, @2, ... when nothing else names them
//	--schema             require the server's definitions (the default
//	                     whenever a server is given; without one, an error)
//	--schema-dsn D       USER[:PASSWORD]@HOST[:PORT] (or @/path/to/socket):
//	                     read the definitions from this server rather than
//	                     -h; without :PASSWORD, the password is that of -u
//	                     (see Passwords); USER:@HOST for none
//	--no-schema          do not read definitions from any server
//	--no-comments        leave out the "#start ... end ... time ..." comments
//	-h, -P, -u           server host (or socket path), port (3306) and user:
//	                     without files, read its binlogs, from --start-file
//	                     (default: its first binlog) and --start-position;
//	                     with files, read the table definitions from it
//	--password-file F    the password of -u: the first line of file F
//	-p, --password P     the password of -u, on the command line (a warning:
//	                     see Passwords)
//	--stop-never         live: keep waiting for new events; without it the
//	                     command stops at the server's log end at startup
//	--server-id N        live: replica server id (default random)
//
// T is "YYYY-MM-DD hh:mm:ss" in the --tz zone, or RFC 3339 with an offset
// ("2024-05-01T10:00:00+02:00"). Event times in the comments are in --tz.
//
// # Passwords
//
// The password of -u comes from --password-file, else from the
// environment variable MYSQL_PWD, as for the mysql client. -p PASSWORD
// (and a password in --schema-dsn) is accepted as the Python binlog2sql
// accepts it, with a warning on stderr: other users of the machine can
// read a command line (ps, /proc). binlog2sql never prints a password, not
// even in the error about a malformed --schema-dsn.
//
// # Interrupting
//
// Ctrl-C (SIGINT) stops binlog2sql at its next write of output, and
// during the pauses of --back-interval at once: the output then ends
// after the last chunk written (with --flashback, at a batch boundary),
// and binlog2sql exits with status 1, saying it was interrupted. With
// --stop-never, Ctrl-C is the normal way to stop (status 0). A second
// Ctrl-C kills it.
//
// -d, -t, --exclude-databases and --exclude-tables select row events by
// their table; a statement passed through (DDL, statement-logged DML) is
// selected by its database (the default database it ran in) with -d and
// --exclude-databases, and is never left out by table.
//
// # Column names
//
// SQL needs column names. They come, for each table, from the first of:
//
//  1. the binlog itself (binlog_row_metadata=FULL): never contradicted,
//     since the table may have been altered since;
//  2. the DDL read so far (CREATE TABLE, ALTER TABLE, ... in the files
//     from --start-file on, the events before --start-position included,
//     or in the stream): right at every point of the log;
//  3. the server's current definitions (information_schema), read at the
//     start whenever a server is given (-h, or --schema-dsn), as the Python
//     binlog2sql does; right only if the table has not been altered since.
//     --no-schema turns this off;
//  4. with --positional-names, @1, @2, ...
//
// Otherwise (a MINIMAL or NO_LOG binlog, as MySQL's default
// binlog_row_metadata=MINIMAL writes, without the table's DDL and without
// a server) binlog2sql stops, saying which of these to give.
//
// # Transactions
//
// The output reproduces the transactions of the log. A transaction with
// selected row changes is written between "BEGIN;" and "COMMIT;" (BEGIN
// just before its first statement; nothing for a transaction with nothing
// selected). Its SAVEPOINT, ROLLBACK TO and RELEASE SAVEPOINT statements
// are written in place (those before its first statement just after
// BEGIN). A server logs ROLLBACK TO only when the transaction changed a
// non-transactional (MyISAM, Aria) or temporary table; otherwise it cuts
// the rolled back part from the log. When it is logged, the row changes
// it rolled back are in the log, and replaying ROLLBACK TO undoes them
// again, engine by engine, as the server did. A group the log ends with
// ROLLBACK (MariaDB logs a ROLLBACK TO a savepoint set before anything was
// logged that way, the transaction going on as a new group; a transaction
// that created a temporary table and rolled back is logged so too) is
// written as BEGIN ... ROLLBACK for the same reason. This is what
// mysqlbinlog does. A transaction cut by the end of the range
// (--stop-position, --stop-datetime, the last file) is closed with COMMIT,
// as its changes were meant to be applied; one the log abandons (a new
// transaction starts before its end: a crash) with ROLLBACK. With
// --stop-never, an interrupt inside a transaction leaves it open: the
// client rolls it back. The first phase of an XA transaction is written as
// BEGIN ... COMMIT at its XA PREPARE; an XA ROLLBACK of it later in the
// range is an error. Transaction control is written with --only-dml too.
//
// With --flashback, the inverse of a row change that the server rolled
// back (inside SAVEPOINT sp ... ROLLBACK TO sp, or in a transaction ended
// by ROLLBACK) cannot be written: the log does not say which of its tables
// are transactional, so which changes the server undid. binlog2sql stops
// with an error naming the file, the offset and the savepoint; narrow the
// range or the tables (-t, --exclude-tables) to leave that transaction out.
//
// With --flashback the selected events' inverse SQL is spooled to a
// temporary file in $TMPDIR (package flashback) until the input ends, then
// written last event first and the file removed: memory stays bounded by the
// largest event, and the disk holds about the SQL size of the selected
// changes (about twice the size of their row images). DDL cannot be undone
// and is left out; the inverse statements are not grouped in transactions.
//
// When reading fails (a file cut inside an event, a corrupt event), the
// forward SQL of every event before the failure is written, then the error
// is reported and the exit status is 1; a transaction the failure cuts is
// left without its COMMIT, so the client rolls it back. With --flashback
// nothing is written then: the undo of part of a range, last event first,
// would not undo the part that could not be read.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/internal/cliflag"
	"github.com/binlogkit/binlogkit/rowevent"
)

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
	startFile, stopFile       string
	startPos, stopPos         int64
	startTime, stopTime       time.Time
	loc                       *time.Location
	dbs, tables, sqlTypes     listFlag
	excludeDBs, excludeTables listFlag
	onlyDML, flashback        bool
	backInterval              time.Duration
	noComments                bool
	opts                      rowevent.Options
	files                     []string

	// Server: live mode when host is set and no files are given; the
	// table definitions are read from it (or from schemaDSN) unless
	// noSchema.
	host, user, password string
	port                 uint
	stopNever            bool
	serverID             uint
	schema, noSchema     bool // --schema: definitions required; --no-schema: none
	schemaDSN            string
	// The server of --schema-dsn, parsed.
	schemaAddr, schemaUser, schemaPassword string

	// warnings are printed on stderr before the run (a password given on
	// the command line).
	warnings []string

	// sleep pauses between flashback chunks: time.Sleep from parseFlags
	// (tests replace it), a pause that ends when the run is interrupted
	// from mainContext.
	sleep func(time.Duration)
}

// live reports whether the input is the server's binlogs (-h without
// files).
func (cfg *config) live() bool { return cfg.host != "" && len(cfg.files) == 0 }

// useSchema reports whether table definitions are read from a server.
func (cfg *config) useSchema() bool { return !cfg.noSchema && (cfg.host != "" || cfg.schemaDSN != "") }

func main() {
	ctx, stop := cliflag.Interruptible(context.Background()) // a second Ctrl-C kills
	code := mainContext(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// mainContext runs the command with args until it ends or ctx is done (the
// first Ctrl-C), and returns its exit status.
func mainContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args)
	if err != nil {
		fmt.Fprintln(stderr, "binlog2sql:", err)
		return 2
	}
	for _, w := range cfg.warnings {
		fmt.Fprintln(stderr, "binlog2sql: warning:", w)
	}
	cfg.sleep = sleepContext(ctx)
	out := stdout
	if !cfg.stopNever {
		// Stop at the next write once interrupted (see the package doc).
		out = &ctxWriter{ctx: ctx, w: stdout}
	}
	// run writes chunks larger than this buffer: they go straight through,
	// without a copy; the buffer is for the small writes of the end.
	w := bufio.NewWriterSize(out, 64<<10)
	err = runContext(ctx, cfg, w)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	switch {
	case err == nil, cfg.stopNever && errors.Is(err, context.Canceled):
		return 0
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		fmt.Fprintln(stderr, "binlog2sql: interrupted; the output is incomplete")
	default:
		fmt.Fprintln(stderr, "binlog2sql:", err)
	}
	return 1
}

// sleepContext returns a pause of the given duration that ends early when
// ctx is done, for --back-interval.
func sleepContext(ctx context.Context) func(time.Duration) {
	return func(d time.Duration) {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
	}
}

// ctxWriter writes to w until ctx is done, then fails every write with
// ctx's error: an interrupted run stops at its next write (after a pause
// of --back-interval cut short, the flashback writer's next batch), with
// an error satisfying errors.Is(err, context.Canceled).
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c *ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

func parseFlags(args []string) (*config, error) {
	cfg := &config{dbs: listFlag{}, tables: listFlag{}, sqlTypes: listFlag{},
		excludeDBs: listFlag{}, excludeTables: listFlag{}, sleep: time.Sleep}
	fs := flag.NewFlagSet("binlog2sql", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: binlog2sql [-h HOST -P PORT -u USER] [flags] FILE|DIR|INDEX...\n       binlog2sql -h HOST [-P PORT] -u USER [flags]\n(the password: --password-file FILE or $MYSQL_PWD)")
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
	fs.Var(cfg.tables, "tables", "only these tables (NAME or DB.NAME, comma-separated)")
	fs.Var(cfg.tables, "t", "alias of --tables")
	fs.Var(cfg.excludeDBs, "exclude-databases", "leave out these databases (comma-separated; wins over --databases)")
	fs.Var(cfg.excludeTables, "exclude-tables", "leave out these tables (NAME or DB.NAME, comma-separated; wins over --tables)")
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
	fs.BoolVar(&cfg.opts.HexStrings, "hex-strings", false, "write non-ASCII strings as _charset X'...'")
	fs.BoolVar(&cfg.opts.PositionalNames, "positional-names", false, "name columns @1, @2, ... when nothing else names them")
	fs.BoolVar(&cfg.schema, "schema", false, "require table definitions from a server (the default whenever one is given)")
	fs.StringVar(&cfg.schemaDSN, "schema-dsn", "", "USER[:PASSWORD]@HOST[:PORT] of the server to read table definitions from (default: -h -P -u)")
	fs.BoolVar(&cfg.noSchema, "no-schema", false, "do not read table definitions from a server")
	fs.BoolVar(&cfg.noComments, "no-comments", false, "no position comments")
	fs.StringVar(&cfg.host, "h", "", "server host (or Unix socket path): its binlogs without files, its table definitions with them")
	fs.StringVar(&cfg.host, "host", "", "alias of -h")
	fs.UintVar(&cfg.port, "P", 3306, "server port")
	fs.UintVar(&cfg.port, "port", 3306, "alias of -P")
	fs.StringVar(&cfg.user, "u", "", "server user")
	fs.StringVar(&cfg.user, "user", "", "alias of -u")
	var passwordFile string
	fs.StringVar(&cfg.password, "p", "", "server password (visible to other users: prefer --password-file or MYSQL_PWD)")
	fs.StringVar(&cfg.password, "password", "", "alias of -p")
	fs.StringVar(&passwordFile, "password-file", "", "read the server password from the first line of this file (default: $MYSQL_PWD)")
	fs.BoolVar(&cfg.stopNever, "stop-never", false, "live: keep waiting for new events")
	fs.UintVar(&cfg.serverID, "server-id", 0, "live: replica server id (default random)")
	// -pPASSWORD (the Python tool's argparse takes it) would be "flag
	// provided but not defined: -pPASSWORD", printed: refuse it unseen.
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case (name == "p" || name == "password") && !hasValue:
			i++ // its value, whatever it looks like
		case strings.HasPrefix(name, "p") && fs.Lookup(name) == nil:
			return nil, errors.New("unknown flag -p... (not shown: it may hold a password); give the password with --password-file or MYSQL_PWD, or as -p PASSWORD")
		}
	}
	files, err := cliflag.ParseInterspersed(fs, args)
	if err != nil {
		return nil, err
	}
	cfg.files = files
	switch {
	case cfg.host == "" && len(cfg.files) == 0:
		return nil, errors.New("no binlog FILE and no server (-h) given (usage: binlog2sql [flags] FILE...; -help lists the flags)")
	case cfg.stopNever && !cfg.live():
		return nil, errors.New("--stop-never needs a server (-h) and no files")
	case cfg.stopNever && cfg.flashback:
		return nil, errors.New("--flashback and --stop-never exclude each other")
	case cfg.flashback && cfg.opts.OmitPrimaryKey:
		return nil, errors.New("--flashback and --no-primary-key exclude each other")
	case cfg.schema && cfg.noSchema:
		return nil, errors.New("--schema and --no-schema exclude each other")
	case cfg.noSchema && cfg.schemaDSN != "":
		return nil, errors.New("--schema-dsn and --no-schema exclude each other")
	case cfg.schema && cfg.host == "" && cfg.schemaDSN == "":
		return nil, errors.New("--schema needs --schema-dsn or a server (-h)")
	case backInterval < 0:
		return nil, errors.New("--back-interval must not be negative")
	case cfg.port > 65535:
		return nil, fmt.Errorf("-P %d: not a port", cfg.port)
	case cfg.serverID > 1<<32-1:
		return nil, fmt.Errorf("--server-id %d: out of range", cfg.serverID)
	}
	cfg.backInterval = time.Duration(backInterval * float64(time.Second))
	pw := cliflag.Password{Flag: "-p", Arg: cfg.password, File: passwordFile}
	fs.Visit(func(f *flag.Flag) { pw.Given = pw.Given || f.Name == "p" || f.Name == "password" })
	password, warning, err := pw.Resolve()
	if err != nil {
		return nil, err
	}
	cfg.password = password
	if warning != "" {
		cfg.warnings = append(cfg.warnings, warning)
	}
	if cfg.schemaDSN != "" {
		d, err := cliflag.ParseDSN(cfg.schemaDSN)
		if err != nil {
			return nil, fmt.Errorf("--schema-dsn: %w", err)
		}
		cfg.schemaAddr, cfg.schemaUser, cfg.schemaPassword = d.Addr, d.User, d.Password
		hasPassword := d.HasPassword
		if hasPassword && cfg.schemaPassword != "" {
			cfg.warnings = append(cfg.warnings, "a password in --schema-dsn is visible to other users; leave it out (USER@HOST): the password of -u (--password-file, MYSQL_PWD) is used")
		} else if !hasPassword {
			cfg.schemaPassword = cfg.password
		}
	}
	if cfg.loc, err = cliflag.ParseZone(tz, time.UTC); err != nil {
		return nil, fmt.Errorf("--tz: %w", err)
	}
	if cfg.startTime, err = cliflag.ParseTime(startDT, cfg.loc); err != nil {
		return nil, fmt.Errorf("--start-datetime: %w", err)
	}
	if cfg.stopTime, err = cliflag.ParseTime(stopDT, cfg.loc); err != nil {
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
