package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/binlogkit/binlogkit/binlog/cdc"
	"github.com/binlogkit/binlogkit/binlog/cdc/natssink"
	"github.com/binlogkit/binlogkit/internal/secret"
	"github.com/binlogkit/binlogkit/rowevent"
)

// natsFlags are the flags of the NATS JetStream sink (--sink nats://...).
type natsFlags struct {
	sink, stream, kvBucket, kvKey        string
	createStream, perTx                  bool
	subject, txSubject, origin           string
	maxDowntime                          time.Duration
	maxPending                           int
	creds, user, passwordFile, tokenFile string
	tlsCA, tlsCert, tlsKey               string
	metrics                              natssink.Metrics
	change                               *rowevent.ChangeOptions
}

func (n *natsFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&n.sink, "sink", "", "publish to NATS JetStream at `URL` (nats://HOST:PORT or tls://HOST:PORT, comma-separated for a cluster); default: JSON lines on stdout")
	fs.StringVar(&n.stream, "stream", "", "JetStream stream `NAME` that holds the subjects (checked at start; see --create-stream)")
	fs.BoolVar(&n.createStream, "create-stream", false, "create the --stream (file storage, duplicate window 2*(checkpoint interval + --max-downtime)) and the --checkpoint-kv bucket if missing")
	fs.DurationVar(&n.maxDowntime, "max-downtime", 10*time.Minute, "longest expected stop of the pipeline, for the duplicate window of --create-stream")
	fs.StringVar(&n.subject, "subject", natssink.DefaultSubject, "subject `TEMPLATE` of a row change: {db}, {table}, {op}")
	fs.BoolVar(&n.perTx, "per-transaction", false, "publish one message per transaction (records one per line) to --tx-subject")
	fs.StringVar(&n.txSubject, "tx-subject", natssink.DefaultTxSubject, "subject `TEMPLATE` of a transaction with --per-transaction: {db} of its first record")
	fs.StringVar(&n.origin, "origin", "", "prefix of the message ids (set it when several servers without GTIDs share a stream)")
	fs.IntVar(&n.maxPending, "max-pending", natssink.DefaultMaxPending, "most messages published and not yet acknowledged")
	fs.StringVar(&n.kvBucket, "checkpoint-kv", "", "keep the checkpoint in the JetStream key-value `BUCKET` instead of --checkpoint")
	fs.StringVar(&n.kvKey, "checkpoint-key", natssink.DefaultCheckpointKey, "key of the checkpoint in --checkpoint-kv (one per pipeline)")
	fs.StringVar(&n.creds, "nats-creds", "", "NATS credentials `FILE` (JWT and seed, as nsc writes it)")
	fs.StringVar(&n.user, "nats-user", "", "NATS user; its password from --nats-password-file or $NATS_PASSWORD")
	fs.StringVar(&n.passwordFile, "nats-password-file", "", "read the NATS password from the first line of `FILE`")
	fs.StringVar(&n.tokenFile, "nats-token-file", "", "read the NATS token from the first line of `FILE` (default: $NATS_TOKEN)")
	fs.StringVar(&n.tlsCA, "tls-ca", "", "CA certificate `FILE` to verify the NATS server with")
	fs.StringVar(&n.tlsCert, "tls-cert", "", "client certificate `FILE` for NATS (with --tls-key)")
	fs.StringVar(&n.tlsKey, "tls-key", "", "client key `FILE` for NATS (with --tls-cert)")
}

// used reports whether the NATS sink is selected, and checks the flags
// that only make sense with it.
func (n *natsFlags) used() (bool, error) {
	if n.sink == "" || n.sink == "stdout" {
		if n.stream != "" || n.kvBucket != "" || n.createStream {
			return false, errors.New("--stream, --checkpoint-kv and --create-stream need a NATS --sink (nats://HOST:PORT)")
		}
		return false, nil
	}
	for _, u := range strings.Split(n.sink, ",") {
		if !strings.HasPrefix(u, "nats://") && !strings.HasPrefix(u, "tls://") {
			return false, fmt.Errorf("--sink %q: want nats://HOST:PORT or tls://HOST:PORT", u)
		}
	}
	if (n.tlsCert == "") != (n.tlsKey == "") {
		return false, errors.New("--tls-cert and --tls-key go together")
	}
	return true, nil
}

