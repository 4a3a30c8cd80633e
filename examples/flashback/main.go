// Command flashback undoes a range of MySQL/MariaDB binary logs, as MyFlash
// and binlog2sql -B do: it writes the inverse of the selected transactions,
// last first, either as SQL or as a flashback binlog that mariadb-binlog
// (mysqlbinlog) replays, and it can first check on the server that no row
// of the range was changed again since (package flashback does the work;
// this command is flags and wiring):
//
//	flashback [selection] [server] --sql BINLOG...          > undo.sql
//	flashback [selection] [server] --out FILE BINLOG...      then: mariadb-binlog FILE | mariadb
//	flashback [selection] [server] --dry-run BINLOG...
//
// BINLOG arguments are binlog files, plain or compressed (lz4, xz, gzip,
// zstd, recognized by their content), read in the order given as one
// chain, or index files (NAME.index) standing for the files they list.
// Transactions stay whole: a position inside a transaction is refused,
// naming the transaction's bounds; DDL, statement-logged changes and rows
// events without a FULL row image in the range are refused, naming the
// file and offset (nothing is written then).
//
// Output (exactly one):
//
//	--sql                the inverse SQL on stdout, after statements that set
//	                     the session (time zone, character set, sql_mode) so
//	                     that the mariadb or mysql client applies it as is
//	--out FILE           the flashback binlog in FILE: one transaction per
//	                     original transaction, last first, without GTIDs (a
//	                     gtid_strict_mode server gives each a GTID of its own)
//	--maxSplitSize N     with --out, start a new file at a transaction boundary
//	                     when the current one would pass N bytes: the outputs
//	                     are then FILE.000001, FILE.000002, ..., applied in order
//	--dry-run            print what the flashback would change, per table (rows
//	                     to re-insert, delete and revert), the transactions and
//	                     the time span; write nothing
//
// Selection (every criterion given must hold):
//
//	--databases L        only these databases (comma-separated patterns)
//	--tables L           only these tables (NAME or DB.NAME, comma-separated)
//	--sqlTypes L         only these kinds: insert,update,delete
//	--start-file NAME    start with this file of the chain (base name)
//	--stop-file NAME     end with this file of the chain
//	--start-position N   start at offset N of the first file: a transaction's
//	                     first event
//	--stop-position N    stop at offset N of the last file: a transaction's
//	                     first event, or the end of the last one wanted
//	--start-datetime T   skip the transactions that begin before T
//	--stop-datetime T    stop at the first transaction that begins at or after T
//	--time-zone ZONE     zone of T: Local (the default, as mysqlbinlog), UTC,
//	                     an IANA name or +08:00
//	--include-gtids S    only the transactions of these GTIDs
//	--exclude-gtids S    leave out the transactions of these GTIDs
//
// T is "YYYY-MM-DD hh:mm:ss" in --time-zone, or RFC 3339 with an offset.
// Times compare with the event timestamps, whole seconds.
//
// Server (optional):
//
//	--check DSN          USER[:PASSWORD]@HOST[:PORT] or USER@/path/to/socket
//	-h, -P, -u           or the host (or socket path), port (3306) and user
//	--password-file F    the password: the first line of F (default: $MYSQL_PWD)
//	--on-conflict A      stop (default), skip or force
//
// With a server, flashback first reads the range and asks the server
// whether each row it touched is still as the range left it (by primary
// key, else unique key, else the full image); it lists on stderr every row
// changed since, with its key and the columns that differ, and the foreign
// keys of the tables (the server does not log what they cascade). With
// --on-conflict stop it then exits with status 3 and writes nothing; with
// skip, the flashback leaves those rows as they are now; with force, it
// overwrites them. The server also gives the column names when the binlog
// lacks them (binlog_row_metadata=MINIMAL or NO_LOG), which --sql needs;
// its current definitions are right only if the tables were not altered
// since the range.
//
// A password in --check is visible to other users of the machine (ps): it
// is accepted with a warning; leave it out and use --password-file or
// MYSQL_PWD. flashback never prints a password.
//
// Other flags: --tmpdir DIR (spool files; default $TMPDIR), --quiet (no
// progress). Progress goes to stderr every 2 seconds on long runs: the
// position, the transactions read and the read rate.
//
// Exit status: 0 done, 1 error (printed with the file and offset of the
// event at fault when there is one), 2 bad usage, 3 conflicts found with
// --on-conflict stop.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/flashback"
	"github.com/binlogkit/binlogkit/internal/cliflag"
)

