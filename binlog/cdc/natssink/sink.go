package natssink

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/cdc"
	"github.com/binlogkit/binlogkit/rowevent"
)

// Header names set on every message besides jetstream.MsgIDHeader.
const (
	HeaderGTID    = "Cdc-Gtid"
	HeaderPos     = "Cdc-Position"
	HeaderTxID    = "Cdc-Tx-Id"
	HeaderTxIndex = "Cdc-Tx-Index"
	HeaderKind    = "Cdc-Kind"
	HeaderCount   = "Cdc-Count"
)

// errAckTimeout is the failure of a message whose ack did not come within
// Options.AckWait.
var errAckTimeout = errors.New("no ack in time")

// Sink is a cdc.Sink and cdc.Flusher that publishes change records to
// JetStream. Write publishes the batch's messages, waiting only while
// Options.MaxPending are unacknowledged; Flush returns once every message
// written is acknowledged, so the pipeline's checkpoint (saved after Flush)
// never passes an unacknowledged message (see the package doc). A Sink is
// used by one pipeline at a time.
type Sink struct {
	js      jetstream.JetStream
	opts    Options
	subj    *template
	txSubj  *template
	publish func(*nats.Msg) (jetstream.PubAckFuture, error)

	// q holds the messages written and not yet acknowledged, in log
	// order: q[:wait] are acknowledged, q[wait:next] published and
	// waiting for their ack (or acknowledged in an earlier attempt),
	// q[next:] not published yet.
	q          []outMsg
	wait, next int
	hiStored   int             // index in q of the last message stored (not a duplicate), -1 for none
	stop       <-chan struct{} // Done of the last Write's ctx
}

var (
	_ cdc.Sink    = (*Sink)(nil)
	_ cdc.Flusher = (*Sink)(nil)
)

// outMsg is one message written and not yet acknowledged.
type outMsg struct {
	msg   *nats.Msg
	pos   binlog.Position
	fut   jetstream.PubAckFuture // nil when not published (again) yet
	at    time.Time
	acked bool
}

// New returns a Sink publishing through js with opts (nil: the defaults).
// The connection of js must not buffer messages across reconnects
// (nats.ReconnectBufSize(-1)): see the package doc.
func New(js jetstream.JetStream, opts *Options) (*Sink, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Sink{js: js, opts: o, hiStored: -1}
	if s.subj, err = parseTemplate(o.Subject); err != nil {
		return nil, err
	}
	if s.txSubj, err = parseTemplate(o.TxSubject); err != nil {
		return nil, err
	}
	for _, p := range s.txSubj.parts {
		if p.ph == 't' || p.ph == 'o' {
			return nil, fmt.Errorf("%w: TxSubject %q: only {db} is allowed", ErrInvalidOptions, o.TxSubject)
		}
	}
	if js == nil {
		return nil, fmt.Errorf("%w: nil JetStream", ErrInvalidOptions)
	}
	if nc := js.Conn(); nc != nil && nc.Opts.ReconnectBufSize >= 0 {
		return nil, fmt.Errorf("%w: the connection buffers messages across reconnects, which can reorder them: connect with nats.ReconnectBufSize(-1)", ErrInvalidOptions)
	}
	s.publish = func(m *nats.Msg) (jetstream.PubAckFuture, error) { return js.PublishMsgAsync(m) }
	return s, nil
}

// Subjects returns the subject filter a stream needs to hold the sink's
// messages: the template with each placeholder a '*' wildcard.
func (s *Sink) Subjects() []string {
	if s.opts.PerTransaction {
		return []string{s.txSubj.filter()}
	}
	return []string{s.subj.filter()}
}

// Write publishes the records of b. It returns once they are all published,
// which waits for acks while MaxPending messages are unacknowledged, and
// retries failed publishes until they go through or ctx is canceled (then it
// returns an *Error wrapping ctx.Err()).
func (s *Sink) Write(ctx context.Context, b *cdc.Batch) error {
	s.stop = ctx.Done()
	if len(b.Records) == 0 {
		return nil
	}
	s.build(b)
	return s.pump(ctx, false)
}

