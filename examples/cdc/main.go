// Command cdc streams the committed row changes of a MySQL or MariaDB
// binary log as JSON change records, one per line on stdout: from a live
// server over the replication protocol, or from binlog files.
//
//	MYSQL_PWD=secret cdc --host 127.0.0.1 --port 3306 --user repl --flavor mariadb \
//	    --checkpoint cdc.checkpoint --metrics :9100 -d shop
//	cdc --checkpoint cdc.checkpoint mysql-bin.000001 mysql-bin.000002
//
// The password of --user comes from --password-file FILE (its first line),
// else from the environment variable MYSQL_PWD, as for the mysql client.
// --password PASSWORD is accepted too, with a warning: other users of the
// machine can read a command line (ps, /proc). cdc never prints the
// password.
//
// The record format is documented on rowevent.Change. With --checkpoint
// FILE, cdc resumes after the last transaction it wrote and saves its
// position (with the GTID set, the schema history and the identity of the
// server that wrote the log: flavor and server id) atomically, at most
// every --checkpoint-interval and when it stops. A FILE that does not exist
// is a first run: cdc starts at the first of the files, or at the
// server's first binlog, or at --start-position; with --require-checkpoint
// it is an error instead. A FILE that is not a checkpoint (empty, damaged,
// of an older format) or is the checkpoint of another log (another server
// wrote it, its binlog file is not among the FILE arguments, no event
// boundary at its offset) is an error, before any record is written: cdc
// never starts again from the beginning by itself. To start over, remove
// the checkpoint file. See package binlog/cdc for the details.
//
// SIGINT or SIGTERM stops
// it cleanly: the transaction being written is finished, stdout is
// flushed, and the checkpoint saved, so that a restart delivers each
// committed change exactly once. After a crash, the transactions written
// since the last save are written again; (transaction.id,
// transaction.index) identifies duplicates. --checkpoint-interval=0 saves
// after every transaction (the output is flushed first), so that a crash
// repeats at most the one transaction whose checkpoint it interrupted.
//
// --max-tx-bytes N bounds the memory that one transaction holds before it
// is written (its events, their decoded values and its records; see
// cdc.Options.MaxTxBytes): a larger transaction is written in several
// chunks as it is read, whose records have a null commit_time. The peak
// RSS stays under about 1.5 times N plus 15 MB.
//
// --metrics ADDR serves Prometheus text at http://ADDR/metrics: events
// read, records written, transactions, checkpoint saves, reconnections,
// lag in seconds and the position.
//
// Filters (see binlog.FilterOptions):
//
//	--start-position FILE:POS, --stop-position FILE:POS
//	--start-datetime T, --stop-datetime T   "2006-01-02 15:04:05" in --time-zone (default UTC)
//	-d, --databases L, --exclude-databases L    comma-separated globs ("shop*")
//	-t, --tables L, --exclude-tables L          "db.table" or "table" globs ("shop.order*", "*.audit")
//	--kinds L                                   insert,update,delete (ddl has no records)
//	--include-gtids SET, --exclude-gtids SET
//	--server-ids L
//
// --sink nats://HOST:PORT publishes the records to NATS JetStream instead
// of stdout (package binlog/cdc/natssink): one message per row change on
// --subject (cdc.{db}.{table}), or per transaction (--per-transaction),
// with a stable Nats-Msg-Id, so that the replay after a crash is dropped
// by the stream's duplicate window: exactly once end to end.
//
//	cdc --host db1 --user repl --flavor mariadb --sink nats://nats1:4222 \
//	    --stream CDC --create-stream --checkpoint-kv cdc --checkpoint-key db1
//
// --stream NAME is checked at the start (--create-stream creates it, file
// storage, duplicate window 2*(--checkpoint-interval + --max-downtime), and
// the --checkpoint-kv bucket). --checkpoint-kv BUCKET keeps the checkpoint
// in a JetStream key-value bucket instead of a file, so that a pipeline on
// another host can take over. Credentials: --nats-creds FILE, --nats-user
// with --nats-password-file or $NATS_PASSWORD, --nats-token-file or
// $NATS_TOKEN; TLS: --tls-ca, --tls-cert, --tls-key. While NATS is down,
// cdc retries with backoff and stops reading the binlog: nothing is lost
// and memory stays bounded. --metrics adds publish latency, pending acks,
// retries and duplicates.
//
// The pipeline is package binlog/cdc (cdc.Run with a cdc.JSONLines or
// natssink.Sink sink); this file maps flags to cdc.Options (nats.go: the
// NATS flags).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/binlogkit/binlogkit/binlog/cdc"
	"github.com/binlogkit/binlogkit/binlog/cdc/natssink"
	"github.com/binlogkit/binlogkit/internal/cliflag"
	"github.com/binlogkit/binlogkit/rowevent"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "cdc:", err)
		os.Exit(1)
	}
}

