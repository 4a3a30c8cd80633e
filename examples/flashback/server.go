package main

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/go-mysql-org/go-mysql/client"
	"github.com/go-mysql-org/go-mysql/driver"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/cliflag"
	"github.com/binlogkit/binlogkit/internal/schemaload"
)

// serverConfig is the server of --check DSN, or of -h -P -u (User comes
// from -u, Addr from -h and -P). Addr is "" when no server is given.
type serverConfig struct {
	host string
	port uint
	cliflag.DSN
}

// openDB returns the *sql.DB of the conflict check. The connector is built
// field by field: no DSN string holds the password.
func (s *serverConfig) openDB() *sql.DB {
	return sql.OpenDB(driver.Connector{Addr: s.Addr, User: s.User, Password: s.Password})
}

// loadSchema reads the server's current table definitions of databases
// (all when nil), for binlogs without column names.
func (s *serverConfig) loadSchema(databases []string) (binlog.Schema, error) {
	c, err := client.ConnectWithTimeout(s.Addr, s.User, s.Password, "", 10*time.Second)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", s.Addr, err)
	}
	defer c.Close()
	// go-mysql announces a MySQL 8 collation MariaDB lacks: be explicit.
	if _, err := c.Execute("SET NAMES utf8mb4"); err != nil {
		return nil, fmt.Errorf("%s: %w", s.Addr, err)
	}
	st, err := schemaload.Load(c, databases)
	if err != nil {
		return nil, fmt.Errorf("reading the table definitions from %s: %w", s.Addr, err)
	}
	return lenientSchema{st}, nil
}

// lenientSchema is the server's schema with the mismatch policy "skip":
// a binlog with column names (binlog_row_metadata=FULL) keeps its own for a
// table altered since, instead of failing.
type lenientSchema struct{ binlog.StaticSchema }

func (lenientSchema) SkipSchemaMismatch() bool { return true }

var _ binlog.MismatchPolicy = lenientSchema{}
