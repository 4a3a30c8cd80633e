package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"

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
		cfg            cdc.Options
		change         rowevent.ChangeOptions
		store, keyFile string
		group          int
		port, serverID uint
		passwordFile   string
		filter         cliflag.Filter
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
	filter.Register(fs)
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
	if cfg.Filter, err = filter.Options(); err != nil {
		return err
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