// config is the parsed command line.
type config struct {
	files              []string
	startFile          string
	stopFile           string
	startPos, stopPos  int64
	startTime          time.Time
	stopTime           time.Time
	databases, tables  cliflag.List
	kinds              binlog.StmtKind
	include, exclude   *binlog.GTIDSet
	sql, dryRun, quiet bool
	out                string
	maxSplitSize       int64
	tmpDir             string
	onConflict         flashback.OnConflict
	// server is the server of --check or -h; zero addr: none.
	server   serverConfig
	warnings []string
	// progressEvery is the progress interval; 0: none.
	progressEvery time.Duration
}

func main() {
	ctx, stop := cliflag.Interruptible(context.Background()) // a second Ctrl-C kills
	code := mainContext(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// mainContext runs the command with args and returns its exit status.
func mainContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "flashback:", err)
		return 2
	}
	for _, w := range cfg.warnings {
		fmt.Fprintln(stderr, "flashback: warning:", w)
	}
	err = run(ctx, cfg, stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flashback.ErrConflict):
		fmt.Fprintln(stderr, "flashback:", strings.TrimPrefix(err.Error(), "flashback: ")+"; nothing written (--on-conflict skip or force goes on)")
		return 3
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		fmt.Fprintln(stderr, "flashback: interrupted; nothing written")
	default:
		fmt.Fprintln(stderr, "flashback:", strings.TrimPrefix(err.Error(), "flashback: "))
	}
	return 1
}

