package archive

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/live"
)

// LiveOptions configures RunLive. SpoolDir is required; the zero value of
// the other field gives the defaults of live.Options. RunLive checks the
// options before it connects.
type LiveOptions struct {
	// Stream says how to connect: Host, Port, User, Password, Flavor
	// ("mariadb" for MariaDB servers), ServerID, TLS, backoff. RunLive sets
	// Position (and clears GTIDs) itself, and reads events undecoded. Zero
	// means the defaults of live.Options.
	Stream live.Options
	// SpoolDir holds the file being received until it is closed and
	// archived. Partial files left by an interrupted run are discarded:
	// each file is received again from its start. It is required. Zero
	// ("") is an error of RunLive.
	SpoolDir string
}

// partialSuffix marks a spool file still being received.
const partialSuffix = ".partial"

// RunLive archives a server's binlogs over the replication protocol, like
// mysqlbinlog --read-from-remote-server --raw --stop-never, until ctx is
// done. It starts with the file after the last archived one (the server's
// first file for an empty archive), writes the raw events of each file to
// SpoolDir and archives the file, exactly as ArchiveFiles would archive
// the server's own copy, once the server rotates to the next file. The
// stream reconnects by itself after network failures and server restarts
// (live.Stream); a file the server never closed (a crash) is archived
// when the stream moves on to the next file. It returns ctx.Err() when ctx
// is done, and the first archiving error (a gap, a fork, a split brain) or
// stream error otherwise. Its errors never show Stream.Password, and a
// Stream.Host with user information ("user:password@host") is refused.
func (a *Archiver) RunLive(ctx context.Context, lo *LiveOptions) error {
	if lo == nil || lo.SpoolDir == "" {
		return fmt.Errorf("%w: RunLive needs LiveOptions.SpoolDir", ErrBadOptions)
	}
	if strings.Contains(lo.Stream.Host, "@") {
		// "user:password@host": say so without repeating it.
		return fmt.Errorf("%w: RunLive: LiveOptions.Stream.Host holds an \"@\": give the user and password in User and Password, not in the host", ErrBadOptions)
	}
	err := a.runLive(ctx, lo)
	if pw := lo.Stream.Password; err != nil && pw != "" && strings.Contains(err.Error(), pw) {
		err = &redacted{err: err, secret: pw}
	}
	return err
}

// redacted is err with every occurrence of a secret masked in its text.
type redacted struct {
	err    error
	secret string
}

func (r *redacted) Error() string { return strings.ReplaceAll(r.err.Error(), r.secret, "***") }
func (r *redacted) Unwrap() error { return r.err }

func (a *Archiver) runLive(ctx context.Context, lo *LiveOptions) error {
	if err := os.MkdirAll(lo.SpoolDir, 0o755); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	old, _ := filepath.Glob(filepath.Join(lo.SpoolDir, "*"+partialSuffix))
	for _, p := range old {
		os.Remove(p)
	}
	m, err := LoadManifest(ctx, a.o.Store)
	if err != nil {
		return err
	}
	so := lo.Stream
	so.GTIDs = nil
	so.Position = binlog.Position{}
	if last := m.Last(); last != nil {
		so.Position = binlog.Position{File: seqName(last.Name, last.Sequence+1), Offset: 4}
	}
	so.Decode.SkipRowValues = true
	so.Decode.KeepPayloads = true
	st, err := live.Open(ctx, &so)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	defer st.Close()
	sp := &spool{a: a, dir: lo.SpoolDir}
	defer sp.abort()
	for {
		ev, err := st.Next()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("archive: live: %w", err)
		}
		if err := sp.event(ctx, ev); err != nil {
			return err
		}
	}
}

// spool writes the events of the file being received.
type spool struct {
	a    *Archiver
	dir  string
	name string   // file being received, "" between files
	f    *os.File // its spool file
	size int64
	// stopped: the file ended with a STOP event (a clean shutdown).
	stopped bool
}

func (s *spool) event(ctx context.Context, ev *binlog.Event) error {
	if ev.PayloadIndex != 0 {
		return nil
	}
	if _, ok := ev.Payload.(*binlog.Heartbeat); ok {
		return nil
	}
	if s.f != nil && ev.File != s.name {
		// The stream moved on without a rotate event: the server shut
		// down (STOP event) or crashed. A later file exists, so this one
		// is closed.
		if err := s.finish(ctx, s.stopped); err != nil {
			return err
		}
	}
	if s.f == nil {
		if ev.Offset != 4 {
			return fmt.Errorf("archive: live: %s starts at offset %d, not 4", ev.File, ev.Offset)
		}
		if ev.File != filepath.Base(ev.File) || strings.HasPrefix(ev.File, ".") {
			return fmt.Errorf("archive: live: unsafe file name %q", ev.File)
		}
		f, err := os.Create(filepath.Join(s.dir, ev.File+partialSuffix))
		if err != nil {
			return fmt.Errorf("archive: %w", err)
		}
		if _, err := f.Write([]byte{0xfe, 'b', 'i', 'n'}); err != nil {
			f.Close()
			return fmt.Errorf("archive: %w", err)
		}
		s.f, s.name, s.size, s.stopped = f, ev.File, 4, false
	}
	if ev.Offset != s.size {
		return fmt.Errorf("archive: live: %s: event at offset %d, but %d bytes were received", s.name, ev.Offset, s.size)
	}
	if _, err := s.f.Write(ev.Raw); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	s.size += int64(len(ev.Raw))
	switch ev.Payload.(type) {
	case *binlog.Rotate:
		return s.finish(ctx, true)
	case *binlog.Stop:
		s.stopped = true // a clean shutdown: the next file follows
	}
	return nil
}

// finish closes the spool file and archives it. A file closed cleanly (by
// a rotate or a shutdown) gets the in-use flag of its format description cleared, as the server
// clears it in its own copy when it closes the file (the event's checksum
// is computed without the flag, so it stays valid).
func (s *spool) finish(ctx context.Context, rotated bool) error {
	f, name := s.f, s.name
	s.f, s.name = nil, ""
	if rotated {
		// Magic (4) + flags at offset 17 of the first event's header.
		var b [1]byte
		if _, err := f.ReadAt(b[:], 4+17); err == nil && b[0]&1 != 0 {
			b[0] &^= 1
			if _, err := f.WriteAt(b[:], 4+17); err != nil {
				f.Close()
				return fmt.Errorf("archive: %w", err)
			}
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	path := filepath.Join(s.dir, name)
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if _, err := s.a.archivePaths(ctx, []string{path}, false); err != nil {
		return err
	}
	return os.Remove(path)
}

// abort discards a partial file.
func (s *spool) abort() {
	if s.f != nil {
		s.f.Close()
		os.Remove(s.f.Name())
		s.f = nil
	}
}
