// Command archiver keeps a verified, compressed and optionally encrypted
// archive of a server's binary logs, and restores from it to a point in
// time.
//
// Usage:
//
//	archiver archive --store S --index PATH [--once] [--interval D] [--codec C] [--recipient R]... [--identity-file F]
//	archiver archive --store S --live HOST:PORT --user U --spool DIR [--flavor mariadb|mysql] [--codec C] [--recipient R]...
//	archiver verify  --store S [--identity-file F]
//	archiver list    --store S
//	archiver plan    --store S TARGET [BASE] [--identity-file F]
//	archiver restore --store S TARGET [BASE] --dir DIR [--identity-file F]
//	archiver prune   --store S BASE [--keep-last N] [--max-age D] [--dry-run]
//
// S is a directory or s3://bucket/prefix (credentials and region from the
// AWS_* environment, --s3-endpoint for S3-compatible servers). TARGET is
// one of --time (RFC 3339 with an explicit offset), --gtid SET or
// --position FILE:OFFSET; BASE is --base-position FILE:OFFSET or
// --base-gtid SET, where the base backup's state ends. archive reads the
// server's .index file and archives every closed binlog; without --once it
// keeps polling. With --live it connects to the server as a replica
// instead (password in $MYSQL_PWD), like mysqlbinlog --raw --stop-never,
// reconnecting after failures, and archives each file when the server
// rotates. restore writes the files and prints the mariadb-binlog
// command that replays them. Progress goes to stderr; the exit status is 1
// on any failure (a gap, a split brain, a corrupt object).
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/binlogkit/binlogkit/archive"
	"github.com/binlogkit/binlogkit/binlog"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// config holds every flag; each subcommand uses its share.
type config struct {
	store, s3Endpoint, index, codec, identityFile, dir string
	live, user, spool, flavor                          string
	recipients                                         multiFlag
	once, dryRun                                       bool
	interval, maxAge                                   time.Duration
	keepLast                                           int
	time, gtid, position, basePosition, baseGTID       string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: archiver archive|verify|list|plan|restore|prune [flags]")
		return 2
	}
	cmd := args[0]
	var c config
	fs := flag.NewFlagSet("archiver "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.store, "store", "", "archive `location`: a directory or s3://bucket/prefix")
	fs.StringVar(&c.s3Endpoint, "s3-endpoint", "", "`URL` of an S3-compatible server")
	fs.StringVar(&c.identityFile, "identity-file", "", "age identities, one a line, to decrypt the archive")
	switch cmd {
	case "archive":
		fs.StringVar(&c.index, "index", "", "the server's binlog index `file` (binlog.index)")
		fs.BoolVar(&c.once, "once", false, "archive the closed files once and exit")
		fs.DurationVar(&c.interval, "interval", 10*time.Second, "polling interval of the daemon")
		fs.StringVar(&c.codec, "codec", "zstd", "compression: none, lz4, xz or zstd")
		fs.StringVar(&c.live, "live", "", "archive from a live server at `HOST:PORT` over the replication protocol")
		fs.StringVar(&c.user, "user", "root", "replication `user` for --live (password in $MYSQL_PWD)")
		fs.StringVar(&c.spool, "spool", "", "`directory` holding the file being received in --live mode")
		fs.StringVar(&c.flavor, "flavor", "mariadb", "server flavor for --live: mariadb or mysql")
		fs.Var(&c.recipients, "recipient", "age `recipient` (age1... or passphrase:...); repeatable")
	case "plan", "restore", "prune":
		if cmd != "prune" {
			fs.StringVar(&c.time, "time", "", "target time, RFC 3339 with offset")
			fs.StringVar(&c.gtid, "gtid", "", "target GTID set")
			fs.StringVar(&c.position, "position", "", "target `FILE:OFFSET` (exclusive)")
		}
		fs.StringVar(&c.basePosition, "base-position", "", "base backup position `FILE:OFFSET`")
		fs.StringVar(&c.baseGTID, "base-gtid", "", "base backup GTID set")
		if cmd == "restore" {
			fs.StringVar(&c.dir, "dir", "", "`directory` to restore the files into")
		}
		if cmd == "prune" {
			fs.IntVar(&c.keepLast, "keep-last", 0, "keep at least `N` newest files")
			fs.DurationVar(&c.maxAge, "max-age", 0, "keep files archived less than this long ago")
			fs.BoolVar(&c.dryRun, "dry-run", false, "only print what would be deleted")
		}
	case "verify", "list":
	default:
		fmt.Fprintf(stderr, "archiver: unknown command %q\n", cmd)
		return 2
	}
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if err := c.run(ctx, cmd, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "archiver %s: %v\n", cmd, err)
		return 1
	}
	return 0
}

func (c *config) openStore(ctx context.Context) (archive.Store, error) {
	if c.store == "" {
		return nil, errors.New("--store is required")
	}
	if rest, ok := strings.CutPrefix(c.store, "s3://"); ok {
		bucket, prefix, _ := strings.Cut(rest, "/")
		if prefix != "" && !strings.HasSuffix(prefix, "/") {
			prefix += "/"
		}
		return archive.NewS3Store(ctx, &archive.S3Options{Bucket: bucket, Prefix: prefix, Endpoint: c.s3Endpoint})
	}
	return archive.NewDirStore(c.store)
}

func (c *config) identities() ([]string, error) {
	if c.identityFile == "" {
		return nil, nil
	}
	f, err := os.Open(c.identityFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			ids = append(ids, l)
		}
	}
	return ids, sc.Err()
}

