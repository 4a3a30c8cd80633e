// Command anonymize masks personal data in MySQL/MariaDB binary logs and
// in SQL (package anonymize does the work; this command is flags and
// wiring):
//
//	anonymize [--rules FILE] [--key-file FILE] [--strict] IN OUT     rewrite a binlog
//	anonymize [--rules FILE] [--key-file FILE] [--strict] --sql IN... > masked.sql
//	anonymize [--rules FILE] [--key-file FILE] [--strict] --sql-in < dump.sql > masked.sql
//
// The first form writes OUT, a binlog with the values of its rows events
// and the literals of its statements masked, positions and checksums
// recomputed, that mariadb-binlog (mysqlbinlog) reads and a server
// replays: mariadb-binlog OUT | mariadb. Rows_query and Annotate_rows
// events (the text of each statement) are dropped unless the rules keep
// them. IN is a binlog file, plain or compressed (lz4, xz, gzip, zstd,
// recognized by their content); OUT is written to a temporary file next
// to it and renamed when whole, so a failed run leaves no OUT; OUT is
// readable by its owner only, as the temporary file was made.
//
// --sql writes SQL instead, on stdout: the statements that redo the masked
// row changes and the masked DDL, after statements that set the session,
// as binlog2sql writes them (IN... are read in the order given, as one
// stream). --sql-in masks an existing SQL script read from stdin (a
// mysqldump or mariadb-dump file, binlog2sql output), statement by
// statement, keeping everything but its literals. It does not look inside
// the BINLOG '...' base64 blocks of mariadb-binlog output: anonymize the
// binlog itself instead.
//
// Flags:
//
//	--rules FILE     the rules (JSON; see package anonymize); default: the
//	                 built-in rules, which mask by column-name hints and
//	                 detectors (emails, phone numbers, resident IDs, cards,
//	                 IP addresses) and need no key
//	--key-file FILE  the key of pseudonyms and fakes: the first line of
//	                 FILE (default: the file $BINLOGKIT_ANON_KEY_FILE names).
//	                 The same key gives the same pseudonyms in every file
//	                 and run, so joins survive; anonymize never prints it
//	--strict         exit with status 1 when a rule matched nothing
//	--quiet          no report
//
// The report on stderr gives the values each rule masked and the values
// masked per table.
//
// Exit status: 0 done, 1 error (or a rule that matched nothing with
// --strict), 2 bad usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/binlogkit/binlogkit/anonymize"
	"github.com/binlogkit/binlogkit/internal/cliflag"
	"github.com/binlogkit/binlogkit/internal/secret"
)

// KeyFileEnv names the key file when --key-file is not given.
const KeyFileEnv = "BINLOGKIT_ANON_KEY_FILE"

// config is the parsed command line.
type config struct {
	rules, keyFile string
	sql, sqlIn     bool
	strict, quiet  bool
	args           []string
}

func main() {
	ctx, stop := cliflag.Interruptible(context.Background()) // a second Ctrl-C kills
	code := mainContext(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage: anonymize [--rules FILE] [--key-file FILE] [--strict] IN OUT
       anonymize [--rules FILE] [--key-file FILE] [--strict] --sql IN... > masked.sql
       anonymize [--rules FILE] [--key-file FILE] [--strict] --sql-in < dump.sql > masked.sql
(the key: --key-file FILE or $` + KeyFileEnv + `)`

// mainContext runs the command with args and returns its exit status.
func mainContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "anonymize:", err)
		return 2
	}
	m, err := newMasker(cfg)
	if err == nil {
		err = run(ctx, cfg, m, stdin, stdout)
	}
	switch {
	case err == nil:
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		fmt.Fprintln(stderr, "anonymize: interrupted")
		return 1
	default:
		fmt.Fprintln(stderr, "anonymize:", strings.TrimPrefix(err.Error(), "anonymize: "))
		return 1
	}
	unmatched := printReport(stderr, m.Report(), cfg.quiet)
	if cfg.strict && len(unmatched) > 0 {
		fmt.Fprintf(stderr, "anonymize: --strict: rules that matched nothing: %s\n", strings.Join(unmatched, ", "))
		return 1
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	cfg := &config{}
	fs := flag.NewFlagSet("anonymize", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), usage)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.rules, "rules", "", "the rules `FILE` (JSON); default: the built-in rules")
	fs.StringVar(&cfg.keyFile, "key-file", "", "the key of pseudonyms: the first line of `FILE` (default: $"+KeyFileEnv+")")
	fs.BoolVar(&cfg.sql, "sql", false, "write masked SQL of the binlogs to stdout instead of a binlog")
	fs.BoolVar(&cfg.sqlIn, "sql-in", false, "mask the SQL script on stdin to stdout")
	fs.BoolVar(&cfg.strict, "strict", false, "exit with status 1 when a rule matched nothing")
	fs.BoolVar(&cfg.quiet, "quiet", false, "no report on stderr")
	var err error
	if cfg.args, err = cliflag.ParseInterspersed(fs, args); err != nil {
		return nil, err
	}
	if cfg.keyFile == "" {
		cfg.keyFile = os.Getenv(KeyFileEnv)
	}
	switch {
	case cfg.sql && cfg.sqlIn:
		return nil, errors.New("give --sql or --sql-in, not both")
	case cfg.sqlIn && len(cfg.args) > 0:
		return nil, errors.New("--sql-in reads stdin and writes stdout: no file arguments")
	case cfg.sql && len(cfg.args) == 0:
		return nil, errors.New("--sql needs binlog files (IN...)")
	case !cfg.sql && !cfg.sqlIn && len(cfg.args) != 2:
		return nil, errors.New("give IN and OUT (-help lists the flags)")
	}
	return cfg, nil
}

// newMasker builds the masker of --rules and the key.
func newMasker(cfg *config) (*anonymize.Masker, error) {
	rules := anonymize.DefaultRules()
	if cfg.rules != "" {
		data, err := os.ReadFile(cfg.rules)
		if err != nil {
			return nil, err
		}
		if rules, err = anonymize.ParseRules(data, cfg.rules); err != nil {
			return nil, err
		}
	}
	opts := &anonymize.Options{}
	if cfg.keyFile != "" {
		key, err := secret.ReadFile("--key-file", cfg.keyFile)
		if err != nil {
			return nil, err
		}
		opts.Key = []byte(key)
	}
	m, err := anonymize.New(rules, opts)
	if errors.Is(err, anonymize.ErrNoKey) {
		return nil, fmt.Errorf("%w: give --key-file FILE or $%s", err, KeyFileEnv)
	}
	return m, err
}
