package main

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/stats"
)

// pageSize is the number of events of a page of the event list.
const pageSize = 100

// eventID names an event: its file, offset and index in a transaction
// payload.
type eventID struct {
	File   string
	Offset int64
	PI     int
}

func idOf(ev *binlog.Event) eventID { return eventID{ev.File, ev.Offset, ev.PayloadIndex} }

// page is an entry of the index of the event list, every pageSize events:
// where to start reading (Resume: the start of the group the page's first
// event belongs to, Skip events before it) and the page's first event.
type page struct {
	Resume resume
	Skip   int
	First  eventID
	Time   time.Time
}

// scanner makes the first pass over the input: statistics and the index of
// pages. Its state is read by the pages while it runs.
type scanner struct {
	in input

	mu     sync.Mutex
	col    *stats.Collector
	pages  []page
	files  map[string]int // file name -> order
	names  []string
	events int64
	end    eventID // the last event scanned
	done   bool
	err    error
	took   time.Duration
}

func newScanner(in input, opts *stats.Options) (*scanner, error) {
	col, err := stats.NewCollector(opts)
	if err != nil {
		return nil, err
	}
	return &scanner{in: in, col: col, files: map[string]int{}}, nil
}

// run reads the input to its end (for a live server: until ctx ends).
func (s *scanner) run(ctx context.Context) {
	start := time.Now()
	err := s.scan(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done, s.took = true, time.Since(start)
	if !errors.Is(err, io.EOF) {
		s.err = err
	}
}

func (s *scanner) scan(ctx context.Context) error {
	src, c, err := s.in.open(ctx, s.in.first(), false)
	if err != nil {
		return err
	}
	defer c.Close()
	var (
		cand     resume
		since    int
		prevGTID bool
	)
	for {
		ev, err := src.Next()
		if err != nil {
			return err
		}
		if _, ok := ev.Payload.(*binlog.Heartbeat); ok {
			continue
		}
		s.mu.Lock()
		if _, ok := s.files[ev.File]; !ok {
			s.files[ev.File] = len(s.names)
			s.names = append(s.names, ev.File)
			cand, since = resume{File: ev.File}, 0
		}
		switch p := ev.Payload.(type) {
		case *binlog.GTID:
			cand, since = resume{ev.File, ev.Offset}, 0
		case *binlog.Query:
			if ctl := p.Control(); (ctl == binlog.TxBegin || ctl == binlog.TxXAStart) && !prevGTID {
				cand, since = resume{ev.File, ev.Offset}, 0
			}
		}
		_, prevGTID = ev.Payload.(*binlog.GTID)
		if s.events%pageSize == 0 {
			s.pages = append(s.pages, page{Resume: cand, Skip: since, First: idOf(ev), Time: ev.Header.Time()})
		}
		since++
		s.events++
		s.end = idOf(ev)
		s.col.Add(ev)
		s.mu.Unlock()
	}
}

// less orders event ids as the log does.
func (s *scanner) less(a, b eventID) bool {
	fa, fb := s.files[a.File], s.files[b.File]
	if fa != fb {
		return fa < fb
	}
	if a.Offset != b.Offset {
		return a.Offset < b.Offset
	}
	return a.PI < b.PI
}

// snapshot is what the pages show of the scan.
type snapshot struct {
	Stats  *stats.Stats
	Pages  int
	Events int64
	Done   bool
	Err    error
	Took   time.Duration
}

func (s *scanner) snapshot() snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return snapshot{Stats: s.col.Stats(), Pages: len(s.pages), Events: s.events, Done: s.done, Err: s.err, Took: s.took}
}

// wait waits for the scan to end.
func (s *scanner) wait(ctx context.Context) snapshot {
	for {
		sn := s.snapshot()
		if sn.Done || ctx.Err() != nil {
			return sn
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// pageFor returns the last page whose first event is at or before id (the
// first page for the zero id), and the index of that page.
func (s *scanner) pageFor(id eventID) (page, int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pages) == 0 {
		return page{}, 0, false
	}
	if id == (eventID{}) {
		return s.pages[0], 0, true
	}
	lo, hi := 0, len(s.pages) // first page after id
	for lo < hi {
		m := (lo + hi) / 2
		if s.less(id, s.pages[m].First) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	if lo == 0 {
		return s.pages[0], 0, true
	}
	return s.pages[lo-1], lo - 1, true
}

// pageList returns the pages from i, at most n.
func (s *scanner) pageList(i, n int) []page {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i >= len(s.pages) {
		return nil
	}
	return append([]page(nil), s.pages[i:min(len(s.pages), i+n)]...)
}

// limit returns the last event scanned: readers stop there.
func (s *scanner) limit() eventID {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.end
}
