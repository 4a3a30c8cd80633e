package binlog

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"iter"
	"log/slog"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-mysql-org/go-mysql/mysql"
	"github.com/go-mysql-org/go-mysql/replication"
)

// ErrStreamClosed is returned by Stream.Next after Close.
var ErrStreamClosed = errors.New("binlog: stream closed")

// StreamOptions configures a live Stream. Zero values give the defaults.
type StreamOptions struct {
	// Flavor is "mysql" or "mariadb". It decides how a GTID start is sent
	// and whether the server sends MariaDB's own events (GTID, annotate
	// rows) or MySQL-compatible placeholders. Default: "mariadb" when GTIDs
	// has a MariaDB part, "mysql" otherwise; set it for MariaDB servers.
	Flavor string
	// Host and Port of the server (default port 3306). Host may also be a
	// Unix socket path when Port is 0 and Host starts with "/".
	Host string
	Port uint16
	// User and Password of an account with REPLICATION SLAVE (and, for
	// MySQL, REPLICATION CLIENT) privileges.
	User, Password string
	// TLS, when set, is used for the connection.
	TLS *tls.Config
	// ServerID is the replica server id the stream registers with; it must
	// be unique among the server's replicas. 0 picks a random id in
	// [1<<30, 1<<31).
	ServerID uint32

	// Position is where the stream starts: the first event delivered is the
	// one at Position (normally a Checkpoint's Position, right after a
	// commit). A zero Position starts at the first binlog the server has.
	Position Position
	// GTIDs, when non-nil, starts the stream after the transactions of the
	// set (a Checkpoint's GTIDs) instead of at Position, and reconnections
	// resume by GTID set too.
	GTIDs *GTIDSet

	// HeartbeatPeriod asks the server for a heartbeat event when it has
	// nothing to send for that long. Default 10s; negative disables.
	HeartbeatPeriod time.Duration
	// ReadTimeout fails (and so reconnects) a connection on which nothing,
	// not even a heartbeat, arrives for that long. Default 3 heartbeat
	// periods (30s), none when heartbeats are disabled; negative disables.
	ReadTimeout time.Duration

	// MinBackoff and MaxBackoff bound the delay between reconnection
	// attempts: it doubles from MinBackoff (default 100ms) up to MaxBackoff
	// (default 30s), with random jitter of up to half the delay.
	MinBackoff, MaxBackoff time.Duration
	// MaxRetries is the number of consecutive failed reconnection attempts
	// after which Next gives up and returns the last error. 0 retries
	// forever.
	MaxRetries int

	// MaxBuffered bounds, in bytes, the events received from the server and
	// not yet returned by Next (one event is always accepted, whatever its
	// size). When it is reached the stream stops reading the connection
	// and TCP flow control holds the server back. Default 16 MiB.
	MaxBuffered int64

	// Decode configures event decoding as for a Reader: Schema,
	// SkipRowValues, IgnoreChecksums, KeepPayloads, KeepUndecodable (with
	// its Logger) and MaxEventSize (default DefaultMaxEventSize) apply;
	// Name and NoMagic are ignored. Events larger than MaxEventSize fail,
	// but the replication library has already read them into memory.
	Decode ReaderOptions

	// Logger receives the replication library's log lines. nil discards
	// them.
	Logger *slog.Logger
}

