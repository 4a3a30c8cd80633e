package archive

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestDirStoreErrors checks that DirStore's failures are *ObjectError
// values naming the operation and the object, wrapping the sentinels.
func TestDirStoreErrors(t *testing.T) {
	ctx := context.Background()
	s, err := NewDirStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		op, name string
		run      func() error
		want     error
	}{
		{"get", "binlogs/missing", func() error { _, err := s.Get(ctx, "binlogs/missing"); return err }, ErrNotFound},
		{"stat", "binlogs/missing", func() error { _, err := s.Stat(ctx, "binlogs/missing"); return err }, ErrNotFound},
		{"put", "../x", func() error { return s.Put(ctx, "../x", strings.NewReader("a"), 1) }, ErrBadName},
		{"delete", "a//b", func() error { return s.Delete(ctx, "a//b") }, ErrBadName},
		{"put", "binlogs/short", func() error { return s.Put(ctx, "binlogs/short", strings.NewReader("ab"), 3) }, ErrSize},
	}
	for _, tt := range tests {
		err := tt.run()
		if !errors.Is(err, tt.want) {
			t.Errorf("%s %q: error %v, want %v", tt.op, tt.name, err, tt.want)
			continue
		}
		var oe *ObjectError
		if !errors.As(err, &oe) || oe.Op != tt.op || oe.Object != tt.name || oe.File != "" {
			t.Errorf("%s %q: error %#v, want an *ObjectError with that op and object", tt.op, tt.name, err)
		}
	}
	_, err = s.Get(ctx, "../x")
	if got, want := err.Error(), `archive: get "../x": archive: bad object name`; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	_, err = s.Get(ctx, "binlogs/missing")
	if got, want := err.Error(), `archive: get binlogs/missing: archive: object not found`; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}
