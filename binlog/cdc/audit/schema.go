package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// SchemaVersion is the version of the store's tables that this package
// writes; Open migrates older stores up to it.
const SchemaVersion = 1

// migrations[i] takes a store from version i to version i+1. The types are
// spelled so that both dialects accept them (BIGINT, TEXT).
var migrations = [][]string{
	{
		`CREATE TABLE audit_records (
	seq BIGINT NOT NULL PRIMARY KEY,
	commit_time BIGINT,
	gtid TEXT,
	server_id BIGINT NOT NULL,
	file TEXT NOT NULL,
	pos BIGINT NOT NULL,
	db TEXT NOT NULL,
	tbl TEXT NOT NULL,
	kind TEXT NOT NULL,
	pk TEXT,
	pk_json TEXT,
	before_json TEXT,
	after_json TEXT,
	tx_id TEXT NOT NULL,
	tx_index BIGINT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL,
	mac TEXT
)`,
		// history: every change of one row.
		`CREATE INDEX audit_records_row ON audit_records (db, tbl, pk, seq)`,
		// query --kind --since --until: deletions of the last day.
		`CREATE INDEX audit_records_kind_time ON audit_records (kind, commit_time)`,
		// query --since --until, and changes per table in a period.
		`CREATE INDEX audit_records_time ON audit_records (commit_time)`,
		`CREATE TABLE audit_state (
	id BIGINT NOT NULL PRIMARY KEY,
	checkpoint TEXT,
	last_seq BIGINT NOT NULL,
	last_hash TEXT NOT NULL,
	mac TEXT
)`,
		`INSERT INTO audit_state (id, checkpoint, last_seq, last_hash, mac) VALUES (1, NULL, 0, '` + genesis + `', NULL)`,
	},
}

// migrate creates the tables or brings them to SchemaVersion, in one
// transaction per step.
func migrate(ctx context.Context, db *sql.DB, d Dialect) error {
	return retryBusy(ctx, d, func() error { return migrateOnce(ctx, db, d) })
}

// retryBusy runs f again while SQLite answers SQLITE_BUSY, for up to
// about 10 s. Processes that open a new SQLite store at once (a "run" and
// a "stats") meet there: switching to WAL takes a lock that the busy
// timeout does not wait for, and two deferred transactions that both read
// schema version 0 and then write get SQLITE_BUSY at once, to avoid a
// deadlock. The one refused tries again and finds the work done.
func retryBusy(ctx context.Context, d Dialect, f func() error) error {
	for wait := 10 * time.Millisecond; ; wait *= 2 {
		err := f()
		if err == nil || d != SQLite || !isBusy(err) || wait > 5*time.Second {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// isBusy reports whether err is SQLite's SQLITE_BUSY ("database is
// locked").
func isBusy(err error) bool {
	return strings.Contains(err.Error(), "SQLITE_BUSY") || strings.Contains(err.Error(), "database is locked")
}

// migrateOnce brings the schema to SchemaVersion in one try.
func migrateOnce(ctx context.Context, db *sql.DB, d Dialect) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS audit_schema_version (version BIGINT NOT NULL)`); err != nil {
		return &Error{Op: "migrate", Err: err}
	}
	for {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return &Error{Op: "migrate", Err: err}
		}
		v, err := schemaVersion(ctx, tx)
		if err != nil {
			tx.Rollback()
			return &Error{Op: "migrate", Err: err}
		}
		if v > SchemaVersion {
			tx.Rollback()
			return &Error{Op: "migrate", Err: fmt.Errorf("%w: version %d, this package knows %d", ErrNewerSchema, v, SchemaVersion)}
		}
		if v == SchemaVersion {
			return tx.Rollback()
		}
		for _, q := range migrations[v] {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				tx.Rollback()
				return &Error{Op: "migrate", Err: fmt.Errorf("to version %d: %w", v+1, err)}
			}
		}
		q := `UPDATE audit_schema_version SET version = ?`
		if v == 0 {
			q = `INSERT INTO audit_schema_version (version) VALUES (?)`
		}
		if _, err := tx.ExecContext(ctx, d.rebind(q), v+1); err != nil {
			tx.Rollback()
			return &Error{Op: "migrate", Err: err}
		}
		if err := tx.Commit(); err != nil {
			return &Error{Op: "migrate", Err: err}
		}
	}
}

// schemaVersion reads the version row, 0 when there is none.
func schemaVersion(ctx context.Context, tx *sql.Tx) (int, error) {
	var v int
	err := tx.QueryRowContext(ctx, `SELECT version FROM audit_schema_version`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}
