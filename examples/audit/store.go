package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"             // database/sql driver "sqlite"

	"github.com/binlogkit/binlogkit/binlog/cdc/audit"
	"github.com/binlogkit/binlogkit/internal/secret"
)

// openStore opens the store that spec names: sqlite:PATH (or a path ending
// in .db), or a postgres:// or postgresql:// URL, with opts (its Dialect
// and Key are set here). keyFile, when not "", holds the HMAC key on its
// first line.
func openStore(ctx context.Context, spec, keyFile string, opts audit.Options) (*audit.Store, *sql.DB, error) {
	if keyFile != "" {
		k, err := secret.ReadFile("--key-file", keyFile)
		if err != nil {
			return nil, nil, err
		}
		opts.Key = []byte(k)
	}
	var db *sql.DB
	var err error
	switch {
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		opts.Dialect = audit.Postgres
		db, err = sql.Open("pgx", spec)
	case strings.HasPrefix(spec, "sqlite:"), strings.HasSuffix(spec, ".db"):
		path := strings.TrimPrefix(spec, "sqlite:")
		if path == "" {
			return nil, nil, fmt.Errorf("--store sqlite:FILE needs a file name")
		}
		opts.Dialect = audit.SQLite
		db, err = sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_pragma=busy_timeout(10000)")
	default:
		return nil, nil, fmt.Errorf("--store %q: want sqlite:FILE or a postgres:// URL", redact(spec))
	}
	if err != nil {
		return nil, nil, err
	}
	s, err := audit.Open(ctx, db, &opts)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return s, db, nil
}

// redact hides the password of a URL.
func redact(spec string) string {
	if u, err := url.Parse(spec); err == nil && u.User != nil {
		return u.Redacted()
	}
	return spec
}
