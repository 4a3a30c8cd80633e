package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/cdc"
	"github.com/binlogkit/binlogkit/binlog/cdc/audit"
	"github.com/binlogkit/binlogkit/internal/cliflag"
	"github.com/binlogkit/binlogkit/rowevent"
)

// runCmd is "audit run": the pipeline from a server or files into the store.
func runCmd(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("audit run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		cfg                        cdc.Options
		change                     rowevent.ChangeOptions
		store, keyFile             string
		group                      int
		port, serverID             uint
		passwordFile               string
		startPos, stopPos          string
		startTime, stopTime, zone  string
		dbs, xdbs, tables, xtables cliflag.List
		kinds                      string
	)
	fs.StringVar(&store, "store", "", "the audit store: sqlite:FILE or postgres://...")
	fs.StringVar(&keyFile, "key-file", "", "HMAC key on the first line of `FILE` (none: hash chain only)")
	fs.IntVar(&group, "group-commit", 0, "binlog transactions per database transaction (0: 1 when live, 256 over files)")
	fs.StringVar(&cfg.Stream.Host, "host", "", "server host (or Unix socket path); no host: read FILE arguments")
	fs.UintVar(&port, "port", 3306, "server port")
	fs.StringVar(&cfg.Stream.User, "user", "", "replication user")
	fs.StringVar(&passwordFile, "password-file", "", "read the password from the first line of `FILE` (default: $MYSQL_PWD)")
	fs.StringVar(&cfg.Stream.Flavor, "flavor", "mysql", "server flavor: mysql or mariadb")
	fs.UintVar(&serverID, "server-id", 0, "replica server id to register with (0: random)")
	fs.StringVar(&startPos, "start-position", "", "skip transactions before `FILE:POS`")
	fs.StringVar(&stopPos, "stop-position", "", "stop before the first transaction at or after `FILE:POS`")
	fs.StringVar(&startTime, "start-datetime", "", "skip transactions before `T`")
	fs.StringVar(&stopTime, "stop-datetime", "", "stop at the first transaction at or after `T`")
	fs.StringVar(&zone, "time-zone", "UTC", "time zone of the datetimes")
	fs.Var(&dbs, "d", "only these databases (globs)")
	fs.Var(&dbs, "databases", "only these databases (globs)")
	fs.Var(&xdbs, "exclude-databases", "not these databases (globs)")
	fs.Var(&tables, "t", "only these tables (db.table or table globs)")
	fs.Var(&tables, "tables", "only these tables")
	fs.Var(&xtables, "exclude-tables", "not these tables")
	fs.StringVar(&kinds, "kinds", "", "only these kinds: insert,update,delete")
	fs.BoolVar(&change.PositionalNames, "positional-names", false, "name columns @1, @2, ... when names are unknown")
	fs.Int64Var(&cfg.MaxTxBytes, "max-tx-bytes", cdc.DefaultMaxTxBytes, "bound in bytes of the memory one transaction holds")
	files, err := cliflag.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if store == "" {
		return errors.New("run: --store is required")
	}
	if (cfg.Stream.Host == "") == (len(files) == 0) {
		return errors.New("run: give either --host or binlog FILE arguments")
	}
	if len(files) > 0 {
		cfg.Files = files
		if group == 0 {
			group = 256
		}
	} else {
		password, _, err := cliflag.Password{File: passwordFile}.Resolve()
		if err != nil {
			return err
		}
		cfg.Stream.Password = password
		cfg.Stream.Port, cfg.Stream.ServerID = uint16(port), uint32(serverID)
	}
	f := &cfg.Filter
	for _, p := range []struct {
		s   string
		pos *binlog.Position
	}{{startPos, &f.StartPosition}, {stopPos, &f.StopPosition}} {
		if p.s != "" {
			if *p.pos, err = binlog.ParsePosition(p.s); err != nil {
				return err
			}
		}
	}
	loc, err := cliflag.ParseZone(zone, time.UTC)
	if err != nil {
		return err
	}
	if f.StartTime, err = cliflag.ParseTime(startTime, loc); err != nil {
		return err
	}
	if f.StopTime, err = cliflag.ParseTime(stopTime, loc); err != nil {
		return err
	}
	f.IncludeDatabases, f.ExcludeDatabases, f.IncludeTables, f.ExcludeTables = dbs, xdbs, tables, xtables
	if kinds != "" {
		if f.Kinds, err = binlog.ParseStmtKinds(kinds); err != nil {
			return err
		}
	}
	s, db, err := openStore(ctx, store, keyFile, audit.Options{GroupCommit: group, Change: &change})
	if err != nil {
		return err
	}
	defer db.Close()
	defer s.Close()
	m := &cdc.Metrics{}
	cfg.Metrics = m
	err = cdc.Run(ctx, s, &cfg)
	snap := m.Snapshot()
	fmt.Fprintf(stderr, "audit: %s transactions, %s records, at %s:%d\n",
		strconv.FormatInt(snap.Transactions, 10), strconv.FormatInt(snap.Rows, 10), snap.File, snap.Offset)
	return err
}
