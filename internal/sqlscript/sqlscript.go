// Package sqlscript writes what a binlog holds (statement text, database
// names, GTIDs, file names) into SQL scripts read by the mysql and mariadb
// command-line clients, as in "binlog2sql ... | mariadb" or
// "binlogdump ... | mariadb", so that the client sends the server exactly
// the statements meant, each one whole, and runs nothing of its own.
//
// The client is not a SQL parser. It reads the script line by line and
// cuts statements at its delimiter (";" unless a DELIMITER command changed
// it) wherever the delimiter appears outside quotes and /* */ comments; it
// drops # and "-- " comments up to the end of the line; and it runs client
// commands of its own: a backslash outside quotes (\! runs a shell command,
// \. a script, \g sends the statement so far, \d changes the delimiter),
// and a statement whose first word is a command name (system, source, use,
// delimiter, quit, ...). So event text is unsafe in a script in three ways:
//
//   - in a comment: a line break in a # or -- comment, or */ in a /* */
//     comment, ends it, and what follows runs as SQL. AppendComment and
//     AppendCommentLines write text for comments.
//   - as a statement: a ";" inside a procedure body, or a trailing
//     "-- comment" that swallows the delimiter written after it, make the
//     client cut the text elsewhere than meant; an unterminated quote or
//     comment swallows the statements after it; a backslash or a leading
//     command word runs a client command. AppendStatement checks the text
//     as the client will read it, refuses what it cannot write safely
//     (ErrUnsafe), and frames the rest with a delimiter that does not
//     occur in it, as mysqlbinlog does with its DELIMITER /*!*/;.
//   - as a name after USE: the client runs USE itself and reads the name
//     with its own rules, which in some versions undo backslashes even in
//     backquotes (client/mysql.cc, get_arg). AppendUse writes USE so that
//     the name reaches the server as written.
//
// The rules followed are those of the MariaDB 10.11 client (client/mysql.cc:
// add_line, find_command, get_arg), the client the tests run, whose code the
// MySQL client shares, in a session whose sql_mode has neither ANSI_QUOTES
// nor NO_BACKSLASH_ESCAPES (the server's default, and what rowevent.Header
// sets): in such a session the client and the server agree on where quoted
// strings end. A statement text that holds several statements is sent
// whole, as one, and the server runs each of them (the client connects with
// CLIENT_MULTI_STATEMENTS), as it does with mysqlbinlog's output: the text
// is the log's.
package sqlscript

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnsafe: a statement text cannot be written into a script so that the
// client sends exactly it, as one statement, and runs no command of its
// own.
var ErrUnsafe = errors.New("sqlscript: statement cannot be written safely for the mysql client")

// MysqlbinlogDelimiter is the delimiter of mysqlbinlog's output (after its
// "DELIMITER /*!*/;" line): a statement ends with "/*!*/;", which is also
// harmless SQL when a client reads the script with ";" as its delimiter.
const MysqlbinlogDelimiter = "/*!*/;"

const hexDigits = "0123456789abcdef"

