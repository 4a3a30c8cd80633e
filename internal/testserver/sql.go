package testserver

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-mysql-org/go-mysql/client"
	"github.com/go-mysql-org/go-mysql/mysql"
)

// session returns the shared connection, reconnecting if it was lost.
// s.mu must be held.
func (s *Server) session() (*client.Conn, error) {
	if s.exited == nil {
		return nil, errClosed
	}
	select {
	case <-s.exited:
		return nil, fmt.Errorf("testserver: mariadbd has exited (%v)\n%s", s.waitErr, s.logTail())
	default:
	}
	if s.conn == nil {
		c, err := s.connectSocket(context.Background(), "")
		if err != nil {
			return nil, fmt.Errorf("testserver: connect: %w", err)
		}
		s.conn = c
	}
	return s.conn, nil
}

// execute runs one statement on the shared session. s.mu must be held.
func (s *Server) execute(q string) (*mysql.Result, error) {
	c, err := s.session()
	if err != nil {
		return nil, err
	}
	r, err := c.Execute(q)
	if err != nil {
		var myErr *mysql.MyError
		if !asMyError(err, &myErr) {
			// A network error: the session is gone, reconnect next time.
			c.Close()
			s.conn = nil
		}
		return nil, fmt.Errorf("testserver: %s: %w", abbrev(q), err)
	}
	return r, nil
}

func asMyError(err error, target **mysql.MyError) bool {
	for err != nil {
		if e, ok := err.(*mysql.MyError); ok {
			*target = e
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			// pingcap/errors wraps with Cause.
			c, ok := err.(interface{ Cause() error })
			if !ok {
				return false
			}
			err = c.Cause()
			continue
		}
		err = u.Unwrap()
	}
	return false
}

// abbrev shortens a statement for error messages.
func abbrev(q string) string {
	q = strings.TrimSpace(q)
	if len(q) > 200 {
		return q[:200] + "..."
	}
	return q
}

// Exec runs each statement in order on the server's shared session and
// stops at the first error. Each string holds one statement.
func (s *Server) Exec(sqls ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, q := range sqls {
		r, err := s.execute(q)
		if err != nil {
			return err
		}
		if r != nil {
			r.Close()
		}
	}
	return nil
}

// Query runs q on the shared session and returns its rows. Each value is
// the server's text form as raw bytes, nil for NULL.
func (s *Server) Query(q string) ([][][]byte, error) {
	_, rows, err := s.QueryColumns(q)
	return rows, err
}

// QueryColumns is like Query and also returns the column names.
func (s *Server) QueryColumns(q string) ([]string, [][][]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.execute(q)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	if r.Resultset == nil {
		return nil, nil, nil
	}
	cols := make([]string, len(r.Fields))
	for i, f := range r.Fields {
		cols[i] = string(f.Name)
	}
	rows := make([][][]byte, 0, len(r.RowDatas))
	for _, rd := range r.RowDatas {
		row := make([][]byte, 0, len(cols))
		p := []byte(rd)
		for range cols {
			v, isNull, n, err := mysql.LengthEncodedString(p)
			if err != nil {
				return nil, nil, fmt.Errorf("testserver: %s: bad row: %w", abbrev(q), err)
			}
			p = p[n:]
			if isNull {
				row = append(row, nil)
			} else {
				row = append(row, bytes.Clone(v))
			}
		}
		rows = append(rows, row)
	}
	return cols, rows, nil
}

// QueryValue runs q and returns the first column of its first row ("" and
// no error when there is no row; NULL gives "NULL").
func (s *Server) QueryValue(q string) (string, error) {
	rows, err := s.Query(q)
	if err != nil || len(rows) == 0 || len(rows[0]) == 0 {
		return "", err
	}
	if rows[0][0] == nil {
		return "NULL", nil
	}
	return string(rows[0][0]), nil
}

// QuoteIdent quotes a MariaDB identifier with backquotes.
func QuoteIdent(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

// qualified quotes "db.table" (or "table") as `db`.`table`.
func qualified(table string) string {
	if db, t, ok := strings.Cut(table, "."); ok {
		return QuoteIdent(db) + "." + QuoteIdent(t)
	}
	return QuoteIdent(table)
}

// Checksum returns CHECKSUM TABLE ... EXTENDED for table, written "db.table"
// (or just "table" for the session's current database).
func (s *Server) Checksum(table string) (string, error) {
	rows, err := s.Query("CHECKSUM TABLE " + qualified(table) + " EXTENDED")
	if err != nil {
		return "", err
	}
	if len(rows) != 1 || len(rows[0]) != 2 || rows[0][1] == nil {
		return "", fmt.Errorf("testserver: no checksum for %s (does the table exist?)", table)
	}
	return string(rows[0][1]), nil
}

// FlushBinaryLogs closes the current binary log and opens the next one.
func (s *Server) FlushBinaryLogs() error {
	return s.Exec("FLUSH BINARY LOGS")
}

// BinlogPaths returns the absolute paths of the server's binary logs, in
// order, as listed in binlog.index. The last one is the log being written.
func (s *Server) BinlogPaths() ([]string, error) {
	f, err := os.Open(filepath.Join(s.dir, "binlog.index"))
	if err != nil {
		return nil, fmt.Errorf("testserver: %w", err)
	}
	defer f.Close()
	var paths []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.TrimSpace(sc.Text())
		if p == "" {
			continue
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(s.dataDir, p)
		}
		paths = append(paths, filepath.Clean(p))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("testserver: read binlog.index: %w", err)
	}
	return paths, nil
}

// ExecScript runs a multi-statement SQL script through the mariadb
// command-line client over the server's socket, in its own session (state
// from Exec does not carry over, and none carries back). Statements end
// with ';'; strings may contain ';', NUL bytes and any UTF-8 text; the
// script is sent in utf8mb4. Errors carry the client's message, which names
// the failing line.
func (s *Server) ExecScript(script string) error {
	return s.ExecScriptContext(context.Background(), script)
}

// ExecScriptContext is ExecScript with a context bounding the run.
func (s *Server) ExecScriptContext(ctx context.Context, script string) error {
	if s.bins.client == "" {
		return fmt.Errorf("testserver: ExecScript needs the mariadb client (apt-get install mariadb-client)")
	}
	if s.exited == nil {
		return errClosed
	}
	cmd := exec.CommandContext(ctx, s.bins.client,
		"--no-defaults",
		"--socket="+s.socket,
		"--user=root",
		"--binary-mode",
		"--batch",
		"--default-character-set=utf8mb4",
		"--max-allowed-packet=256M",
	)
	cmd.Stdin = strings.NewReader(script)
	cmd.WaitDelay = 5 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("testserver: script failed: %v\n%s", err, tail(out, 4000))
	}
	return nil
}