// Flush returns once every message written is acknowledged, retrying
// failed publishes until they go through, ctx is canceled or, after a
// failure, the ctx of the last Write is canceled (a stop while NATS is
// unreachable: the checkpoint then stays before the unacknowledged
// messages).
func (s *Sink) Flush(ctx context.Context) error {
	return s.pump(ctx, true)
}

// Pending returns the number of messages written and not yet acknowledged.
func (s *Sink) Pending() int { return len(s.q) - s.wait }

// pump publishes the queued messages, at most MaxPending unacknowledged,
// and waits for acks: until all are published (all false) or all are
// acknowledged (all true). On a failure it waits for the acks of the
// messages in flight, backs off and publishes again from the first
// message not acknowledged.
func (s *Sink) pump(ctx context.Context, all bool) error {
	for attempt := 1; ; attempt++ {
		first, err := s.run(ctx, all)
		if err == nil {
			s.compact()
			return nil
		}
		// Learn which messages in flight made it, then publish again from
		// the first that did not.
		s.q[first].fut = nil
		for i := s.wait; i < s.next; i++ {
			if m := &s.q[i]; m.fut != nil && !m.acked {
				if e := s.await(ctx, i); e != nil && i < first {
					first, err = i, e
				}
			}
		}
		for i := first; i < s.next; i++ {
			s.q[i].fut = nil
		}
		s.wait, s.next = first, first
		m := s.q[first]
		if ctx.Err() != nil {
			return &Error{Op: "publish", Subject: m.msg.Subject, Position: m.pos, Err: ctx.Err()}
		}
		if errors.Is(err, nats.ErrMaxPayload) || errors.Is(err, nats.ErrBadSubject) {
			return &Error{Op: "publish", Subject: m.msg.Subject, Position: m.pos, Err: fmt.Errorf("%w: %w", ErrPublish, err)}
		}
		wait := s.opts.backoff(attempt)
		s.opts.Metrics.retry()
		s.opts.Logger.Warn("natssink: publish failed, retrying", "subject", m.msg.Subject,
			"position", m.pos.String(), "attempt", attempt, "wait", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return &Error{Op: "publish", Subject: m.msg.Subject, Position: m.pos, Err: ctx.Err()}
		case <-s.stop:
			t.Stop()
			return &Error{Op: "publish", Subject: m.msg.Subject, Position: m.pos, Err: fmt.Errorf("%w (stopped while retrying: %w)", context.Canceled, err)}
		case <-t.C:
		}
	}
}

// run is one attempt of pump: it returns the index of the first message
// that failed, and its error, or a nil error.
func (s *Sink) run(ctx context.Context, all bool) (int, error) {
	for {
		for s.next < len(s.q) && s.next-s.wait < s.opts.MaxPending {
			m := &s.q[s.next]
			if !m.acked {
				f, err := s.publish(m.msg)
				if err != nil {
					return s.next, err
				}
				s.opts.Metrics.published()
				m.fut, m.at = f, time.Now()
			}
			s.next++
		}
		if s.next == len(s.q) && (!all || s.wait == s.next) {
			return -1, nil
		}
		// The window is full, or Flush waits for every ack. A full window
		// drains to half before publishing again, so that messages go out
		// in bursts rather than one per ack.
		low := s.opts.MaxPending / 2
		if all {
			low = 0
		}
		for s.next-s.wait > low {
			if m := &s.q[s.wait]; !m.acked {
				if err := s.await(ctx, s.wait); err != nil {
					return s.wait, err
				}
			}
			s.wait++
		}
	}
}

// await waits for the ack of q[i] and marks it acknowledged.
func (s *Sink) await(ctx context.Context, i int) error {
	m := s.opts.Metrics
	om := &s.q[i]
	m.pendingAdd(1)
	defer m.pendingAdd(-1)
	t := time.NewTimer(time.Until(om.at.Add(s.opts.AckWait)))
	defer t.Stop()
	select {
	case ack := <-om.fut.Ok():
		om.acked = true
		m.ack(time.Since(om.at), ack.Duplicate)
		if !ack.Duplicate {
			if i < s.hiStored {
				// A later message was stored first: the stream holds them
				// out of order.
				m.outOfOrder()
				s.opts.Logger.Error("natssink: message stored after a later one", "subject", om.msg.Subject,
					"position", om.pos.String(), "seq", ack.Sequence)
			}
			s.hiStored = max(s.hiStored, i)
		}
		return nil
	case err := <-om.fut.Err():
		return err
	case <-t.C:
		return errAckTimeout
	case <-ctx.Done():
		return ctx.Err()
	}
}

