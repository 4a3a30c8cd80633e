package testserver

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// Installing a data directory takes a second or more (several under load),
// so it is done once per machine and MariaDB build: a finished install is
// kept as a template in the temp directory and copied for each server.

// templateMu serializes template creation within the process; other
// processes race safely through rename.
var templateMu sync.Mutex

// templateKey identifies the binaries and options a template was made with.
func (s *Server) templateKey() string {
	h := sha256.New()
	for _, p := range []string{s.bins.server, s.bins.install} {
		fi, err := os.Stat(p)
		if err == nil {
			fmt.Fprintf(h, "%s %d %d\n", p, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	fmt.Fprintf(h, "%s %s\n", strings.Join(innodbArgs, " "), currentUser())
	return fmt.Sprintf("%x", h.Sum(nil))[:16]
}

// templateDir returns a ready template data directory, installing it if needed.
func (s *Server) templateDir(ctx context.Context) (string, error) {
	templateMu.Lock()
	defer templateMu.Unlock()
	final := filepath.Join(os.TempDir(), "binlogkit-mariadb-template-"+s.templateKey())
	if _, err := os.Stat(filepath.Join(final, "ready")); err == nil {
		return filepath.Join(final, "data"), nil
	}
	tmp, err := os.MkdirTemp(os.TempDir(), "binlogkit-mariadb-template-tmp-")
	if err != nil {
		return "", fmt.Errorf("testserver: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	if err := s.installInto(ctx, filepath.Join(tmp, "data")); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(tmp, "ready"), nil, 0o644); err != nil {
		return "", fmt.Errorf("testserver: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		// Another process won the race: use its template if it is ready.
		if _, serr := os.Stat(filepath.Join(final, "ready")); serr != nil {
			return "", fmt.Errorf("testserver: install template: %w", err)
		}
	}
	return filepath.Join(final, "data"), nil
}

// install fills s.dataDir with a fresh data directory copied from the template.
func (s *Server) install(ctx context.Context) error {
	tmpl, err := s.templateDir(ctx)
	if err != nil {
		return err
	}
	if err := copyTree(s.dataDir, tmpl); err != nil {
		return fmt.Errorf("testserver: copy template: %w", err)
	}
	return nil
}

// installInto runs mariadb-install-db into dataDir.
func (s *Server) installInto(ctx context.Context, dataDir string) error {
	args := []string{
		"--no-defaults",
		"--datadir=" + dataDir,
		"--auth-root-authentication-method=normal",
		"--skip-test-db",
		"--user=" + currentUser(),
	}
	args = append(args, innodbArgs...)
	cmd := exec.CommandContext(ctx, s.bins.install, args...)
	cmd.Dir = filepath.Dir(dataDir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("testserver: %s failed: %v\n%s", s.bins.install, err, tail(out, 4000))
	}
	return nil
}

// copyTree copies the directory src to dst (which must not exist), keeping
// permission bits.
func copyTree(dst, src string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.Mkdir(target, info.Mode().Perm())
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		return copyRegular(target, path, info.Mode().Perm())
	})
}

func copyRegular(dst, src string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}
