// Command audit keeps a tamper-evident audit trail of the row changes of a
// MySQL or MariaDB binlog in SQLite or PostgreSQL, and answers questions
// about it (package binlog/cdc/audit).
//
//	audit run --store sqlite:audit.db --host 127.0.0.1 --user repl --flavor mariadb -d shop
//	audit run --store postgres://audit@db/audit mysql-bin.000001 mysql-bin.000002
//	audit history --store sqlite:audit.db shop.users 12345
//	audit query --store sqlite:audit.db --kind delete --since "2024-05-01" [--json|--csv]
//	audit verify --store sqlite:audit.db --key-file audit.key
//	audit stats --store sqlite:audit.db
//
// run writes one record per committed row change, chained by SHA-256 and,
// with --key-file, sealed by HMAC-SHA256 under the key on the file's first
// line (never printed; keep it away from the database). The checkpoint is
// kept in the store, in the same database transaction as the records, so
// that run resumes where it stopped, even after a kill, without losing or
// repeating a record. SIGINT or SIGTERM stops it cleanly.
//
// The password of --user comes from --password-file FILE, else from
// MYSQL_PWD. A PostgreSQL password belongs in the URL's usual places
// (PGPASSWORD, ~/.pgpass), not on the command line.
//
// verify exits with status 1 when it finds damage, naming the first bad
// record and the kind of damage (edited, deleted, reordered, inserted).
// A record's key (history KEY, --key) is its primary key as text: the
// value, or for a key of several columns the values separated by commas.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if errors.Is(err, errDamaged) {
		os.Exit(1)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "audit:", err)
		os.Exit(2)
	}
}

const usage = `usage: audit run|history|query|verify|stats --store STORE [flags] [args]
  STORE is sqlite:FILE or postgres://USER@HOST/DB`

// run dispatches to a subcommand.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch args[0] {
	case "run":
		return runCmd(ctx, args[1:], stderr)
	case "history":
		return historyCmd(ctx, args[1:], stdout, stderr)
	case "query":
		return queryCmd(ctx, args[1:], stdout, stderr)
	case "verify":
		return verifyCmd(ctx, args[1:], stdout, stderr)
	case "stats":
		return statsCmd(ctx, args[1:], stdout, stderr)
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}