// connectOptions returns the connection options: credentials and TLS.
// The connection never buffers across reconnects (natssink requires it)
// and reconnects forever: the sink holds the pipeline meanwhile.
func (n *natsFlags) connectOptions() ([]nats.Option, error) {
	opts := []nats.Option{nats.Name("binlogkit-cdc"), nats.ReconnectBufSize(-1), nats.MaxReconnects(-1),
		nats.ReconnectWait(time.Second), nats.RetryOnFailedConnect(true)}
	if n.creds != "" {
		opts = append(opts, nats.UserCredentials(n.creds))
	}
	if n.user != "" {
		pw := os.Getenv("NATS_PASSWORD")
		if n.passwordFile != "" {
			var err error
			if pw, err = secret.ReadFile("--nats-password-file", n.passwordFile); err != nil {
				return nil, err
			}
		}
		opts = append(opts, nats.UserInfo(n.user, pw))
	}
	token := os.Getenv("NATS_TOKEN")
	if n.tokenFile != "" {
		var err error
		if token, err = secret.ReadFile("--nats-token-file", n.tokenFile); err != nil {
			return nil, err
		}
	}
	if token != "" {
		opts = append(opts, nats.Token(token))
	}
	if n.tlsCA != "" {
		opts = append(opts, nats.RootCAs(n.tlsCA))
	}
	if n.tlsCert != "" {
		opts = append(opts, nats.ClientCert(n.tlsCert, n.tlsKey))
	}
	return opts, nil
}

// setup connects, checks or creates the stream and the bucket, and returns
// the sink (cfg.Checkpoints set with --checkpoint-kv) and a close function.
func (n *natsFlags) setup(ctx context.Context, cfg *cdc.Options, stderr io.Writer) (cdc.Sink, func(), error) {
	if n.kvBucket != "" && cfg.CheckpointPath != "" {
		return nil, nil, errors.New("give --checkpoint or --checkpoint-kv, not both")
	}
	copts, err := n.connectOptions()
	if err != nil {
		return nil, nil, err
	}
	nc, err := nats.Connect(n.sink, copts...)
	if err != nil {
		return nil, nil, fmt.Errorf("--sink: %w", err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	sink, err := natssink.New(js, &natssink.Options{
		Subject: n.subject, PerTransaction: n.perTx, TxSubject: n.txSubject, Origin: n.origin,
		MaxPending: n.maxPending, Metrics: &n.metrics, Logger: logger, Change: n.change,
	})
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	fail := func(err error) (cdc.Sink, func(), error) { nc.Close(); return nil, nil, err }
	if n.stream != "" {
		if n.createStream {
			sc := sink.StreamConfig(n.stream, natssink.DuplicateWindow(cfg.CheckpointEvery, n.maxDowntime))
			if _, err := js.CreateStream(ctx, sc); err != nil && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
				return fail(fmt.Errorf("--create-stream %s: %w", n.stream, err))
			}
		}
		st, err := js.Stream(ctx, n.stream)
		if err != nil {
			return fail(fmt.Errorf("--stream %s: %w", n.stream, err))
		}
		info, err := st.Info(ctx)
		if err != nil {
			return fail(fmt.Errorf("--stream %s: %w", n.stream, err))
		}
		if w := natssink.DuplicateWindow(cfg.CheckpointEvery, 0); info.Config.Duplicates < w {
			fmt.Fprintf(stderr, "cdc: warning: stream %s keeps duplicates for %v, less than 2 checkpoint intervals (%v): a restart may store a replay twice\n",
				n.stream, info.Config.Duplicates, w)
		}
	}
	if n.kvBucket != "" {
		kv, err := js.KeyValue(ctx, n.kvBucket)
		if errors.Is(err, jetstream.ErrBucketNotFound) && n.createStream {
			kv, err = js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: n.kvBucket, Storage: jetstream.FileStorage})
		}
		if err != nil {
			return fail(fmt.Errorf("--checkpoint-kv %s: %w", n.kvBucket, err))
		}
		store, err := natssink.NewKVCheckpoints(kv, &natssink.KVOptions{Key: n.kvKey, Logger: logger})
		if err != nil {
			return fail(err)
		}
		cfg.Checkpoints = store
	}
	return sink, func() { nc.Drain() }, nil
}

// metricsHandler serves the pipeline's metrics, followed by the sink's
// when it publishes to NATS.
func metricsHandler(m *cdc.Metrics, n *natssink.Metrics) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		b := m.AppendText(nil)
		if n != nil {
			b = n.AppendText(b)
		}
		w.Write(b)
	})
}
