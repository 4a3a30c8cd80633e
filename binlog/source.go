package binlog

import (
	"errors"
	"io"
	"iter"
)

// Source is anything that yields events in log order: a *Reader, a
// *ChainReader, a live stream (binlog/live), or a filter over one of them. Next returns
// io.EOF at the end (a live stream has none: it blocks until an event
// arrives, its context is canceled or it fails for good).
type Source interface {
	Next() (*Event, error)
}

var _ Source = (*Reader)(nil)

// seq turns a Next method into the iterator an All method returns: it
// yields (v, nil) for each value, then stops at io.EOF, or yields one final
// (zero, err) for any other error.
func seq[T any](next func() (T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for {
			v, err := next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			if !yield(v, nil) {
				return
			}
		}
	}
}
