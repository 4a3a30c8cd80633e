package live_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/live"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// firstError opens a stream with opts and returns the first error, of Open
// or of Next (the server answers some requests only with the first event).
func firstError(t *testing.T, opts *live.Options) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := live.Open(ctx, opts)
	if err != nil {
		return err
	}
	defer s.Close()
	for {
		ev, err := s.Next()
		if err != nil {
			return err
		}
		if _, ok := ev.Payload.(*binlog.Heartbeat); ok {
			t.Fatal("stream is running: no error")
		}
	}
}

func TestErrServerGoneRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = live.Open(context.Background(), &live.Options{Flavor: "mariadb", Host: addr, User: "root"})
	if !errors.Is(err, live.ErrServerGone) || errors.Is(err, live.ErrAccessDenied) {
		t.Fatalf("Open on a closed port: %v, want ErrServerGone", err)
	}
}

func TestErrServerGoneAfterRetries(t *testing.T) {
	srv := testserver.Start(t, nil)
	opts := streamOpts(srv)
	opts.MaxRetries = 2
	opts.HeartbeatPeriod = 100 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := live.Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Next(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	for {
		_, err := s.Next()
		if err == nil {
			continue
		}
		if !errors.Is(err, live.ErrServerGone) {
			t.Fatalf("Next after the server stopped: %v, want ErrServerGone", err)
		}
		t.Logf("%v", err)
		return
	}
}

func TestErrAccessDenied(t *testing.T) {
	srv := testserver.Start(t, nil)
	if err := srv.Exec("CREATE USER 'norepl'@'%' IDENTIFIED BY 'pw'", "GRANT SELECT ON *.* TO 'norepl'@'%'"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, user, password string }{
		{"bad password", "norepl", "wrong"},
		// MariaDB refuses COM_REGISTER_SLAVE with 1045, MySQL the dump
		// with 1227: both are ErrAccessDenied.
		{"no REPLICATION SLAVE", "norepl", "pw"},
	} {
		t.Run(c.name, func(t *testing.T) {
			opts := streamOpts(srv)
			opts.User, opts.Password = c.user, c.password
			err := firstError(t, opts)
			var se *live.ServerError
			if !errors.Is(err, live.ErrAccessDenied) || !errors.As(err, &se) || errors.Is(err, live.ErrServerGone) {
				t.Fatalf("got %v, want ErrAccessDenied", err)
			}
			t.Logf("%v (code %d)", err, se.Code)
		})
	}
}

func TestErrPurged(t *testing.T) {
	srv := testserver.Start(t, nil)
	first, err := queryValue(srv, "SHOW BINARY LOGS")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Exec("CREATE DATABASE d", "FLUSH BINARY LOGS", "CREATE TABLE d.t (id INT)", "FLUSH BINARY LOGS"); err != nil {
		t.Fatal(err)
	}
	cur, err := queryValue(srv, "SHOW MASTER STATUS")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Exec("PURGE BINARY LOGS TO '" + cur + "'"); err != nil {
		t.Fatal(err)
	}
	opts := streamOpts(srv)
	opts.Position = binlog.Position{File: first, Offset: 4}
	err = firstError(t, opts)
	var se *live.ServerError
	if !errors.Is(err, live.ErrPurged) || !errors.As(err, &se) || se.Code != 1236 {
		t.Fatalf("stream from purged %s: %v, want ErrPurged", first, err)
	}
	t.Logf("%v", err)

	// By GTID set: a domain the server has never had transactions of past
	// sequence 1 cannot be served either once the logs are purged.
	opts = streamOpts(srv)
	opts.Position = binlog.Position{}
	if opts.GTIDs, err = binlog.ParseGTIDSet("0-1-1"); err != nil {
		t.Fatal(err)
	}
	err = firstError(t, opts)
	if !errors.Is(err, live.ErrPurged) {
		t.Fatalf("stream from purged GTID 0-1-1: %v, want ErrPurged", err)
	}
	t.Logf("%v", err)
}
