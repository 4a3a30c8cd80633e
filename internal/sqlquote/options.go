package sqlquote

// ValueOptions tunes the literals of rowevent (its appendValue) and
// AppendBinaryOperand. The zero value suits MariaDB and writes
// literals that mean the same in any session (see the package
// documentation).
type ValueOptions struct {
	// JSONCast writes JSON values as CAST(_utf8mb4 X'…' AS JSON), as MySQL's
	// JSON type wants when comparing; by default they are string literals
	// (MariaDB's JSON is LONGTEXT).
	JSONCast bool
	// TextLiterals writes character strings and JSON that AppendText can
	// write as text, 'émile' or 'a\nb', rather than _charset X'…'. Such SQL
	// is exact only in a session with a utf8mb4 connection character set
	// and a sql_mode without NO_BACKSLASH_ESCAPES, as rowevent.Header sets:
	// set it only for SQL that runs after that header.
	TextLiterals bool
}
