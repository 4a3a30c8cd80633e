package main

import (
	"bufio"
	"bytes"
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

	"github.com/binlogkit/binlogkit/internal/testserver"
)

// These tests run the command as a process (this test binary, re-executed
// to run main), as a user does: a signal, the environment, stderr and the
// exit status are what they check.

// TestHelperProcess is not a test: run by command, it runs main with the
// arguments after "--".
func TestHelperProcess(t *testing.T) {
	if os.Getenv("BINLOG2SQL_HELPER") != "1" {
		return
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	os.Args = append([]string{"binlog2sql"}, args...)
	main()
	os.Exit(0)
}

// command returns the command binlog2sql args, with MYSQL_PWD set to pwd
// ("" unsets it).
func command(pwd string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestHelperProcess$", "--"}, args...)...)
	env := []string{"BINLOG2SQL_HELPER=1"}
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "MYSQL_PWD=") {
			env = append(env, e)
		}
	}
	if pwd != "" {
		env = append(env, "MYSQL_PWD="+pwd)
	}
	cmd.Env = env
	return cmd
}

// runCommand runs binlog2sql args and returns its stdout, stderr and exit
// status.
func runCommand(t *testing.T, pwd string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	cmd := command(pwd, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		status = ee.ExitCode()
	default:
		t.Fatal(err)
	}
	return out.String(), errb.String(), status
}

// TestSchemaDSNErrorHidesPassword: a malformed --schema-dsn, or a password
// glued to -p, is an error that does not show the password (issue 9, item
// 6: the DSN error printed it).
func TestSchemaDSNErrorHidesPassword(t *testing.T) {
	const secret = "Secr3t-Pw_1"
	file := filepath.Join("..", "..", "binlog", "testdata", "dml.full.binlog")
	for _, args := range [][]string{
		{"--schema-dsn", "root:" + secret, file},
		{"--schema-dsn", "root:" + secret + "@", file},
		{"--schema-dsn=root:" + secret + "@", file},
		{"-p" + secret, file},
		{"--p" + secret, file},
		{"-p" + secret + "=x", file},
	} {
		_, stderr, status := runCommand(t, "", args...)
		if status == 0 {
			t.Errorf("binlog2sql %q: status 0, want an error", args)
		}
		if strings.Contains(stderr, secret) {
			t.Errorf("binlog2sql %q: stderr shows the password:\n%s", args, stderr)
		}
	}
	// A password that looks like a flag is still -p's value.
	if _, err := parseFlags([]string{"-p", "-pw", file}); err != nil {
		t.Errorf("-p -pw: %v", err)
	}
}

