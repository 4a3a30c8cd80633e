// Command binlogview shows what binlogs hold in a web browser: an overview
// with charts of activity over time and per table, the big and long
// transactions, and the events with filters, pages and exports.
//
// Usage:
//
//	binlogview [--listen 127.0.0.1:8080] FILE|DIR|INDEX...
//	binlogview -h HOST [-P PORT] -u USER --start-file NAME [--listen ADDR]
//	binlogview --report FILE.html FILE...   (one self-contained HTML file)
//	binlogview --stats FILE...              (a text table on stdout)
//	binlogview --json FILE...               (the statistics as JSON)
//
// Pages (all server-drawn HTML and SVG, no JavaScript, nothing loaded from the
// network):
//
//	/              overview: files, time span, counts, charts, top lists, DDL
//	/transactions  big and long transactions; thresholds min_bytes, min_rows,
//	               min_duration (a Go duration: 1s, 500ms) in the query string
//	/events        events with filters (db, table, kind, start, stop,
//	               start_pos, stop_pos, gtid, q) and pages of 100 events
//	/export.csv    the current selection of /events, every page, as CSV
//	/export.json   the same as a JSON array of eventfmt objects
//
// On start binlogview reads the input once, in the background, to count and
// to note where each page of 100 events starts (a few dozen bytes per page):
// pages then open at once. The overview refreshes itself until that pass is
// done. With a live server the pass goes on as events arrive.
//
// binlogview has no authentication: it binds to the loopback address by
// default and warns when --listen names another.
//
// The password of -u comes from --password-file, else from $MYSQL_PWD.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/binlogkit/binlogkit/binlog/stats"
	"github.com/binlogkit/binlogkit/internal/cliflag"
	"github.com/binlogkit/binlogkit/internal/secret"
)

type config struct {
	listen            string
	report            string
	stats, json       bool
	host, user        string
	password          string
	port              uint
	flavor, startFile string
	files             []string
	topN, buckets     int
	ready             func(addr string) // called once listening (tests)
}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "binlogview:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	cfg := &config{}
	fs := flag.NewFlagSet("binlogview", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: binlogview [--listen 127.0.0.1:8080] [--report F.html | --stats | --json] FILE|DIR|INDEX...\n       binlogview -h HOST [-P PORT] -u USER --start-file NAME [flags]")
		fs.PrintDefaults()
	}
	var passwordFile string
	fs.StringVar(&cfg.listen, "listen", "127.0.0.1:8080", "address to serve on (no authentication: keep it on loopback)")
	fs.StringVar(&cfg.report, "report", "", "write the overview and top lists to this self-contained HTML file and exit")
	fs.BoolVar(&cfg.stats, "stats", false, "print the statistics as a text table and exit")
	fs.BoolVar(&cfg.json, "json", false, "print the statistics as JSON and exit")
	fs.IntVar(&cfg.topN, "top", 0, "length of the top lists (0: 10)")
	fs.IntVar(&cfg.buckets, "buckets", 0, "most bars of the activity chart (0: 120)")
	fs.StringVar(&cfg.host, "h", "", "server host (or Unix socket path) to read binlogs from")
	fs.StringVar(&cfg.host, "host", "", "alias of -h")
	fs.UintVar(&cfg.port, "P", cliflag.DefaultPort, "server port")
	fs.UintVar(&cfg.port, "port", cliflag.DefaultPort, "alias of -P")
	fs.StringVar(&cfg.user, "u", "", "server user (REPLICATION SLAVE)")
	fs.StringVar(&cfg.user, "user", "", "alias of -u")
	fs.StringVar(&passwordFile, "password-file", "", "file whose first line is the password of -u")
	fs.StringVar(&cfg.flavor, "flavor", "mariadb", "server flavor: mariadb or mysql")
	fs.StringVar(&cfg.startFile, "start-file", "", "with -h: the first binlog to read")
	files, err := cliflag.ParseInterspersed(fs, args)
	if err != nil {
		return nil, err
	}
	cfg.files = files
	if passwordFile != "" {
		if cfg.password, err = secret.ReadFile("--password-file", passwordFile); err != nil {
			return nil, err
		}
	} else {
		cfg.password = os.Getenv("MYSQL_PWD")
	}
	switch {
	case cfg.host == "" && len(files) == 0:
		fs.Usage()
		return nil, errors.New("no binlog files and no server (-h)")
	case cfg.host != "" && len(files) > 0:
		return nil, errors.New("give binlog files or a server (-h), not both")
	}
	return cfg, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, ready func(string)) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	cfg.ready = ready
	var in input
	if cfg.host != "" {
		if in, err = openServer(cfg); err != nil {
			return err
		}
	} else {
		paths, err := cliflag.ExpandPaths(cfg.files)
		if err != nil {
			return err
		}
		in = &files{paths: paths}
	}
	sc, err := newScanner(in, &stats.Options{TopN: cfg.topN, MaxBuckets: cfg.buckets})
	if err != nil {
		return err
	}
	ctx, stop := cliflag.Interruptible(ctx)
	defer stop()
	go sc.run(ctx)
	v := &viewer{in: in, scan: sc, started: time.Now()}

	if cfg.report != "" || cfg.stats || cfg.json {
		if _, live := in.(*server); live {
			return errors.New("--report, --stats and --json read files, not a live server")
		}
		sn := sc.wait(ctx)
		if sn.Err != nil {
			return sn.Err
		}
		switch {
		case cfg.report != "":
			return v.writeReport(cfg.report, sn)
		case cfg.json:
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(sn.Stats)
		default:
			return sn.Stats.WriteText(stdout)
		}
	}

	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		return err
	}
	if host, _, _ := net.SplitHostPort(cfg.listen); !isLoopback(host) {
		fmt.Fprintf(stderr, "binlogview: WARNING: listening on %s: binlogview has no authentication; anyone who can reach this address can read the binlogs\n", ln.Addr())
	}
	fmt.Fprintf(stderr, "binlogview: serving %s on http://%s/\n", in.describe(), ln.Addr())
	if cfg.ready != nil {
		cfg.ready(ln.Addr().String())
	}
	srv := &http.Server{Handler: v.handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// isLoopback reports whether host is a loopback name or address.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
