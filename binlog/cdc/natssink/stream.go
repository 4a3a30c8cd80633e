package natssink

import (
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// DuplicateWindow returns the duplicate window a stream needs for a
// pipeline that saves its checkpoint every checkpointEvery and may stay
// down for at most downtime before it restarts: their sum, doubled for the
// time a save and a publish retry take. A replay older than the window is
// stored again.
func DuplicateWindow(checkpointEvery, downtime time.Duration) time.Duration {
	return 2 * (checkpointEvery + downtime)
}

// StreamConfig returns a stream configuration for the sink's messages:
// the name, the sink's subjects (Subjects), file storage, and the
// duplicate window dup (at least a second). Limits (MaxBytes, MaxAge) are
// the caller's to add.
func (s *Sink) StreamConfig(name string, dup time.Duration) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:       name,
		Subjects:   s.Subjects(),
		Storage:    jetstream.FileStorage,
		Duplicates: max(dup, time.Second),
	}
}
