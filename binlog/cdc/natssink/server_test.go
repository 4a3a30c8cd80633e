package natssink

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/cdc"
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/binlogkit/binlogkit/internal/workload"
)

// natsServer is an in-process NATS server with JetStream on file storage,
// which can be restarted on the same port and directory.
type natsServer struct {
	t    testing.TB
	dir  string
	port int
	mu   sync.Mutex
	s    *server.Server
}

func startNATS(t testing.TB) *natsServer {
	n := &natsServer{t: t, dir: t.TempDir(), port: -1}
	n.start()
	t.Cleanup(n.stop)
	return n
}

func (n *natsServer) start() {
	n.t.Helper()
	s, err := server.NewServer(&server.Options{
		Host: "127.0.0.1", Port: n.port, JetStream: true, StoreDir: n.dir,
		NoLog: true, NoSigs: true, DisableJetStreamBanner: true,
	})
	if err != nil {
		n.t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		n.t.Fatal("nats server not ready")
	}
	n.mu.Lock()
	n.s = s
	n.port = s.Addr().(*net.TCPAddr).Port
	n.mu.Unlock()
}

func (n *natsServer) stop() {
	n.mu.Lock()
	s := n.s
	n.s = nil
	n.mu.Unlock()
	if s != nil {
		s.Shutdown()
		s.WaitForShutdown()
	}
}

func (n *natsServer) url() string { return "nats://127.0.0.1:" + strconv.Itoa(n.port) }

func connect(t testing.TB, url string) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(url, nats.ReconnectBufSize(-1), nats.MaxReconnects(-1),
		nats.ReconnectWait(20*time.Millisecond), nats.RetryOnFailedConnect(true))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

var errInjected = errors.New("injected publish failure")

// lostAck is a future whose message was stored but whose ack is lost.
type lostAck struct {
	jetstream.PubAckFuture
	err chan error
}

func (l *lostAck) Ok() <-chan *jetstream.PubAck { return nil }
func (l *lostAck) Err() <-chan error            { return l.err }

// injectFailures makes about one publish in rate fail before it is sent,
// and one in rate be stored with its ack lost.
func injectFailures(s *Sink, rng *rand.Rand, rate int, count *atomic.Int64) {
	inner := s.publish
	s.publish = func(m *nats.Msg) (jetstream.PubAckFuture, error) {
		switch rng.IntN(rate) {
		case 0:
			count.Add(1)
			return nil, errInjected
		case 1:
			f, err := inner(m)
			if err != nil {
				return nil, err
			}
			count.Add(1)
			l := &lostAck{PubAckFuture: f, err: make(chan error, 1)}
			go func() {
				select {
				case <-f.Ok():
				case <-f.Err():
				}
				l.err <- errInjected
			}()
			return l, nil
		}
		return inner(m)
	}
}

// crashable is a checkpoint store that loses the saves made after a crash
// (the process died before they reached the bucket).
type crashable struct {
	cdc.CheckpointStore
	dead atomic.Bool
}

func (c *crashable) SaveCheckpoint(ctx context.Context, cp *binlog.Checkpoint) error {
	if c.dead.Load() {
		return errors.New("process killed")
	}
	return c.CheckpointStore.SaveCheckpoint(ctx, cp)
}

// change is what the test compares: one row change.
type change struct {
	Pos, Kind, TxID string
	Index           int
}

