// Command binlog2sql prints SQL from MySQL/MariaDB binary log files: the
// statements that redo the row changes, or with -B (--flashback) the
// statements that undo them, in reverse order. Its flags follow the Python
// binlog2sql tool's, for files instead of a live server:
//
//	binlog2sql [flags] FILE...
//
// FILE arguments are binlog files, plain or compressed (lz4, xz, gzip,
// zstd), read in the order given as one stream. The output starts with
// statements that set the session (time zone, character set, sql_mode) so
// that the mariadb or mysql client applies it as is:
//
//	binlog2sql --start-datetime '2024-05-01 10:00:00' -d shop -B mysql-bin.000042 | mariadb
//
// Flags (each may be written -flag or --flag; flags may follow files):
//
//	--start-position N   skip events before offset N of the first file
//	--stop-position N    stop at offset N of the last file
//	--start-datetime T   skip events before T ("2006-01-02 15:04:05", local time)
//	--stop-datetime T    stop at the first event at or after T
//	-d, --databases L    only these databases (comma-separated; repeatable)
//	-t, --tables L       only these tables (comma-separated; repeatable)
//	--sql-type L         only these statement kinds: INSERT,UPDATE,DELETE
//	--only-dml           leave out DDL and other non-row statements
//	-B, --flashback      print the inverse statements, last event first
//	-K, --no-primary-key leave primary key columns out of INSERTs
//	--batch N            rows per INSERT (default 1)
//	--where-all          locate rows by every column, not the primary key
//	--update-all         SET every column in UPDATE, not only changed ones
//	--json-cast          write JSON values as CAST(... AS JSON) (MySQL)
//	--positional-names   name columns @1, @2, ... when the binlog lacks names
//	--no-comments        leave out the "#start ... end ... time ..." comments
//
// Live-server options of the original tool (-h, -u, -p, --start-file,
// --stop-never, --back-interval) are not supported: give the files. Column
// names come from the binlog (binlog_row_metadata=FULL); for older binlogs
// see --positional-names.
//
// With --flashback every selected event's inverse SQL is kept in memory
// until the input ends, then written last event first: memory grows with the
// SQL size of the selected changes (about twice the size of their row
// images). Narrow the range with the position, time and table flags for very
// large binlogs.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
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
	startPos, stopPos     int64
	startTime, stopTime   time.Time
	dbs, tables, sqlTypes listFlag
	onlyDML, flashback    bool
	noComments            bool
	opts                  rowevent.Options
	files                 []string
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "binlog2sql:", err)
		os.Exit(2)
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<16)
	err = run(cfg, w)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "binlog2sql:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (*config, error) {
	cfg := &config{dbs: listFlag{}, tables: listFlag{}, sqlTypes: listFlag{}}
	fs := flag.NewFlagSet("binlog2sql", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: binlog2sql [flags] FILE...")
		fs.PrintDefaults()
	}
	var startDT, stopDT string
	fs.Int64Var(&cfg.startPos, "start-position", 0, "skip events before this offset of the first file")
	fs.Int64Var(&cfg.startPos, "start-pos", 0, "alias of --start-position")
	fs.Int64Var(&cfg.stopPos, "stop-position", 0, "stop at this offset of the last file")
	fs.Int64Var(&cfg.stopPos, "end-pos", 0, "alias of --stop-position")
	fs.StringVar(&startDT, "start-datetime", "", "skip events before this local time (2006-01-02 15:04:05)")
	fs.StringVar(&stopDT, "stop-datetime", "", "stop at the first event at or after this local time")
	fs.Var(cfg.dbs, "databases", "only these databases (comma-separated)")
	fs.Var(cfg.dbs, "d", "alias of --databases")
	fs.Var(cfg.tables, "tables", "only these tables (comma-separated)")
	fs.Var(cfg.tables, "t", "alias of --tables")
	fs.Var(cfg.sqlTypes, "sql-type", "only these kinds: INSERT,UPDATE,DELETE")
	fs.BoolVar(&cfg.onlyDML, "only-dml", false, "only row changes, no DDL")
	fs.BoolVar(&cfg.flashback, "flashback", false, "print inverse SQL, last event first")
	fs.BoolVar(&cfg.flashback, "B", false, "alias of --flashback")
	fs.BoolVar(&cfg.opts.OmitPrimaryKey, "no-primary-key", false, "leave primary key columns out of INSERTs")
	fs.BoolVar(&cfg.opts.OmitPrimaryKey, "K", false, "alias of --no-primary-key")
	fs.IntVar(&cfg.opts.InsertBatch, "batch", 1, "rows per INSERT")
	fs.BoolVar(&cfg.opts.WhereAllColumns, "where-all", false, "locate rows by every column")
	fs.BoolVar(&cfg.opts.UpdateAllColumns, "update-all", false, "SET every column in UPDATE")
	fs.BoolVar(&cfg.opts.JSONCast, "json-cast", false, "write JSON as CAST(... AS JSON)")
	fs.BoolVar(&cfg.opts.PositionalNames, "positional-names", false, "name unknown columns @1, @2, ...")
	fs.BoolVar(&cfg.noComments, "no-comments", false, "no position comments")
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
	if len(cfg.files) == 0 {
		return nil, errors.New("no binlog FILE given (usage: binlog2sql [flags] FILE...; -help lists the flags)")
	}
	if cfg.flashback && cfg.opts.OmitPrimaryKey {
		return nil, errors.New("--flashback and --no-primary-key exclude each other")
	}
	var err error
	if cfg.startTime, err = parseTime(startDT); err != nil {
		return nil, fmt.Errorf("--start-datetime: %w", err)
	}
	if cfg.stopTime, err = parseTime(stopDT); err != nil {
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

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.ParseInLocation("2006-01-02 15:04:05", s, time.Local)
}

