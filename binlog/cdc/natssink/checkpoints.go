package natssink

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/cdc"
)

// DefaultCheckpointKey is the key of KVOptions.Key when it is "".
const DefaultCheckpointKey = "checkpoint"

// DefaultSaveTimeout is KVOptions.SaveTimeout when it is 0.
const DefaultSaveTimeout = time.Minute

// KVOptions configures KVCheckpoints. The zero value (or nil) keeps the
// checkpoint under the key "checkpoint" and retries saves for a minute.
type KVOptions struct {
	// Key is the key of the checkpoint in the bucket; "" means
	// DefaultCheckpointKey. Run one pipeline per key (one per server).
	Key string
	// SaveTimeout bounds the time a load or save retries while NATS is
	// unreachable, after which it fails (and the pipeline stops, its
	// checkpoint at the last save); 0 means DefaultSaveTimeout.
	// Negative is an error.
	SaveTimeout time.Duration
	// Logger receives failed attempts (warn level); nil logs nothing.
	Logger *slog.Logger
}

// KVCheckpoints is a cdc.CheckpointStore on a JetStream key-value bucket.
// It is used by one pipeline at a time; a second one saving under the same
// key makes it fail with ErrConflict.
type KVCheckpoints struct {
	kv      jetstream.KeyValue
	opts    KVOptions
	rev     uint64 // revision loaded or saved last; 0 before any
	created bool   // Load found no key: the first save creates it
}

var _ cdc.CheckpointStore = (*KVCheckpoints)(nil)

// NewKVCheckpoints returns a checkpoint store on kv with opts (nil: the
// defaults).
func NewKVCheckpoints(kv jetstream.KeyValue, opts *KVOptions) (*KVCheckpoints, error) {
	var o KVOptions
	if opts != nil {
		o = *opts
	}
	if kv == nil {
		return nil, fmt.Errorf("%w: nil KeyValue", ErrInvalidOptions)
	}
	if o.Key == "" {
		o.Key = DefaultCheckpointKey
	}
	if !validKey(o.Key) {
		return nil, fmt.Errorf("%w: key %q (want letters, digits, '-', '_', '=', '/' and '.')", ErrInvalidOptions, o.Key)
	}
	if o.SaveTimeout < 0 {
		return nil, fmt.Errorf("%w: negative SaveTimeout", ErrInvalidOptions)
	}
	if o.SaveTimeout == 0 {
		o.SaveTimeout = DefaultSaveTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &KVCheckpoints{kv: kv, opts: o}, nil
}

func validKey(k string) bool {
	if k == "" || k[0] == '.' || k[len(k)-1] == '.' {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !plain(c) && c != '=' && c != '/' && c != '.' {
			return false
		}
	}
	return true
}

func (s *KVCheckpoints) where() string { return s.kv.Bucket() + "/" + s.opts.Key }

// LoadCheckpoint returns the checkpoint in the bucket, an error matching
// fs.ErrNotExist when there is none, or one matching
// binlog.ErrBadCheckpoint when the value is not a checkpoint. It retries
// while NATS is unreachable, for at most KVOptions.SaveTimeout.
func (s *KVCheckpoints) LoadCheckpoint(ctx context.Context) (*binlog.Checkpoint, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.SaveTimeout)
	defer cancel()
	for attempt := 1; ; attempt++ {
		e, err := s.kv.Get(ctx, s.opts.Key)
		if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
			s.rev, s.created = 0, true
			return nil, &Error{Op: "load", Subject: s.where(), Err: fmt.Errorf("%w: %w", fs.ErrNotExist, err)}
		}
		if err == nil {
			cp := new(binlog.Checkpoint)
			if err := cp.UnmarshalJSON(e.Value()); err != nil {
				return nil, &Error{Op: "load", Subject: s.where(), Err: err}
			}
			s.rev, s.created = e.Revision(), false
			return cp, nil
		}
		if err := s.wait(ctx, "load", attempt, err); err != nil {
			return nil, &Error{Op: "load", Subject: s.where(), Err: err}
		}
	}
}

// wait logs the failed attempt and waits before the next one; it returns
// an error when ctx ends first.
func (s *KVCheckpoints) wait(ctx context.Context, op string, attempt int, err error) error {
	wait := min(DefaultMinBackoff<<min(attempt-1, 6), DefaultMaxBackoff)
	s.opts.Logger.Warn("natssink: checkpoint "+op+" failed, retrying", "key", s.where(), "attempt", attempt, "wait", wait, "err", err)
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fmt.Errorf("%w (last: %w)", ctx.Err(), err)
	case <-t.C:
		return nil
	}
}

// SaveCheckpoint stores cp, if no other pipeline saved since the last load
// or save (else ErrConflict). It retries while NATS is unreachable, for at
// most KVOptions.SaveTimeout.
func (s *KVCheckpoints) SaveCheckpoint(ctx context.Context, cp *binlog.Checkpoint) error {
	b, err := cp.MarshalJSON()
	if err != nil {
		return &Error{Op: "save", Subject: s.where(), Position: cp.Position, Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.SaveTimeout)
	defer cancel()
	for attempt := 1; ; attempt++ {
		var rev uint64
		switch {
		case s.rev != 0:
			rev, err = s.kv.Update(ctx, s.opts.Key, b, s.rev)
		case s.created:
			rev, err = s.kv.Create(ctx, s.opts.Key, b)
		default:
			rev, err = s.kv.Put(ctx, s.opts.Key, b)
		}
		if err == nil {
			s.rev, s.created = rev, false
			return nil
		}
		if errors.Is(err, jetstream.ErrKeyExists) || isWrongLastSequence(err) {
			// A retry of a save that went through looks like a conflict:
			// it is not one if the stored value is ours.
			if e, gerr := s.kv.Get(ctx, s.opts.Key); gerr == nil && string(e.Value()) == string(b) {
				s.rev, s.created = e.Revision(), false
				return nil
			}
			return &Error{Op: "save", Subject: s.where(), Position: cp.Position, Err: fmt.Errorf("%w: %w", ErrConflict, err)}
		}
		if err := s.wait(ctx, "save", attempt, err); err != nil {
			return &Error{Op: "save", Subject: s.where(), Position: cp.Position, Err: err}
		}
	}
}

// isWrongLastSequence reports whether err is JetStream's refusal of a
// conditional update (the key's revision moved).
func isWrongLastSequence(err error) bool {
	var api *jetstream.APIError
	return errors.As(err, &api) && api.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence
}
