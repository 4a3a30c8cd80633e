// Command archiver keeps a verified, compressed and optionally encrypted
// archive of a server's binary logs, and restores from it to a point in
// time.
//
// Usage:
//
//	archiver archive --store S --index PATH [--once] [--interval D] [--codec C] [--recipient R]... [--passphrase-file F] [--identity-file F]
//	archiver archive --store S --live HOST:PORT --user U --spool DIR [--flavor mariadb|mysql] [--codec C] [--recipient R]... [--passphrase-file F]
//	archiver verify  --store S [--identity-file F] [--passphrase-file F]
//	archiver list    --store S
//	archiver plan    --store S TARGET [BASE] [--identity-file F] [--passphrase-file F]
//	archiver restore --store S TARGET [BASE] --dir DIR [--force] [--identity-file F] [--passphrase-file F]
//	archiver prune   --store S BASE [--keep-last N] [--max-age D] [--dry-run]
//	archiver [CMD] --help
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
// command that replays them; it refuses to replace files already in DIR
// unless --force is given. Progress goes to stderr; the exit status is 1
// on any failure (a gap, a split brain, a corrupt object), 2 for bad
// usage, 0 after --help.
//
// Encryption uses age: --recipient age1... (repeatable) encrypts for public
// keys, whose secret keys --identity-file gives to the other commands. A
// passphrase instead (age -p) comes from --passphrase-file F (its first
// line) or $ARCHIVER_PASSPHRASE, and serves every command: it encrypts
// what archive writes and decrypts what the others read. --recipient
// passphrase:... works too, with a warning: other users of the machine
// see command lines (ps). No passphrase or password is ever printed.
//
// The first SIGINT or SIGTERM stops the command cleanly at its next read
// or wait (a daemon exits with status 0); a second one ends it at once.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/binlogkit/binlogkit/archive"
	"github.com/binlogkit/binlogkit/archive/remote"
	"github.com/binlogkit/binlogkit/archive/s3"
	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/live"
	"github.com/binlogkit/binlogkit/internal/secret"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first signal cancels ctx, and every read and wait returns. Only
	// the first: then the default handling comes back, so that a second
	// Ctrl-C ends the process at once should something still block (a
	// --passphrase-file that is a pipe nobody writes to).
	context.AfterFunc(ctx, stop)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// usage is printed by "archiver --help" and after a usage error.
const usage = `usage:
  archiver archive --store S --index PATH [--once] [--interval D] [--codec C] [--recipient R]... [--passphrase-file F] [--identity-file F]
  archiver archive --store S --live HOST:PORT --user U --spool DIR [--flavor mariadb|mysql] [--codec C] [--recipient R]... [--passphrase-file F]
  archiver verify  --store S [--identity-file F] [--passphrase-file F]
  archiver list    --store S
  archiver plan    --store S TARGET [BASE] [--identity-file F] [--passphrase-file F]
  archiver restore --store S TARGET [BASE] --dir DIR [--force] [--identity-file F] [--passphrase-file F]
  archiver prune   --store S BASE [--keep-last N] [--max-age D] [--dry-run]

S: a directory or s3://bucket/prefix (AWS_* environment, --s3-endpoint).
TARGET: --time RFC3339 (with an offset), --gtid SET or --position FILE:OFFSET.
BASE: --base-position FILE:OFFSET or --base-gtid SET, where the base backup ends.
Secrets: --live takes the password from $MYSQL_PWD; a passphrase comes from
--passphrase-file F or $` + passphraseEnv + ` (not --recipient passphrase:..., which ps shows).
"archiver CMD --help" lists the flags of CMD.
`

// passphraseEnv names the variable holding the archive's passphrase.
const passphraseEnv = "ARCHIVER_PASSPHRASE"

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// config holds every flag; each subcommand uses its share.
type config struct {
	store, s3Endpoint, index, codec, identityFile, dir string
	passphraseFile                                     string
	live, user, spool, flavor                          string
	recipients                                         multiFlag
	once, dryRun, force                                bool
	interval, maxAge                                   time.Duration
	keepLast                                           int
	time, gtid, position, basePosition, baseGTID       string

	stderr io.Writer
	// secrets are masked in everything printed.
	secrets []string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd := args[0]
	switch cmd {
	case "-h", "-help", "--help", "help":
		if cmd == "help" && len(args) > 1 {
			return run(ctx, []string{args[1], "--help"}, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return 0
	}
	c := config{stderr: stderr}
	fs := flag.NewFlagSet("archiver "+cmd, flag.ContinueOnError)
	// Flag help goes to stdout when asked for, to stderr after an error.
	var flagOut bytes.Buffer
	fs.SetOutput(&flagOut)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: archiver %s [flags]; flags:\n", cmd)
		fs.PrintDefaults()
	}
	fs.StringVar(&c.store, "store", "", "archive `location`: a directory or s3://bucket/prefix")
	fs.StringVar(&c.s3Endpoint, "s3-endpoint", "", "`URL` of an S3-compatible server")
	fs.StringVar(&c.identityFile, "identity-file", "", "age identities, one a line, to decrypt the archive")
	if cmd != "list" && cmd != "prune" {
		fs.StringVar(&c.passphraseFile, "passphrase-file", "",
			"`file` whose first line is the archive's passphrase (default $"+passphraseEnv+")")
	}
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
		fs.Var(&c.recipients, "recipient", "age `recipient` (age1...); repeatable. For a passphrase use --passphrase-file")
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
			fs.BoolVar(&c.force, "force", false, "replace files that already exist in --dir")
		}
		if cmd == "prune" {
			fs.IntVar(&c.keepLast, "keep-last", 0, "keep at least `N` newest files")
			fs.DurationVar(&c.maxAge, "max-age", 0, "keep files archived less than this long ago")
			fs.BoolVar(&c.dryRun, "dry-run", false, "only print what would be deleted")
		}
	case "verify", "list":
	default:
		fmt.Fprintf(stderr, "archiver: unknown command %q\n%s", cmd, usage)
		return 2
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			stdout.Write(flagOut.Bytes())
			return 0
		}
		stderr.Write(flagOut.Bytes())
		return 2
	}
	if err := c.run(ctx, cmd, stdout); err != nil {
		msg := err.Error()
		if errors.Is(err, iofs.ErrExist) && cmd == "restore" {
			msg += " (--force replaces it)"
		}
		fmt.Fprintf(stderr, "archiver %s: %s\n", cmd, c.redact(msg))
		return 1
	}
	return 0
}