// scanLog returns the committed row changes of paths by subject, in log
// order, read directly through binlog.TxReader.
func scanLog(t *testing.T, paths []string, tp *template) (map[string][]change, int) {
	r, err := binlog.OpenChain(paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	txs := binlog.NewTxReader(r, nil)
	want := map[string][]change{}
	n := 0
	for {
		tx, err := txs.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if tx.RolledBack {
			t.Fatal("TxReader delivered a rolled-back group")
		}
		txid := tx.Begin.String()
		if tx.GTID != nil && !tx.GTID.Anonymous {
			txid = tx.GTID.String()
		}
		idx := 0
		for _, ev := range tx.Events {
			rows, ok := ev.Payload.(*binlog.Rows)
			if !ok {
				continue
			}
			subj := string(tp.render(nil, rows.Table.Schema, rows.Table.Table, kindName(rows.Kind)))
			for range rows.Rows {
				want[subj] = append(want[subj], change{Pos: ev.File + ":" + strconv.FormatInt(ev.Offset, 10),
					Kind: kindName(rows.Kind), TxID: txid, Index: idx})
				idx++
				n++
			}
		}
	}
	return want, n
}

// readStream returns the messages of the stream by subject, in stream
// order, and checks that no Nats-Msg-Id repeats.
func readStream(t *testing.T, js jetstream.JetStream, name string) (map[string][]change, int) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := js.Stream(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	total := int(info.State.Msgs)
	cons, err := st.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]change{}
	ids := map[string]bool{}
	for n := 0; n < total; {
		batch, err := cons.Fetch(1000, jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for m := range batch.Messages() {
			h := m.Headers()
			id := h.Get(jetstream.MsgIDHeader)
			if ids[id] {
				t.Errorf("message id %s stored twice", id)
			}
			ids[id] = true
			idx, _ := strconv.Atoi(h.Get(HeaderTxIndex))
			got[m.Subject()] = append(got[m.Subject()], change{Pos: h.Get(HeaderPos), Kind: h.Get(HeaderKind),
				TxID: h.Get(HeaderTxID), Index: idx})
			n++
		}
		if batch.Error() != nil {
			t.Fatal(batch.Error())
		}
	}
	return got, total
}

// TestExactlyOnce publishes a random workload while the pipeline is
// stopped and crashed at random moments, the NATS server is restarted
// twice and publishes fail: the stream must hold each committed row change
// once, in commit order per table.
func TestExactlyOnce(t *testing.T) {
	srv := testserver.Start(t, nil)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	run := workload.Record(t, srv, seed, &workload.Options{Transactions: 300})
	rng := rand.New(rand.NewPCG(seed, 16))

	ns := startNATS(t)
	_, js := connect(t, ns.url())
	ctx := context.Background()
	probe, err := New(js, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.CreateStream(ctx, probe.StreamConfig("CDC", 10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "cdc", Storage: jetstream.FileStorage})
	if err != nil {
		t.Fatal(err)
	}

	var metrics Metrics
	var injected atomic.Int64
	restarts, crashes := 0, 0
	for round := 0; ; round++ {
		if round > 60 {
			t.Fatal("no round ran to the end in 60 rounds")
		}
		sink, err := New(js, &Options{Metrics: &metrics, MaxPending: 64, AckWait: time.Second,
			MinBackoff: 5 * time.Millisecond, MaxBackoff: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		injectFailures(sink, rng, 100, &injected)
		kvc, err := NewKVCheckpoints(kv, &KVOptions{SaveTimeout: 20 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		store := &crashable{CheckpointStore: kvc}
		rctx, cancel := context.WithCancel(ctx)
		crash := rng.IntN(2) == 0
		stopAfter := time.Duration(20+rng.IntN(400)) * time.Millisecond
		if round >= 12 {
			stopAfter = time.Hour // let it finish
		}
		stopper := time.AfterFunc(stopAfter, func() {
			if crash {
				store.dead.Store(true)
			}
			cancel()
		})
		var restarted sync.WaitGroup
		if round == 3 || round == 7 {
			restarts++
			restarted.Add(1)
			go func() {
				defer restarted.Done()
				time.Sleep(time.Duration(rng.IntN(100)) * time.Millisecond)
				ns.stop()
				time.Sleep(300 * time.Millisecond)
				ns.start()
			}()
		}
		err = cdc.Run(rctx, sink, &cdc.Options{Files: run.Paths, Checkpoints: store, CheckpointEvery: 20 * time.Millisecond})
		finished := rctx.Err() == nil
		stopper.Stop()
		cancel()
		restarted.Wait()
		if err != nil && !(store.dead.Load() && errors.Is(err, fs.ErrClosed)) {
			var ce *cdc.Error
			if !(store.dead.Load() && errors.As(err, &ce) && ce.Op == "checkpoint") {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if store.dead.Load() {
			crashes++
		}
		if finished && round >= 8 {
			break
		}
	}
	s := metrics.Snapshot()
	t.Logf("%d crashes, %d NATS restarts, %d injected failures; published %d, acked %d, duplicates %d, retries %d",
		crashes, restarts, injected.Load(), s.Published, s.Acked, s.Duplicates, s.Retries)
	if s.Duplicates == 0 || injected.Load() == 0 || restarts != 2 {
		t.Errorf("the test did not exercise replays (%d duplicates), failures (%d) and restarts (%d)", s.Duplicates, injected.Load(), restarts)
	}
	if s.OutOfOrder != 0 {
		t.Errorf("%d messages stored out of order", s.OutOfOrder)
	}

	want, nwant := scanLog(t, run.Paths, probe.subj)
	got, ngot := readStream(t, js, "CDC")
	if nwant < 500 {
		t.Fatalf("only %d row changes in the workload", nwant)
	}
	if ngot != nwant {
		t.Errorf("stream holds %d messages, the log %d committed row changes", ngot, nwant)
	}
	for subj, w := range want {
		g := got[subj]
		if len(g) != len(w) {
			t.Errorf("%s: %d messages, want %d", subj, len(g), len(w))
			continue
		}
		for i := range w {
			if g[i] != w[i] {
				t.Errorf("%s: message %d is %+v, want %+v", subj, i, g[i], w[i])
				break
			}
		}
	}
	for subj := range got {
		if _, ok := want[subj]; !ok {
			t.Errorf("unexpected subject %s (%d messages)", subj, len(got[subj]))
		}
	}
}

// TestPerTransaction publishes one message per transaction: the records of
// each, one per line, with their count in a header.
func TestPerTransaction(t *testing.T) {
	srv := testserver.Start(t, nil)
	run := workload.Record(t, srv, 7, &workload.Options{Transactions: 100})
	ns := startNATS(t)
	_, js := connect(t, ns.url())
	ctx := context.Background()
	sink, err := New(js, &Options{PerTransaction: true, TxSubject: "tx.{db}"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.CreateStream(ctx, sink.StreamConfig("TX", time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := cdc.Run(ctx, sink, &cdc.Options{Files: run.Paths}); err != nil {
		t.Fatal(err)
	}
	st, _ := js.Stream(ctx, "TX")
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, nrows := scanLog(t, run.Paths, sink.subj)
	rows := 0
	for seq := uint64(1); seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.Atoi(m.Header.Get(HeaderCount))
		if lines := bytes.Count(m.Data, []byte("\n")); lines != n || n == 0 {
			t.Fatalf("message %d: %d lines, %s %d", seq, lines, HeaderCount, n)
		}
		if m.Subject != "tx."+run.DB {
			t.Errorf("message %d on %s", seq, m.Subject)
		}
		rows += n
	}
	if rows != nrows {
		t.Errorf("%d records in %d messages, want %d", rows, info.State.Msgs, nrows)
	}
}
