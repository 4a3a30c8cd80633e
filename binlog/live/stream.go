package live

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/go-mysql-org/go-mysql/mysql"
	"github.com/go-mysql-org/go-mysql/replication"
)

// Options configures a Stream. The zero value of each field gives the
// default its documentation states; Open checks the options and reports a
// bad one (an unknown Flavor) before it connects.
type Options struct {
	// Flavor is "mysql" or "mariadb". It decides how a GTID start is sent
	// and whether the server sends MariaDB's own events (GTID, annotate
	// rows) or MySQL-compatible placeholders; set it for MariaDB servers.
	// Zero means "mariadb" when GTIDs has a MariaDB part, "mysql"
	// otherwise.
	Flavor string
	// Host is the server's host name or address ("host:port" when Port is
	// 0), or a Unix socket path when Port is 0 and Host starts with "/".
	// Zero means the local host over TCP.
	Host string
	// Port is the server's TCP port. Zero means 3306 (or the socket Host
	// names).
	Port uint16
	// User and Password are those of an account with REPLICATION SLAVE
	// (and, for MySQL, REPLICATION CLIENT) privileges. Zero means an empty
	// user name and no password.
	User, Password string
	// TLS, when set, is used for the connection. Zero (nil) means a
	// connection without TLS.
	TLS *tls.Config
	// ServerID is the replica server id the stream registers with; it must
	// be unique among the server's replicas. Zero means a random id in
	// [1<<30, 1<<31).
	ServerID uint32

	// Position is where the stream starts: the first event delivered is the
	// one at Position (normally a Checkpoint's Position, right after a
	// commit). Zero means the first binlog the server has, from its start.
	Position binlog.Position
	// GTIDs, when non-nil, starts the stream after the transactions of the
	// set (a Checkpoint's GTIDs) instead of at Position, and reconnections
	// resume by GTID set too. Zero (nil) means the stream starts and
	// resumes by Position.
	GTIDs *binlog.GTIDSet

	// HeartbeatPeriod asks the server for a heartbeat event when it has
	// nothing to send for that long; a negative value disables heartbeats.
	// Zero means 10s.
	HeartbeatPeriod time.Duration
	// ReadTimeout fails (and so reconnects) a connection on which nothing,
	// not even a heartbeat, arrives for that long; a negative value
	// disables it. Zero means 3 heartbeat periods (30s by default), and no
	// timeout when heartbeats are disabled.
	ReadTimeout time.Duration

	// MinBackoff and MaxBackoff bound the delay between reconnection
	// attempts: it doubles from MinBackoff up to MaxBackoff, with random
	// jitter of up to half the delay. Zero (or a negative value) means
	// 100ms and 30s, respectively.
	MinBackoff, MaxBackoff time.Duration
	// MaxRetries is the number of consecutive failed reconnection attempts
	// after which Next gives up and returns the last error. Zero means
	// retrying forever.
	MaxRetries int

	// MaxBuffered bounds, in bytes, the events received from the server and
	// not yet returned by Next (one event is always accepted, whatever its
	// size). When it is reached the stream stops reading the connection
	// and TCP flow control holds the server back. Zero (or a negative
	// value) means 16 MiB.
	MaxBuffered int64

	// Decode configures event decoding as for a binlog.Reader (see
	// binlog.NewDecoder): Schema, SkipRowValues, IgnoreChecksums,
	// KeepPayloads, KeepUndecodable (with its Logger) and MaxEventSize
	// apply; Name, NoMagic and StartOffset are ignored. Events larger than
	// MaxEventSize fail, but the replication library has already read them
	// into memory. Zero means the defaults of binlog.ReaderOptions.
	Decode binlog.ReaderOptions

	// Logger receives the replication library's log lines. Zero (nil)
	// means they are discarded.
	Logger *slog.Logger
}

