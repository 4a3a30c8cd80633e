package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
