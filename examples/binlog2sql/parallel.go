package main

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/flashback"
	"github.com/binlogkit/binlogkit/rowevent"
)

// Making the SQL of rows events takes longer than reading and decoding
// them, and the events are independent: when reading files, the runner
// hands the selected rows events to sqlPipe in batches, whose SQL is made
// on one goroutine per core while the runner goes on; a writer goroutine
// puts the batches out in log order (forward SQL to the output, inverse
// SQL to the flashback spool). The runner's own text (BEGIN, COMMIT,
// savepoints, DDL) travels in the sqlBatch, before the event it preceded, so
// that order holds. At most pipeDepth batches are in flight; the writer
// releases each event (binlog.Event.Release) once its SQL is out. A live
// stream keeps the sequential path: there each event's SQL is written as
// it arrives.

const (
	pipeBatch = 4 // rows events per batch
	pipeDepth = 2 // batches in flight
)

// item is the runner's text (text[ts:te] of its sqlBatch), then the SQL of a
// rows event when ev is set.
type item struct {
	ts, te int
	ev     *binlog.Event
	rows   *binlog.Rows
	opts   rowevent.Options
	pos    rowevent.Origin
	end    int // end of the item's SQL in the sqlBatch's out
}

type sqlBatch struct {
	items []item
	text  []byte // the runner's text of every item
	// out holds the items' text and SQL in order; item i's SQL ends at
	// items[i].end and starts where its text ends.
	out   []byte
	err   error // of items[errAt]; later items were not made
	errAt int
	done  chan struct{}
}

type sqlPipe struct {
	r      *runner
	w      io.Writer
	cur    *sqlBatch
	free   chan *sqlBatch // batches written, for reuse
	jobs   chan *sqlBatch
	order  chan *sqlBatch
	exited chan struct{} // closed when the writer is done
	wg     sync.WaitGroup

	mu  sync.Mutex
	err error // the writer's first error
}

func newSQLPipe(r *runner, w io.Writer) *sqlPipe {
	p := &sqlPipe{r: r, w: w, jobs: make(chan *sqlBatch, pipeDepth), order: make(chan *sqlBatch, pipeDepth),
		free: make(chan *sqlBatch, 2*pipeDepth+2), exited: make(chan struct{})}
	inverse := r.fw != nil
	for range runtime.GOMAXPROCS(0) {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for b := range p.jobs {
				b.make(inverse)
				close(b.done)
			}
		}()
	}
	go p.write()
	return p
}

// make fills b.out.
func (b *sqlBatch) make(inverse bool) {
	for i := range b.items {
		it := &b.items[i]
		b.out = append(b.out, b.text[it.ts:it.te]...)
		if it.ev != nil {
			var err error
			if inverse {
				b.out, err = rowevent.AppendInverse(b.out, it.rows, &it.opts)
			} else {
				b.out, err = rowevent.AppendForward(b.out, it.rows, &it.opts)
			}
			if err != nil {
				b.err, b.errAt = err, i
				return
			}
		}
		it.end = len(b.out)
	}
}

// add queues text (copied) and, when ev is set, the SQL of its rows with
// opts (whose Position is copied). It returns the writer's error, if any.
func (p *sqlPipe) add(text []byte, ev *binlog.Event, rows *binlog.Rows, opts rowevent.Options) error {
	b := p.cur
	if b == nil {
		select {
		case b = <-p.free:
		default:
			b = &sqlBatch{items: make([]item, 0, pipeBatch)}
		}
		b.done = make(chan struct{})
		p.cur = b
	}
	ts := len(b.text)
	b.text = append(b.text, text...)
	b.items = append(b.items, item{ts: ts, te: len(b.text), ev: ev, rows: rows, opts: opts})
	it := &b.items[len(b.items)-1]
	if opts.Origin != nil {
		it.pos = *opts.Origin
		it.opts.Origin = &it.pos
	}
	if ev == nil || len(b.items) >= pipeBatch {
		p.send()
	}
	return p.error()
}

func (p *sqlPipe) send() {
	if p.cur != nil {
		p.jobs <- p.cur
		p.order <- p.cur
		p.cur = nil
	}
}

func (p *sqlPipe) error() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

func (p *sqlPipe) fail(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err == nil {
		p.err = err
	}
}

// close sends what is queued, waits until everything is out and returns
// the first error.
func (p *sqlPipe) close() error {
	p.send()
	close(p.jobs)
	close(p.order)
	p.wg.Wait()
	<-p.exited
	return p.error()
}

// write puts the batches out in order; after an error it only drains them.
func (p *sqlPipe) write() {
	defer close(p.exited)
	for b := range p.order {
		<-b.done
		if p.error() == nil {
			if err := p.put(b); err != nil {
				p.fail(err)
			}
		}
		for i := range b.items {
			if ev := b.items[i].ev; ev != nil {
				ev.Release()
			}
		}
		if cap(b.out) <= 4*flushChunk && cap(b.text) <= 4*flushChunk {
			clear(b.items)
			b.items, b.text, b.out, b.err = b.items[:0], b.text[:0], b.out[:0], nil
			select {
			case p.free <- b:
			default:
			}
		}
	}
}

// put writes b's SQL (forward) or spools it (flashback), and reports the
// error of its failed item.
func (p *sqlPipe) put(b *sqlBatch) error {
	n := len(b.items)
	if b.err != nil {
		n = b.errAt
	}
	if fw := p.r.fw; fw != nil {
		start := 0
		for _, it := range b.items[:n] {
			if it.ev != nil {
				if err := fw.WriteInverse(it.ev, b.out[start+it.te-it.ts:it.end]); err != nil {
					return err
				}
			}
			start = it.end
		}
	} else if _, err := p.w.Write(b.out); err != nil {
		return err
	}
	if b.err == nil {
		return nil
	}
	it := &b.items[b.errAt]
	err := b.err
	if p.r.fw != nil {
		err = &flashback.EventError{File: it.ev.File, Offset: it.ev.Offset, Err: err}
	}
	if errors.Is(err, rowevent.ErrNoColumnNames) {
		return namesError(p.r.cfg, p.r.schema, it.ev, it.rows.Table, err)
	}
	if p.r.fw != nil {
		return err
	}
	return fmt.Errorf("%s: %w", at(it.ev), err)
}