const usage = `usage: flashback [selection] [server] --sql BINLOG...
       flashback [selection] [server] --out FILE [--maxSplitSize BYTES] BINLOG...
       flashback [selection] [server] --dry-run BINLOG...
(BINLOG: a binlog file, plain or compressed, or an index file; the password:
--password-file FILE or $MYSQL_PWD)`

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	cfg := &config{progressEvery: 2 * time.Second}
	fs := flag.NewFlagSet("flashback", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), usage)
		fs.PrintDefaults()
	}
	var startDT, stopDT, tz, sqlTypes, include, exclude, onConflict, dsn, passwordFile string
	fs.BoolVar(&cfg.sql, "sql", false, "write the inverse SQL to stdout")
	fs.StringVar(&cfg.out, "out", "", "write the flashback binlog to `FILE`")
	fs.Int64Var(&cfg.maxSplitSize, "maxSplitSize", 0, "with --out, split the output into FILE.000001, ... of about `BYTES` each")
	fs.BoolVar(&cfg.dryRun, "dry-run", false, "print what the flashback changes, per table; write nothing")
	fs.Var(&cfg.databases, "databases", "only these databases (comma-separated)")
	fs.Var(&cfg.databases, "d", "alias of --databases")
	fs.Var(&cfg.tables, "tables", "only these tables (NAME or DB.NAME, comma-separated)")
	fs.Var(&cfg.tables, "t", "alias of --tables")
	fs.StringVar(&sqlTypes, "sqlTypes", "", "only these kinds: insert,update,delete")
	fs.StringVar(&sqlTypes, "sql-type", "", "alias of --sqlTypes")
	fs.StringVar(&cfg.startFile, "start-file", "", "start with this file of the chain (base name)")
	fs.StringVar(&cfg.stopFile, "stop-file", "", "end with this file of the chain (base name)")
	fs.Int64Var(&cfg.startPos, "start-position", 0, "start at this offset of the first file (a transaction's first event)")
	fs.Int64Var(&cfg.stopPos, "stop-position", 0, "stop at this offset of the last file (a transaction boundary)")
	fs.StringVar(&startDT, "start-datetime", "", `skip transactions that begin before this time ("2006-01-02 15:04:05" in --time-zone, or RFC 3339)`)
	fs.StringVar(&stopDT, "stop-datetime", "", "stop at the first transaction that begins at or after this time")
	fs.StringVar(&tz, "time-zone", "Local", "zone of datetimes without offset: Local, UTC, IANA name or +hh:mm")
	fs.StringVar(&include, "include-gtids", "", "only the transactions of these GTIDs")
	fs.StringVar(&exclude, "exclude-gtids", "", "leave out the transactions of these GTIDs")
	fs.StringVar(&dsn, "check", "", "check for rows changed since the range on the server `DSN` (USER[:PASSWORD]@HOST[:PORT], or USER@/socket)")
	fs.StringVar(&cfg.server.host, "h", "", "server host (or Unix socket path) to check against")
	fs.StringVar(&cfg.server.host, "host", "", "alias of -h")
	fs.UintVar(&cfg.server.port, "P", 3306, "server port")
	fs.UintVar(&cfg.server.port, "port", 3306, "alias of -P")
	fs.StringVar(&cfg.server.User, "u", "", "server user")
	fs.StringVar(&cfg.server.User, "user", "", "alias of -u")
	fs.StringVar(&passwordFile, "password-file", "", "read the server password from the first line of this file (default: $MYSQL_PWD)")
	fs.StringVar(&onConflict, "on-conflict", "stop", "rows changed since the range: stop, skip or force")
	fs.StringVar(&cfg.tmpDir, "tmpdir", "", "directory of the spool files (default $TMPDIR)")
	fs.BoolVar(&cfg.quiet, "quiet", false, "no progress on stderr")
	// -pPASSWORD would be printed as an unknown flag: refuse it unseen.
	for _, a := range args {
		if a == "--" {
			break
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && strings.HasPrefix(name, "p") && fs.Lookup(name) == nil {
			return nil, errors.New("unknown flag -p... (not shown: it may hold a password); give the password with --password-file or MYSQL_PWD")
		}
	}
	files, err := cliflag.ParseInterspersed(fs, args)
	if err != nil {
		return nil, err
	}
	cfg.files = files
	modes := 0
	for _, on := range []bool{cfg.sql, cfg.out != "", cfg.dryRun} {
		if on {
			modes++
		}
	}
	switch {
	case len(cfg.files) == 0:
		return nil, errors.New("no BINLOG given (-help lists the flags)")
	case modes != 1:
		return nil, errors.New("give exactly one of --sql, --out FILE and --dry-run")
	case cfg.maxSplitSize < 0:
		return nil, errors.New("--maxSplitSize must not be negative")
	case cfg.maxSplitSize > 0 && cfg.out == "":
		return nil, errors.New("--maxSplitSize needs --out")
	case dsn != "" && cfg.server.host != "":
		return nil, errors.New("give the server with --check or with -h, not both")
	case cfg.server.port > 65535:
		return nil, fmt.Errorf("-P %d: not a port", cfg.server.port)
	case cfg.startPos < 0 || cfg.stopPos < 0:
		return nil, errors.New("positions must not be negative")
	}
	password, _, err := cliflag.Password{File: passwordFile}.Resolve()
	if err != nil {
		return nil, err
	}
	if dsn != "" {
		if cfg.server.DSN, err = cliflag.ParseDSN(dsn); err != nil {
			return nil, fmt.Errorf("--check: %w", err)
		}
		if cfg.server.HasPassword {
			cfg.warnings = append(cfg.warnings, "a password in --check is visible to other users; leave it out (USER@HOST) and use --password-file or MYSQL_PWD")
		}
	} else if cfg.server.host != "" {
		cfg.server.Addr = cliflag.HostPort(cfg.server.host, cfg.server.port)
	}
	if !cfg.server.HasPassword {
		cfg.server.Password = password
	}
	switch strings.ToLower(onConflict) {
	case "stop":
		cfg.onConflict = flashback.ConflictStop
	case "skip":
		cfg.onConflict = flashback.ConflictSkip
	case "force":
		cfg.onConflict = flashback.ConflictForce
	default:
		return nil, fmt.Errorf("--on-conflict %q: want stop, skip or force", onConflict)
	}
	if sqlTypes != "" {
		if cfg.kinds, err = binlog.ParseStmtKinds(sqlTypes); err != nil {
			return nil, fmt.Errorf("--sqlTypes: %w", err)
		}
		if cfg.kinds&^(binlog.StmtInsert|binlog.StmtUpdate|binlog.StmtDelete) != 0 {
			return nil, fmt.Errorf("--sqlTypes %q: only insert, update and delete can be undone", sqlTypes)
		}
	}
	if include != "" {
		if cfg.include, err = binlog.ParseGTIDSet(include); err != nil {
			return nil, fmt.Errorf("--include-gtids: %w", err)
		}
	}
	if exclude != "" {
		if cfg.exclude, err = binlog.ParseGTIDSet(exclude); err != nil {
			return nil, fmt.Errorf("--exclude-gtids: %w", err)
		}
	}
	loc, err := cliflag.ParseZone(tz, time.Local)
	if err != nil {
		return nil, fmt.Errorf("--time-zone: %w", err)
	}
	if cfg.startTime, err = cliflag.ParseTime(startDT, loc); err != nil {
		return nil, fmt.Errorf("--start-datetime: %w", err)
	}
	if cfg.stopTime, err = cliflag.ParseTime(stopDT, loc); err != nil {
		return nil, fmt.Errorf("--stop-datetime: %w", err)
	}
	if cfg.quiet {
		cfg.progressEvery = 0
	}
	return cfg, nil
}
