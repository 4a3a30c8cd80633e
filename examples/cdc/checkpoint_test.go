package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// runCDCErr runs the command with args until it ends or ctx is done, and
// returns its stdout, its stderr and its error.
func runCDCErr(t *testing.T, ctx context.Context, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	return runCDCUntil(t, ctx, nil, args...)
}

// runCDCUntil is runCDCErr that also stops the command (a clean stop, as
// SIGINT) once stop reports true of its stdout so far.
func runCDCUntil(t *testing.T, ctx context.Context, stop func(stdout string) bool, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	dir := t.TempDir()
	out, ferr := os.Create(filepath.Join(dir, "out"))
	if ferr != nil {
		t.Fatal(ferr)
	}
	defer out.Close()
	errf, ferr := os.Create(filepath.Join(dir, "err"))
	if ferr != nil {
		t.Fatal(ferr)
	}
	defer errf.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, out, errf) }()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
wait:
	for {
		select {
		case err = <-done:
			break wait
		case <-tick.C:
			if o, _ := os.ReadFile(out.Name()); stop != nil && stop(string(o)) {
				cancel()
			}
		}
	}
	o, _ := os.ReadFile(out.Name())
	e, _ := os.ReadFile(errf.Name())
	return string(o), string(e), err
}

// TestBadCheckpointRefused: a checkpoint file that is not a checkpoint is
// an error, before any record (issue 9, item 5: "null" and "xyzzy" loaded
// as FILE:4, and "{}" or an empty file started from the beginning).
func TestBadCheckpointRefused(t *testing.T) {
	cp := filepath.Join(t.TempDir(), "cp.json")
	for _, bad := range []string{"null", "xyzzy", "{}", "", "\n", `{"file":"dml.full.binlog","offset":4}`, "dml.full.binlog:4"} {
		if err := os.WriteFile(cp, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		out, _, err := runCDCErr(t, context.Background(), "--checkpoint", cp, testdata("dml.full.binlog"))
		if !errors.Is(err, binlog.ErrBadCheckpoint) {
			t.Errorf("checkpoint %q: error %v and %d records; want binlog.ErrBadCheckpoint", bad, err, strings.Count(out, "\n"))
		}
		if out != "" {
			t.Errorf("checkpoint %q: %d records written", bad, strings.Count(out, "\n"))
		}
	}
}

// TestCheckpointOfOtherFiles: a checkpoint whose file is not among the
// inputs is an error (issue 9, item 5: cdc exited 0 without a record).
func TestCheckpointOfOtherFiles(t *testing.T) {
	cp := filepath.Join(t.TempDir(), "cp.json")
	if first := runCDC(t, "--checkpoint", cp, "--stop-position", "dml.full.binlog:120000", testdata("dml.full.binlog")); first == "" {
		t.Fatal("no records before the stop position")
	}
	saved, _ := os.ReadFile(cp)
	// dml.nolog.binlog holds the same workload, at the same offsets, under
	// another name; types.full.binlog sorts after dml.full.binlog and
	// sample.full.binlog too.
	for _, other := range []string{"dml.nolog.binlog", "types.full.binlog", "sample.full.binlog"} {
		out, _, err := runCDCErr(t, context.Background(), "--checkpoint", cp, testdata(other))
		if !errors.Is(err, binlog.ErrCheckpointMismatch) {
			t.Errorf("%s with a checkpoint of dml.full.binlog: error %v and %d records; want binlog.ErrCheckpointMismatch", other, err, strings.Count(out, "\n"))
		}
		if out != "" {
			t.Errorf("%s: %d records written", other, strings.Count(out, "\n"))
		}
		if b, _ := os.ReadFile(cp); string(b) != string(saved) {
			t.Errorf("%s: the checkpoint changed to %s", other, b)
		}
	}
	// Its own file, given with others, resumes.
	if rest := runCDC(t, "--checkpoint", cp, testdata("dml.full.binlog")); rest == "" {
		t.Error("no records after the checkpoint")
	}
}

// TestRequireCheckpoint: --require-checkpoint makes a missing checkpoint
// an error rather than a first run.
func TestRequireCheckpoint(t *testing.T) {
	cp := filepath.Join(t.TempDir(), "cp.json")
	out, _, err := runCDCErr(t, context.Background(), "--require-checkpoint", "--checkpoint", cp, testdata("dml.full.binlog"))
	if !errors.Is(err, os.ErrNotExist) || out != "" {
		t.Errorf("--require-checkpoint without the file: error %v and %d records; want fs.ErrNotExist and none", err, strings.Count(out, "\n"))
	}
	runCDC(t, "--checkpoint", cp, "--stop-position", "dml.full.binlog:20000", testdata("dml.full.binlog"))
	if rest := runCDC(t, "--require-checkpoint", "--checkpoint", cp, testdata("dml.full.binlog")); rest == "" {
		t.Error("--require-checkpoint with the file: no records after it")
	}
}

// TestServerPassword: the password comes from --password-file or
// MYSQL_PWD (issue 9, item 6: only --password, visible in ps, worked); a
// password given as an argument still works, with a warning; no error or
// warning shows it.
func TestServerPassword(t *testing.T) {
	srv := testserver.Start(t, nil)
	const user, password = "cdcpw", "S3cret-Pw_9"
	var stmts []string
	for _, host := range []string{"localhost", "127.0.0.1"} {
		stmts = append(stmts, fmt.Sprintf("CREATE USER '%s'@'%s' IDENTIFIED BY '%s'", user, host, password),
			fmt.Sprintf("GRANT REPLICATION SLAVE, REPLICATION CLIENT, SELECT ON *.* TO '%s'@'%s'", user, host))
	}
	stmts = append(stmts, "CREATE DATABASE pw", "CREATE TABLE pw.t (id INT PRIMARY KEY)", "INSERT INTO pw.t VALUES (1), (2), (3)")
	if err := srv.Exec(stmts...); err != nil {
		t.Fatal(err)
	}
	server := []string{"--host", "127.0.0.1", "--port", strconv.Itoa(srv.Port()), "--user", user, "--flavor", "mariadb",
		"--checkpoint-interval", "0", "-d", "pw"}
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	wrongFile := filepath.Join(t.TempDir(), "wrong")
	if err := os.WriteFile(wrongFile, []byte("Wr0ng-Pw_7\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// stream runs the command for a while: the stream never ends.
	stream := func(env string, args ...string) (stdout, stderr string, err error) {
		t.Helper()
		t.Setenv("MYSQL_PWD", env)
		if env == "" {
			os.Unsetenv("MYSQL_PWD")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		three := func(out string) bool { return strings.Count(out, "\n") >= 3 }
		return runCDCUntil(t, ctx, three, append(append([]string(nil), server...), args...)...)
	}
	for _, tc := range []struct {
		name   string
		env    string
		args   []string
		ok     bool
		warned bool
	}{
		{"MYSQL_PWD", password, nil, true, false},
		{"--password-file", "", []string{"--password-file", pwFile}, true, false},
		{"--password-file over MYSQL_PWD", "Wr0ng-Pw_7", []string{"--password-file", pwFile}, true, false},
		{"--password", "", []string{"--password", password}, true, true},
		{"no password", "", nil, false, false},
		{"wrong MYSQL_PWD", "Wr0ng-Pw_7", nil, false, false},
		{"wrong --password-file", "", []string{"--password-file", wrongFile}, false, false},
	} {
		out, stderr, err := stream(tc.env, tc.args...)
		t.Logf("%s: %d records, error %v", tc.name, strings.Count(out, "\n"), err)
		switch {
		case tc.ok && (err != nil || strings.Count(out, "\n") != 3):
			t.Errorf("%s: error %v, %d records; want the 3 records", tc.name, err, strings.Count(out, "\n"))
		case !tc.ok && err == nil:
			t.Errorf("%s: succeeded with %d records; want access denied", tc.name, strings.Count(out, "\n"))
		}
		if warned := strings.Contains(stderr, "warning"); warned != tc.warned {
			t.Errorf("%s: warning %v, want %v; stderr:\n%s", tc.name, warned, tc.warned, stderr)
		}
		for _, secret := range []string{password, "Wr0ng-Pw_7"} {
			if err != nil && strings.Contains(err.Error(), secret) || strings.Contains(stderr, secret) {
				t.Errorf("%s: the password shows: error %v, stderr %q", tc.name, err, stderr)
			}
		}
	}
	if _, _, err := stream("", "--password", "x", "--password-file", pwFile); err == nil {
		t.Error("--password with --password-file: no error")
	}
	if _, _, err := stream("", "--password-file", filepath.Join(t.TempDir(), "none")); err == nil {
		t.Error("a missing --password-file: no error")
	}
}
