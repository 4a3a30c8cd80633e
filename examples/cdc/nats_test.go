package main

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/cdc"
	"github.com/binlogkit/binlogkit/binlog/cdc/natssink"
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/binlogkit/binlogkit/internal/workload"
)

// TestNATSKill publishes a workload with the command, killed (SIGKILL) at
// random moments and restarted from its checkpoint in a key-value bucket:
// the stream holds each committed row change of the log once.
func TestNATSKill(t *testing.T) {
	srv := testserver.Start(t, nil)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	run := workload.Record(t, srv, seed, &workload.Options{Transactions: 300})
	rng := rand.New(rand.NewPCG(seed, 17))

	ns, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true,
		StoreDir: t.TempDir(), NoLog: true, NoSigs: true, DisableJetStreamBanner: true})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	t.Cleanup(func() { ns.Shutdown(); ns.WaitForShutdown() })
	if !ns.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats server not ready")
	}
	url := "nats://127.0.0.1:" + strconv.Itoa(ns.Addr().(*net.TCPAddr).Port)

	bin := testserver.BuildCommand(t, ".")
	args := append([]string{"--sink", url, "--stream", "CDC", "--create-stream", "--checkpoint-kv", "cdc",
		"--checkpoint-interval", "10ms", "--max-pending", "32"}, run.Paths...)
	kills := 0
	for round := 0; ; round++ {
		cmd := exec.Command(bin, args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var timeout <-chan time.Time
		if round < 4 {
			timeout = time.After(time.Duration(50+rng.IntN(300)) * time.Millisecond)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("round %d: %v\n%s", round, err, stderr.Bytes())
			}
		case <-timeout:
			cmd.Process.Kill()
			<-done
			kills++
			continue
		case <-time.After(2 * time.Minute):
			cmd.Process.Kill()
			t.Fatalf("round %d: no end in 2 minutes\n%s", round, stderr.Bytes())
		}
		break
	}

	// The committed row changes of the log, through binlog.TxReader.
	r, err := binlog.OpenChain(run.Paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	txs := binlog.NewTxReader(r, nil)
	var want []string
	for {
		tx, err := txs.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range tx.Events {
			if rows, ok := ev.Payload.(*binlog.Rows); ok {
				for range rows.Rows {
					want = append(want, ev.File+":"+strconv.FormatInt(ev.Offset, 10))
				}
			}
		}
	}

	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := js.Stream(ctx, "CDC")
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d kills; %d messages, %d row changes in the log; duplicate window %v", kills, info.State.Msgs, len(want), info.Config.Duplicates)
	if int(info.State.Msgs) != len(want) {
		t.Fatalf("stream holds %d messages, want %d", info.State.Msgs, len(want))
	}
	// Every change once; the stream order is the log order here (one
	// publisher, no failures), so compare positions one by one.
	cons, err := st.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(want); {
		batch, err := cons.Fetch(1000, jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for m := range batch.Messages() {
			if got := m.Headers().Get(natssink.HeaderPos); got != want[i] {
				t.Fatalf("message %d at %s, want %s", i, got, want[i])
			}
			i++
		}
	}
}

func TestNATSBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--stream", "CDC", "f"},
		{"--checkpoint-kv", "cdc", "f"},
		{"--sink", "http://localhost:4222", "f"},
		{"--sink", "nats://127.0.0.1:1", "--tls-cert", "c.pem", "f"},
		{"--sink", "nats://127.0.0.1:1", "--subject", "cdc.{schema}", "f"},
	} {
		null, _ := os.Open(os.DevNull)
		if err := run(context.Background(), args, null, null); err == nil {
			t.Errorf("cdc %q succeeded", args)
		}
	}
}

func TestMetricsHandler(t *testing.T) {
	rec := httptest.NewRecorder()
	metricsHandler(&cdc.Metrics{}, &natssink.Metrics{}).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, name := range []string{"binlog_cdc_rows_total", "binlog_cdc_nats_pending_acks", "binlog_cdc_nats_publish_latency_seconds_count"} {
		if !strings.Contains(body, "\n"+name+" ") {
			t.Errorf("metrics lack %s:\n%s", name, body)
		}
	}
}
