package testserver

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// extraBinDirs are searched after PATH: Debian installs mariadbd in /usr/sbin,
// which is not on every user's PATH.
var extraBinDirs = []string{"/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/usr/local/mysql/bin"}

// lookBin finds the first of names in PATH or in extraBinDirs.
func lookBin(names ...string) (string, error) {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	for _, n := range names {
		for _, d := range extraBinDirs {
			p := filepath.Join(d, n)
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("%s not found in PATH or %v", names[0], extraBinDirs)
}

// binaries are the programs the harness runs.
type binaries struct {
	server  string // mariadbd
	install string // mariadb-install-db
	client  string // mariadb command-line client (optional: only ExecScript needs it)
}

func findBinaries() (binaries, error) {
	var b binaries
	var errs []error
	var err error
	if b.server, err = lookBin("mariadbd", "mysqld"); err != nil {
		errs = append(errs, err)
	}
	if b.install, err = lookBin("mariadb-install-db", "mysql_install_db"); err != nil {
		errs = append(errs, err)
	}
	b.client, _ = lookBin("mariadb", "mysql")
	return b, errors.Join(errs...)
}

// Available reports whether a MariaDB server can be started: it returns nil
// when mariadbd and mariadb-install-db are found (in PATH or /usr/sbin).
func Available() error {
	_, err := findBinaries()
	return err
}
