package archive

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDirStore(t *testing.T) {
	testStore(t, func(t *testing.T) Store {
		s, err := NewDirStore(filepath.Join(t.TempDir(), "store"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, storeSuiteOptions{largeSize: 12 << 20})
}

// TestDirStoreLeftovers checks that temporary files of a crashed Put are
// not objects, and that failed Puts leave none behind.
func TestDirStoreLeftovers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := NewDirStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".tmp-crashed-123"), []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "sub/x", strings.NewReader("abc"), 4); err == nil {
		t.Fatal("Put of a short reader succeeded")
	}
	if l := mustList(t, s, ""); len(l) != 0 {
		t.Errorf("List = %+v, want nothing", l)
	}
	ents, _ := os.ReadDir(filepath.Join(dir, "sub"))
	for _, e := range ents {
		t.Errorf("failed Put left %s", e.Name())
	}
}
