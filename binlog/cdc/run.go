package cdc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strconv"
	"time"
	"unsafe"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/live"
	"github.com/binlogkit/binlogkit/binlog/schemahistory"
	"github.com/binlogkit/binlogkit/rowevent"
)

// Options configures Run. The zero value reads the live stream of the
// server that the zero live.Options describe, without a checkpoint, with
// the defaults below. Run checks the options before it reads anything.
type Options struct {
	// Files, when not empty, are read in order as one log
	// (binlog.OpenChain); empty reads the live stream that Stream
	// describes.
	Files []string
	// Stream configures the live source when Files is empty (its zero
	// value is live.Options' defaults); Position and GTIDs are overridden
	// by the checkpoint when there is one.
	Stream live.Options

	// CheckpointPath is where the checkpoint is loaded from at the start
	// and saved to (see the package doc); "" keeps no checkpoint. No file
	// there is a first run, which starts where Files, Filter and Stream
	// say; a file that is not a checkpoint of this log is an error.
	CheckpointPath string
	// Checkpoints, when not nil, keeps the checkpoint instead of a file
	// (a key-value bucket, a table); setting it and CheckpointPath is an
	// error. Zero means CheckpointPath, or, when that is empty too and the
	// sink is a CheckpointSink, the sink itself, which stores each
	// checkpoint with its batch's records.
	Checkpoints CheckpointStore
	// RequireCheckpoint makes a missing checkpoint file an error rather
	// than a first run, for restarts that must resume (a mistyped path or
	// a lost file would otherwise deliver everything again); false starts
	// a first run when there is no file.
	RequireCheckpoint bool
	// CheckpointEvery is the least time between checkpoint saves while
	// running; 0 saves after every transaction (a crash then repeats at
	// most one transaction, at the cost of an fsync per transaction).
	// Negative is an error. A checkpoint is always saved when Run returns.
	CheckpointEvery time.Duration

	// Filter selects events (positions, times, tables, kinds, GTIDs, server
	// ids); its zero value selects every event. KeepEmptyTransactions is
	// forced on. With a checkpoint, the start position is the later of
	// Filter.StartPosition and the checkpoint's.
	Filter binlog.FilterOptions
	// NoSchemaHistory disables the schema history (column names then come
	// only from binlog_row_metadata=FULL); false follows the DDL of the
	// log and keeps the history in the checkpoint.
	NoSchemaHistory bool
	// MaxTxBytes bounds, in bytes, the memory that the events and records
	// of one transaction hold before they are handed to the sink; 0 means
	// DefaultMaxTxBytes, negative means no bound. What counts is what
	// binlog.TxOptions.MaxBuffered counts (raw bytes and decoded values of
	// the events) plus the size of a Record (RecordBytes) per row. A
	// larger transaction is written in several batches as it is read (see
	// Batch.Partial; their records have a null commit_time), each holding
	// at most MaxTxBytes plus one event.
	MaxTxBytes int64

	// Metrics, when not nil, is updated as the run goes; nil keeps the
	// counts to Run itself.
	Metrics *Metrics
	// Logger receives the run's start and end, checkpoint saves (at debug
	// level) and transactions written in several batches (at info level);
	// nil logs nothing.
	Logger *slog.Logger
	// Now returns the current time, for the lag metric and the checkpoint
	// interval; nil means time.Now.
	Now func() time.Time
}

// DefaultMaxTxBytes is the bound of Options.MaxTxBytes when it is 0.
const DefaultMaxTxBytes = 64 << 20

// RecordBytes is the size of a Record, which Options.MaxTxBytes counts
// once per row change held for the sink.
const RecordBytes = int64(unsafe.Sizeof(Record{}))

