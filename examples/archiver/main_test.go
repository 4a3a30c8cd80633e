package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
