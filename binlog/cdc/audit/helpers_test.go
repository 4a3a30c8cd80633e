package audit

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/binlogkit/binlogkit/binlog/cdc"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// backend opens fresh, empty databases of one dialect.
type backend struct {
	name string
	open func(t testing.TB) (*sql.DB, Dialect)
}

var pgDBs atomic.Int64

// backends returns SQLite and, when PostgreSQL can be started (or must
// be), PostgreSQL.
func backends(t testing.TB) []backend {
	bs := []backend{{"sqlite", func(t testing.TB) (*sql.DB, Dialect) {
		path := filepath.Join(t.TempDir(), "audit.db")
		db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db, SQLite
	}}}
	if testserver.PostgresAvailable() != nil {
		t.Logf("PostgreSQL not available: %v", testserver.PostgresAvailable())
		testserver.Postgres(t) // skips, or fails when required
		return bs
	}
	pg := testserver.Postgres(t)
	bs = append(bs, backend{"postgres", func(t testing.TB) (*sql.DB, Dialect) {
		return pgDatabase(t, pg), Postgres
	}})
	return bs
}

// pgDatabase creates a new database on pg and opens it.
func pgDatabase(t testing.TB, pg *testserver.PostgresServer) *sql.DB {
	admin, err := sql.Open("pgx", pg.URL(""))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("audit%d", pgDBs.Add(1))
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("pgx", pg.URL(name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// change is what the tests compare of a record.
type change struct {
	TxID                  string
	TxIndex               int
	Kind, Database, Table string
	PK, Before, After     string
}

func entryChange(e *Entry) change {
	return change{e.TxID, e.TxIndex, e.Kind, e.Database, e.Table, e.PK, string(e.Before), string(e.After)}
}

// collect is a sink that keeps the changes, the reference a store is
// compared with.
type collect struct{ got []change }

func (c *collect) Write(_ context.Context, b *cdc.Batch) error {
	var buf []byte
	for i := range b.Records {
		var e Entry
		var err error
		if buf, err = e.fill(b, &b.Records[i], nil, buf); err != nil {
			return err
		}
		c.got = append(c.got, entryChange(&e))
	}
	return nil
}

// reference reads files straight through, once, without a checkpoint.
func reference(t testing.TB, files []string) []change {
	var c collect
	if err := cdc.Run(context.Background(), &c, &cdc.Options{Files: files}); err != nil {
		t.Fatal(err)
	}
	return c.got
}

// stored returns the changes in the store, in seq order, and checks
// that seq runs from 1 without a gap.
func stored(t testing.TB, s *Store) []change {
	t.Helper()
	var out []change
	for e, err := range s.Query(context.Background(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Seq != int64(len(out)+1) {
			t.Fatalf("record %d has seq %d", len(out)+1, e.Seq)
		}
		out = append(out, entryChange(e))
	}
	return out
}
