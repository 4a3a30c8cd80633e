package archive

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// RestoreOptions configures Restore. The zero value (or nil) restores
// unencrypted archives silently.
type RestoreOptions struct {
	// Identities decrypt encrypted objects.
	Identities []string
	// Log receives progress messages; nil discards them.
	Log func(format string, args ...any)
}

// Restore fetches, decrypts and decompresses the files of a plan into dir
// under their original names, checking every digest, and returns their
// paths in replay order. Each file appears whole or not at all: it is
// written under a temporary name and renamed once its digests match. Files
// are restored whole; Plan.Start and Plan.Stop say what to replay of them.
func Restore(ctx context.Context, s Store, plan *Plan, dir string, opts *RestoreOptions) ([]string, error) {
	var o RestoreOptions
	if opts != nil {
		o = *opts
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	var paths []string
	for i, f := range plan.Files {
		if err := ctx.Err(); err != nil {
			return paths, err
		}
		p, err := restoreFile(ctx, s, f.Record, dir, o.Identities)
		if err != nil {
			return paths, err
		}
		if o.Log != nil {
			o.Log("restore [%d/%d] %s: %d bytes", i+1, len(plan.Files), f.Record.Name, f.Record.RawSize)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

func restoreFile(ctx context.Context, s Store, rec *Record, dir string, identities []string) (string, error) {
	if rec.Name != filepath.Base(rec.Name) || rec.Name == "." || rec.Name == ".." {
		return "", fmt.Errorf("archive: record names an unsafe file %q", rec.Name)
	}
	obj, err := openObject(ctx, s, rec, identities)
	if err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(dir, "."+rec.Name+".*")
	if err != nil {
		obj.rc.Close()
		return "", fmt.Errorf("archive: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, obj)
	if err != nil {
		obj.rc.Close()
		tmp.Close()
		return "", fmt.Errorf("archive: restore %s: %w", rec.Name, err)
	}
	if err := obj.finish(); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("archive: %w", err)
	}
	p := filepath.Join(dir, rec.Name)
	if err := os.Rename(tmp.Name(), p); err != nil {
		return "", fmt.Errorf("archive: %w", err)
	}
	return p, nil
}
