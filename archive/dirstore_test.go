package archive_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/archive"
	"github.com/binlogkit/binlogkit/archive/archivetest"
)

func TestDirStore(t *testing.T) {
	archivetest.TestStore(t, func(t *testing.T) archive.Store {
		s, err := archive.NewDirStore(filepath.Join(t.TempDir(), "store"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, nil)
}

// TestDirStoreLeftovers checks that temporary files of a crashed Put are
// not objects, and that failed Puts leave none behind.
func TestDirStoreLeftovers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := archive.NewDirStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".tmp-crashed-123"), []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "sub/x", strings.NewReader("abc"), 4); err == nil {
		t.Fatal("Put of a short reader succeeded")
	}
	if l := archivetest.MustList(t, s, ""); len(l) != 0 {
		t.Errorf("List = %+v, want nothing", l)
	}
	ents, _ := os.ReadDir(filepath.Join(dir, "sub"))
	for _, e := range ents {
		t.Errorf("failed Put left %s", e.Name())
	}
}
