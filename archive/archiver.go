package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
)

// Options configures an Archiver. Store is required; the zero value of
// every other field gives the default its documentation states.
// NewArchiver checks the options.
type Options struct {
	// Store receives the archive; it is required. Zero (nil) is an error
	// of NewArchiver.
	Store Store
	// Codec compresses the files: "none", "lz4", "xz" or "zstd". Zero
	// means "zstd".
	Codec Codec
	// CodecOptions tunes the codec. Zero (nil) means the codec's defaults
	// (see CodecOptions).
	CodecOptions *CodecOptions
	// Recipients encrypt the files with age when not empty (see Encrypt).
	// Zero (an empty list) means the files are stored unencrypted.
	Recipients []string
	// Identities decrypt the objects when they are read back after upload,
	// so that the raw digest is checked too. Zero (an empty list) means an
	// encrypted upload is checked by its stored digest only.
	Identities []string
	// TempDir holds the compressed file while it is uploaded. Zero means
	// os.TempDir().
	TempDir string
	// Logger receives progress messages (a file archived, a pass failed)
	// as structured records. Zero (nil) means they are discarded.
	Logger *slog.Logger
	// Now returns the current time. Zero (nil) means time.Now.
	Now func() time.Time
}

// Archiver copies closed binlog files into an archive, in sequence.
// Its methods are not safe for concurrent use; run one Archiver per chain.
type Archiver struct {
	o Options
	// hashed caches the SHA-256 of local files already compared with the
	// archive, by path, so that a daemon does not re-read every closed file
	// at every pass; an entry is used only while size and mtime match.
	hashed map[string]localHash
}

type localHash struct {
	size  int64
	mtime time.Time
	sum   string
}

// NewArchiver returns an Archiver. It does no I/O.
func NewArchiver(o *Options) (*Archiver, error) {
	if o == nil || o.Store == nil {
		return nil, fmt.Errorf("%w: Options.Store is required", ErrBadOptions)
	}
	a := &Archiver{o: *o}
	if a.o.Codec == "" {
		a.o.Codec = "zstd"
	}
	switch a.o.Codec {
	case "none", "lz4", "xz", "zstd":
	default:
		return nil, fmt.Errorf("%w: Options.Codec: %w %q", ErrBadOptions, ErrUnknownCodec, a.o.Codec)
	}
	if a.o.Now == nil {
		a.o.Now = time.Now
	}
	a.o.Logger = loggerOrDiscard(a.o.Logger)
	return a, nil
}

// loggerOrDiscard returns l, or a logger that discards everything when l
// is nil.
func loggerOrDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}

// Report describes one archiving pass.
type Report struct {
	// Archived are the records written in this pass, in order.
	Archived []*Record
	// Present are files found already archived with the same contents.
	Present []string
	// Skipped are files older than the first archived file (archived and
	// expired by retention, or never archived): they are left alone.
	Skipped []string
	// Open is the file still being written, not archived ("" when none).
	Open string
}

// ArchiveIndex archives every closed file listed in a binlog index file
// (binlog.index): every file but the last, which the server is writing.
// Relative paths in the index are relative to its directory. It stops at
// the first error; files archived before it stay archived.
func (a *Archiver) ArchiveIndex(ctx context.Context, indexPath string) (*Report, error) {
	paths, err := binlog.ReadIndex(indexPath)
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return &Report{}, nil
	}
	rep, err := a.ArchiveFiles(ctx, paths[:len(paths)-1])
	if rep != nil {
		rep.Open = filepath.Base(paths[len(paths)-1])
	}
	return rep, err
}

// ArchiveFiles archives the files at paths, in order; every one must be
// closed (the server has moved on to a later file). A file already archived
// with the same contents is a no-op; with other contents it is refused with
// ErrSplitBrain. A file that does not directly follow the last archived one
// (a missing number, GTIDs that do not continue, another server) is refused
// with ErrGap or ErrFork before anything is uploaded.
//
// A server adds the next file to its index before it finishes closing the
// previous one: it clears the in-use flag in that file's format description
// last. So when the last of paths still carries the flag, it is left for a
// later pass (Report.Open names it). An earlier file with the flag was
// never closed (the server crashed): it is archived as it is, with
// Record.InUse set.
func (a *Archiver) ArchiveFiles(ctx context.Context, paths []string) (*Report, error) {
	return a.archivePaths(ctx, paths, true)
}

