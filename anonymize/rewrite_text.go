package anonymize

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/binlogkit/binlogkit/internal/sqllex"
)

// TextOptions configures RewriteSQL. The zero value (or nil) reads
// statements of at most 256 MiB.
type TextOptions struct {
	// MaxStatement is the most bytes RewriteSQL holds in memory: the
	// largest statement (a multi-row INSERT of a dump is one) or line.
	// Zero means 256 MiB.
	MaxStatement int
}

// ErrStatementTooLarge is returned by RewriteSQL for a statement larger
// than TextOptions.MaxStatement.
var ErrStatementTooLarge = errors.New("anonymize: SQL statement too large")

// RewriteSQL copies the SQL script read from r (a mysqldump or
// mariadb-dump file, the output of binlog2sql) to w with its literals
// masked by m (Masker.AppendSQL): keywords, identifiers, quotes, comments
// and layout are kept. Only literals are masked: the row images inside the
// BINLOG '...' base64 blocks of mariadb-binlog (mysqlbinlog) output are
// not; rewrite the binlog itself (Rewrite) for that.
//
// The script is read line by line and masked statement by statement: it is
// cut after each ";" that the server's lexer (internal/sqllex) reads as
// punctuation, never inside a quoted string or a comment, so memory is
// bounded by the largest statement (TextOptions.MaxStatement) plus one
// line. The text is read in the default sql_mode (backslash escapes on,
// "double quotes" for strings), as dumps and binlog2sql output are.
//
// It returns the number of bytes written. Errors of reading or writing are
// returned as they are; a statement too large wraps ErrStatementTooLarge
// and names the line it starts on.
func RewriteSQL(w io.Writer, r io.Reader, m *Masker, opts *TextOptions) (int64, error) {
	limit := 256 << 20
	if opts != nil && opts.MaxStatement > 0 {
		limit = opts.MaxStatement
	}
	if m == nil {
		return 0, errors.New("anonymize: RewriteSQL needs a Masker")
	}
	br := bufio.NewReaderSize(r, 64<<10)
	var (
		pending   []byte // text read and not masked yet
		scanned   int    // pending[:scanned] holds whole tokens without a cut
		out       []byte
		written   int64
		line      = 1 // line of pending[0]
		readErr   error
		writeMore = func(force bool) error {
			if len(out) < 64<<10 && !force {
				return nil
			}
			n, err := w.Write(out)
			written += int64(n)
			out = out[:0]
			return err
		}
	)
	mask := func(text []byte) error {
		var err error
		if out, err = m.AppendSQL(out, string(text)); err != nil {
			return fmt.Errorf("anonymize: SQL at line %d: %w", line, err)
		}
		return writeMore(false)
	}
	for readErr == nil {
		var chunk []byte
		chunk, readErr = br.ReadSlice('\n')
		if readErr == bufio.ErrBufferFull {
			readErr = nil
		}
		pending = append(pending, chunk...)
		if len(pending) > limit {
			return written, tooLarge(pending, line, limit)
		}
		if len(chunk) > 0 && chunk[len(chunk)-1] != '\n' && readErr == nil {
			// A long line: wait for its end, so that a cut never falls
			// in a "-- comment" whose end is not read yet.
			continue
		}
		cut, resume := lastCut(pending, scanned)
		scanned = resume
		if cut > 0 {
			if err := mask(pending[:cut]); err != nil {
				return written, err
			}
			for _, c := range pending[:cut] {
				if c == '\n' {
					line++
				}
			}
			pending = append(pending[:0], pending[cut:]...)
			scanned -= cut
		}
	}
	if readErr != io.EOF {
		return written, readErr
	}
	if len(pending) > 0 {
		if err := mask(pending); err != nil {
			return written, err
		}
	}
	return written, writeMore(true)
}

// tooLarge returns the error of a statement, at the start of pending
// (whose first byte is on line line), larger than limit.
func tooLarge(pending []byte, line, limit int) error {
	for _, c := range pending {
		if c == '\n' {
			line++
		} else if !sqllex.IsBlank(c) {
			break
		}
	}
	return fmt.Errorf("%w: the statement at line %d passes %d bytes", ErrStatementTooLarge, line, limit)
}

// lastCut lexes text from offset from (a token boundary) and returns the
// offset just after its last ";" token (0 if none), and the offset from
// which to lex again once more text is appended: the start of a token the
// text ends inside (an unterminated quote or comment) or after its last
// whole token.
func lastCut(text []byte, from int) (cut, resume int) {
	src := string(text[from:])
	l := sqllex.New(src, 0)
	for {
		p := l.Pos()
		t := l.Next()
		if t.Kind == sqllex.EOF {
			return cut, from + p
		}
		if t.Kind == sqllex.Punct && src[t.Start] == ';' {
			cut = from + t.End
		}
	}
}
