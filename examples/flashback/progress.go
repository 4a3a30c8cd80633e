package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
)

// progress is a binlog.Source that passes on the events of src and, every
// interval, prints on w where it is: the position, the transactions read
// and the read rate. Nothing is printed for a run shorter than interval.
type progress struct {
	src   binlog.Source
	what  string
	mu    sync.Mutex
	pos   binlog.Position
	txs   int64
	bytes int64
	start time.Time
	stop  chan struct{}
	done  chan struct{}
}

// watch starts printing the progress of src on w every interval (never
// when interval is 0); call the returned stop function at the end.
func watch(src binlog.Source, what string, w io.Writer, interval time.Duration) (binlog.Source, func()) {
	if interval <= 0 {
		return src, func() {}
	}
	p := &progress{src: src, what: what, start: time.Now(), stop: make(chan struct{}), done: make(chan struct{})}
	go p.loop(w, interval)
	var once sync.Once
	return p, func() {
		once.Do(func() {
			close(p.stop)
			<-p.done
		})
	}
}

func (p *progress) Next() (*binlog.Event, error) {
	ev, err := p.src.Next()
	if err != nil {
		return ev, err
	}
	p.mu.Lock()
	if ev.PayloadIndex == 0 {
		p.bytes += ev.NextPos - ev.Offset
	}
	p.pos = binlog.Position{File: ev.File, Offset: ev.NextPos}
	switch q := ev.Payload.(type) {
	case *binlog.XID:
		p.txs++
	case *binlog.Query:
		if q.Control() == binlog.TxCommit {
			p.txs++
		}
	}
	p.mu.Unlock()
	return ev, nil
}

func (p *progress) loop(w io.Writer, interval time.Duration) {
	defer close(p.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			pos, txs, bytes := p.pos, p.txs, p.bytes
			p.mu.Unlock()
			secs := time.Since(p.start).Seconds()
			fmt.Fprintf(w, "flashback: %s: at %s, %d transactions, %.1f MB in %.0fs (%.1f MB/s)\n",
				p.what, pos, txs, float64(bytes)/1e6, secs, float64(bytes)/1e6/secs)
		}
	}
}
