package cdc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strconv"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/live"
	"github.com/binlogkit/binlogkit/binlog/schemahistory"
	"github.com/binlogkit/binlogkit/rowevent"
)

// Options configures Run. The zero value reads the live stream of the
// server that the zero live.Options describe, without a checkpoint.
type Options struct {
	// Files, when not empty, are read in order as one log (binlog.OpenChain).
	// Otherwise Stream is used.
	Files []string
	// Stream configures the live source. Position and GTIDs are overridden
	// by the checkpoint when there is one.
	Stream live.Options

	// CheckpointPath, when not "", is where the checkpoint is loaded from
	// at the start and saved to (see the package doc). No file there is a
	// first run, which starts where Files, Filter and Stream say; a file
	// that is not a checkpoint of this log is an error.
	CheckpointPath string
	// RequireCheckpoint makes a missing checkpoint file an error rather
	// than a first run, for restarts that must resume (a mistyped path or
	// a lost file would otherwise deliver everything again).
	RequireCheckpoint bool
	// CheckpointEvery is the least time between checkpoint saves while
	// running; 0 saves after every transaction (a crash then repeats at
	// most one transaction, at the cost of an fsync per transaction). A
	// checkpoint is always saved when Run returns.
	CheckpointEvery time.Duration

	// Filter selects events (positions, times, tables, kinds, GTIDs, server
	// ids). KeepEmptyTransactions is forced on. With a checkpoint, the
	// start position is the later of Filter.StartPosition and the
	// checkpoint's.
	Filter binlog.FilterOptions
	// NoSchemaHistory disables the schema history (column names then come
	// only from binlog_row_metadata=FULL).
	NoSchemaHistory bool
	// MaxTxBytes bounds the bytes of a transaction held in memory; a
	// larger one is written in chunks as it is read (its records then have
	// a null commit_time). 0: 64 MiB. Negative: no bound.
	MaxTxBytes int64

	// Metrics, when not nil, is updated as the run goes.
	Metrics *Metrics
	// Now returns the current time, for the lag metric (default time.Now).
	Now func() time.Time
}

// extraState is the content of the schema history in the checkpoint's Extra.
type extraState struct {
	Schema json.RawMessage `json:"schema,omitempty"`
}

// Run delivers the change records of the source to sink, one Batch per
// transaction, until the source ends (files), ctx is canceled (a clean
// stop: it returns nil), or an error occurs. In every case it flushes the
// sink (Flusher) and saves the checkpoint of the last transaction the sink
// acknowledged. A nil opts is the zero Options.
func Run(ctx context.Context, sink Sink, opts *Options) (err error) {
	if sink == nil {
		return ErrNoSink
	}
	if opts == nil {
		opts = &Options{}
	}
	if opts.CheckpointEvery < 0 {
		return fmt.Errorf("%w: negative CheckpointEvery %v", ErrInvalidOptions, opts.CheckpointEvery)
	}
	if opts.RequireCheckpoint && opts.CheckpointPath == "" {
		return fmt.Errorf("%w: RequireCheckpoint without a CheckpointPath", ErrInvalidOptions)
	}
	o := *opts // Run sets fields of its copy (Stream.Decode.Schema)
	cfg := &o
	r := &runner{ctx: ctx, cfg: cfg, m: cfg.Metrics, sink: sink}
	r.flusher, _ = sink.(Flusher)
	if r.m == nil {
		r.m = &Metrics{}
	}
	if cfg.Now == nil {
		r.now = time.Now
	} else {
		r.now = cfg.Now
	}
	if err := r.open(ctx); err != nil {
		return err
	}
	defer r.close()
	err = r.loop(ctx)
	if ferr := r.flushAndSave(); err == nil {
		err = ferr
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		if ctx.Err() != nil {
			return nil
		}
	}
	return err
}

type runner struct {
	ctx     context.Context
	cfg     *Options
	m       *Metrics
	now     func() time.Time
	sink    Sink
	flusher Flusher
	batch   Batch
	stream  *live.Stream
	chain   *binlog.ChainReader
	history *schemahistory.History
	servers *binlog.ServerTracker
	txr     *binlog.TxReader

	cp       *binlog.Checkpoint // last checkpoint loaded or reached
	dirty    bool               // cp not saved yet
	lastSave time.Time
	txIndex  int // row changes written of the current (possibly chunked) transaction
}

