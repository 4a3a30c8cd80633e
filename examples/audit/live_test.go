package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/internal/testserver"
)

// TestLive follows a live server with a database filter, is stopped with
// SIGTERM and restarted, and must hold each change of the filtered
// database exactly once.
func TestLive(t *testing.T) {
	srv := testserver.Start(t, nil)
	bin := testserver.BuildCommand(t, ".")
	store := "sqlite:" + filepath.Join(t.TempDir(), "live.db")
	if err := srv.Exec("CREATE DATABASE shop", "CREATE DATABASE other",
		"CREATE TABLE shop.users (id INT PRIMARY KEY, name VARCHAR(20))",
		"CREATE TABLE other.t (id INT PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	records := func() string {
		out, err := exec.Command(bin, "stats", "--store", store).CombinedOutput()
		if err != nil {
			t.Fatalf("stats: %v\n%s", err, out)
		}
		return string(out)
	}
	follow := func(want int) {
		t.Helper()
		cmd := exec.Command(bin, "run", "--store", store, "--host", "127.0.0.1", "--port", fmt.Sprint(srv.Port()),
			"--user", "root", "--flavor", "mariadb", "-d", "shop")
		cmd.Env = append(cmd.Environ(), "MYSQL_PWD=")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for !strings.Contains(records(), fmt.Sprintf("records\t%d\n", want)) {
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("want %d records, have:\n%s\n%s", want, records(), stderr.Bytes())
			}
			time.Sleep(100 * time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			t.Fatalf("run: %v\n%s", err, stderr.Bytes())
		}
	}
	for i := range 10 {
		if err := srv.Exec(fmt.Sprintf("INSERT INTO shop.users VALUES (%d, 'u%d')", i, i), fmt.Sprintf("INSERT INTO other.t VALUES (%d)", i)); err != nil {
			t.Fatal(err)
		}
	}
	follow(10)
	if err := srv.Exec("UPDATE shop.users SET name = 'x' WHERE id < 5", "DELETE FROM other.t"); err != nil {
		t.Fatal(err)
	}
	follow(15)
	out, err := exec.Command(bin, "history", "--store", store, "shop.users", "3").CombinedOutput()
	if err != nil || strings.Count(string(out), "\n") != 2 || !strings.Contains(string(out), "\tupdate\tshop.users\t3\t") {
		t.Fatalf("history: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "verify", "--store", store).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "ok: 15 records") {
		t.Fatalf("verify: %v\n%s", err, out)
	}
}
