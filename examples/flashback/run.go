package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/flashback"
)

// run does what cfg says: the conflict check when a server is given, then
// the SQL, the flashback binlog or the dry-run summary.
func run(ctx context.Context, cfg *config, stdout, stderr io.Writer) error {
	paths, err := inputPaths(cfg)
	if err != nil {
		return err
	}
	sel := cfg.selection(paths)
	ropts := &binlog.ReaderOptions{}
	var report *flashback.Report
	if cfg.server.Addr != "" {
		if ropts.Schema, err = cfg.server.loadSchema(plainNames(cfg.databases)); err != nil {
			return err
		}
		if report, err = check(ctx, cfg, paths, sel, ropts, stderr); err != nil {
			return err
		}
	}
	// The flashback binlog and the dry run need no row values unless the
	// conflict report leaves rows out: flashback.WriteBinlog inverts rows
	// events from their bytes, several times faster.
	skipping := report != nil && cfg.onConflict == flashback.ConflictSkip && len(report.Conflicts) > 0
	ropts.SkipRowValues = !cfg.sql && !skipping
	cr, err := binlog.OpenChain(paths, ropts)
	if err != nil {
		return err
	}
	defer cr.Close()
	src, stop := watch(cr, "reading", stderr, cfg.progressEvery)
	defer stop()
	if skipping {
		src = report.FilterSource(src)
	}
	switch {
	case cfg.dryRun:
		sum, err := summarize(src, sel)
		stop()
		if err != nil {
			return err
		}
		return printSummary(stdout, sum)
	case cfg.sql:
		w := bufio.NewWriterSize(stdout, 64<<10)
		_, err := flashback.WriteSQL(w, src, sel, &flashback.Options{Header: true, TempDir: cfg.tmpDir})
		stop()
		if err != nil {
			return err
		}
		return w.Flush()
	default:
		sum, err := writeBinlog(cfg, src, sel)
		stop()
		if err != nil {
			return err
		}
		if sum.Transactions == 0 {
			fmt.Fprintln(stderr, "flashback: warning: nothing selected: the output holds no transaction")
		}
		return nil
	}
}

// plainNames returns the names of --databases when none is a pattern (the
// databases whose definitions to read), else nil (all).
func plainNames(dbs []string) []string {
	for _, d := range dbs {
		if strings.ContainsAny(d, `*?[\`) {
			return nil
		}
	}
	return dbs
}

// check reads the range and asks the server whether its rows changed since.
// It prints the conflicts and the foreign keys on stderr.
func check(ctx context.Context, cfg *config, paths []string, sel *flashback.Selection, ropts *binlog.ReaderOptions, stderr io.Writer) (*flashback.Report, error) {
	db := cfg.server.openDB()
	defer db.Close()
	c, err := flashback.NewChecker(db, &flashback.CheckOptions{OnConflict: cfg.onConflict})
	if err != nil {
		return nil, err
	}
	cr, err := binlog.OpenChain(paths, ropts)
	if err != nil {
		return nil, err
	}
	defer cr.Close()
	src, stop := watch(cr, "checking", stderr, cfg.progressEvery)
	defer stop()
	s, err := flashback.NewSelector(src, sel)
	if err != nil {
		return nil, err
	}
	for {
		tx, err := s.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		for _, ev := range tx.Events {
			if err := c.Add(ctx, ev); err != nil {
				return nil, err
			}
		}
	}
	stop()
	r, err := c.Check(ctx)
	if r != nil {
		for _, k := range r.ForeignKeys {
			fmt.Fprintln(stderr, "flashback: warning:", k)
		}
		for _, cf := range r.Conflicts {
			fmt.Fprintln(stderr, "flashback: changed since the range:", cf)
		}
		if len(r.Conflicts) > 0 && err == nil {
			what := "overwritten (--on-conflict force)"
			if cfg.onConflict == flashback.ConflictSkip {
				what = "left as they are (--on-conflict skip)"
			}
			fmt.Fprintf(stderr, "flashback: %d of %d rows changed since the range: %s\n", len(r.Conflicts), r.Rows, what)
		}
	}
	switch {
	case errors.Is(err, flashback.ErrConflict) && r != nil:
		return nil, fmt.Errorf("%w: %d of %d rows, listed above", flashback.ErrConflict, len(r.Conflicts), r.Rows)
	case err != nil:
		return nil, fmt.Errorf("conflict check on %s: %w", cfg.server.Addr, err)
	}
	return r, nil
}

// summarize reads the selection and returns its summary.
func summarize(src binlog.Source, sel *flashback.Selection) (flashback.Summary, error) {
	s, err := flashback.NewSelector(src, sel)
	if err != nil {
		return flashback.Summary{}, err
	}
	for {
		_, err := s.Next()
		if errors.Is(err, io.EOF) {
			return s.Summary(), nil
		}
		if err != nil {
			return s.Summary(), err
		}
	}
}

// printSummary prints the dry run: the range, then the rows per table.
func printSummary(w io.Writer, sum flashback.Summary) error {
	if sum.Transactions == 0 {
		_, err := fmt.Fprintln(w, "nothing selected")
		return err
	}
	fmt.Fprintf(w, "transactions: %d, from %s to %s\n", sum.Transactions, sum.Begin, sum.End)
	fmt.Fprintf(w, "time span: %s to %s (%s)\n", sum.FirstTime.Local().Format(time.DateTime), sum.LastTime.Local().Format(time.DateTime),
		sum.LastTime.Sub(sum.FirstTime).Round(time.Second))
	if sum.Skipped > 0 {
		fmt.Fprintf(w, "statements left out: %d\n", sum.Skipped)
	}
	fmt.Fprintf(w, "%10s %10s %10s  %s\n", "reinsert", "delete", "revert", "table")
	var total flashback.TableSummary
	for _, t := range sum.Tables {
		fmt.Fprintf(w, "%10d %10d %10d  %s.%s\n", t.Reinsert, t.Delete, t.Revert, t.Schema, t.Table)
		total.Reinsert += t.Reinsert
		total.Delete += t.Delete
		total.Revert += t.Revert
	}
	_, err := fmt.Fprintf(w, "%10d %10d %10d  total\n", total.Reinsert, total.Delete, total.Revert)
	return err
}

// writeBinlog writes the flashback binlog to --out (split into
// FILE.000001, ... with --maxSplitSize). On error it removes the files it
// created.
func writeBinlog(cfg *config, src binlog.Source, sel *flashback.Selection) (sum flashback.Summary, err error) {
	first := cfg.out
	if cfg.maxSplitSize > 0 {
		first = fmt.Sprintf("%s.%06d", cfg.out, 1)
	}
	f, err := os.Create(first)
	if err != nil {
		return sum, err
	}
	created := []string{first}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			for _, p := range created {
				os.Remove(p)
			}
		}
	}()
	opts := &flashback.BinlogOptions{TempDir: cfg.tmpDir, MaxSplitSize: cfg.maxSplitSize}
	if cfg.maxSplitSize > 0 {
		next := flashback.NumberedFiles(cfg.out)
		opts.NextFile = func(n int) (io.Writer, error) {
			created = append(created, fmt.Sprintf("%s.%06d", cfg.out, n))
			return next(n)
		}
	}
	w := bufio.NewWriterSize(f, 256<<10)
	if sum, err = flashback.WriteBinlog(w, src, sel, opts); err != nil {
		return sum, err
	}
	return sum, w.Flush()
}
