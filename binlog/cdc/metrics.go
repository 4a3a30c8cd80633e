package cdc

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Metrics counts what a run does. Its ServeHTTP writes them in the
// Prometheus text exposition format (version 0.0.4). The zero value is
// ready to use; it is safe for concurrent use.
type Metrics struct {
	events     atomic.Int64
	rows       atomic.Int64
	txs        atomic.Int64
	saves      atomic.Int64
	reconnects atomic.Int64
	lagMicros  atomic.Int64

	mu     sync.Mutex
	file   string
	offset int64
}

// Snapshot is a copy of the metrics' values.
type Snapshot struct {
	Events, Rows, Transactions, CheckpointSaves, Reconnects int64
	Lag                                                     time.Duration
	File                                                    string
	Offset                                                  int64
}

// Snapshot returns the current values.
func (m *Metrics) Snapshot() Snapshot {
	m.mu.Lock()
	file, off := m.file, m.offset
	m.mu.Unlock()
	return Snapshot{
		Events: m.events.Load(), Rows: m.rows.Load(), Transactions: m.txs.Load(),
		CheckpointSaves: m.saves.Load(), Reconnects: m.reconnects.Load(),
		Lag: time.Duration(m.lagMicros.Load()) * time.Microsecond, File: file, Offset: off,
	}
}

func (m *Metrics) setPosition(file string, off int64) {
	m.mu.Lock()
	m.file, m.offset = file, off
	m.mu.Unlock()
}

// ServeHTTP writes the metrics in Prometheus text format.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Write(m.AppendText(nil))
}

// AppendText appends the metrics in Prometheus text format.
func (m *Metrics) AppendText(b []byte) []byte {
	s := m.Snapshot()
	metric := func(name, typ, help, labels string, v string) {
		b = fmt.Appendf(b, "# HELP %s %s\n# TYPE %s %s\n%s%s %s\n", name, help, name, typ, name, labels, v)
	}
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	metric("binlog_cdc_events_total", "counter", "Events read from the source.", "", i(s.Events))
	metric("binlog_cdc_rows_total", "counter", "Change records written.", "", i(s.Rows))
	metric("binlog_cdc_transactions_total", "counter", "Committed transactions processed.", "", i(s.Transactions))
	metric("binlog_cdc_checkpoint_saves_total", "counter", "Checkpoints saved.", "", i(s.CheckpointSaves))
	metric("binlog_cdc_reconnects_total", "counter", "Reconnections of the live stream.", "", i(s.Reconnects))
	metric("binlog_cdc_lag_seconds", "gauge",
		"Time between the commit of the last transaction processed and its processing; 0 when caught up (heartbeat).",
		"", strconv.FormatFloat(s.Lag.Seconds(), 'f', -1, 64))
	metric("binlog_cdc_position", "gauge", "Offset in the binlog file after the last transaction processed.",
		`{file="`+escapeLabel(s.File)+`"}`, i(s.Offset))
	return b
}

func escapeLabel(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s)
}
