package archive

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/binlogkit/binlogkit/binlog"
)

// partialSuffix marks a spool file still being received.
const partialSuffix = ".partial"

// ResumePosition returns where a stream of the server's binlogs must start
// for the archive to go on without a gap: the start of the file after the
// last archived one, or the zero Position (the server's first file) when
// the archive is empty. Package archive/remote passes it to the live
// stream.
func (a *Archiver) ResumePosition(ctx context.Context) (binlog.Position, error) {
	m, err := LoadManifest(ctx, a.o.Store)
	if err != nil {
		return binlog.Position{}, err
	}
	if last := m.Last(); last != nil {
		return binlog.Position{File: seqName(last.Name, last.Sequence+1), Offset: 4}, nil
	}
	return binlog.Position{}, nil
}

// ArchiveStream archives the files of a stream of a server's binlog
// events, as a replica receives them (read them undecoded:
// binlog.ReaderOptions.SkipRowValues and KeepPayloads), until src fails
// or ends: the raw events of each file are written to spoolDir, and the
// file is archived, exactly as ArchiveFiles would archive the server's
// own copy, once the stream moves past it (a rotate event, or a later file
// after a shutdown or a crash). The stream must start at the start of a
// file (ResumePosition). Files left half-received in spoolDir by an
// interrupted run are discarded first: each is received again from its
// start. A file still being received when src ends is discarded too.
// ArchiveStream returns nil when src ends (io.EOF), ctx.Err() when ctx is
// done, and the first archiving error (a gap, a fork, a split brain) or
// stream error otherwise.
func (a *Archiver) ArchiveStream(ctx context.Context, src binlog.Source, spoolDir string) error {
	if spoolDir == "" {
		return fmt.Errorf("%w: ArchiveStream needs a spool directory", ErrBadOptions)
	}
	if err := os.MkdirAll(spoolDir, 0o755); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	old, _ := filepath.Glob(filepath.Join(spoolDir, "*"+partialSuffix))
	for _, p := range old {
		os.Remove(p)
	}
	sp := &spool{a: a, dir: spoolDir}
	defer sp.abort()
	for {
		ev, err := src.Next()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err == io.EOF {
				return nil
			}
			return fmt.Errorf("archive: stream: %w", err)
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
			return fmt.Errorf("archive: stream: %s starts at offset %d, not 4", ev.File, ev.Offset)
		}
		if ev.File != filepath.Base(ev.File) || strings.HasPrefix(ev.File, ".") {
			return fmt.Errorf("archive: stream: unsafe file name %q", ev.File)
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
		return fmt.Errorf("archive: stream: %s: event at offset %d, but %d bytes were received", s.name, ev.Offset, s.size)
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
