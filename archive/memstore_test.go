package archive

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
)

// memStore is an in-memory Store for the archive logic's tests.
type memStore struct {
	mu   sync.Mutex
	objs map[string][]byte
}

var _ Store = (*memStore)(nil)

func newMemStore() *memStore { return &memStore{objs: make(map[string][]byte)} }

func (m *memStore) Put(ctx context.Context, name string, r io.Reader, size int64) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if size >= 0 && int64(len(b)) != size {
		return fmt.Errorf("memstore: put %s: %d bytes, want %d", name, len(b), size)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objs[name] = b
	return nil
}

func (m *memStore) Get(ctx context.Context, name string) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objs[name]
	if !ok {
		return nil, fmt.Errorf("memstore: %s: %w", name, ErrNotFound)
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

func (m *memStore) Stat(ctx context.Context, name string) (ObjectInfo, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.objs[name]
	if !ok {
		return ObjectInfo{}, fmt.Errorf("memstore: %s: %w", name, ErrNotFound)
	}
	return ObjectInfo{Name: name, Size: int64(len(b))}, nil
}

func (m *memStore) List(ctx context.Context, prefix string) ([]ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []ObjectInfo
	for n, b := range m.objs {
		if strings.HasPrefix(n, prefix) {
			out = append(out, ObjectInfo{Name: n, Size: int64(len(b)), ModTime: time.Time{}})
		}
	}
	slices.SortFunc(out, func(a, b ObjectInfo) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (m *memStore) Delete(ctx context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.objs, name)
	return nil
}

// mutate changes an object in place.
func (m *memStore) mutate(name string, f func([]byte) []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.objs[name] = f(slices.Clone(m.objs[name]))
}
