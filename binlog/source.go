package binlog

// Source is anything that yields events in log order: a *Reader, a
// *ChainReader, a live *Stream, or a filter over one of them. Next returns
// io.EOF at the end (a live stream has none: it blocks until an event
// arrives, its context is canceled or it fails for good).
type Source interface {
	Next() (*Event, error)
}

var _ Source = (*Reader)(nil)
