package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/flashback"
	"github.com/binlogkit/binlogkit/rowevent"
)

// flushChunk is how much SQL run collects before writing it (more than
// main's bufio.Writer holds, so that the writes bypass its buffer).
const flushChunk = 256 << 10

// backChunk is the number of flashback statements between pauses of
// --back-interval (binlog2sql's chunk).
const backChunk = 1000

// run reads the input and writes the SQL to w.
func run(cfg *config, w io.Writer) error { return runContext(context.Background(), cfg, w) }

// runContext is run with a context that stops a live stream.
func runContext(ctx context.Context, cfg *config, w io.Writer) error {
	ropts := &binlog.ReaderOptions{}
	if cfg.schema {
		s, err := loadSchema(cfg)
		if err != nil {
			return err
		}
		ropts.Schema = s
	}
	src, err := openInput(ctx, cfg, ropts)
	if err != nil {
		return err
	}
	events, stop := prefetch(src, cfg.live())
	defer stop()
	loc := cfg.loc
	if loc == nil {
		loc = time.UTC
	}
	var (
		out     = rowevent.AppendHeader(nil)
		fw      *flashback.Writer // --flashback: writes the header and inverse SQL at the end
		txStart int64
		gtid    string
		pos     rowevent.Position
		curDB   string // database of the last USE written
	)
	if cfg.flashback {
		fopts := &flashback.Options{SQL: cfg.opts, Header: true}
		if cfg.backInterval > 0 {
			fopts.BatchSize = backChunk
			fopts.AfterBatch = func() { cfg.sleep(cfg.backInterval) }
		}
		fw = flashback.NewWriter(w, fopts)
		defer fw.Discard()
		out = out[:0]
	}
loop:
	for {
		ev, err := events.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		switch src.place(ev) {
		case before:
			continue
		case after:
			break loop
		}
		if ev.Header.Timestamp != 0 && timed(ev) {
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
				break
			}
			if strings.EqualFold(q, "COMMIT") || strings.EqualFold(q, "ROLLBACK") {
				txStart, gtid = 0, ""
				break
			}
			if cfg.onlyDML || cfg.flashback || !cfg.selectedDB(p.Schema) {
				break
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
				break
			}
			opts := cfg.opts
			if !cfg.noComments {
				start := txStart
				if start == 0 {
					start = ev.Offset
				}
				pos = rowevent.Position{Start: start, End: ev.NextPos, Time: ev.Time().In(loc), GTID: gtid}
				opts.Position = &pos
			}
			if fw != nil {
				if err := fw.WriteEvent(ev, opts.Position); err != nil {
					return err
				}
				break
			}
			if out, err = rowevent.AppendForward(out, p, &opts); err != nil {
				return fmt.Errorf("%s@%d: %w", ev.File, ev.Offset, err)
			}
		}
		if len(out) > flushChunk || (cfg.stopNever && len(out) > 0) {
			if err := write(w, out, cfg.stopNever); err != nil {
				return err
			}
			out = out[:0]
		}
		if src.last(ev) {
			break
		}
	}
	if fw != nil {
		return fw.Close()
	}
	return write(w, out, false)
}

// timed reports whether the datetime flags apply to ev: events of
// transactions, as binlog2sql sees them, not a file's format description
// or rotate, whose times are those of the file.
func timed(ev *binlog.Event) bool {
	switch ev.Payload.(type) {
	case *binlog.GTID, *binlog.Query, *binlog.Rows, *binlog.XID:
		return true
	}
	return false
}

// write writes b to w, and flushes w when asked and w can.
func write(w io.Writer, b []byte, flush bool) error {
	if _, err := w.Write(b); err != nil {
		return err
	}
	if f, ok := w.(interface{ Flush() error }); ok && flush {
		return f.Flush()
	}
	return nil
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