// AppendComment appends s for the inside of a one-line comment (# ..., --
// ..., /* ... */): a backslash is written \\, a line feed \n, a carriage
// return \r, other control characters (but tab) and DEL \xNN, and */ as
// *\/, so that the text can neither end the comment nor start a line of
// its own. Other bytes, UTF-8 included, are written as they are.
func AppendComment(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			dst = append(dst, '\\', '\\')
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c < 0x20 && c != '\t' || c == 0x7f:
			dst = append(dst, '\\', 'x', hexDigits[c>>4], hexDigits[c&15])
		case c == '*' && i+1 < len(s) && s[i+1] == '/':
			dst = append(dst, '*', '\\')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// AppendCommentLines appends s as comment lines, as mysqlbinlog prints a
// Rows_query or Annotate_rows event: each line of s (lines end at \r\n, \n
// or \r) as prefix (such as "#Q> "), the line, and a line feed, with
// control characters other than tab written \xNN. Nothing is appended for
// an empty s.
func AppendCommentLines(dst []byte, prefix, s string) []byte {
	for len(s) > 0 {
		n := strings.IndexAny(s, "\r\n")
		line := s
		if n >= 0 {
			line = s[:n]
		}
		dst = append(dst, prefix...)
		for i := 0; i < len(line); i++ {
			c := line[i]
			if c < 0x20 && c != '\t' || c == 0x7f {
				dst = append(dst, '\\', 'x', hexDigits[c>>4], hexDigits[c&15])
				continue
			}
			dst = append(dst, c)
		}
		dst = append(dst, '\n')
		if n < 0 {
			break
		}
		if s[n] == '\r' && n+1 < len(s) && s[n+1] == '\n' {
			n++
		}
		s = s[n+1:]
	}
	return dst
}

// AppendUse appends keyword ("USE" or "use") and db quoted as an
// identifier, without a delimiter. The client runs USE itself and reads
// the name its own way, which in some versions drops backslashes; a name
// holding one is written without a space after the keyword ("USE`a\b`"),
// which the client does not take for its command and sends to the server
// as it is.
func AppendUse(dst []byte, keyword, db string) []byte {
	dst = append(dst, keyword...)
	if strings.IndexByte(db, '\\') < 0 {
		dst = append(dst, ' ')
	}
	dst = append(dst, '`')
	for i := 0; i < len(db); i++ {
		if db[i] == '`' {
			dst = append(dst, '`')
		}
		dst = append(dst, db[i])
	}
	return append(dst, '`')
}

// AppendStatement appends text as one statement of a script that the
// client reads with delimiter delim (";", or MysqlbinlogDelimiter after
// "DELIMITER /*!*/;"), and leaves delim in force after it:
//
//	text<delim>                         delim does not occur in text
//	text                                ... and text ends in a # or -- comment,
//	<delim>                             or ownLine is set
//
//	DELIMITER <d>                       delim occurs in text (a ";" in a
//	text                                procedure body, in a string): d is
//	<d>                                 a delimiter that does not
//	DELIMITER <delim>                   ("/*!*/;" when it can)
//
// It returns dst unchanged and an error wrapping ErrUnsafe when the client
// would not send text as it is, whole and alone: text ends inside a quoted
// string or a /* */ comment (the client would go on reading the script into
// it); text has a backslash outside quotes and comments other than \N
// (a client command such as \! or \g); text starts, comments aside, with a
// client command word (system, source, delimiter, use, quit, ...) or with
// "--" not followed by a space.
func AppendStatement(dst []byte, text, delim string, ownLine bool) ([]byte, error) {
	lineComment, err := Check(text)
	if err != nil {
		return dst, err
	}
	if !strings.Contains(text, delim) {
		dst = append(dst, text...)
		if (ownLine || lineComment) && !strings.HasSuffix(text, "\n") {
			dst = append(dst, '\n')
		}
		dst = append(dst, delim...)
		return append(dst, '\n'), nil
	}
	d, ok := pickDelimiter(text)
	if !ok {
		return dst, fmt.Errorf("%w: no delimiter fits (the text holds long runs of every candidate)", ErrUnsafe)
	}
	dst = append(dst, "DELIMITER "...)
	dst = append(dst, d...)
	dst = append(dst, '\n')
	dst = append(dst, text...)
	if !strings.HasSuffix(text, "\n") {
		dst = append(dst, '\n')
	}
	dst = append(dst, d...)
	dst = append(dst, "\nDELIMITER "...)
	dst = append(dst, delim...)
	return append(dst, '\n'), nil
}

// maxDelimiter is the longest delimiter the client keeps (char
// delimiter[16]).
const maxDelimiter = 15

// pickDelimiter returns a delimiter that does not occur in text:
// mysqlbinlog's /*!*/; when it can, else /*!*/ followed by more semicolons
// than any run of them in text, else a run of a punctuation character
// longer than any run of it in text.
func pickDelimiter(text string) (string, bool) {
	if !strings.Contains(text, MysqlbinlogDelimiter) {
		return MysqlbinlogDelimiter, true
	}
	if n := longestRun(text, ';') + 1; len("/*!*/")+n <= maxDelimiter {
		return "/*!*/" + strings.Repeat(";", n), true
	}
	for _, c := range []byte("$|~^@%&:=+!") {
		if n := longestRun(text, c) + 1; n <= maxDelimiter {
			return strings.Repeat(string(c), n), true
		}
	}
	return "", false
}

func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

// clientCommands are the names of the client's commands (MariaDB 10.11 and
// 11, MySQL 8): a statement whose first word is one of them runs as the
// command.
var clientCommands = []string{
	"?", "charset", "clear", "connect", "delimiter", "edit", "ego", "exit", "go", "help",
	"nopager", "notee", "nowarning", "pager", "print", "prompt", "query_attributes", "quit",
	"rehash", "resetconnection", "sandbox", "source", "ssl_session_data_print", "status",
	"system", "tee", "use", "warnings",
}

// Check reads text as the client reads a statement (see AppendStatement)
// and returns an error wrapping ErrUnsafe when it cannot be written as one;
// otherwise it reports whether text ends inside a # or -- comment (so that
// a delimiter after it needs a line of its own).
func Check(text string) (endsInLineComment bool, err error) {
	r, err := scan(text)
	return r.lineComment, err
}

// HasSemicolon reports whether the client reads a ";" in text outside
// quoted strings and comments: text is a compound statement (a procedure
// body) or several statements. Servers log transaction control (BEGIN,
// COMMIT, SAVEPOINT, ...) without one.
func HasSemicolon(text string) bool {
	r, _ := scan(text)
	return r.semicolon
}

type scanned struct {
	lineComment bool // text ends inside a # or -- comment
	semicolon   bool // a ";" outside quotes and comments
}

func scan(text string) (r scanned, err error) {
	var (
		quote    byte // the quote of the string the client is in, 0 outside
		ml       bool // inside a /* */ comment (not /*! or /*M!)
		ss       bool // the client's ss_comment: /*! seen on this line, its */ not yet
		line     bool // inside a # or -- comment, to the end of the line
		retained bool // the client has kept part of the statement (its buffer is not empty)
		first    = -1 // offset of the first byte kept
	)
	keep := func(i int) {
		if !retained {
			retained, first = true, i
		}
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		next := byte(0)
		if i+1 < len(text) {
			next = text[i+1]
		}
		if c == '\n' {
			// The client reads the next line; the comment to the end of
			// the line, and its ss_comment flag, end here.
			line, ss = false, false
			continue
		}
		if line {
			continue
		}
		if !retained && isSpace(c) {
			continue // the client skips blanks before a statement
		}
		switch {
		case !ml && c == '\\' && quote != '`':
			if next == 0 && i+1 < len(text) {
				// The client drops the rest of the line after "\" and
				// NUL (--binary-mode): a closing quote there would be lost.
				return r, fmt.Errorf("%w: a backslash before a NUL byte at byte %d", ErrUnsafe, i)
			}
			if quote != 0 {
				// An escape inside a string: the next byte is part of it
				// (a line feed still ends the client's line).
				if next != '\n' {
					i++
				}
				continue
			}
			if next == 'N' {
				keep(i) // \N is NULL
				i++
				continue
			}
			return r, fmt.Errorf("%w: a backslash outside quotes at byte %d would run a client command", ErrUnsafe, i)
		case !ml && quote == 0 && (c == '#' || c == '-' && next == '-' && (endsDashes(text, i) || !retained)):
			if c == '-' && !endsDashes(text, i) {
				// The client drops "--x" at the start of a statement, the
				// server reads it as two minus signs: they disagree.
				return r, fmt.Errorf("%w: the statement starts with %q", ErrUnsafe, "--")
			}
			line = true
		case quote == 0 && c == '/' && next == '*' && !(i+2 < len(text) && (text[i+2] == '!' ||
			text[i+2] == 'M' && i+3 < len(text) && text[i+3] == '!')):
			ml = true
			i++
		case ml && !ss && c == '*' && next == '/':
			ml = false
			i++
		default:
			if quote == 0 && c == '/' && next == '*' && i+2 < len(text) && text[i+2] == '!' {
				ss = true
			} else if quote == 0 && ss && c == '*' && next == '/' {
				ss = false
			}
			if c == quote {
				quote = 0
			} else if !ml && quote == 0 && (c == '\'' || c == '"' || c == '`') {
				quote = c
			} else if !ml && quote == 0 && c == ';' {
				r.semicolon = true
			}
			if !ml {
				keep(i)
			}
		}
	}
	switch {
	case quote != 0:
		return r, fmt.Errorf("%w: the text ends inside a %c-quoted string", ErrUnsafe, quote)
	case ml:
		return r, fmt.Errorf("%w: the text ends inside a /* comment", ErrUnsafe)
	}
	if first >= 0 {
		// The first word the client keeps: letters (or "?"), up to
		// anything else. A command name there runs as the command.
		j := first
		for j < len(text) && (text[j]|0x20 >= 'a' && text[j]|0x20 <= 'z' || text[j] == '_') {
			j++
		}
		if j == first && text[j] == '?' {
			j++
		}
		for _, cmd := range clientCommands {
			if strings.EqualFold(text[first:j], cmd) {
				return r, fmt.Errorf("%w: the statement starts with %q, a command of the client", ErrUnsafe, text[first:j])
			}
		}
	}
	r.lineComment = line
	return r, nil
}

// endsDashes reports whether the "--" at text[i:] is followed by what the
// client takes for the end of a "--" comment's opener: a blank, a NUL byte
// or the end of the line.
func endsDashes(text string, i int) bool {
	return i+2 >= len(text) || isSpace(text[i+2]) || text[i+2] == 0
}

// isSpace reports whether the client's my_isspace holds for c (in its
// utf8mb4 and latin1 character sets).
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}