// A Stream reads events from a live server over the replication protocol
// (go-mysql's BinlogSyncer underneath; events are decoded by a
// binlog.Decoder, exactly as a binlog.Reader decodes a file). It is a
// binlog.Source.
//
// Event.File is the binlog file name on the server, Event.Offset and
// NextPos positions in it, as for a file. The stream delivers the events
// of the log (format descriptions, rotates at the end of a file, GTID
// lists, transactions, ...) plus heartbeats: a *Heartbeat event is not in
// the log; its File is the current file and its Offset and NextPos the
// position after the last event sent (a consumer may use it to see that
// the stream is alive and caught up). The fake rotate a server sends when
// a connection starts is consumed, not delivered.
//
// Reconnection: when the connection fails (network error, read timeout, a
// server restart), Next reconnects with capped exponential backoff and
// jitter, resuming from the last commit boundary it delivered (the end of
// the last complete group, by position or, when started from a GTID set,
// by GTID set). The server then sends again the first events of the group
// that was cut; the stream recognizes them by their position and does not
// deliver them twice, so the events a Stream delivers form the same
// sequence as an uninterrupted connection would have: no event is lost or
// repeated. Should the server's log differ from what was delivered (a
// crashed server that lost the end of its binlog), the events delivered
// of the cut group are never completed; a TxReader over the stream drops
// such a group when the next one starts, and never delivers it.
//
// Errors are sticky: decoding errors (*binlog.EventError); errors the
// server reports that retrying cannot fix (*ServerError: ErrPurged,
// ErrAccessDenied), returned at once; and, after MaxRetries failed
// reconnections, the last failure, wrapped with ErrServerGone. Next
// returns ctx.Err() once the context passed to Open is canceled, and
// ErrClosed after Close. There is no io.EOF.
//
// A Stream is not safe for concurrent use, except Close, which may be
// called from another goroutine to stop a blocked Next.
type Stream struct {
	opts   Options
	ctx    context.Context
	cancel context.CancelFunc

	q   *rawQueue
	gen int // generation of the current connection

	mu     sync.Mutex // guards syncer against Close
	syncer *replication.BinlogSyncer
	closed bool

	dec       *binlog.Decoder
	inPayload bool // the events inside the last transaction payload are being read

	// high is the last event delivered (file, offset, payload index):
	// after a reconnection, events at or before it are not delivered again.
	high      binlog.Position
	highIndex int

	// Commit boundary to resume from (and executed GTID set there, in
	// GTID mode).
	commit *binlog.CommitTracker

	connCancel context.CancelFunc // stops the current connection's goroutines

	retries    int
	reconnects int
	lastErr    error
	err        error
}

const (
	defaultHeartbeat   = 10 * time.Second
	defaultMinBackoff  = 100 * time.Millisecond
	defaultMaxBackoff  = 30 * time.Second
	defaultStreamBytes = 16 << 20
)

