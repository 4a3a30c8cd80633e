package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io/fs"
	"sync"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/cdc"
	"github.com/binlogkit/binlogkit/rowevent"
)

// Options configures a Store.
type Options struct {
	// Dialect is the database behind the *sql.DB; zero means SQLite.
	Dialect Dialect
	// Key is the HMAC-SHA256 key that each record and the chain head are
	// sealed with; nil seals nothing (the hash chain alone then detects
	// damage, except a rewrite of every record from the damaged one on).
	Key []byte
	// GroupCommit is the number of binlog transactions written in one
	// database transaction; 0 means 1 (a commit per transaction). More
	// is faster and still exactly-once (the checkpoint commits with the
	// records), but the last transactions of a group become visible only
	// when the group is full or the pipeline flushes the sink.
	GroupCommit int
	// Change tunes the change records (rowevent.ChangeOptions); nil means
	// the defaults, which require column names.
	Change *rowevent.ChangeOptions
}

// Store is an audit trail in a SQL database. It is a cdc.CheckpointSink:
// cdc.Run writes the change records to it and keeps the checkpoint in it.
// Its query methods are safe for concurrent use with a running pipeline;
// Write and Flush are called by one pipeline at a time.
type Store struct {
	db   *sql.DB
	d    Dialect
	key  []byte
	opts Options

	mu sync.Mutex // guards the writer's state below

	// The chain head as committed, and as written in the open transaction.
	seq, pendSeq   int64
	hash, pendHash string

	tx      *sql.Tx
	insert  *sql.Stmt
	pendTxs int    // finished binlog transactions in tx
	pendCP  []byte // checkpoint of the last of them
	rows    []Entry
	buf     []byte
}

var (
	_ cdc.CheckpointSink = (*Store)(nil)
	_ cdc.Flusher        = (*Store)(nil)
)

// Open returns the Store in db, creating its tables or migrating them to
// SchemaVersion. With SQLite it also puts the file in WAL mode; pass the
// busy timeout in the DSN too (modernc.org/sqlite:
// "file:audit.db?_pragma=busy_timeout(10000)"), since it is a setting of
// each connection. Closing the Store does not close db.
func Open(ctx context.Context, db *sql.DB, opts *Options) (*Store, error) {
	s := &Store{db: db}
	if opts != nil {
		s.opts = *opts
	}
	s.d = s.opts.Dialect
	if s.d == "" {
		s.d = SQLite
	}
	if !s.d.valid() {
		return nil, &Error{Op: "open", Err: fmt.Errorf("%w: %q", ErrUnknownDialect, s.d)}
	}
	if s.opts.GroupCommit < 0 {
		return nil, &Error{Op: "open", Err: fmt.Errorf("negative GroupCommit %d", s.opts.GroupCommit)}
	}
	if s.opts.GroupCommit == 0 {
		s.opts.GroupCommit = 1
	}
	s.key = s.opts.Key
	for _, q := range s.d.setup() {
		if err := retryBusy(ctx, s.d, func() error {
			_, err := db.ExecContext(ctx, q)
			return err
		}); err != nil {
			return nil, &Error{Op: "open", Err: err}
		}
	}
	if err := migrate(ctx, db, s.d); err != nil {
		return nil, err
	}
	st, err := s.state(ctx, s.db)
	if err != nil {
		return nil, err
	}
	s.seq, s.hash = st.lastSeq, st.lastHash
	return s, nil
}

// Dialect returns the store's dialect.
func (s *Store) Dialect() Dialect { return s.d }

// state is the row of audit_state.
type state struct {
	checkpoint sql.NullString
	lastSeq    int64
	lastHash   string
	mac        sql.NullString
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) state(ctx context.Context, q queryer) (state, error) {
	var st state
	err := q.QueryRowContext(ctx, `SELECT checkpoint, last_seq, last_hash, mac FROM audit_state WHERE id = 1`).
		Scan(&st.checkpoint, &st.lastSeq, &st.lastHash, &st.mac)
	if err != nil {
		return st, &Error{Op: "load", Err: err}
	}
	return st, nil
}

// stateMAC is the MAC of the chain head and checkpoint.
func stateMAC(key []byte, seq int64, hash, cp string) string {
	return computeMAC(key, fmt.Sprintf("state\x00%d\x00%s\x00%s", seq, hash, cp))
}

// LoadCheckpoint returns the checkpoint stored with the last committed
// batch, or an error matching fs.ErrNotExist when none is stored yet. It
// also reloads the chain head, so that a pipeline restarted on the same
// Store continues from what is committed.
func (s *Store) LoadCheckpoint(ctx context.Context) (*binlog.Checkpoint, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rollback()
	st, err := s.state(ctx, s.db)
	if err != nil {
		return nil, err
	}
	s.seq, s.hash = st.lastSeq, st.lastHash
	if !st.checkpoint.Valid {
		return nil, &Error{Op: "load", Err: fs.ErrNotExist}
	}
	var cp binlog.Checkpoint
	if err := json.Unmarshal([]byte(st.checkpoint.String), &cp); err != nil {
		return nil, &Error{Op: "load", Err: fmt.Errorf("%w: %w", ErrBadState, err)}
	}
	return &cp, nil
}

// Close rolls back what is written and not committed (the pipeline
// delivers it again on the next run). It does not close the database.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rollback()
	return nil
}

// rollback drops the open transaction, if any.
func (s *Store) rollback() {
	if s.tx != nil {
		s.tx.Rollback()
	}
	s.tx, s.insert, s.pendTxs, s.pendCP = nil, nil, 0, nil
	s.pendSeq, s.pendHash = s.seq, s.hash
}
