package remote

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/archive"
	"github.com/binlogkit/binlogkit/binlog/live"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

func TestRun(t *testing.T) {
	s := testserver.Start(t, nil)
	store, err := archive.NewDirStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a, err := archive.NewArchiver(&archive.Options{Store: store, Codec: archive.Zstd})
	if err != nil {
		t.Fatal(err)
	}
	lo := &Options{
		Stream:   live.Options{Flavor: "mariadb", Host: s.Addr(), User: "root", HeartbeatPeriod: 200 * time.Millisecond},
		SpoolDir: t.TempDir(),
	}
	live := func() (context.CancelFunc, chan error) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- Run(ctx, a, lo) }()
		return cancel, done
	}
	cancel, done := live()
	work := func(from, to int) {
		t.Helper()
		if from == 0 {
			if err := s.Exec("CREATE DATABASE d", "CREATE TABLE d.t (id INT PRIMARY KEY, v TEXT)"); err != nil {
				t.Fatal(err)
			}
		}
		for i := from; i < to; i++ {
			if err := s.Exec(fmt.Sprintf("INSERT INTO d.t VALUES (%d, REPEAT('x', %d))", i, i*10)); err != nil {
				t.Fatal(err)
			}
			if i%3 == 2 {
				if err := s.FlushBinaryLogs(); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	waitArchived := func() []string {
		t.Helper()
		paths, err := s.BinlogPaths()
		if err != nil {
			t.Fatal(err)
		}
		closed := paths[:len(paths)-1]
		deadline := time.Now().Add(20 * time.Second)
		for {
			m, err := archive.LoadManifest(context.Background(), store)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Records) >= len(closed) {
				return closed
			}
			select {
			case err := <-done:
				t.Fatalf("Run ended: %v", err)
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d of %d files archived", len(m.Records), len(closed))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	work(0, 7)
	waitArchived()
	// Stop and restart: the archive continues with the next file.
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: %v", err)
	}
	work(7, 13)
	cancel, done = live()
	defer cancel()
	closed := waitArchived()

	// The files received over the wire are the server's files, byte for
	// byte: archiving the server's own copies finds them all present.
	rep, err := a.ArchiveFiles(context.Background(), closed)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Present) != len(closed) {
		t.Errorf("%d of %d live-archived files match the server's copies", len(rep.Present), len(closed))
	}
	vr, err := archive.Verify(context.Background(), store, nil)
	if err != nil || vr.Err() != nil {
		t.Errorf("Verify: %v %v", err, vr.Err())
	}
}

// TestRunSecrets: Run's errors never show the password, not even
// when it is written into the host ("user:password@host", which the
// connection error used to repeat).
func TestRunSecrets(t *testing.T) {
	const pw = "hunter2-s3cret"
	store, err := archive.NewDirStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a, err := archive.NewArchiver(&archive.Options{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	for _, so := range []live.Options{
		{Flavor: "mariadb", Host: "root:" + pw + "@127.0.0.1:1", User: "root"},
		{Flavor: "mariadb", Host: "127.0.0.1:1", User: "root", Password: pw},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		err := Run(ctx, a, &Options{Stream: so, SpoolDir: t.TempDir()})
		cancel()
		if err == nil || strings.Contains(err.Error(), pw) {
			t.Errorf("Run with host %q: %v, want an error without the password", so.Host, err)
		}
	}
}