// archivePaths is ArchiveFiles; deferInUse says whether the last path may
// still be being closed.
func (a *Archiver) archivePaths(ctx context.Context, paths []string, deferInUse bool) (*Report, error) {
	m, err := LoadManifest(ctx, a.o.Store)
	if err != nil {
		return nil, err
	}
	rep := &Report{}
	for i, p := range paths {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		name := filepath.Base(p)
		_, seq, _, ok := splitName(name)
		if !ok {
			return rep, fmt.Errorf("archive: %s: no sequence number in the file name", name)
		}
		if rec := m.Find(name); rec != nil {
			sum, err := a.localSHA256(ctx, p)
			if err != nil {
				return rep, err
			}
			if sum != rec.RawSHA256 {
				return rep, fmt.Errorf("%w: %s: local sha256 %s, archived %s (archived %s)",
					ErrSplitBrain, name, sum, rec.RawSHA256, rec.ArchivedAt.Format(time.RFC3339))
			}
			rep.Present = append(rep.Present, name)
			continue
		}
		last := m.Last()
		if last != nil {
			switch first := m.Records[0]; {
			case baseName(name) != baseName(last.Name):
				return rep, fmt.Errorf("%w: %s: the archive holds %s files", ErrFork, name, baseName(last.Name))
			case seq < first.Sequence:
				rep.Skipped = append(rep.Skipped, name)
				continue
			case seq < last.Sequence:
				return rep, fmt.Errorf("%w: %s is not archived but later files are (last %s)", ErrGap, name, last.Name)
			case seq > last.Sequence+1:
				return rep, fmt.Errorf("%w: %s missing between %s and %s", ErrGap,
					missingNames(last, &Record{Name: name, Sequence: seq}), last.Name, name)
			}
		}
		rec, err := a.archiveFile(ctx, p, seq, last, deferInUse && i == len(paths)-1)
		if errors.Is(err, errClosing) {
			rep.Open = name
			return rep, nil
		}
		if err != nil {
			return rep, err
		}
		m.Records = append(m.Records, rec)
		rep.Archived = append(rep.Archived, rec)
	}
	return rep, nil
}

// Run archives the closed files of an index file every interval until ctx
// is done, and returns ctx's error. Each pass's report and error go to
// onPass (which may be nil); a failed pass is retried at the next tick, so
// that a transient store error heals itself while a gap or a split brain
// keeps being reported until an operator resolves it.
func (a *Archiver) Run(ctx context.Context, indexPath string, interval time.Duration, onPass func(*Report, error)) error {
	if interval <= 0 {
		interval = 10 * time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		rep, err := a.ArchiveIndex(ctx, indexPath)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			a.o.Logger.Error("archive pass failed", "err", err)
		}
		if onPass != nil {
			onPass(rep, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// localSHA256 returns the SHA-256 of a local file, from the cache when the
// file's size and mtime have not changed.
func (a *Archiver) localSHA256(ctx context.Context, path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("archive: %w", err)
	}
	if h, ok := a.hashed[path]; ok && h.size == fi.Size() && h.mtime.Equal(fi.ModTime()) {
		return h.sum, nil
	}
	sum, err := fileSHA256(ctx, path)
	if err != nil {
		return "", err
	}
	if a.hashed == nil {
		a.hashed = make(map[string]localHash)
	}
	a.hashed[path] = localHash{size: fi.Size(), mtime: fi.ModTime(), sum: sum}
	return sum, nil
}

func fileSHA256(ctx context.Context, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("archive: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, &sizeReader{ctx: ctx, r: f, size: -1}); err != nil {
		return "", fmt.Errorf("archive: read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// fingerprint identifies a recipient without revealing a passphrase.
func fingerprint(recipient string) string {
	if strings.HasPrefix(recipient, PassphrasePrefix) {
		return "passphrase"
	}
	s := sha256.Sum256([]byte(recipient))
	return "sha256:" + hex.EncodeToString(s[:8])
}
