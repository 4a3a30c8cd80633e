package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/cliflag"
	"github.com/binlogkit/binlogkit/internal/eventfmt"
)

// selection is the filtered view the events page and the exports show,
// read from the query string:
//
//	db, table        database and table patterns (binlog.FilterOptions globs)
//	kind             insert,update,delete,ddl,other
//	start, stop      times: "2006-01-02 15:04:05" (UTC) or RFC 3339
//	start_pos, stop_pos  positions FILE:OFFSET (or OFFSET in the first file)
//	gtid             a GTID set the transactions must be in
//	q                text to find in statements and values (any case)
//	from             the first event to show: FILE:OFFSET[:INDEX]
type selection struct {
	fo     binlog.FilterOptions
	search string
	from   eventID
	values url.Values // the filter parameters, without from
}

var filterParams = []string{"db", "table", "kind", "start", "stop", "start_pos", "stop_pos", "gtid", "q"}

func parseSelection(v url.Values, first string) (*selection, error) {
	s := &selection{values: url.Values{}}
	for _, k := range filterParams {
		if x := strings.TrimSpace(v.Get(k)); x != "" {
			s.values.Set(k, x)
		}
	}
	g := s.values.Get
	if x := g("db"); x != "" {
		s.fo.IncludeDatabases = []string{x}
	}
	if x := g("table"); x != "" {
		s.fo.IncludeTables = []string{x}
	}
	if x := g("kind"); x != "" {
		k, err := binlog.ParseStmtKinds(x)
		if err != nil {
			return nil, err
		}
		s.fo.Kinds = k
	}
	var err error
	if s.fo.StartTime, err = cliflag.ParseTime(g("start"), time.UTC); err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	if s.fo.StopTime, err = cliflag.ParseTime(g("stop"), time.UTC); err != nil {
		return nil, fmt.Errorf("stop: %w", err)
	}
	if s.fo.StartPosition, err = parsePos(g("start_pos"), first); err != nil {
		return nil, fmt.Errorf("start_pos: %w", err)
	}
	if s.fo.StopPosition, err = parsePos(g("stop_pos"), first); err != nil {
		return nil, fmt.Errorf("stop_pos: %w", err)
	}
	if x := g("gtid"); x != "" {
		if s.fo.IncludeGTIDs, err = binlog.ParseGTIDSet(x); err != nil {
			return nil, fmt.Errorf("gtid: %w", err)
		}
	}
	s.search = strings.ToLower(g("q"))
	if x := v.Get("from"); x != "" {
		if s.from, err = parseID(x); err != nil {
			return nil, fmt.Errorf("from: %w", err)
		}
	}
	return s, nil
}

// parsePos reads FILE:OFFSET, or OFFSET in file first.
func parsePos(s, first string) (binlog.Position, error) {
	if s == "" {
		return binlog.Position{}, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return binlog.Position{File: first, Offset: n}, nil
	}
	return binlog.ParsePosition(s)
}

func (id eventID) String() string {
	if id.PI != 0 {
		return fmt.Sprintf("%s:%d:%d", id.File, id.Offset, id.PI)
	}
	return fmt.Sprintf("%s:%d", id.File, id.Offset)
}

// parseID reads FILE:OFFSET[:INDEX].
func parseID(s string) (eventID, error) {
	var id eventID
	parts := strings.Split(s, ":")
	if len(parts) == 3 {
		pi, err := strconv.Atoi(parts[2])
		if err != nil {
			return id, err
		}
		id.PI, parts = pi, parts[:2]
	}
	if len(parts) != 2 {
		return id, errors.New("want FILE:OFFSET")
	}
	off, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return id, err
	}
	id.File, id.Offset = parts[0], off
	return id, nil
}

// query returns the selection's query string with from set (zero: none).
func (s *selection) query(from eventID) string {
	v := url.Values{}
	for k, x := range s.values {
		v[k] = x
	}
	if from != (eventID{}) {
		v.Set("from", from.String())
	}
	return v.Encode()
}

// read calls fn with each event of the selection from sel.from on, in log
// order, until fn returns false or the scanned part of the log ends. It
// returns the id of the event after the last one given to fn, zero at the
// end.
func (v *viewer) read(ctx context.Context, sel *selection, fn func(ev *binlog.Event) bool) (eventID, error) {
	pg, _, ok := v.scan.pageFor(sel.from)
	if !ok {
		return eventID{}, nil
	}
	src, c, err := v.in.open(ctx, pg.Resume, true)
	if err != nil {
		return eventID{}, err
	}
	defer c.Close()
	f, err := binlog.NewFilter(&bounded{src: src, end: v.scan.limit()}, &sel.fo)
	if err != nil {
		return eventID{}, err
	}
	var text []byte
	stopped := false
	for {
		ev, err := f.Next()
		if errors.Is(err, io.EOF) {
			return eventID{}, nil
		}
		if err != nil {
			return eventID{}, err
		}
		id := idOf(ev)
		if sel.from != (eventID{}) && v.scan.less(id, sel.from) {
			continue
		}
		if sel.search != "" {
			text = eventfmt.AppendText(text[:0], ev, &eventfmt.TextOptions{ColumnNames: true})
			if !bytes.Contains(bytes.ToLower(text), []byte(sel.search)) {
				continue
			}
		}
		if stopped {
			return id, nil
		}
		if !fn(ev) {
			stopped = true
		}
		if ctx.Err() != nil {
			return eventID{}, ctx.Err()
		}
	}
}

// bounded ends a source after the last event the scan has seen (a live
// stream has no end of its own), and drops heartbeats.
type bounded struct {
	src  binlog.Source
	end  eventID
	over bool
}

func (b *bounded) Next() (*binlog.Event, error) {
	for {
		if b.over {
			return nil, io.EOF
		}
		ev, err := b.src.Next()
		if err != nil {
			return nil, err
		}
		if _, ok := ev.Payload.(*binlog.Heartbeat); ok {
			continue
		}
		b.over = idOf(ev) == b.end
		return ev, nil
	}
}