// compact drops the acknowledged messages at the head of the queue.
func (s *Sink) compact() {
	n := s.wait
	if n == 0 {
		return
	}
	k := copy(s.q, s.q[n:])
	clear(s.q[k:])
	s.q = s.q[:k]
	s.wait, s.next = 0, s.next-n
	s.hiStored = max(s.hiStored-n, -1)
}

// build makes the messages of b.
func (s *Sink) build(b *cdc.Batch) {
	// The payloads go to a new buffer: messages of earlier batches may
	// still wait for their ack.
	var buf []byte
	opts := s.opts.Change
	if s.opts.PerTransaction {
		start := len(buf)
		for i := range b.Records {
			var err error
			if buf, err = b.Records[i].AppendJSON(buf, opts); err != nil {
				// AppendJSON fails only on values it cannot encode, which
				// the pipeline has already turned into an error.
				buf = fmt.Appendf(buf, `{"error":%q}`, err.Error())
			}
			buf = append(buf, '\n')
		}
		r := &b.Records[0]
		c := &r.Change
		subj := string(s.txSubj.render(nil, r.Rows.Table.Schema, "", ""))
		h := s.header(c, b.Begin, s.msgID(c))
		h.Set(HeaderCount, strconv.Itoa(len(b.Records)))
		s.q = append(s.q, outMsg{
			msg: &nats.Msg{Subject: subj, Data: buf[start:len(buf):len(buf)], Header: h},
			pos: b.Begin,
		})
		return
	}
	var sb []byte
	for i := range b.Records {
		r := &b.Records[i]
		c := &r.Change
		op := kindName(r.Rows.Kind)
		sb = s.subj.render(sb[:0], r.Rows.Table.Schema, r.Rows.Table.Table, op)
		start := len(buf)
		var err error
		if buf, err = r.AppendJSON(buf, opts); err != nil {
			buf = fmt.Appendf(buf[:start], `{"error":%q}`, err.Error())
		}
		pos := binlog.Position{File: c.File, Offset: c.Offset}
		h := s.header(c, pos, s.msgID(c))
		h.Set(HeaderKind, op)
		s.q = append(s.q, outMsg{
			msg: &nats.Msg{Subject: string(sb), Data: buf[start:len(buf):len(buf)], Header: h},
			pos: pos,
		})
	}
}

// header returns the headers common to both message forms.
func (s *Sink) header(c *rowevent.Change, pos binlog.Position, id string) nats.Header {
	h := make(nats.Header, 6)
	h.Set(jetstream.MsgIDHeader, id)
	if c.GTID != "" {
		h.Set(HeaderGTID, c.GTID)
	}
	h.Set(HeaderPos, pos.String())
	h.Set(HeaderTxID, txID(c))
	h.Set(HeaderTxIndex, strconv.Itoa(c.Index))
	return h
}

// msgID returns the Nats-Msg-Id of the change c: [origin ":"] txid "/" index.
func (s *Sink) msgID(c *rowevent.Change) string {
	id := txID(c) + "/" + strconv.Itoa(c.Index)
	if s.opts.Origin != "" {
		id = s.opts.Origin + ":" + id
	}
	return id
}

// txID is the transaction id of a change: its TxID, else its GTID.
func txID(c *rowevent.Change) string {
	if c.TxID != "" {
		return c.TxID
	}
	return c.GTID
}

func kindName(k binlog.RowsKind) string {
	switch k {
	case binlog.Insert:
		return "insert"
	case binlog.Update:
		return "update"
	case binlog.Delete:
		return "delete"
	}
	return "unknown"
}
