package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
)

// RestoreOptions configures Restore. The zero value (or nil) restores
// unencrypted archives silently, refusing to replace existing files.
type RestoreOptions struct {
	// Identities decrypt encrypted objects. Zero (an empty list) means an
	// encrypted object fails with ErrDecrypt.
	Identities []string
	// Overwrite replaces files of the plan that already exist in the
	// directory. Zero means such files are refused (fs.ErrExist) before
	// anything is fetched.
	Overwrite bool
	// Logger receives one record per file restored. Zero (nil) means the
	// records are discarded.
	Logger *slog.Logger
}

// Restore fetches, decrypts and decompresses the files of a plan into dir
// under their original names, checking every digest, and returns their
// paths in replay order. Each file appears whole or not at all: it is
// written under a temporary name and renamed once its digests match. Files
// are restored whole; Plan.Start and Plan.Stop say what to replay of them.
//
// A file never grows past the size its record gives: an object that
// decompresses to more fails at once (ErrSize). A file that already exists
// in dir is an error wrapping fs.ErrExist unless opts.Overwrite is set.
// Errors about a file are *ObjectError. Restore stops soon after ctx is
// done.
func Restore(ctx context.Context, s Store, plan *Plan, dir string, opts *RestoreOptions) ([]string, error) {
	var o RestoreOptions
	if opts != nil {
		o = *opts
	}
	log := loggerOrDiscard(o.Logger)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	for _, f := range plan.Files {
		rec := f.Record
		if err := checkRestoreName(rec); err != nil {
			return nil, err
		}
		if o.Overwrite {
			continue
		}
		p := filepath.Join(dir, rec.Name)
		if _, err := os.Lstat(p); err == nil {
			return nil, rec.objErr("restore", &fs.PathError{Op: "create", Path: p, Err: fs.ErrExist})
		}
	}
	var paths []string
	for i, f := range plan.Files {
		if err := ctx.Err(); err != nil {
			return paths, err
		}
		p, err := restoreFile(ctx, s, f.Record, dir, o.Identities, o.Overwrite)
		if err != nil {
			return paths, err
		}
		log.Info("restored", "n", i+1, "of", len(plan.Files), "file", f.Record.Name, "bytes", f.Record.RawSize)
		paths = append(paths, p)
	}
	return paths, nil
}

// checkRestoreName refuses a record whose file name is not a plain file
// name (LoadManifest refuses such records already; a Plan may be built by
// hand).
func checkRestoreName(rec *Record) error {
	if rec.Name != filepath.Base(rec.Name) || rec.Name == "." || rec.Name == ".." {
		return fmt.Errorf("archive: record names an unsafe file %q", rec.Name)
	}
	return nil
}

func restoreFile(ctx context.Context, s Store, rec *Record, dir string, identities []string, overwrite bool) (string, error) {
	obj, err := openObject(ctx, s, rec, identities)
	if err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, "."+rec.Name+".*")
	if err != nil {
		obj.close()
		return "", rec.objErr("restore", err)
	}
	defer os.Remove(tmp.Name())
	// obj stops at the record's raw size: tmp never grows past it.
	if _, err := io.Copy(tmp, obj); err != nil {
		obj.close()
		tmp.Close()
		var oe *ObjectError
		if errors.As(err, &oe) {
			return "", err
		}
		return "", rec.objErr("restore", err)
	}
	if err := obj.finish(); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", rec.objErr("restore", err)
	}
	p := filepath.Join(dir, rec.Name)
	if err := place(tmp.Name(), p, overwrite); err != nil {
		return "", rec.objErr("restore", err)
	}
	return p, nil
}

// place renames the file tmp to p. Unless overwrite is set it fails with
// fs.ErrExist when p exists, however late p appeared: it links tmp to p,
// which never replaces a file, and falls back to a check and a rename
// where the file system has no hard links.
func place(tmp, p string, overwrite bool) error {
	if overwrite {
		return os.Rename(tmp, p)
	}
	exists := &fs.PathError{Op: "create", Path: p, Err: fs.ErrExist}
	err := os.Link(tmp, p)
	if err == nil {
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return exists
	}
	if _, err := os.Lstat(p); err == nil {
		return exists
	}
	return os.Rename(tmp, p)
}