// check reports options that cannot work, in an error that matches
// ErrInvalidOptions (or the filter's error), before Run reads anything.
func (o *Options) check() error {
	if o.CheckpointEvery < 0 {
		return fmt.Errorf("%w: negative CheckpointEvery %v", ErrInvalidOptions, o.CheckpointEvery)
	}
	if o.Checkpoints != nil && o.CheckpointPath != "" {
		return fmt.Errorf("%w: both Checkpoints and CheckpointPath", ErrInvalidOptions)
	}
	if len(o.Files) == 0 && o.Stream.Flavor != "" && o.Stream.Flavor != "mysql" && o.Stream.Flavor != "mariadb" {
		return fmt.Errorf("%w: Stream.Flavor %q: want \"mysql\" or \"mariadb\"", ErrInvalidOptions, o.Stream.Flavor)
	}
	if _, err := binlog.NewFilter(nil, &o.Filter); err != nil {
		return fmt.Errorf("%w: Filter: %w", ErrInvalidOptions, err)
	}
	return nil
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
	if err := opts.check(); err != nil {
		return err
	}
	o := *opts // Run sets fields of its copy (Stream.Decode.Schema)
	cfg := &o
	r := &runner{ctx: ctx, cfg: cfg, m: cfg.Metrics, sink: sink}
	r.store, r.withBatches, r.where = cfg.checkpointStore(sink)
	if cfg.RequireCheckpoint && r.store == nil {
		return fmt.Errorf("%w: RequireCheckpoint without a CheckpointPath, Checkpoints or CheckpointSink", ErrInvalidOptions)
	}
	r.flusher, _ = sink.(Flusher)
	r.log = cfg.Logger
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if r.m == nil {
		r.m = &Metrics{}
	}
	if cfg.Now == nil {
		r.now = time.Now
	} else {
		r.now = cfg.Now
	}
	if err := r.open(ctx); err != nil {
		r.close()
		if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
			return nil // a clean stop, as in the loop
		}
		return err
	}
	defer r.close()
	err = r.loop(ctx)
	if ferr := r.flushAndSave(); err == nil {
		err = ferr
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		if ctx.Err() != nil {
			err = nil
		}
	}
	if err != nil {
		r.log.Error("cdc: stopped", "err", err)
	} else {
		r.log.Info("cdc: stopped", "transactions", r.m.txs.Load(), "rows", r.m.rows.Load())
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

	store       CheckpointStore // where the checkpoint is kept, nil for nowhere
	withBatches bool            // the sink stores the checkpoint with each batch
	where       string          // store's name in errors and logs
	extra       []byte          // the checkpoint's Extra as last marshaled
	schemaDirty bool            // a statement passed since extra was made

	log      *slog.Logger
	maxTx    int64              // the TxReader's MaxBuffered, 0 for no bound
	cp       *binlog.Checkpoint // last checkpoint loaded or reached
	dirty    bool               // cp not saved yet
	lastSave time.Time
	txIndex  int // row changes written of the current (possibly chunked) transaction
}

