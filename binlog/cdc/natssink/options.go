package natssink

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/binlogkit/binlogkit/rowevent"
)

// Defaults of the Options fields whose zero value means a default.
const (
	DefaultMaxPending = 1024
	DefaultAckWait    = 5 * time.Second
	DefaultMinBackoff = 100 * time.Millisecond
	DefaultMaxBackoff = 5 * time.Second
)

// Options configures a Sink. The zero value (or nil) publishes one message
// per row change to cdc.{db}.{table} with the defaults below.
type Options struct {
	// Subject is the subject template of a row change's message, with the
	// placeholders {db}, {table} and {op} (see the package doc); "" means
	// DefaultSubject.
	Subject string
	// PerTransaction publishes one message per batch (a transaction, or a
	// chunk of a large one) holding its records one per line, to
	// TxSubject; false publishes one message per row change.
	PerTransaction bool
	// TxSubject is the subject template of a transaction's message, where
	// {db} is the database of its first record ({table} and {op} are not
	// allowed); "" means DefaultTxSubject.
	TxSubject string
	// Origin prefixes every Nats-Msg-Id ("origin:txid/index"), so that
	// several servers without GTIDs can share a stream; "" adds no prefix.
	Origin string
	// Change configures the JSON of the records; nil means
	// rowevent.ChangeOptions' defaults.
	Change *rowevent.ChangeOptions
	// MaxPending bounds the number of messages published and not yet
	// acknowledged; 0 means DefaultMaxPending. Negative is an error.
	MaxPending int
	// AckWait is how long a message waits for its ack before it counts as
	// failed and is published again; 0 means DefaultAckWait.
	AckWait time.Duration
	// MinBackoff and MaxBackoff bound the exponential wait between
	// attempts after a failed publish; 0 means DefaultMinBackoff and
	// DefaultMaxBackoff.
	MinBackoff, MaxBackoff time.Duration
	// Metrics, when not nil, counts publishes, acks, retries, latency and
	// pending acks; nil keeps no counts.
	Metrics *Metrics
	// Logger receives failed publishes and retries (warn level); nil logs
	// nothing.
	Logger *slog.Logger
}

// withDefaults returns a copy of o with the defaults filled in, or an error
// for options that cannot work.
func (o *Options) withDefaults() (Options, error) {
	var c Options
	if o != nil {
		c = *o
	}
	if c.Subject == "" {
		c.Subject = DefaultSubject
	}
	if c.TxSubject == "" {
		c.TxSubject = DefaultTxSubject
	}
	if c.MaxPending < 0 || c.AckWait < 0 || c.MinBackoff < 0 || c.MaxBackoff < 0 {
		return c, fmt.Errorf("%w: negative MaxPending, AckWait or backoff", ErrInvalidOptions)
	}
	if c.MaxPending == 0 {
		c.MaxPending = DefaultMaxPending
	}
	if c.AckWait == 0 {
		c.AckWait = DefaultAckWait
	}
	if c.MinBackoff == 0 {
		c.MinBackoff = DefaultMinBackoff
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = DefaultMaxBackoff
	}
	if c.MaxBackoff < c.MinBackoff {
		c.MaxBackoff = c.MinBackoff
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// backoff returns the wait before attempt n (from 1).
func (o *Options) backoff(n int) time.Duration {
	d := o.MinBackoff
	for i := 1; i < n && d < o.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, o.MaxBackoff)
}