func (c *config) base() (archive.Base, error) {
	var b archive.Base
	var err error
	if c.basePosition != "" {
		if b.Position, err = binlog.ParsePosition(c.basePosition); err != nil {
			return b, err
		}
	}
	if c.baseGTID != "" {
		if b.GTIDs, err = binlog.ParseGTIDSet(c.baseGTID); err != nil {
			return b, err
		}
	}
	return b, nil
}

func (c *config) target() (archive.Target, error) {
	var t archive.Target
	var err error
	if c.time != "" {
		if t.Time, err = archive.ParseTime(c.time); err != nil {
			return t, err
		}
	}
	if c.gtid != "" {
		if t.GTIDs, err = binlog.ParseGTIDSet(c.gtid); err != nil {
			return t, err
		}
	}
	if c.position != "" {
		if t.Position, err = binlog.ParsePosition(c.position); err != nil {
			return t, err
		}
	}
	return t, nil
}

func (c *config) run(ctx context.Context, cmd string, stdout, stderr io.Writer) error {
	store, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	ids, err := c.identities()
	if err != nil {
		return err
	}
	logf := func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) }
	switch cmd {
	case "archive":
		return c.archive(ctx, store, ids, logf)
	case "verify":
		rep, err := archive.Verify(ctx, store, &archive.VerifyOptions{Identities: ids, Log: logf})
		if err != nil {
			return err
		}
		for _, o := range rep.Orphans {
			fmt.Fprintf(stdout, "orphan object (no record): %s\n", o)
		}
		for _, f := range rep.Files {
			status := "ok"
			if f.Err != nil {
				status = "FAILED: " + f.Err.Error()
			}
			fmt.Fprintf(stdout, "%s\t%s\t%d events\t%s\n", f.Name, f.Object, f.Events, status)
		}
		for _, e := range rep.Chain {
			fmt.Fprintf(stdout, "chain: %v\n", e)
		}
		return rep.Err()
	case "list":
		m, err := archive.LoadManifest(ctx, store)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tRAW\tSTORED\tCODEC\tENC\tFIRST COMMIT\tLAST COMMIT\tTX\tGTIDS AFTER")
		for _, r := range m.Records {
			after := r.AddedGTIDs
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t%d\t%s\n", r.Name, r.RawSize, r.StoredSize, r.Codec,
				r.Encryption, fmtTime(r.FirstCommitTime), fmtTime(r.LastCommitTime), r.Transactions, after)
		}
		tw.Flush()
		for _, e := range m.Check() {
			fmt.Fprintf(stdout, "chain: %v\n", e)
		}
		return nil
	case "plan", "restore":
		base, err := c.base()
		if err != nil {
			return err
		}
		target, err := c.target()
		if err != nil {
			return err
		}
		plan, err := archive.MakePlan(ctx, store, &archive.PlanOptions{Base: base, Target: target, Identities: ids})
		if err != nil {
			return err
		}
		if len(plan.Files) == 0 {
			fmt.Fprintln(stdout, "nothing to replay: the base already holds the target")
		}
		for _, f := range plan.Files {
			fmt.Fprintf(stdout, "%s\t%d\t%d\n", f.Record.Name, f.Start, f.Stop)
		}
		fmt.Fprintf(stdout, "start %s stop %s", plan.Start, plan.Stop)
		if !plan.LastCommit.IsZero() {
			fmt.Fprintf(stdout, " (last commit %s)", plan.LastCommit.Format(time.RFC3339Nano))
		}
		fmt.Fprintln(stdout)
		if cmd == "plan" {
			return nil
		}
		if c.dir == "" {
			return errors.New("--dir is required")
		}
		if _, err := archive.Restore(ctx, store, plan, c.dir, &archive.RestoreOptions{Identities: ids, Log: logf}); err != nil {
			return err
		}
		fmt.Fprintln(stdout, plan.Command(c.dir))
		return nil
	case "prune":
		base, err := c.base()
		if err != nil {
			return err
		}
		del, err := archive.ApplyRetention(ctx, store, &archive.RetentionPolicy{
			Base: base, KeepLast: c.keepLast, MaxAge: c.maxAge, DryRun: c.dryRun})
		for _, r := range del {
			fmt.Fprintf(stdout, "deleted %s (%s)\n", r.Name, r.Object)
		}
		return err
	}
	return nil
}

func (c *config) archive(ctx context.Context, store archive.Store, ids []string, logf func(string, ...any)) error {
	a, err := archive.NewArchiver(&archive.Options{
		Store: store, Codec: archive.Codec(c.codec), Recipients: c.recipients, Identities: ids, Log: logf})
	if err != nil {
		return err
	}
	if c.live != "" {
		if c.spool == "" {
			return errors.New("--spool is required with --live")
		}
		err := a.RunLive(ctx, &archive.LiveOptions{
			Stream: binlog.StreamOptions{Flavor: c.flavor, Host: c.live, User: c.user,
				Password: os.Getenv("MYSQL_PWD")},
			SpoolDir: c.spool,
		})
		if errors.Is(err, context.Canceled) {
			return nil
		}
		return err
	}
	if c.index == "" {
		return errors.New("--index or --live is required")
	}
	if c.once {
		rep, err := a.ArchiveIndex(ctx, c.index)
		if rep != nil {
			logf("%d archived, %d already present, open: %s", len(rep.Archived), len(rep.Present), rep.Open)
		}
		return err
	}
	err = a.Run(ctx, c.index, c.interval, func(rep *archive.Report, err error) {
		if err == nil && rep != nil && len(rep.Archived) > 0 {
			logf("%d archived, open: %s", len(rep.Archived), rep.Open)
		}
	})
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}