// Open connects to the server and starts streaming. It returns an error if
// the first connection fails: ErrAccessDenied for bad credentials,
// ErrServerGone when the server cannot be reached. A position the server
// no longer has (ErrPurged), or a missing REPLICATION SLAVE privilege
// (ErrAccessDenied), may be reported by the first Next instead, as the
// server answers the dump request with the first event. Later failures are
// retried (see Stream). Canceling ctx stops the stream; the caller must
// Close it.
func Open(ctx context.Context, opts *Options) (*Stream, error) {
	s := &Stream{}
	if opts != nil {
		s.opts = *opts
	}
	o := &s.opts
	if o.Flavor == "" {
		o.Flavor = mysql.MySQLFlavor
		if o.GTIDs != nil && len(o.GTIDs.MariaDB()) > 0 {
			o.Flavor = mysql.MariaDBFlavor
		}
	}
	if o.Flavor != mysql.MySQLFlavor && o.Flavor != mysql.MariaDBFlavor {
		return nil, fmt.Errorf("live: flavor %q: want %q or %q", o.Flavor, mysql.MySQLFlavor, mysql.MariaDBFlavor)
	}
	if o.ServerID == 0 {
		o.ServerID = 1<<30 + rand.Uint32N(1<<30)
	}
	if o.HeartbeatPeriod == 0 {
		o.HeartbeatPeriod = defaultHeartbeat
	}
	if o.ReadTimeout == 0 && o.HeartbeatPeriod > 0 {
		o.ReadTimeout = 3 * o.HeartbeatPeriod
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = defaultMinBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = defaultMaxBackoff
	}
	o.MaxBackoff = max(o.MaxBackoff, o.MinBackoff)
	if o.MaxBuffered <= 0 {
		o.MaxBuffered = defaultStreamBytes
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Decode.MaxEventSize <= 0 {
		o.Decode.MaxEventSize = binlog.DefaultMaxEventSize
	}
	s.dec = binlog.NewDecoder(&o.Decode)
	// The stream keeps the file name for its whole life: copy it, as a
	// name read with go-mysql (SHOW MASTER STATUS, GetString) aliases a
	// result buffer that the next query overwrites.
	o.Position.File = strings.Clone(o.Position.File)
	s.commit = binlog.NewCommitTracker(o.Position, o.GTIDs)
	s.q = newRawQueue(o.MaxBuffered)
	s.ctx, s.cancel = context.WithCancel(ctx)
	if err := s.connect(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close stops the stream and closes its connection. It may be called
// concurrently with Next, which then returns ErrClosed.
func (s *Stream) Close() error {
	s.mu.Lock()
	s.closed = true
	sy := s.syncer
	s.syncer = nil
	s.mu.Unlock()
	s.cancel()
	if sy != nil {
		sy.Close()
	}
	return nil
}

// Reconnects returns how many times the stream has reconnected.
func (s *Stream) Reconnects() int { return s.reconnects }

// All returns an iterator over the stream's events. It yields (event, nil)
// for each event and, when the stream fails or is closed, one final (nil,
// err). It is single-use, like Next.
func (s *Stream) All() iter.Seq2[*binlog.Event, error] {
	return func(yield func(*binlog.Event, error) bool) {
		for {
			ev, err := s.Next()
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(ev, nil) {
				return
			}
		}
	}
}

var _ binlog.Source = (*Stream)(nil)

// Next returns the next event, blocking until one arrives.
func (s *Stream) Next() (*binlog.Event, error) {
	if s.err != nil {
		return nil, s.err
	}
	for {
		if s.inPayload {
			ev, err := s.dec.NextInPayload()
			if err == io.EOF {
				s.inPayload = false
				continue
			}
			if err != nil {
				return nil, s.fail(err)
			}
			if s.deliverable(ev) {
				return ev, nil
			}
			continue
		}
		it, err := s.q.pop(s.ctx)
		if err != nil {
			return nil, s.fail(s.doneErr())
		}
		if it.gen != s.gen {
			continue // left over from a closed connection
		}
		if it.err != nil {
			if err := s.reconnect(it.err); err != nil {
				return nil, s.fail(err)
			}
			continue
		}
		ev, err := s.dec.Decode(it.data)
		if err != nil {
			return nil, s.fail(err)
		}
		if ev == nil {
			continue // the fake rotate that starts a connection
		}
		_, s.inPayload = ev.Payload.(*binlog.TransactionPayload)
		s.inPayload = s.inPayload && !s.opts.Decode.KeepPayloads
		if s.deliverable(ev) {
			return ev, nil
		}
	}
}

func (s *Stream) fail(err error) error {
	s.err = err
	return err
}

func (s *Stream) doneErr() error {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if err := s.ctx.Err(); err != nil {
		return err
	}
	return ErrClosed
}

// deliverable reports whether ev is new (not delivered before a
// reconnection) and, if so, records it as delivered.
func (s *Stream) deliverable(ev *binlog.Event) bool {
	if _, ok := ev.Payload.(*binlog.Heartbeat); ok {
		return true
	}
	p := binlog.Position{File: ev.File, Offset: ev.Offset}
	if !s.high.IsZero() {
		c := p.Compare(s.high)
		if c < 0 || c == 0 && ev.PayloadIndex <= s.highIndex {
			return false
		}
	}
	s.high, s.highIndex = p, ev.PayloadIndex
	s.commit.Add(ev)
	return true
}

// connect starts a new replication connection from the commit boundary.
func (s *Stream) connect() error {
	o := &s.opts
	host, port := o.Host, o.Port
	if port == 0 && (host == "" || host[0] != '/') {
		if h, p, err := net.SplitHostPort(host); err == nil {
			n, _ := strconv.ParseUint(p, 10, 16)
			host, port = h, uint16(n)
		} else {
			port = 3306
		}
	}
	cfg := replication.BinlogSyncerConfig{
		ServerID:         o.ServerID,
		Flavor:           o.Flavor,
		Host:             host,
		Port:             port,
		User:             o.User,
		Password:         o.Password,
		TLSConfig:        o.TLS,
		RawModeEnabled:   true,
		DisableRetrySync: true,
		EventCacheCount:  1,
		Logger:           o.Logger,
		DiscardGTIDSet:   true,
	}
	if o.HeartbeatPeriod > 0 {
		cfg.HeartbeatPeriod = o.HeartbeatPeriod
	}
	if o.ReadTimeout > 0 {
		cfg.ReadTimeout = o.ReadTimeout
	}
	if o.Flavor == mysql.MariaDBFlavor {
		cfg.DumpCommandFlag = replication.BINLOG_SEND_ANNOTATE_ROWS_EVENT
	}
	s.gen++
	gen := s.gen
	cctx, ccancel := context.WithCancel(s.ctx)
	cfg.SynchronousEventHandler = handlerFunc(func(e *replication.BinlogEvent) error {
		// e.RawData is ours to keep (it becomes Event.Raw): go-mysql reads
		// each replication packet into a slice of its own (ReadPacket, not
		// ReadPacketReuseMem), as its asynchronous mode, which queues
		// events, needs too. Only query results alias pooled buffers.
		return s.q.push(cctx, rawItem{data: e.RawData, gen: gen})
	})

	// A fresh decoding state per connection: the server starts each one
	// with a fake rotate and the file's format description.
	committed := s.commit.Position()
	s.dec.Reset(committed)
	s.inPayload = false

	sy := replication.NewBinlogSyncer(cfg)
	type result struct {
		st  *replication.BinlogStreamer
		err error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		if gtids := s.commit.GTIDs(); gtids != nil {
			var set mysql.GTIDSet
			set, r.err = mysql.ParseGTIDSet(o.Flavor, gtids.String())
			if r.err == nil {
				r.st, r.err = sy.StartSyncGTID(set)
			}
		} else {
			pos := mysql.Position{Name: committed.File, Pos: uint32(committed.Offset)}
			r.st, r.err = sy.StartSync(pos)
		}
		done <- r
	}()
	var r result
	select {
	case r = <-done:
	case <-s.ctx.Done():
		sy.Close()
		ccancel()
		return s.doneErr()
	}
	if r.err != nil {
		sy.Close()
		ccancel()
		return connectError(net.JoinHostPort(host, strconv.Itoa(int(port))), r.err)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		sy.Close()
		ccancel()
		return ErrClosed
	}
	s.syncer = sy
	s.connCancel = ccancel
	s.mu.Unlock()
	// Report the connection's end, after the events it delivered.
	go func() {
		_, err := r.st.GetEvent(cctx)
		if cctx.Err() != nil {
			return
		}
		if err == nil {
			err = errors.New("unexpected event from the replication library")
		}
		s.q.push(cctx, rawItem{err: err, gen: gen, force: true})
	}()
	return nil
}

// reconnect replaces a failed connection, retrying with backoff.
func (s *Stream) reconnect(cause error) error {
	s.mu.Lock()
	sy, cc := s.syncer, s.connCancel
	s.syncer, s.connCancel = nil, nil
	s.mu.Unlock()
	if cc != nil {
		cc()
	}
	if sy != nil {
		sy.Close()
	}
	s.lastErr = fmt.Errorf("live: replication connection: %w", convert(cause))
	for {
		if isFatal(s.lastErr) {
			return s.lastErr
		}
		if s.opts.MaxRetries > 0 && s.retries >= s.opts.MaxRetries {
			return &goneError{msg: fmt.Sprintf("live: giving up after %d reconnection attempts", s.retries), err: s.lastErr}
		}
		d := s.opts.MinBackoff << min(s.retries, 30)
		if d <= 0 || d > s.opts.MaxBackoff {
			d = s.opts.MaxBackoff
		}
		d = d/2 + rand.N(d/2+1)
		s.retries++
		t := time.NewTimer(d)
		select {
		case <-s.ctx.Done():
			t.Stop()
			return s.doneErr()
		case <-t.C:
		}
		err := s.connect()
		if err == nil {
			s.reconnects++
			s.retries = 0
			return nil
		}
		if s.ctx.Err() != nil {
			return s.doneErr()
		}
		s.lastErr = err
	}
}

type handlerFunc func(*replication.BinlogEvent) error

func (f handlerFunc) HandleEvent(e *replication.BinlogEvent) error { return f(e) }

// rawQueue is a FIFO of raw events bounded in bytes, between the
// connection's goroutine and Next.
type rawQueue struct {
	mu     sync.Mutex
	items  []rawItem
	head   int
	bytes  int64
	max    int64
	notify chan struct{} // an item was pushed
	space  chan struct{} // an item was popped
}

type rawItem struct {
	data  []byte
	err   error
	gen   int
	force bool // pushed whatever the size bound
}

func newRawQueue(max int64) *rawQueue {
	return &rawQueue{max: max, notify: make(chan struct{}, 1), space: make(chan struct{}, 1)}
}

func (q *rawQueue) push(ctx context.Context, it rawItem) error {
	for {
		q.mu.Lock()
		if it.force || q.head == len(q.items) || q.bytes+int64(len(it.data)) <= q.max {
			q.items = append(q.items, it)
			q.bytes += int64(len(it.data))
			q.mu.Unlock()
			select {
			case q.notify <- struct{}{}:
			default:
			}
			return nil
		}
		q.mu.Unlock()
		select {
		case <-q.space:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (q *rawQueue) pop(ctx context.Context) (rawItem, error) {
	for {
		q.mu.Lock()
		if q.head < len(q.items) {
			it := q.items[q.head]
			q.items[q.head] = rawItem{}
			q.head++
			if q.head == len(q.items) {
				q.items, q.head = q.items[:0], 0
			} else if q.head > 1024 && q.head*2 > len(q.items) {
				n := copy(q.items, q.items[q.head:])
				clear(q.items[n:])
				q.items, q.head = q.items[:n], 0
			}
			q.bytes -= int64(len(it.data))
			q.mu.Unlock()
			select {
			case q.space <- struct{}{}:
			default:
			}
			return it, nil
		}
		q.mu.Unlock()
		select {
		case <-q.notify:
		case <-ctx.Done():
			return rawItem{}, ctx.Err()
		}
	}
}