func (r *runner) open(ctx context.Context) error {
	cfg := r.cfg
	if r.store != nil {
		cp, err := r.store.LoadCheckpoint(ctx)
		switch {
		case err == nil && cp != nil:
			r.cp = cp
		case (err == nil || errors.Is(err, fs.ErrNotExist)) && !cfg.RequireCheckpoint:
			// A first run.
		case err == nil || errors.Is(err, fs.ErrNotExist):
			return &Error{Op: "checkpoint", Path: r.where, Err: ErrNoCheckpoint}
		default:
			return &Error{Op: "checkpoint", Path: r.where, Err: err}
		}
	}
	var decode *binlog.ReaderOptions
	if cfg.Files != nil {
		decode = &binlog.ReaderOptions{}
	} else {
		decode = &cfg.Stream.Decode
	}
	if !cfg.NoSchemaHistory {
		r.history = schemahistory.New(nil)
		if r.cp != nil && len(r.cp.Extra) > 0 {
			var ex extraState
			if err := json.Unmarshal(r.cp.Extra, &ex); err != nil {
				return &Error{Op: "checkpoint", Path: r.where, Err: fmt.Errorf("%w: extra: %w", binlog.ErrBadCheckpoint, err)}
			}
			if len(ex.Schema) > 0 {
				if err := r.history.UnmarshalJSON(ex.Schema); err != nil {
					return &Error{Op: "checkpoint", Path: r.where, Err: fmt.Errorf("%w: schema history: %w", binlog.ErrBadCheckpoint, err)}
				}
			}
		}
		decode.Schema = r.history // the reader feeds it the DDL (binlog.SchemaTracker)
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
	src = &tap{src: src, m: r.m, dirty: &r.schemaDirty}
	// Check that the log is the checkpoint's, before anything past the
	// checkpoint is written, and learn who wrote it for the next one.
	r.servers = binlog.TrackServer(src, r.cp)
	src = r.servers
	f, err := binlog.NewFilter(src, &fopts)
	if err != nil {
		return err
	}
	src = f
	topts := &binlog.TxOptions{MaxBuffered: cfg.MaxTxBytes, RowBytes: RecordBytes}
	if topts.MaxBuffered == 0 {
		topts.MaxBuffered = DefaultMaxTxBytes
	} else if topts.MaxBuffered < 0 {
		topts.MaxBuffered = 0
	}
	if r.cp != nil && r.cp.GTIDs != nil {
		topts.GTIDs = r.cp.GTIDs
	}
	r.txr = binlog.NewTxReader(src, topts)
	r.maxTx = topts.MaxBuffered
	if r.cp != nil {
		r.log.Info("cdc: resuming from the checkpoint", "store", r.where, "position", r.cp.Position.String())
	} else {
		r.log.Info("cdc: starting", "files", len(cfg.Files), "start", fopts.StartPosition.String())
	}
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
		var cp *binlog.Checkpoint
		if !tx.Partial {
			cp = r.txr.Checkpoint()
			cp.Server = r.servers.Server(cp.Position.File)
			if r.withBatches {
				if err := r.setExtra(cp); err != nil {
					return err
				}
			}
		}
		if err := r.writeTx(tx, cp); err != nil {
			return err
		}
		if tx.Partial {
			continue
		}
		r.m.txs.Add(1)
		r.cp = cp
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
func (r *runner) writeTx(tx *binlog.Tx, cp *binlog.Checkpoint) error {
	if tx.Chunk == 0 {
		r.txIndex = 0
	}
	b := &r.batch
	*b = Batch{Begin: tx.Begin, End: tx.End, CommitTime: tx.CommitTime, Partial: tx.Partial, Chunk: tx.Chunk, Records: b.Records[:0]}
	if r.withBatches {
		b.Checkpoint = cp
	}
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
	// Size the records at once: appending would leave the smaller arrays
	// behind as garbage, up to the size of the final one.
	n := 0
	for _, ev := range tx.Events {
		if rows, ok := ev.Payload.(*binlog.Rows); ok {
			n += len(rows.Rows)
		}
	}
	if cap(b.Records) < n {
		b.Records = make([]Record, 0, n)
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
	// The sink is done with the events: their memory (a file reader's)
	// goes back to the pool for the next ones, so that the memory held
	// stays that of one transaction or chunk, without garbage on top.
	for i, ev := range tx.Events {
		ev.Release()
		tx.Events[i] = nil
	}
	if tx.Partial && tx.Chunk == 0 {
		r.log.Info("cdc: transaction larger than MaxTxBytes, written in several batches",
			"begin", tx.Begin.String(), "gtid", b.GTID, "max_tx_bytes", r.maxTx)
	}
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
	if !r.dirty || r.store == nil || r.cp == nil {
		return nil
	}
	if r.withBatches {
		// Stored with the batches already.
		r.dirty = false
		return nil
	}
	if err := r.setExtra(r.cp); err != nil {
		return err
	}
	if err := r.store.SaveCheckpoint(context.WithoutCancel(r.ctx), r.cp); err != nil {
		return &Error{Op: "checkpoint", Path: r.where, Position: r.cp.Position, Err: err}
	}
	r.dirty = false
	r.m.saves.Add(1)
	r.log.Debug("cdc: checkpoint saved", "store", r.where, "position", r.cp.Position.String())
	return nil
}

// setExtra sets the checkpoint's Extra to the schema history, marshaled
// again only when a statement other than transaction control passed since
// the last time (only DDL changes the history).
func (r *runner) setExtra(cp *binlog.Checkpoint) error {
	if r.history == nil {
		return nil
	}
	if r.extra == nil || r.schemaDirty {
		schema, err := r.history.MarshalJSON()
		if err != nil {
			return err
		}
		if r.extra, err = json.Marshal(extraState{Schema: schema}); err != nil {
			return err
		}
		r.schemaDirty = false
	}
	cp.Extra = r.extra
	return nil
}

// tap counts the source's events, notes heartbeats (caught up: lag 0) and
// statements that may have changed the schema history.
type tap struct {
	src   binlog.Source
	m     *Metrics
	dirty *bool
}

func (t *tap) Next() (*binlog.Event, error) {
	ev, err := t.src.Next()
	if err == nil {
		t.m.events.Add(1)
		switch p := ev.Payload.(type) {
		case *binlog.Heartbeat:
			t.m.lagMicros.Store(0)
		case *binlog.Query:
			if !p.Control().IsControl() {
				*t.dirty = true
			}
		}
	}
	return ev, err
}