// redact masks every secret in s. Secrets of one or two characters are
// left alone: masking them would garble every message and tell more.
func (c *config) redact(s string) string {
	for _, sec := range c.secrets {
		if len(sec) > 2 {
			s = strings.ReplaceAll(s, sec, "***")
		}
	}
	return s
}

// logger returns a logger that writes text records to stderr with every
// secret masked: the message and each attribute value (errors included)
// pass through redact before they are formatted, so that quoting cannot
// hide a secret from it.
func (c *config) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			switch a.Value.Kind() {
			case slog.KindString, slog.KindAny:
				s := a.Value.String()
				if r := c.redact(s); r != s {
					a.Value = slog.StringValue(r)
				}
			}
			return a
		},
	}))
}

// passphrase returns the archive's passphrase: the first line of
// --passphrase-file, else $ARCHIVER_PASSPHRASE, else "".
func (c *config) passphrase() (string, error) {
	if c.passphraseFile == "" {
		return os.Getenv(passphraseEnv), nil
	}
	return secret.ReadFile("--passphrase-file", c.passphraseFile)
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
		return s3.New(&s3.Options{Bucket: bucket, Prefix: prefix, Endpoint: c.s3Endpoint})
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

func (c *config) run(ctx context.Context, cmd string, stdout io.Writer) error {
	c.secrets = append(c.secrets, os.Getenv("MYSQL_PWD"))
	log := c.logger()
	ids, err := c.identities()
	if err != nil {
		return err
	}
	for _, id := range ids {
		if p, ok := strings.CutPrefix(id, archive.PassphrasePrefix); ok {
			c.secrets = append(c.secrets, p)
		}
	}
	pass, err := c.passphrase()
	if err != nil {
		return err
	}
	if pass != "" {
		c.secrets = append(c.secrets, pass)
		ids = append(ids, archive.PassphrasePrefix+pass)
	}
	recipients := slices.Clone(c.recipients)
	for _, r := range recipients {
		if p, ok := strings.CutPrefix(r, archive.PassphrasePrefix); ok {
			c.secrets = append(c.secrets, p)
			log.Warn("a passphrase given with --recipient can be read by other users of this machine (ps); use --passphrase-file or $" + passphraseEnv)
			ids = append(ids, r) // to check the upload's raw digest too
		}
	}
	if pass != "" && cmd == "archive" {
		recipients = append(recipients, archive.PassphrasePrefix+pass)
	}
	store, err := c.openStore(ctx)
	if err != nil {
		return err
	}
	switch cmd {
	case "archive":
		return c.archive(ctx, store, recipients, ids, log)
	case "verify":
		rep, err := archive.Verify(ctx, store, &archive.VerifyOptions{Identities: ids, Logger: log})
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
		if _, err := archive.Restore(ctx, store, plan, c.dir, &archive.RestoreOptions{Identities: ids, Overwrite: c.force, Logger: log}); err != nil {
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

func (c *config) archive(ctx context.Context, store archive.Store, recipients, ids []string, log *slog.Logger) error {
	a, err := archive.NewArchiver(&archive.Options{
		Store: store, Codec: archive.Codec(c.codec), Recipients: recipients, Identities: ids, Logger: log})
	if err != nil {
		return err
	}
	if c.live != "" {
		if c.spool == "" {
			return errors.New("--spool is required with --live")
		}
		err := remote.Run(ctx, a, &remote.Options{
			Stream: live.Options{Flavor: c.flavor, Host: c.live, User: c.user,
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
			log.Info("pass done", "archived", len(rep.Archived), "present", len(rep.Present), "open", rep.Open)
		}
		return err
	}
	err = a.Run(ctx, c.index, c.interval, func(rep *archive.Report, err error) {
		if err == nil && rep != nil && len(rep.Archived) > 0 {
			log.Info("pass done", "archived", len(rep.Archived), "open", rep.Open)
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
