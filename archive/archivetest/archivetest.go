// Package archivetest tests implementations of archive.Store: TestStore is
// the conformance suite that the directory store, the S3 store and any
// other store pass.
//
//	func TestMyStore(t *testing.T) {
//		archivetest.TestStore(t, func(t *testing.T) archive.Store {
//			return newEmptyStore(t)
//		}, nil)
//	}
package archivetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/binlogkit/binlogkit/archive"
	"github.com/binlogkit/binlogkit/archive/internal/synth"
	"github.com/google/go-cmp/cmp"
)

// Options tune TestStore for one kind of store. The zero value (or nil)
// gives the defaults.
type Options struct {
	// LargeSize is the size in bytes of the large object, which a store
	// may send in parts (default 12 MiB, above two S3 multipart parts of
	// the 5 MiB minimum).
	LargeSize int
}

// TestStore runs the conformance suite that every archive.Store passes,
// as subtests of t: objects put, read back, listed, overwritten and
// deleted; missing objects (archive.archive.ErrNotFound) and bad names
// (archive.archive.ErrBadName); no partial objects after a failed Put; a large
// object; concurrent Puts. newStore returns a new, empty store for each
// subtest.
func TestStore(t *testing.T, newStore func(t *testing.T) archive.Store, opts *Options) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.LargeSize <= 0 {
		o.LargeSize = 12 << 20
	}
	ctx := context.Background()
	put := func(t *testing.T, s archive.Store, name string, data []byte) {
		t.Helper()
		if err := s.Put(ctx, name, bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatalf("Put(%q): %v", name, err)
		}
	}
	get := func(t *testing.T, s archive.Store, name string) []byte {
		t.Helper()
		rc, err := s.Get(ctx, name)
		if err != nil {
			t.Fatalf("Get(%q): %v", name, err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("reading %q: %v", name, err)
		}
		return b
	}
	names := func(infos []archive.ObjectInfo) []string {
		var out []string
		for _, i := range infos {
			out = append(out, i.Name)
		}
		return out
	}

	t.Run("PutGetStat", func(t *testing.T) {
		s := newStore(t)
		start := time.Now().Add(-time.Minute)
		data := synth.Binlog(10_000, 11)
		put(t, s, "srv1/mysql-bin.000001.zst", data)
		if got := get(t, s, "srv1/mysql-bin.000001.zst"); !bytes.Equal(got, data) {
			t.Errorf("Get: got %d bytes, want %d", len(got), len(data))
		}
		info, err := s.Stat(ctx, "srv1/mysql-bin.000001.zst")
		if err != nil {
			t.Fatal(err)
		}
		if info.Name != "srv1/mysql-bin.000001.zst" || info.Size != int64(len(data)) {
			t.Errorf("Stat = %+v, want name and size %d", info, len(data))
		}
		if info.ModTime.Before(start) || info.ModTime.After(time.Now().Add(time.Minute)) {
			t.Errorf("Stat ModTime = %v, want about now", info.ModTime)
		}
		put(t, s, "empty", nil)
		if got := get(t, s, "empty"); len(got) != 0 {
			t.Errorf("empty object: got %d bytes", len(got))
		}
		// Unknown size.
		if err := s.Put(ctx, "unsized", bytes.NewReader(data), -1); err != nil {
			t.Fatal(err)
		}
		if got := get(t, s, "unsized"); !bytes.Equal(got, data) {
			t.Errorf("unsized: got %d bytes, want %d", len(got), len(data))
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		s := newStore(t)
		put(t, s, "a/b", []byte("x"))
		for _, name := range []string{"missing", "a/missing", "a", "a/b/c"} {
			if _, err := s.Get(ctx, name); !errors.Is(err, archive.ErrNotFound) {
				t.Errorf("Get(%q) error = %v, want archive.ErrNotFound", name, err)
			}
			if _, err := s.Stat(ctx, name); !errors.Is(err, archive.ErrNotFound) {
				t.Errorf("Stat(%q) error = %v, want archive.ErrNotFound", name, err)
			}
		}
		if err := s.Delete(ctx, "missing"); err != nil {
			t.Errorf("Delete(missing) = %v, want nil", err)
		}
	})

	t.Run("Overwrite", func(t *testing.T) {
		s := newStore(t)
		put(t, s, "x/manifest.json", []byte("version one, longer"))
		put(t, s, "x/manifest.json", []byte("v2"))
		if got := string(get(t, s, "x/manifest.json")); got != "v2" {
			t.Errorf("after overwrite Get = %q, want %q", got, "v2")
		}
		info, err := s.Stat(ctx, "x/manifest.json")
		if err != nil || info.Size != 2 {
			t.Errorf("Stat = %+v, %v; want size 2", info, err)
		}
	})

	t.Run("ListDelete", func(t *testing.T) {
		s := newStore(t)
		all := []string{"a-c", "a/b", "a/c/d", "b/mysql-bin.000002", "b/mysql-bin.000010", "b/mysql-bin.index", "manifest"}
		for i, n := range []int{3, 0, 6, 1, 5, 4, 2} { // out of order
			put(t, s, all[n], []byte(strings.Repeat("z", i+1)))
		}
		list := func(prefix string) []archive.ObjectInfo {
			t.Helper()
			got, err := s.List(ctx, prefix)
			if err != nil {
				t.Fatalf("List(%q): %v", prefix, err)
			}
			return got
		}
		if diff := cmp.Diff(all, names(list(""))); diff != "" {
			t.Errorf("List(\"\") mismatch (-want +got):\n%s", diff)
		}
		for prefix, want := range map[string][]string{
			"a":              {"a-c", "a/b", "a/c/d"},
			"a/":             {"a/b", "a/c/d"},
			"a/c":            {"a/c/d"},
			"b/mysql-bin.00": {"b/mysql-bin.000002", "b/mysql-bin.000010"},
			"c":              nil,
			"a/c/d/e":        nil,
		} {
			if diff := cmp.Diff(want, names(list(prefix))); diff != "" {
				t.Errorf("List(%q) mismatch (-want +got):\n%s", prefix, diff)
			}
		}
		for _, info := range list("b/") {
			if info.Size < 1 || info.ModTime.IsZero() {
				t.Errorf("List info %+v: want size and time", info)
			}
		}
		for _, name := range []string{"a/c/d", "a-c"} {
			if err := s.Delete(ctx, name); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Stat(ctx, name); !errors.Is(err, archive.ErrNotFound) {
				t.Errorf("Stat after Delete(%q): %v, want archive.ErrNotFound", name, err)
			}
		}
		if diff := cmp.Diff([]string{"a/b"}, names(list("a"))); diff != "" {
			t.Errorf("List(a) after Delete mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("BadNames", func(t *testing.T) {
		s := newStore(t)
		for _, name := range []string{"", "../x", "a/../../x", "/abs", "a//b", "a/", "./a", ".tmp-x", "a\\b"} {
			if err := s.Put(ctx, name, strings.NewReader("x"), 1); !errors.Is(err, archive.ErrBadName) {
				t.Errorf("Put(%q) error = %v, want archive.ErrBadName", name, err)
			}
			if _, err := s.Get(ctx, name); !errors.Is(err, archive.ErrBadName) {
				t.Errorf("Get(%q) error = %v, want archive.ErrBadName", name, err)
			}
		}
	})

	t.Run("NoPartialObjects", func(t *testing.T) {
		s := newStore(t)
		old := []byte("the old object")
		put(t, s, "obj", old)
		data := synth.Binlog(200_000, 12)
		for _, tc := range []struct {
			name string
			r    io.Reader
			size int64
		}{
			{"short", bytes.NewReader(data[:100_000]), int64(len(data))},
			{"long", bytes.NewReader(data), 100_000},
			{"error", io.MultiReader(bytes.NewReader(data[:150_000]), iotest.ErrReader(errors.New("disk on fire"))), -1},
		} {
			if err := s.Put(ctx, "obj", tc.r, tc.size); err == nil {
				t.Errorf("%s: Put succeeded", tc.name)
			}
			if got := get(t, s, "obj"); !bytes.Equal(got, old) {
				t.Errorf("%s: after failed Put the object has %d bytes, want the old %d", tc.name, len(got), len(old))
			}
			if err := s.Put(ctx, "new-"+tc.name, tc.r, tc.size); err == nil {
				t.Errorf("%s: Put succeeded", tc.name)
			}
			if _, err := s.Stat(ctx, "new-"+tc.name); !errors.Is(err, archive.ErrNotFound) {
				t.Errorf("%s: after failed Put of a new object Stat = %v, want archive.ErrNotFound", tc.name, err)
			}
		}
		if diff := cmp.Diff([]string{"obj"}, names(MustList(t, s, ""))); diff != "" {
			t.Errorf("List mismatch (-want +got):\n%s", diff)
		}
	})

	t.Run("Large", func(t *testing.T) {
		s := newStore(t)
		data := synth.Binlog(o.LargeSize, 13)
		put(t, s, "big/mysql-bin.000001", data)
		if got := get(t, s, "big/mysql-bin.000001"); !bytes.Equal(got, data) {
			t.Errorf("large Get: got %d bytes, want %d", len(got), len(data))
		}
		if err := s.Put(ctx, "big/unsized", io.MultiReader(bytes.NewReader(data)), -1); err != nil {
			t.Fatal(err)
		}
		if got := get(t, s, "big/unsized"); !bytes.Equal(got, data) {
			t.Errorf("large unsized Get: got %d bytes, want %d", len(got), len(data))
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		s := newStore(t)
		const n = 8
		versions := make([][]byte, n)
		for i := range versions {
			versions[i] = bytes.Repeat([]byte{byte('a' + i)}, 50_000+i*1000)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 2*n)
		for i := range n {
			wg.Go(func() {
				errs <- s.Put(ctx, fmt.Sprintf("c/%02d", i), bytes.NewReader(versions[i]), int64(len(versions[i])))
				errs <- s.Put(ctx, "c/same", bytes.NewReader(versions[i]), int64(len(versions[i])))
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		for i := range n {
			if got := get(t, s, fmt.Sprintf("c/%02d", i)); !bytes.Equal(got, versions[i]) {
				t.Errorf("c/%02d: got %d bytes, want %d", i, len(got), len(versions[i]))
			}
		}
		got := get(t, s, "c/same")
		found := false
		for _, v := range versions {
			found = found || bytes.Equal(got, v)
		}
		if !found {
			t.Errorf("c/same holds %d bytes that are none of the versions put", len(got))
		}
		if l := MustList(t, s, "c/"); len(l) != n+1 {
			t.Errorf("List(c/) has %d objects, want %d", len(l), n+1)
		}
	})
}

// MustList returns s.List(prefix), failing t on an error.
func MustList(t *testing.T, s archive.Store, prefix string) []archive.ObjectInfo {
	t.Helper()
	l, err := s.List(context.Background(), prefix)
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	return l
}