// run reads the files and writes the SQL to w.
func run(cfg *config, w io.Writer) error {
	cr, err := binlog.OpenChain(cfg.files, nil)
	if err != nil {
		return err
	}
	defer cr.Close()
	var (
		out       = rowevent.AppendHeader(nil)
		inverses  [][]byte // --flashback: one entry per event, in read order
		txStart   int64
		gtid      string
		pos       rowevent.Position
		started   = cfg.startPos == 0
		curFile   string
		curDB     string // database of the last USE written
		fileIndex = -1   // index in cfg.files of the file of ev
	)
	for {
		ev, err := cr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if fileIndex < 0 || ev.File != curFile {
			curFile = ev.File
			fileIndex++
		}
		if !started {
			if fileIndex > 0 || ev.Offset >= cfg.startPos {
				started = true
			} else {
				continue
			}
		}
		if cfg.stopPos > 0 && fileIndex == len(cfg.files)-1 && ev.Offset >= cfg.stopPos {
			break
		}
		if ev.Header.Timestamp != 0 {
			t := ev.Time()
			if !cfg.stopTime.IsZero() && !t.Before(cfg.stopTime) {
				break
			}
			if !cfg.startTime.IsZero() && t.Before(cfg.startTime) {
				continue
			}
		}
		switch p := ev.Payload.(type) {
		case *binlog.GTID:
			txStart, gtid = ev.Offset, gtidString(p)
		case *binlog.Query:
			q := strings.TrimSpace(p.Query)
			if strings.EqualFold(q, "BEGIN") {
				if txStart == 0 {
					txStart = ev.Offset
				}
				continue
			}
			if strings.EqualFold(q, "COMMIT") || strings.EqualFold(q, "ROLLBACK") {
				txStart, gtid = 0, ""
				continue
			}
			if cfg.onlyDML || cfg.flashback || !cfg.selectedDB(p.Schema) {
				continue
			}
			if p.Schema != "" && p.Schema != curDB && !isDatabaseDDL(q) {
				// USE only where needed: CREATE DATABASE must not follow a
				// USE of the database it creates.
				out = append(out, "USE `"+strings.ReplaceAll(p.Schema, "`", "``")+"`;\n"...)
				curDB = p.Schema
			}
			out = append(out, q...)
			out = append(out, ";\n"...)
			txStart, gtid = 0, ""
		case *binlog.XID:
			txStart, gtid = 0, ""
		case *binlog.Rows:
			if !cfg.selected(p) {
				continue
			}
			opts := cfg.opts
			if !cfg.noComments {
				start := txStart
				if start == 0 {
					start = ev.Offset
				}
				pos = rowevent.Position{Start: start, End: ev.NextPos, Time: ev.Time().Local(), GTID: gtid}
				opts.Position = &pos
			}
			if cfg.flashback {
				b, err := rowevent.AppendInverse(nil, p, &opts)
				if err != nil {
					return fmt.Errorf("%s@%d: %w", ev.File, ev.Offset, err)
				}
				inverses = append(inverses, b)
				continue
			}
			if out, err = rowevent.AppendForward(out, p, &opts); err != nil {
				return fmt.Errorf("%s@%d: %w", ev.File, ev.Offset, err)
			}
		}
		if len(out) > 1<<16 {
			if _, err := w.Write(out); err != nil {
				return err
			}
			out = out[:0]
		}
	}
	for i := len(inverses) - 1; i >= 0; i-- {
		out = append(out, inverses[i]...)
		inverses[i] = nil
		if len(out) > 1<<16 {
			if _, err := w.Write(out); err != nil {
				return err
			}
			out = out[:0]
		}
	}
	_, err = w.Write(out)
	return err
}

func (cfg *config) selectedDB(db string) bool { return len(cfg.dbs) == 0 || cfg.dbs[db] }

func (cfg *config) selected(r *binlog.Rows) bool {
	if r.Table == nil || !cfg.selectedDB(r.Table.Schema) {
		return false
	}
	if len(cfg.tables) > 0 && !cfg.tables[r.Table.Table] {
		return false
	}
	return len(cfg.sqlTypes) == 0 || cfg.sqlTypes[r.Kind.String()]
}

func gtidString(g *binlog.GTID) string {
	if g.MariaDB {
		return fmt.Sprintf("%d-%d-%d", g.Domain, g.ServerID, g.Sequence)
	}
	if g.Anonymous {
		return ""
	}
	s := fmt.Sprintf("%x-%x-%x-%x-%x", g.SID[:4], g.SID[4:6], g.SID[6:8], g.SID[8:10], g.SID[10:])
	if g.Tag != "" {
		s += ":" + g.Tag
	}
	return s + ":" + strconv.FormatInt(g.GNO, 10)
}

// isDatabaseDDL reports whether q creates, drops or alters a database, and
// so must not run after USE of that database.
func isDatabaseDDL(q string) bool {
	f := strings.Fields(strings.ToUpper(q))
	return len(f) >= 2 && (f[0] == "CREATE" || f[0] == "DROP" || f[0] == "ALTER") && (f[1] == "DATABASE" || f[1] == "SCHEMA")
}
