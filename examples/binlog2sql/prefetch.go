package main

import "github.com/binlogkit/binlogkit/binlog"

// Reading and decoding the binlog takes about as long as writing the SQL:
// prefetch does the first in its own goroutine, so that on a machine with
// two cores or more the two overlap. Events are independent values (the
// readers allocate each one), so handing them over is safe.

// batchSize is the number of events per hand-over when reading files (a
// live stream hands each event over at once). Small: a decoded rows event
// takes several times its size, and up to four batches are in flight.
const batchSize = 4

type batch struct {
	evs []*binlog.Event
	err error // after evs; io.EOF at the end
}

// eventQueue is the consumer side of prefetch.
type eventQueue struct {
	ch  <-chan batch
	cur batch
	i   int
}

// next returns the next event, or the reader's error once its events are
// consumed.
func (q *eventQueue) next() (*binlog.Event, error) {
	for q.i >= len(q.cur.evs) {
		if q.cur.err != nil {
			return nil, q.cur.err
		}
		q.cur, q.i = <-q.ch, 0
	}
	ev := q.cur.evs[q.i]
	q.cur.evs[q.i] = nil
	q.i++
	return ev, nil
}

// prefetch reads src in a goroutine. stop ends the reading and closes src;
// it must be called once the queue is no longer read.
func prefetch(src input, live bool) (q *eventQueue, stop func()) {
	ch := make(chan batch, 2)
	done := make(chan struct{})
	exited := make(chan struct{})
	n := batchSize
	if live {
		n = 1
	}
	go func() {
		defer close(exited)
		for {
			b := batch{evs: make([]*binlog.Event, 0, n)}
			for len(b.evs) < n {
				ev, err := src.Next()
				if err != nil {
					b.err = err
					break
				}
				b.evs = append(b.evs, ev)
			}
			select {
			case ch <- b:
			case <-done:
				return
			}
			if b.err != nil {
				return
			}
		}
	}()
	stop = func() {
		close(done)
		if live {
			// A live stream may be waiting for the server: Close, which
			// may run concurrently with Next, wakes it up.
			src.Close()
			<-exited
			return
		}
		<-exited
		src.Close()
	}
	return &eventQueue{ch: ch}, stop
}