// TestServerPasswordSources: the password of -u comes from MYSQL_PWD or
// --password-file, for the live stream, its queries and the schema server
// of --schema-dsn (issue 9, item 6: only -p, visible in ps, worked). -p and
// a password in --schema-dsn still work, with a warning; nothing shows the
// password.
func TestServerPasswordSources(t *testing.T) {
	srv := testserver.Start(t, &testserver.Options{RowMetadata: "NO_LOG"})
	const user, password, wrong = "b2s", "S3cret-Pw_2", "Wr0ng-Pw_3"
	var stmts []string
	for _, host := range []string{"localhost", "127.0.0.1"} {
		stmts = append(stmts, fmt.Sprintf("CREATE USER '%s'@'%s' IDENTIFIED BY '%s'", user, host, password),
			fmt.Sprintf("GRANT ALL PRIVILEGES ON *.* TO '%s'@'%s'", user, host))
	}
	stmts = append(stmts, "CREATE DATABASE pw", "CREATE TABLE pw.t (id INT PRIMARY KEY, v VARCHAR(10))")
	if err := srv.Exec(stmts...); err != nil {
		t.Fatal(err)
	}
	files, err := srv.Record(func() error { return srv.Exec("INSERT INTO pw.t VALUES (1, 'one'), (2, 'two')") })
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pwFile, wrongFile := filepath.Join(dir, "pw"), filepath.Join(dir, "wrong")
	os.WriteFile(pwFile, []byte(password+"\n"), 0o600)
	os.WriteFile(wrongFile, []byte(wrong+"\r\n"), 0o600)
	host, port := "127.0.0.1", fmt.Sprint(srv.Port())
	live := []string{"-h", host, "-P", port, "-u", user, "-d", "pw"}
	dsn := user + "@" + srv.Addr()
	const want = "INSERT INTO `pw`.`t` (`id`, `v`) VALUES (2, 'two');"
	for _, tc := range []struct {
		name   string
		pwd    string // MYSQL_PWD
		args   []string
		ok     bool
		warned bool
	}{
		{"live, MYSQL_PWD", password, live, true, false},
		{"live, --password-file", "", append([]string{"--password-file", pwFile}, live...), true, false},
		{"live, --password-file over MYSQL_PWD", wrong, append([]string{"--password-file", pwFile}, live...), true, false},
		{"live, -p", "", append([]string{"-p", password}, live...), true, true},
		{"live, no password", "", live, false, false},
		{"live, wrong MYSQL_PWD", wrong, live, false, false},
		{"live, wrong --password-file", "", append([]string{"--password-file", wrongFile}, live...), false, false},
		{"files, --schema-dsn, MYSQL_PWD", password, append([]string{"--schema-dsn", dsn, "-d", "pw"}, files...), true, false},
		{"files, --schema-dsn, --password-file", "", append([]string{"--schema-dsn", dsn, "--password-file", pwFile, "-d", "pw"}, files...), true, false},
		{"files, --schema-dsn with the password", "", append([]string{"--schema-dsn", user + ":" + password + "@" + srv.Addr(), "-d", "pw"}, files...), true, true},
		{"files, --schema-dsn, wrong MYSQL_PWD", wrong, append([]string{"--schema-dsn", dsn, "-d", "pw"}, files...), false, false},
	} {
		stdout, stderr, status := runCommand(t, tc.pwd, tc.args...)
		switch {
		case tc.ok && (status != 0 || !strings.Contains(stdout, want)):
			t.Errorf("%s: status %d, stderr %q; want the SQL:\n%s", tc.name, status, stderr, stdout)
		case !tc.ok && status == 0:
			t.Errorf("%s: status 0, want access denied", tc.name)
		case !tc.ok && !strings.Contains(stderr, "Access denied"):
			t.Errorf("%s: stderr %q, want access denied", tc.name, stderr)
		}
		if warned := strings.Contains(stderr, "warning"); warned != tc.warned {
			t.Errorf("%s: warning %v, want %v; stderr:\n%s", tc.name, warned, tc.warned, stderr)
		}
		if strings.Contains(stderr, password) || strings.Contains(stderr, wrong) {
			t.Errorf("%s: stderr shows the password:\n%s", tc.name, stderr)
		}
	}
	if _, _, status := runCommand(t, "", append([]string{"-p", "x", "--password-file", pwFile}, live...)...); status == 0 {
		t.Error("-p with --password-file: status 0")
	}
}

// TestInterruptBackInterval: Ctrl-C during a pause of --back-interval
// stops binlog2sql at once, after the batch written, with status 1 (issue
// 9, item 7: the pause ignored it, and the run went on).
func TestInterruptBackInterval(t *testing.T) {
	file := filepath.Join("..", "..", "binlog", "testdata", "dml.full.binlog")
	cmd := command("", "-B", "--back-interval", "60", file)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	// The first batch (>= 1000 statements) is written and flushed before
	// the pause.
	r := bufio.NewReader(stdout)
	stmts := 0
	for stmts < 1000 {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("after %d statements: %v; stderr: %s", stmts, err, stderr.String())
		}
		if !strings.HasPrefix(line, "SET ") {
			stmts++
		}
	}
	time.Sleep(200 * time.Millisecond) // in the pause
	interrupted := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	restc := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(r)
		restc <- b
	}()
	var rest []byte
	select {
	case rest = <-restc:
	case <-time.After(10 * time.Second):
		cmd.Process.Signal(syscall.SIGKILL)
		<-restc
		cmd.Wait()
		t.Fatalf("still running 10s after Ctrl-C in a 60s pause")
	}
	werr := cmd.Wait()
	elapsed := time.Since(interrupted)
	var ee *exec.ExitError
	if !errors.As(werr, &ee) || ee.ExitCode() != 1 {
		t.Errorf("exit: %v, want status 1", werr)
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("stderr %q, want it to say interrupted", stderr.String())
	}
	if elapsed > 5*time.Second {
		t.Errorf("stopped %v after Ctrl-C", elapsed)
	}
	// The output ends with the first batch, whole: the rest of its lines
	// were written before the pause; none of the 1048 statements after it.
	if len(rest) > 0 && rest[len(rest)-1] != '\n' {
		t.Errorf("the output ends inside a line: %q", rest[max(0, len(rest)-100):])
	}
	if total := stmts + bytes.Count(rest, []byte("\n")); total >= 1048 {
		t.Errorf("%d statements written, want the first batch only (< 1048)", total)
	} else {
		t.Logf("%d statements written of 1048, stopped %v after Ctrl-C", total, elapsed)
	}
}
