package binlog

import "sync"

// Memory reuse. A file reader decodes each event into an eventMem: the
// Event and Rows structs, the raw bytes, the row values and the buffers
// they point into. Event.Release gives it back to memPool, and the next
// events of any reader decode into it: a loop that handles each event and
// then releases it allocates almost nothing per event, and the garbage
// collector has next to nothing to do. Without Release, every event owns
// its memory, as before.

// maxPooledBytes is the largest buffer kept for reuse: events larger than
// this (big BLOBs) are left to the garbage collector, so that the pool
// never holds more than about this much per event in flight.
const maxPooledBytes = 1 << 20

type eventMem struct {
	ev      Event
	rows    Rows
	raw     []byte
	vals    []Value // row values; rows point into it
	rowList []Row
	present []bool
	arena   []byte // converted bytes (decimal text, JSON text, padded BINARY)
}

var memPool = sync.Pool{New: func() any { return new(eventMem) }}

func getMem() *eventMem { return memPool.Get().(*eventMem) }

// Release gives the memory of ev back for reuse by later events: its raw
// bytes, its Rows payload and every row value, whose bytes point into the
// raw bytes. After Release, ev, its Payload and everything reached from
// them must not be used: a later event may overwrite them. Events that were
// Cloned and events of a Decoder (a live stream) own no pooled memory; for them
// Release does nothing. Releasing a TRANSACTION_PAYLOAD event does not
// disturb the reading of the events inside it.
//
// Calling Release is optional. It pays in a loop that handles each event
// and forgets it (examples/binlog2sql does): allocation then stays near
// zero per event, and so does the garbage collector's work.
func (e *Event) Release() {
	m := e.mem
	if m == nil {
		return
	}
	e.mem = nil
	if cap(m.raw) > maxPooledBytes {
		m.raw = nil
	}
	if cap(m.vals)*valueSize > maxPooledBytes {
		m.vals = nil
	}
	if cap(m.arena) > maxPooledBytes {
		m.arena = nil
	}
	if cap(m.rowList)*rowSize > maxPooledBytes {
		m.rowList = nil
	}
	m.ev = Event{}
	m.rows = Rows{}
	memPool.Put(m)
}

const (
	valueSize = 56 // unsafe.Sizeof(Value{}), checked by a test
	rowSize   = 48 // unsafe.Sizeof(Row{})
)
