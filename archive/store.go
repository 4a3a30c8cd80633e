package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// A Store keeps named objects: the archived binlogs and the manifest. Names
// are slash-separated paths ("server-1/mysql-bin.000042.zst"); see
// ValidName. Stores are safe for concurrent use.
type Store interface {
	// Put stores the bytes of r under name, replacing any object of that
	// name. The object appears whole or not at all: when Put returns an
	// error, readers see the previous object or none, never part of r.
	// size is the exact number of bytes r holds, or -1 when unknown; when
	// r ends early or holds more, Put fails and stores nothing.
	Put(ctx context.Context, name string, r io.Reader, size int64) error
	// Get opens the object. It returns an error wrapping ErrNotFound when
	// there is none. A read error (never a short read with io.EOF) reports
	// an object that could not be read whole.
	Get(ctx context.Context, name string) (io.ReadCloser, error)
	// Stat returns the object's size and time, or an error wrapping
	// ErrNotFound.
	Stat(ctx context.Context, name string) (ObjectInfo, error)
	// List returns the objects whose names start with prefix (a plain
	// string prefix, not a directory), sorted by name.
	List(ctx context.Context, prefix string) ([]ObjectInfo, error)
	// Delete removes the object. Deleting a missing object is not an error.
	Delete(ctx context.Context, name string) error
}

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Name    string    // as given to Put
	Size    int64     // in bytes
	ModTime time.Time // when it was stored, as the store reports it
}

// ErrNotFound is wrapped by the errors of Get and Stat for a missing object.
var ErrNotFound = errors.New("archive: object not found")

// ErrBadName is wrapped by the errors of store methods given a name that is
// not ValidName.
var ErrBadName = errors.New("archive: bad object name")

// ErrSize is wrapped by Put's error when the reader holds fewer or more
// bytes than the size given, and by the *ObjectError of a read of an
// archived object (Restore, Verify, MakePlan) that holds or decompresses
// to more bytes than its record gives: the read stops there.
var ErrSize = errors.New("archive: object size mismatch")

// tmpPrefix starts the names of DirStore's temporary files; no name segment
// may start with it.
const tmpPrefix = ".tmp-"

// ValidName reports whether name can name an object in every store:
// slash-separated segments, none empty, ".", ".." or starting with ".tmp-",
// no leading or trailing slash, no backslash or NUL, at most 1024 bytes.
func ValidName(name string) bool {
	if name == "" || len(name) > 1024 || strings.ContainsAny(name, "\\\x00") {
		return false
	}
	for seg := range strings.SplitSeq(name, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.HasPrefix(seg, tmpPrefix) {
			return false
		}
	}
	return true
}

// SizedReader returns a reader of r that fails with ErrSize when r holds
// more or fewer than size bytes (size < 0: any number), never returns bytes
// past size, and stops with ctx's error once ctx is done: what a Store's
// Put should read its input through (DirStore and archive/s3 do).
func SizedReader(ctx context.Context, r io.Reader, size int64) io.Reader {
	return &sizeReader{ctx: ctx, r: r, size: size}
}

// sizeReader reads r, failing with ErrSize when r holds more than size
// bytes or, unless atMost is set, fewer (size < 0: any number). It never
// returns bytes past size. It also stops when ctx is done, so that a copy
// through it ends soon after a cancellation.
type sizeReader struct {
	ctx  context.Context
	r    io.Reader
	size int64
	// atMost accepts fewer bytes than size: the caller checks them.
	atMost bool
	// what names the bytes in errors ("raw content"): they then say
	// that size is the record's.
	what string
	n    int64
}

func (s *sizeReader) Read(p []byte) (int, error) {
	if err := s.ctx.Err(); err != nil {
		return 0, err
	}
	if s.size >= 0 && int64(len(p)) > s.size-s.n+1 {
		p = p[:s.size-s.n+1] // one byte more than expected reveals a longer r
	}
	n, err := s.r.Read(p)
	s.n += int64(n)
	if s.size >= 0 {
		if s.n > s.size {
			n -= int(s.n - s.size)
			s.n = s.size
			if s.what != "" {
				return n, fmt.Errorf("%w: %s: more than the %d bytes of its record", ErrSize, s.what, s.size)
			}
			return n, fmt.Errorf("%w: more than %d bytes", ErrSize, s.size)
		}
		if err == io.EOF && s.n < s.size && !s.atMost {
			return n, fmt.Errorf("%w: %d bytes, want %d", ErrSize, s.n, s.size)
		}
	}
	return n, err
}
