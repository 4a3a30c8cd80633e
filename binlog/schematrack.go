package binlog

import "errors"

// ErrSkipEvent is returned by SchemaTracker.Observe to drop the event it
// was given: the Reader, the ChainReader, the Decoder and the live stream
// then do not return it, and go on with the next event. It is never
// returned to their callers.
var ErrSkipEvent = errors.New("binlog: skip this event")

// SchemaTracker is an optional interface of a Schema that follows the log
// it describes: a schema history that applies each DDL statement as it is
// read (package schemahistory).
//
// When ReaderOptions.Schema (or the live stream's decode options' Schema)
// implements SchemaTracker, the Reader, the ChainReader, the Decoder and
// the live stream call Observe with every event they return, in log order,
// after decoding it and before returning it; events inside a transaction
// payload are observed one by one. A TABLE_MAP event is resolved against
// the Schema when it is decoded, so it sees every DDL statement before it
// already applied. A transaction payload event whose events are returned
// one by one (KeepPayloads unset) is observed but cannot be dropped.
// Heartbeats and the fake rotate event at the start of a replication
// connection are not in the log, and are not observed.
//
// Observe returning ErrSkipEvent drops the event (see ErrSkipEvent). Any
// other error stops reading: it is returned wrapped in an *EventError at the
// event (unless it is one already), and is sticky for the Reader.
//
// Observe is called from the goroutine that reads; a Schema that is also
// queried elsewhere must be safe for concurrent use.
type SchemaTracker interface {
	Schema
	Observe(ev *Event) error
}

// track passes ev to the Schema's tracker, when it has one, and reports
// whether ev is to be dropped; a dropped event is released. An error is an
// *EventError at ev.
func (st *decodeState) track(ev *Event) (drop bool, err error) {
	if st.opts == nil || st.opts.Schema == nil {
		return false, nil
	}
	t, ok := st.opts.Schema.(SchemaTracker)
	if !ok {
		return false, nil
	}
	err = t.Observe(ev)
	switch {
	case err == nil:
		return false, nil
	case errors.Is(err, ErrSkipEvent):
		if _, ok := ev.Payload.(*TransactionPayload); ok && !st.opts.KeepPayloads {
			return false, nil
		}
		ev.Release()
		return true, nil
	}
	var ee *EventError
	if errors.As(err, &ee) {
		return false, err
	}
	return false, &EventError{File: ev.File, Offset: ev.Offset, Type: ev.Type(), Err: err}
}