func (r *runner) open(ctx context.Context) error {
	cfg := r.cfg
	if cfg.CheckpointPath != "" {
		cp, err := binlog.LoadCheckpoint(cfg.CheckpointPath)
		switch {
		case err == nil:
			r.cp = cp
		case errors.Is(err, fs.ErrNotExist) && !cfg.RequireCheckpoint:
			// A first run.
		case errors.Is(err, fs.ErrNotExist):
			return &Error{Op: "checkpoint", Path: cfg.CheckpointPath, Err: ErrNoCheckpoint}
		default:
			return &Error{Op: "checkpoint", Path: cfg.CheckpointPath, Err: err}
		}
	}
	var decode *binlog.ReaderOptions
	if cfg.Files != nil {
		decode = &binlog.ReaderOptions{}
	} else {
		decode = &cfg.Stream.Decode
	}
	if !cfg.NoSchemaHistory {
		r.history = schemahistory.New()
		if r.cp != nil && len(r.cp.Extra) > 0 {
			var ex extraState
			if err := json.Unmarshal(r.cp.Extra, &ex); err != nil {
				return &Error{Op: "checkpoint", Path: cfg.CheckpointPath, Err: fmt.Errorf("%w: extra: %w", binlog.ErrBadCheckpoint, err)}
			}
			if len(ex.Schema) > 0 {
				if err := r.history.UnmarshalJSON(ex.Schema); err != nil {
					return &Error{Op: "checkpoint", Path: cfg.CheckpointPath, Err: fmt.Errorf("%w: schema history: %w", binlog.ErrBadCheckpoint, err)}
				}
			}
		}
		decode.Schema = r.history
	}

	fopts := cfg.Filter
	fopts.KeepEmptyTransactions = true
	var src binlog.Source
	if cfg.Files != nil {
		files := cfg.Files
		if r.cp != nil && !r.cp.Position.IsZero() {
			// Skip the files before the checkpoint's.
			for len(files) > 1 && (binlog.Position{File: filepath.Base(files[0])}).Compare(binlog.Position{File: r.cp.Position.File}) < 0 {
				files = files[1:]
			}
			if fopts.StartPosition.IsZero() || fopts.StartPosition.Compare(r.cp.Position) < 0 {
				fopts.StartPosition = r.cp.Position
			}
		}
		c, err := binlog.OpenChain(files, decode)
		if err != nil {
			return err
		}
		r.chain, src = c, c
	} else {
		so := cfg.Stream
		if r.cp != nil {
			so.Position = r.cp.Position
			if r.cp.GTIDs != nil && so.Position.IsZero() {
				so.GTIDs = r.cp.GTIDs
			}
		}
		s, err := live.Open(ctx, &so)
		if err != nil {
			return err
		}
		r.stream, src = s, s
	}
	src = &tap{src: src, m: r.m}
	// Check that the log is the checkpoint's, before anything past the
	// checkpoint is written, and learn who wrote it for the next one.
	r.servers = binlog.TrackServer(src, r.cp)
	src = r.servers
	if r.history != nil {
		src = schemahistory.Track(src, r.history)
	}
	f, err := binlog.NewFilter(src, &fopts)
	if err != nil {
		return err
	}
	src = f
	topts := &binlog.TxOptions{MaxBuffered: cfg.MaxTxBytes}
	if topts.MaxBuffered == 0 {
		topts.MaxBuffered = 64 << 20
	} else if topts.MaxBuffered < 0 {
		topts.MaxBuffered = 0
	}
	if r.cp != nil && r.cp.GTIDs != nil {
		topts.GTIDs = r.cp.GTIDs
	}
	r.txr = binlog.NewTxReader(src, topts)
	return nil
}

func (r *runner) close() {
	if r.stream != nil {
		r.stream.Close()
	}
	if r.chain != nil {
		r.chain.Close()
	}
}

