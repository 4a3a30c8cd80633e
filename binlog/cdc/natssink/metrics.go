package natssink

import (
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// latencyBuckets are the upper bounds of the publish latency histogram.
var latencyBuckets = [...]time.Duration{
	time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond, 10 * time.Millisecond,
	25 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond, 250 * time.Millisecond,
	500 * time.Millisecond, time.Second, 5 * time.Second,
}

// Metrics counts what a Sink does: messages published, acknowledged and
// dropped as duplicates, retries, acks pending, the publish latency (from
// publish to ack) and messages stored out of order (which should stay 0).
// The zero value is ready to use; it is safe for concurrent use, and a nil
// *Metrics counts nothing.
type Metrics struct {
	pub, acks, dups, retries, disorder atomic.Int64
	pending                            atomic.Int64
	latSum                             atomic.Int64 // nanoseconds
	lat                                [len(latencyBuckets) + 1]atomic.Int64
}

// Snapshot is a copy of the metrics' values.
type Snapshot struct {
	Published, Acked, Duplicates, Retries, OutOfOrder, Pending int64
	// LatencySum is the sum of the latencies of the Acked messages.
	LatencySum time.Duration
}

// Snapshot returns the current values.
func (m *Metrics) Snapshot() Snapshot {
	if m == nil {
		return Snapshot{}
	}
	return Snapshot{
		Published: m.pub.Load(), Acked: m.acks.Load(), Duplicates: m.dups.Load(),
		Retries: m.retries.Load(), OutOfOrder: m.disorder.Load(), Pending: m.pending.Load(),
		LatencySum: time.Duration(m.latSum.Load()),
	}
}

func (m *Metrics) published() {
	if m != nil {
		m.pub.Add(1)
	}
}

func (m *Metrics) retry() {
	if m != nil {
		m.retries.Add(1)
	}
}

func (m *Metrics) outOfOrder() {
	if m != nil {
		m.disorder.Add(1)
	}
}

func (m *Metrics) pendingAdd(n int64) {
	if m != nil {
		m.pending.Add(n)
	}
}

func (m *Metrics) ack(d time.Duration, dup bool) {
	if m == nil {
		return
	}
	m.acks.Add(1)
	if dup {
		m.dups.Add(1)
	}
	m.latSum.Add(int64(d))
	i := 0
	for i < len(latencyBuckets) && d > latencyBuckets[i] {
		i++
	}
	m.lat[i].Add(1)
}

// AppendText appends the metrics in the Prometheus text format (0.0.4).
func (m *Metrics) AppendText(b []byte) []byte {
	if m == nil {
		m = &Metrics{}
	}
	s := m.Snapshot()
	counter := func(name, typ, help string, v int64) {
		b = fmt.Appendf(b, "# HELP %s %s\n# TYPE %s %s\n%s %d\n", name, help, name, typ, name, v)
	}
	counter("binlog_cdc_nats_published_total", "counter", "Messages published (retries included).", s.Published)
	counter("binlog_cdc_nats_acked_total", "counter", "Messages acknowledged by the stream.", s.Acked)
	counter("binlog_cdc_nats_duplicates_total", "counter", "Acknowledged messages the stream dropped as duplicates.", s.Duplicates)
	counter("binlog_cdc_nats_retries_total", "counter", "Failed publish attempts retried.", s.Retries)
	counter("binlog_cdc_nats_out_of_order_total", "counter", "Messages stored after a later one of their batch.", s.OutOfOrder)
	counter("binlog_cdc_nats_pending_acks", "gauge", "Messages waiting for their ack.", s.Pending)
	const h = "binlog_cdc_nats_publish_latency_seconds"
	b = fmt.Appendf(b, "# HELP %s Time from publish to ack.\n# TYPE %s histogram\n", h, h)
	var cum int64
	for i, le := range latencyBuckets {
		cum += m.lat[i].Load()
		b = fmt.Appendf(b, "%s_bucket{le=%q} %d\n", h, strconv.FormatFloat(le.Seconds(), 'f', -1, 64), cum)
	}
	cum += m.lat[len(latencyBuckets)].Load()
	b = fmt.Appendf(b, "%s_bucket{le=\"+Inf\"} %d\n%s_sum %s\n%s_count %d\n", h, cum,
		h, strconv.FormatFloat(s.LatencySum.Seconds(), 'f', -1, 64), h, cum)
	return b
}

// ServeHTTP writes the metrics in the Prometheus text format.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Write(m.AppendText(nil))
}
