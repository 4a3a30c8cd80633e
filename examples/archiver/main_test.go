package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/archive"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

func TestCommands(t *testing.T) {
	s := testserver.Start(t, nil)
	const ts = 1_800_000_000
	if err := s.Exec("CREATE DATABASE d", "CREATE TABLE d.t (id INT PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	// Where the server stood after each insert, as a base backup records
	// it: "FILE:OFFSET" and the GTID set.
	var pos, gtid []string
	for i := 0; i < 6; i++ {
		if err := s.Exec(fmt.Sprintf("SET TIMESTAMP = %d", ts+i), fmt.Sprintf("INSERT INTO d.t VALUES (%d)", i)); err != nil {
			t.Fatal(err)
		}
		rows, err := s.Query("SHOW MASTER STATUS")
		if err != nil || len(rows) != 1 {
			t.Fatalf("SHOW MASTER STATUS: %q, %v", rows, err)
		}
		pos = append(pos, string(rows[0][0])+":"+string(rows[0][1]))
		g, err := s.QueryValue("SELECT @@gtid_binlog_pos")
		if err != nil {
			t.Fatal(err)
		}
		gtid = append(gtid, g)
		if i%2 == 1 {
			if err := s.FlushBinaryLogs(); err != nil {
				t.Fatal(err)
			}
		}
	}
	id, rcpt, err := archive.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	idFile := filepath.Join(dir, "key.txt")
	if err := os.WriteFile(idFile, []byte("# test key\n"+id+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(dir, "store")
	index := filepath.Join(s.BinlogDir(), "binlog.index")
	cmd := func(want int, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if got := run(context.Background(), args, &out, &errb); got != want {
			t.Fatalf("archiver %s: status %d, want %d\n%s%s", strings.Join(args, " "), got, want, out.String(), errb.String())
		}
		return out.String()
	}
	cmd(0, "archive", "--store", store, "--index", index, "--once", "--codec", "lz4", "--recipient", rcpt, "--identity-file", idFile)
	list := cmd(0, "list", "--store", store)
	if strings.Count(list, "binlog.0000") != 3 || strings.Contains(list, "chain:") {
		t.Errorf("list:\n%s", list)
	}
	cmd(0, "verify", "--store", store, "--identity-file", idFile)
	cmd(1, "verify", "--store", store) // encrypted, no identity
	plan := cmd(0, "plan", "--store", store, "--identity-file", idFile, "--base-position", "binlog.000001:4",
		"--time", "2027-01-15T08:00:02Z")
	if !strings.Contains(plan, "last commit 2027-01-15T08:00:02Z") {
		t.Errorf("plan:\n%s", plan)
	}
	cmd(1, "plan", "--store", store, "--time", "2027-01-15T08:00:02")
	out := cmd(0, "restore", "--store", store, "--identity-file", idFile, "--time", "2027-01-15T10:00:03+02:00",
		"--dir", filepath.Join(dir, "restore"))
	if !strings.Contains(out, "mariadb-binlog --start-position=4 --stop-position=") {
		t.Errorf("restore:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "restore", "binlog.000002")); err != nil {
		t.Error(err)
	}
	// restore replaced the files already in --dir without a word: it
	// refuses them unless --force.
	restoreArgs := []string{"restore", "--store", store, "--identity-file", idFile, "--time", "2027-01-15T10:00:03+02:00",
		"--dir", filepath.Join(dir, "restore")}
	var errb bytes.Buffer
	if got := run(context.Background(), restoreArgs, io.Discard, &errb); got != 1 ||
		!strings.Contains(errb.String(), "file already exists") || !strings.Contains(errb.String(), "--force") {
		t.Errorf("restore over restored files: status %d, want 1 and an error saying --force\n%s", got, errb.String())
	}
	cmd(0, append(restoreArgs, "--force")...)

	// PITR from a base in the middle of binlog.000002 (after insert 2):
	// to the base's own GTID, nothing; to the next one, exactly insert 3;
	// to an earlier one, an error.
	end3 := strings.TrimPrefix(pos[3], "binlog.000002:")
	for _, base := range [][]string{{"--base-position", pos[2]}, {"--base-gtid", gtid[2]}} {
		args := append([]string{"plan", "--store", store, "--identity-file", idFile}, base...)
		plan := cmd(0, append(args, "--gtid", gtid[2])...)
		if !strings.Contains(plan, "nothing to replay") || strings.Contains(plan, "binlog.000002\t") {
			t.Errorf("plan %v to its own GTIDs %s:\n%s", base, gtid[2], plan)
		}
		plan = cmd(0, append(args, "--gtid", gtid[3])...)
		if want := "binlog.000002\t" + strings.TrimPrefix(pos[2], "binlog.000002:") + "\t" + end3 + "\n"; !strings.HasPrefix(plan, want) {
			t.Errorf("plan %v to the next GTIDs %s:\n%swant it to start with %q", base, gtid[3], plan, want)
		}
		cmd(1, append(args, "--gtid", gtid[1])...)
	}
}

// TestMain runs the command itself when ARCHIVER_TEST_MAIN is set, so that
// tests can send it signals.
func TestMain(m *testing.M) {
	if os.Getenv("ARCHIVER_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// TestHelp: --help printed "unknown command" and exited 2.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"help", "restore"},
		{"archive", "--help"}, {"verify", "-h"}, {"list", "--help"}, {"plan", "--help"}, {"restore", "--help"}, {"prune", "--help"}} {
		var out, errb bytes.Buffer
		if got := run(context.Background(), args, &out, &errb); got != 0 || errb.Len() != 0 || !strings.Contains(out.String(), "usage") {
			t.Errorf("archiver %s: status %d, want 0 and usage on stdout\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), got, out.String(), errb.String())
		}
		if len(args) == 2 && !strings.Contains(out.String(), "-store") {
			t.Errorf("archiver %s does not list the flags:\n%s", strings.Join(args, " "), out.String())
		}
	}
	if !strings.Contains(usage, "--passphrase-file") || !strings.Contains(usage, "--force") {
		t.Errorf("usage misses the new flags:\n%s", usage)
	}
	for _, args := range [][]string{nil, {"frobnicate"}, {"verify", "--frobnicate"}} {
		var out, errb bytes.Buffer
		if got := run(context.Background(), args, &out, &errb); got != 2 || !strings.Contains(errb.String(), "usage") {
			t.Errorf("archiver %s: status %d, want 2 and usage on stderr\n%s", strings.Join(args, " "), got, errb.String())
		}
	}
}

// TestSecrets: passphrases come from a file or the environment, a
// passphrase on the command line draws a warning, and no passphrase or
// password is ever printed.
func TestSecrets(t *testing.T) {
	s := testserver.Start(t, nil)
	if err := s.Exec("CREATE DATABASE d", "CREATE TABLE d.t (id INT PRIMARY KEY)", "INSERT INTO d.t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	if err := s.FlushBinaryLogs(); err != nil {
		t.Fatal(err)
	}
	const pass, wrong, pw = "correct horse battery staple", "Tr0ub4dor&3-wrong", "mysql-pw-s3cret"
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	passFile, wrongFile := write("pass", pass+"\n"), write("wrong", wrong+"\n")
	index := filepath.Join(s.BinlogDir(), "binlog.index")
	cmd := func(want int, args ...string) (string, string) {
		t.Helper()
		var out, errb bytes.Buffer
		got := run(context.Background(), args, &out, &errb)
		for _, secret := range []string{pass, wrong, pw} {
			if strings.Contains(out.String()+errb.String(), secret) {
				t.Errorf("archiver %s printed the secret %q:\n%s%s", args[0], secret, out.String(), errb.String())
			}
		}
		if got != want {
			t.Fatalf("archiver %s: status %d, want %d\n%s%s", strings.Join(args, " "), got, want, out.String(), errb.String())
		}
		return out.String(), errb.String()
	}

	// A passphrase from a file encrypts; from the environment it decrypts.
	store := filepath.Join(dir, "store")
	_, stderr := cmd(0, "archive", "--store", store, "--index", index, "--once", "--passphrase-file", passFile)
	if strings.Contains(stderr, "level=WARN") {
		t.Errorf("archive with --passphrase-file warns:\n%s", stderr)
	}
	if list, _ := cmd(0, "list", "--store", store); !strings.Contains(list, "age") {
		t.Errorf("list: the files are not encrypted:\n%s", list)
	}
	t.Setenv(passphraseEnv, pass)
	cmd(0, "verify", "--store", store)
	// A wrong passphrase is a decryption error, naming the object.
	_, stderr = cmd(1, "verify", "--store", store, "--passphrase-file", wrongFile)
	if !strings.Contains(stderr, "decrypt binlogs/binlog.000001.zst.age") || strings.Contains(stderr, "decompress") {
		t.Errorf("verify with a wrong passphrase:\n%s", stderr)
	}
	t.Setenv(passphraseEnv, "")
	cmd(1, "verify", "--store", store, "--passphrase-file", write("empty", "\n"))

	// On the command line: accepted, with a warning. (An empty index: no
	// file to encrypt, at a second of scrypt each.)
	empty := write("empty.index", "")
	_, stderr = cmd(0, "archive", "--store", filepath.Join(dir, "store2"), "--index", empty, "--once", "--recipient", "passphrase:"+pass)
	if !strings.Contains(stderr, "level=WARN") || !strings.Contains(stderr, "--passphrase-file") {
		t.Errorf("archive --recipient passphrase:... does not warn:\n%s", stderr)
	}

	// The replication password: from $MYSQL_PWD, never printed, not
	// even when it is given in the host.
	spool := filepath.Join(dir, "spool")
	t.Setenv("MYSQL_PWD", pw)
	cmd(1, "archive", "--store", filepath.Join(dir, "store3"), "--live", "127.0.0.1:1", "--spool", spool)
	t.Setenv("MYSQL_PWD", "")
	cmd(1, "archive", "--store", filepath.Join(dir, "store3"), "--live", "root:"+pw+"@127.0.0.1:1", "--spool", spool)
}

// TestSignals runs the command and interrupts it. A daemon exits with
// status 0 at the first SIGINT. A second SIGINT ends a command at once,
// even one blocked where it cannot see the first (opening a pipe nobody
// writes to, as --identity-file <(cmd) may be): it used to be swallowed,
// and the command hung.
func TestSignals(t *testing.T) {
	dir := t.TempDir()
	index := filepath.Join(dir, "binlog.index")
	if err := os.WriteFile(index, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	start := func(args ...string) (*exec.Cmd, chan error, *bytes.Buffer) {
		c := exec.Command(os.Args[0], args...)
		c.Env = append(os.Environ(), "ARCHIVER_TEST_MAIN=1")
		var out bytes.Buffer
		c.Stdout, c.Stderr = &out, &out
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- c.Wait() }()
		time.Sleep(300 * time.Millisecond) // let it reach its wait
		return c, done, &out
	}
	wait := func(c *exec.Cmd, done chan error, out *bytes.Buffer, what string) error {
		t.Helper()
		select {
		case err := <-done:
			return err
		case <-time.After(5 * time.Second):
			c.Process.Kill()
			<-done
			t.Fatalf("%s: still running after 5 s\n%s", what, out)
			return nil
		}
	}

	c, done, out := start("archive", "--store", filepath.Join(dir, "store"), "--index", index, "--interval", "1h")
	c.Process.Signal(os.Interrupt)
	if err := wait(c, done, out, "daemon after SIGINT"); err != nil {
		t.Errorf("daemon after SIGINT: %v, want status 0\n%s", err, out)
	}

	c, done, out = start("verify", "--store", filepath.Join(dir, "store"), "--identity-file", fifo)
	c.Process.Signal(os.Interrupt)
	time.Sleep(200 * time.Millisecond)
	c.Process.Signal(os.Interrupt)
	err := wait(c, done, out, "blocked command after two SIGINTs")
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGINT {
		t.Errorf("blocked command after two SIGINTs: %v, want killed by SIGINT", err)
	}
}

// TestLoggerRedacts checks that secrets are masked in the message and in
// attribute values, errors included, even where the text handler would
// quote or escape them.
func TestLoggerRedacts(t *testing.T) {
	const sec = `pa ss"wörd`
	var buf strings.Builder
	c := &config{stderr: &buf, secrets: []string{sec}}
	log := c.logger()
	log.Warn("msg with " + sec)
	log.Info("attrs", "s", "x"+sec, "err", fmt.Errorf("open: %s", sec))
	if strings.Contains(buf.String(), "ss") || !strings.Contains(buf.String(), "***") {
		t.Errorf("secret not masked:\n%s", buf.String())
	}
}
