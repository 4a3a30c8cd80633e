package audit

import (
	"strconv"
	"strings"
)

// Dialect names the SQL database behind a Store. The package imports no
// driver: the caller opens the *sql.DB with the driver of its choice, so a
// program that uses SQLite does not link a PostgreSQL driver, and the
// reverse. Everything that differs between the two is in this file.
type Dialect string

const (
	// SQLite is SQLite 3, for example through modernc.org/sqlite (pure Go)
	// with the driver name "sqlite". Open switches the file to WAL mode.
	SQLite Dialect = "sqlite"
	// Postgres is PostgreSQL, for example through
	// github.com/jackc/pgx/v5/stdlib with the driver name "pgx".
	Postgres Dialect = "postgres"
)

func (d Dialect) valid() bool { return d == SQLite || d == Postgres }

// rebind rewrites the "?" placeholders of q for the dialect: PostgreSQL
// numbers them ($1, $2, ...). The package's queries hold no "?" in a
// literal.
func (d Dialect) rebind(q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// setup returns the statements run on Open before the schema is checked.
func (d Dialect) setup() []string {
	if d == SQLite {
		// WAL: readers (verify, queries) do not block the writer. NORMAL
		// synchronous is durable across a crash of the process; a power
		// loss may roll back the last commits, checkpoint included, which
		// the pipeline then delivers again.
		return []string{"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=10000"}
	}
	return nil
}
