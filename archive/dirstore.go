package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// A DirStore keeps objects as files under a directory: object "a/b" is
// the file DIR/a/b. Put writes a temporary file in the target directory,
// syncs it, renames it into place and syncs the directory, so a crash
// leaves the old object or the new one, never part of one. Leftover
// temporary files (".tmp-*") are ignored by List and may be deleted.
type DirStore struct {
	dir string
}

var _ Store = (*DirStore)(nil)

// NewDirStore returns a store in dir, creating the directory if needed.
func NewDirStore(dir string) (*DirStore, error) {
	if dir == "" {
		return nil, fmt.Errorf("%w: NewDirStore: empty directory name", ErrBadOptions)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	return &DirStore{dir: abs}, nil
}

// Dir returns the directory of the store.
func (s *DirStore) Dir() string { return s.dir }

func (s *DirStore) path(name string) string {
	return filepath.Join(s.dir, filepath.FromSlash(name))
}

// Put implements Store.
func (s *DirStore) Put(ctx context.Context, name string, r io.Reader, size int64) (err error) {
	if !ValidName(name) {
		return storeErr("put", name, ErrBadName)
	}
	dst := s.path(name)
	dir := filepath.Dir(dst)
	var f *os.File
	for try := 0; ; try++ {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return storeErr("put", name, err)
		}
		f, err = os.CreateTemp(dir, tmpPrefix+filepath.Base(dst)+"-*")
		if err == nil {
			break
		}
		// A concurrent Delete may remove the directory it emptied.
		if !errors.Is(err, fs.ErrNotExist) || try == 3 {
			return storeErr("put", name, err)
		}
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			err = storeErr("put", name, err)
		}
	}()
	if _, err := io.Copy(f, &sizeReader{ctx: ctx, r: r, size: size}); err != nil {
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), dst); err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Get implements Store.
func (s *DirStore) Get(ctx context.Context, name string) (io.ReadCloser, error) {
	if !ValidName(name) {
		return nil, storeErr("get", name, ErrBadName)
	}
	f, err := os.Open(s.path(name))
	if err != nil {
		return nil, s.pathErr("get", name, err)
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, storeErr("get", name, ErrNotFound)
	}
	return f, nil
}

func (s *DirStore) pathErr(op, name string, err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) || isNotDir(err) {
		return storeErr(op, name, ErrNotFound)
	}
	return storeErr(op, name, err)
}

// isNotDir reports ENOTDIR: "a/b" looked up where "a" is a file.
func isNotDir(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "not a directory")
}

// Stat implements Store.
func (s *DirStore) Stat(ctx context.Context, name string) (ObjectInfo, error) {
	if !ValidName(name) {
		return ObjectInfo{}, storeErr("stat", name, ErrBadName)
	}
	fi, err := os.Stat(s.path(name))
	if err != nil {
		return ObjectInfo{}, s.pathErr("stat", name, err)
	}
	if !fi.Mode().IsRegular() {
		return ObjectInfo{}, storeErr("stat", name, ErrNotFound)
	}
	return ObjectInfo{Name: name, Size: fi.Size(), ModTime: fi.ModTime()}, nil
}

// List implements Store.
func (s *DirStore) List(ctx context.Context, prefix string) ([]ObjectInfo, error) {
	// Walk only the deepest directory the prefix names.
	root := s.dir
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		sub := prefix[:i]
		if !ValidName(sub) {
			return nil, nil
		}
		root = s.path(sub)
	}
	var out []ObjectInfo
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), tmpPrefix) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(s.dir, p)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		if d.IsDir() {
			if p != root && !strings.HasPrefix(name+"/", prefix) && !strings.HasPrefix(prefix, name+"/") {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasPrefix(name, prefix) {
			return nil
		}
		fi, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // deleted meanwhile
		}
		if err != nil {
			return err
		}
		out = append(out, ObjectInfo{Name: name, Size: fi.Size(), ModTime: fi.ModTime()})
		return nil
	})
	if err != nil {
		return nil, storeErr("list", prefix, err)
	}
	slices.SortFunc(out, func(a, b ObjectInfo) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Delete implements Store. It also removes the directories the deletion
// leaves empty, up to the store's directory.
func (s *DirStore) Delete(ctx context.Context, name string) error {
	if !ValidName(name) {
		return storeErr("delete", name, ErrBadName)
	}
	p := s.path(name)
	if fi, err := os.Lstat(p); err == nil && fi.IsDir() {
		return nil // not an object
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) && !isNotDir(err) {
		return storeErr("delete", name, err)
	}
	for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
		if os.Remove(s.path(dir)) != nil {
			break // not empty
		}
	}
	return nil
}