// run parses args and runs until the input ends or ctx is canceled.
func run(ctx context.Context, args []string, stdout, stderr *os.File) error {
	fs := flag.NewFlagSet("cdc", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		cfg          cdc.Options
		change       rowevent.ChangeOptions
		port         uint
		serverID     uint
		filter       cliflag.Filter
		metricsAddr  string
		passwordFile string
	)
	fs.StringVar(&cfg.Stream.Host, "host", "", "server host (or Unix socket path); no host: read FILE arguments")
	fs.UintVar(&port, "port", 3306, "server port")
	fs.StringVar(&cfg.Stream.User, "user", "", "replication user")
	fs.StringVar(&cfg.Stream.Password, "password", "", "password (visible to other users: prefer --password-file or MYSQL_PWD)")
	fs.StringVar(&passwordFile, "password-file", "", "read the password from the first line of `FILE` (default: $MYSQL_PWD)")
	fs.StringVar(&cfg.Stream.Flavor, "flavor", "mysql", "server flavor: mysql or mariadb")
	fs.UintVar(&serverID, "server-id", 0, "replica server id to register with (0: random)")
	fs.StringVar(&cfg.CheckpointPath, "checkpoint", "", "checkpoint `FILE` to resume from and save to (none yet: a first run)")
	fs.BoolVar(&cfg.RequireCheckpoint, "require-checkpoint", false, "fail if the --checkpoint file does not exist, rather than start a first run")
	fs.DurationVar(&cfg.CheckpointEvery, "checkpoint-interval", time.Second, "least time between checkpoint saves; 0 saves after every transaction")
	fs.StringVar(&metricsAddr, "metrics", "", "serve Prometheus metrics at http://`ADDR`/metrics")
	filter.Register(fs)
	fs.BoolVar(&change.PositionalNames, "positional-names", false, "name columns @1, @2, ... when names are unknown")
	fs.BoolVar(&cfg.NoSchemaHistory, "no-schema-history", false, "do not track DDL for column names")
	fs.Int64Var(&cfg.MaxTxBytes, "max-tx-bytes", cdc.DefaultMaxTxBytes, "bound in bytes of the memory a transaction holds (events, decoded values, records); larger ones are written in chunks (-1: no limit)")
	var nf natsFlags
	nf.register(fs)
	files, err := cliflag.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	pw := cliflag.Password{Flag: "--password", Arg: cfg.Stream.Password, File: passwordFile}
	fs.Visit(func(f *flag.Flag) { pw.Given = pw.Given || f.Name == "password" })
	password, warning, err := pw.Resolve()
	if err != nil {
		return err
	}
	if warning != "" {
		fmt.Fprintln(stderr, "cdc: warning:", warning)
	}
	cfg.Stream.Password = password
	if (cfg.Stream.Host == "") == (len(files) == 0) {
		return errors.New("give either --host or binlog FILE arguments")
	}
	if len(files) > 0 {
		cfg.Files = files
	}
	cfg.Stream.Port, cfg.Stream.ServerID = uint16(port), uint32(serverID)

	if cfg.Filter, err = filter.Options(); err != nil {
		return err
	}

	useNATS, err := nf.used()
	if err != nil {
		return err
	}
	var sink cdc.Sink = cdc.NewJSONLines(stdout, &change)
	var sinkMetrics *natssink.Metrics
	if useNATS {
		nf.change = &change
		s, closeNATS, err := nf.setup(ctx, &cfg, stderr)
		if err != nil {
			return err
		}
		defer closeNATS()
		sink, sinkMetrics = s, &nf.metrics
	}

	cfg.Metrics = &cdc.Metrics{}
	if metricsAddr != "" {
		ln, err := net.Listen("tcp", metricsAddr)
		if err != nil {
			return err
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", metricsHandler(cfg.Metrics, sinkMetrics))
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(ln)
		defer srv.Close()
		fmt.Fprintf(stderr, "cdc: metrics at http://%s/metrics\n", ln.Addr())
	}
	return cdc.Run(ctx, sink, &cfg)
}