func (r *runner) loop(ctx context.Context) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		tx, err := r.txr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := r.writeTx(tx); err != nil {
			return err
		}
		if tx.Partial {
			continue
		}
		r.m.txs.Add(1)
		r.cp = r.txr.Checkpoint()
		r.cp.Server = r.servers.Server(r.cp.Position.File)
		r.dirty = true
		r.m.setPosition(r.cp.Position.File, r.cp.Position.Offset)
		if !tx.CommitTime.IsZero() {
			r.m.lagMicros.Store(max(0, r.now().Sub(tx.CommitTime).Microseconds()))
		}
		if r.stream != nil {
			r.m.reconnects.Store(int64(r.stream.Reconnects()))
		}
		if now := r.now(); now.Sub(r.lastSave) >= r.cfg.CheckpointEvery {
			if err := r.flushAndSave(); err != nil {
				return err
			}
		}
	}
}

// writeTx hands the records of tx's rows events to the sink.
func (r *runner) writeTx(tx *binlog.Tx) error {
	if tx.Chunk == 0 {
		r.txIndex = 0
	}
	b := &r.batch
	*b = Batch{Begin: tx.Begin, End: tx.End, CommitTime: tx.CommitTime, Partial: tx.Partial, Chunk: tx.Chunk, Records: b.Records[:0]}
	c := rowevent.Change{CommitTime: tx.CommitTime}
	if tx.Partial {
		c.CommitTime = time.Time{}
		b.CommitTime, b.End = time.Time{}, binlog.Position{}
	}
	if tx.GTID != nil && !tx.GTID.Anonymous {
		c.GTID = tx.GTID.String()
		b.GTID = c.GTID
	} else {
		c.TxID = tx.Begin.File + ":" + strconv.FormatInt(tx.Begin.Offset, 10)
	}
	for _, ev := range tx.Events {
		rows, ok := ev.Payload.(*binlog.Rows)
		if !ok {
			continue
		}
		c.File, c.Offset, c.ServerID = ev.File, ev.Offset, ev.Header.ServerID
		for i := range rows.Rows {
			c.Index = r.txIndex
			b.Records = append(b.Records, Record{Change: c, Rows: rows, Row: i})
			r.txIndex++
		}
	}
	if err := r.sink.Write(r.ctx, b); err != nil {
		var e *Error
		if errors.As(err, &e) {
			return err
		}
		return &Error{Op: "sink", Position: tx.End, Err: err}
	}
	r.m.rows.Add(int64(len(b.Records)))
	clear(b.Records) // drop the references to the rows events
	return nil
}

// flushAndSave flushes the sink, then saves the checkpoint when it
// moved.
func (r *runner) flushAndSave() error {
	if r.flusher != nil {
		if err := r.flusher.Flush(context.WithoutCancel(r.ctx)); err != nil {
			var pos binlog.Position
			if r.cp != nil {
				pos = r.cp.Position
			}
			return &Error{Op: "flush", Position: pos, Err: err}
		}
	}
	r.lastSave = r.now()
	if !r.dirty || r.cfg.CheckpointPath == "" || r.cp == nil {
		return nil
	}
	if r.history != nil {
		schema, err := r.history.MarshalJSON()
		if err != nil {
			return err
		}
		r.cp.Extra, err = json.Marshal(extraState{Schema: schema})
		if err != nil {
			return err
		}
	}
	if err := binlog.SaveCheckpoint(r.cfg.CheckpointPath, r.cp); err != nil {
		return &Error{Op: "checkpoint", Path: r.cfg.CheckpointPath, Position: r.cp.Position, Err: err}
	}
	r.dirty = false
	r.m.saves.Add(1)
	return nil
}

// tap counts the source's events and notes heartbeats (caught up: lag 0).
type tap struct {
	src binlog.Source
	m   *Metrics
}

func (t *tap) Next() (*binlog.Event, error) {
	ev, err := t.src.Next()
	if err == nil {
		t.m.events.Add(1)
		if _, ok := ev.Payload.(*binlog.Heartbeat); ok {
			t.m.lagMicros.Store(0)
		}
	}
	return ev, err
}