// A Stream reads events from a live server over the replication protocol
// (go-mysql's BinlogSyncer underneath; events are decoded by this package,
// exactly as a Reader decodes a file).
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
// Errors: decoding errors (*EventError) and errors of the initial
// connection or, after MaxRetries, of reconnection are sticky. Next
// returns ctx.Err() once the context passed to OpenStream is canceled,
// and ErrStreamClosed after Close. There is no io.EOF.
//
// A Stream is not safe for concurrent use, except Close, which may be
// called from another goroutine to stop a blocked Next.
type Stream struct {
	opts   StreamOptions
	ctx    context.Context
	cancel context.CancelFunc

	q   *rawQueue
	gen int // generation of the current connection

	mu     sync.Mutex // guards syncer against Close
	syncer *replication.BinlogSyncer
	closed bool

	st      decodeState
	ropts   ReaderOptions
	payload *payloadReader // the events inside the last transaction payload

	file    string // current binlog file
	nextPos int64  // position after the last event received

	// high is the last event delivered (file, offset, payload index):
	// after a reconnection, events at or before it are not delivered again.
	high      Position
	highIndex int

	// Commit boundary to resume from.
	tr        txTracker
	committed Position
	gtids     *GTIDSet // executed set at the commit boundary (GTID mode)
	groupGTID *GTID    // GTID of the open group

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

// OpenStream connects to the server and starts streaming. It returns an
// error if the first connection fails (bad address or credentials, a
// position the server does not have); later failures are retried (see
// Stream). Canceling ctx stops the stream; the caller must Close it.
func OpenStream(ctx context.Context, opts *StreamOptions) (*Stream, error) {
	s := &Stream{}
	if opts != nil {
		s.opts = *opts
	}
	o := &s.opts
	if o.Flavor == "" {
		o.Flavor = mysql.MySQLFlavor
		if o.GTIDs != nil && len(o.GTIDs.maria) > 0 {
			o.Flavor = mysql.MariaDBFlavor
		}
	}
	if o.Flavor != mysql.MySQLFlavor && o.Flavor != mysql.MariaDBFlavor {
		return nil, fmt.Errorf("binlog: stream: flavor %q: want %q or %q", o.Flavor, mysql.MySQLFlavor, mysql.MariaDBFlavor)
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
	if o.GTIDs != nil {
		s.gtids = o.GTIDs.Clone()
	}
	s.ropts = o.Decode
	s.ropts.NoMagic = true
	if s.ropts.MaxEventSize <= 0 {
		s.ropts.MaxEventSize = DefaultMaxEventSize
	}
	// The stream keeps the file name for its whole life: copy it, as a
	// name read with go-mysql (SHOW MASTER STATUS, GetString) aliases a
	// result buffer that the next query overwrites.
	o.Position.File = strings.Clone(o.Position.File)
	s.committed = o.Position
	s.file = o.Position.File
	s.q = newRawQueue(o.MaxBuffered)
	s.ctx, s.cancel = context.WithCancel(ctx)
	if err := s.connect(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close stops the stream and closes its connection. It may be called
// concurrently with Next, which then returns ErrStreamClosed.
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
func (s *Stream) All() iter.Seq2[*Event, error] {
	return seq(s.Next)
}

var _ Source = (*Stream)(nil)

// Next returns the next event, blocking until one arrives.
func (s *Stream) Next() (*Event, error) {
	if s.err != nil {
		return nil, s.err
	}
	for {
		if p := s.payload; p != nil {
			ev, err := s.st.nextInPayload(p, false)
			if err == io.EOF {
				s.payload = nil
				continue
			}
			if err != nil {
				return nil, s.fail(&EventError{File: p.file, Offset: p.offset, Type: TransactionPayloadEvent, Err: err})
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
		ev, err := s.decode(it.data)
		if err != nil {
			return nil, s.fail(err)
		}
		if ev != nil && s.deliverable(ev) {
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
		return ErrStreamClosed
	}
	if err := s.ctx.Err(); err != nil {
		return err
	}
	return ErrStreamClosed
}

// decode turns the raw bytes of one event into an Event, tracking the
// current file and position. It returns nil for an event consumed here (a
// fake rotate).
func (s *Stream) decode(raw []byte) (*Event, error) {
	if len(raw) < minHeaderLen {
		return nil, &EventError{File: s.file, Offset: s.nextPos, Err: fmt.Errorf("%w: %d-byte event from the server", ErrTruncated, len(raw))}
	}
	h := parseHeader(raw)
	if int64(h.EventSize) != int64(len(raw)) {
		return nil, &EventError{File: s.file, Offset: s.nextPos, Type: h.Type,
			Err: fmt.Errorf("%w: header says %d bytes, server sent %d", ErrEventTooLarge, h.EventSize, len(raw))}
	}
	if int64(len(raw)) > s.ropts.MaxEventSize {
		return nil, &EventError{File: s.file, Offset: s.nextPos, Type: h.Type,
			Err: fmt.Errorf("%w: %d bytes, over StreamOptions.Decode.MaxEventSize (%d)", ErrEventTooLarge, len(raw), s.ropts.MaxEventSize)}
	}
	size := int64(len(raw))
	ev := &Event{Header: h, File: s.file, Raw: raw}
	switch {
	case h.Type == FormatDescriptionEvent && h.LogPos == 0:
		// Sent at the start of a connection, from the start of the file.
		ev.Offset = 4
	case h.LogPos == 0 || h.Type == HeartbeatEvent || h.Type == HeartbeatEventV2:
		ev.Offset = s.nextPos
	default:
		ev.Offset = int64(h.LogPos) - size
	}
	ev.NextPos = ev.Offset + size
	// Events the server makes up for this connection (fake rotate,
	// heartbeats, artificial events) carry a checksum only if the
	// connection asked for one; tell by the bytes.
	synthetic := h.Type == HeartbeatEvent || h.Type == HeartbeatEventV2 || h.Flags&0x20 != 0 ||
		h.Type == RotateEvent && (h.Timestamp == 0 || h.LogPos == 0)
	top := true
	if synthetic && s.st.fd != nil && s.st.fd.ChecksumAlg == ChecksumCRC32 && !crcMatches(raw) {
		top = false
	}
	hlen := minHeaderLen
	if fd := s.st.fd; fd != nil && h.Type != FormatDescriptionEvent && int(fd.HeaderLength) > minHeaderLen {
		hlen = int(fd.HeaderLength)
	}
	if len(raw) < hlen {
		return nil, &EventError{File: s.file, Offset: ev.Offset, Type: h.Type, Err: corruptf("event of %d bytes", len(raw))}
	}
	if err := s.st.decode(ev, hlen, !s.ropts.IgnoreChecksums, top); err != nil {
		return nil, &EventError{File: s.file, Offset: ev.Offset, Type: h.Type, Err: err}
	}
	switch p := ev.Payload.(type) {
	case *Rotate:
		if h.Timestamp == 0 || h.LogPos == 0 {
			// Fake rotate: where this connection starts.
			s.file, s.nextPos = p.NextFile, int64(p.Position)
			return nil, nil
		}
	case *Heartbeat:
		ev.NextPos = ev.Offset
		if h.LogPos != 0 {
			ev.Offset, ev.NextPos = int64(h.LogPos), int64(h.LogPos)
		}
		return ev, nil
	case *TransactionPayload:
		if !s.ropts.KeepPayloads {
			pr, err := s.st.openPayload(ev, p)
			if err != nil {
				return nil, &EventError{File: s.file, Offset: ev.Offset, Type: h.Type, Err: err}
			}
			s.payload = pr
		}
	}
	if h.Type != FormatDescriptionEvent || h.LogPos != 0 {
		s.nextPos = ev.NextPos
	}
	if r, ok := ev.Payload.(*Rotate); ok {
		s.file, s.nextPos = r.NextFile, int64(r.Position)
	}
	return ev, nil
}

func crcMatches(raw []byte) bool {
	n := len(raw) - 4
	return n >= minHeaderLen && crc32.ChecksumIEEE(raw[:n]) == binary.LittleEndian.Uint32(raw[n:])
}

// deliverable reports whether ev is new (not delivered before a
// reconnection) and, if so, records it as delivered.
func (s *Stream) deliverable(ev *Event) bool {
	if _, ok := ev.Payload.(*Heartbeat); ok {
		return true
	}
	p := Position{File: ev.File, Offset: ev.Offset}
	if !s.high.IsZero() {
		c := p.Compare(s.high)
		if c < 0 || c == 0 && ev.PayloadIndex <= s.highIndex {
			return false
		}
	}
	s.high, s.highIndex = p, ev.PayloadIndex
	s.trackCommit(ev)
	return true
}

// trackCommit follows group boundaries to know where to resume after a
// failure.
func (s *Stream) trackCommit(ev *Event) {
	step := s.tr.step(ev)
	switch step {
	case stepStart:
		s.groupGTID, _ = ev.Payload.(*GTID)
	case stepCommit, stepRollback:
		if s.gtids != nil && s.groupGTID != nil {
			g := s.groupGTID
			if g.MariaDB && g.ServerID == 0 {
				c := *g
				c.ServerID = ev.Header.ServerID
				g = &c
			}
			s.gtids.Add(g)
		}
		s.groupGTID = nil
		s.committed = Position{File: ev.File, Offset: ev.NextPos}
	case stepControl:
		if !s.tr.open && ev.PayloadIndex == 0 {
			if r, ok := ev.Payload.(*Rotate); ok {
				s.committed = Position{File: r.NextFile, Offset: int64(r.Position)}
			} else if _, ok := ev.Payload.(*FormatDescription); !ok {
				s.committed = Position{File: ev.File, Offset: ev.NextPos}
			}
		}
	}
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
	s.st = decodeState{tables: make(map[uint64]*TableMap), opts: &s.ropts}
	s.payload = nil
	s.file, s.nextPos = s.committed.File, s.committed.Offset

	sy := replication.NewBinlogSyncer(cfg)
	type result struct {
		st  *replication.BinlogStreamer
		err error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		if s.gtids != nil {
			var set mysql.GTIDSet
			set, r.err = mysql.ParseGTIDSet(o.Flavor, s.gtids.String())
			if r.err == nil {
				r.st, r.err = sy.StartSyncGTID(set)
			}
		} else {
			pos := mysql.Position{Name: s.committed.File, Pos: uint32(s.committed.Offset)}
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
		return fmt.Errorf("binlog: stream: connect to %s: %w", net.JoinHostPort(host, strconv.Itoa(int(port))), r.err)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		sy.Close()
		ccancel()
		return ErrStreamClosed
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
	s.lastErr = cause
	for {
		if isFatalReplicationError(s.lastErr) {
			return fmt.Errorf("binlog: stream: %w", s.lastErr)
		}
		if s.opts.MaxRetries > 0 && s.retries >= s.opts.MaxRetries {
			return fmt.Errorf("binlog: stream: giving up after %d reconnection attempts: %w", s.retries, s.lastErr)
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

// isFatalReplicationError reports errors that retrying cannot fix: bad
// credentials, a position or GTID the server does not have.
func isFatalReplicationError(err error) bool {
	var me *mysql.MyError
	if !errors.As(err, &me) {
		return false
	}
	switch me.Code {
	case 1045, // access denied
		1227, // missing privilege
		1236: // fatal error reading binlog (purged, impossible position, GTID gap)
		return true
	}
	return false
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
