// Package rowevent turns binlog row events into SQL: forward statements that
// redo what an event did (INSERT for WRITE_ROWS, UPDATE for UPDATE_ROWS,
// DELETE for DELETE_ROWS) and inverse statements that undo it (DELETE,
// UPDATE back to the before image, INSERT), as binlog2sql and MyFlash do.
//
// The functions are pure: everything they use is an argument (the *binlog.Rows
// with its table map, the Options), they do no I/O and read no clock.
// AppendForward and AppendInverse append to a buffer, like strconv's Append
// functions; Forward and Inverse return strings.
//
// The SQL is meant to be applied as is by the mysql or mariadb client after
// the statements of Header, which set time_zone='+00:00' (TIMESTAMP values
// are written in UTC), the utf8mb4 connection character set (identifiers
// and text are written in UTF-8) and sql_mode='NO_AUTO_VALUE_ON_ZERO' (a
// logged 0 in an AUTO_INCREMENT column stays 0; zero dates are accepted;
// backslash escapes in strings are on, NO_BACKSLASH_ESCAPES being off).
//
// Each statement ends with ";", then the comment of Options.Origin when
// asked, then a line feed. Nothing an event or a caller holds can end a
// statement early or start one of its own: identifiers are quoted with
// backquotes (a backquote doubled; the client reads a line break inside
// them as part of the name), literals escape their line breaks, and the
// comment escapes what could end it (a line break in the GTID is written
// \n). A statement is one line unless a name holds a line break.
// Statements that are not row changes (the DDL that binlog2sql passes
// through) are not this package's: see examples/binlog2sql.
//
// Options and ChangeOptions work as their zero value, and a nil pointer
// means the zero value: each field's documentation says, in a sentence
// that starts "Zero means", what its zero value does.
//
// Errors are sentinels (ErrNoTable, ErrNoColumnNames, ErrIncompleteImage,
// ErrNoLiteral, ErrBadRows) for errors.Is, inside an *Error that carries
// the table, the row's index in the event and the column, for errors.As.
//
// # Identifiers
//
// AppendIdent and Ident quote a name as the statements of this package
// quote databases, tables and columns: `name`, a backquote doubled. This
// package is binlogkit's public home of SQL identifiers and literals: a
// program that writes SQL of its own around the statements (a USE, a
// SAVEPOINT) quotes with them rather than with a copy of the rule.
//
// # Literals
//
// AppendLiteral and Literal write one value's literal, as the statements
// do (recovery scripts that build their own SQL need them). Text is written
// as text, so that a DBA can review a rollback before applying it:
//
//	'émile'  '李四'  'it''s'  'C:\\dir'  'line\nnext'
//
// with a quote doubled and backslash, NUL, newline, carriage return, tab
// and 0x1A written \\, \0, \n, \r, \t and \Z, so that every statement
// stays on one line. That is exact only in the session Header sets. It
// applies to utf8mb4, utf8mb3 and ascii columns holding valid UTF-8, to
// latin1 (MySQL's cp1252) columns whose bytes all map to graphic
// characters (0xE9 é, 0x80 €, 0x92 ’; the server converts the UTF-8 back
// to the same bytes), to printable ASCII without a backslash in any
// ASCII-compatible charset, and to JSON. Anything else is written
// in hexadecimal, as _charset X'…' (X'…' for binary strings): invalid
// sequences, text in other charsets (gbk, sjis, …: they cannot travel
// byte for byte through a utf8mb4 connection), control characters other
// than those escaped (ESC, DEL, C1 controls), and characters that are not
// graphic (bidirectional overrides such as U+202E, which would make a
// terminal show the line in another order; zero-width and format
// characters other than the joiners U+200C and U+200D; line separators;
// private use; unassigned). Options.HexStrings writes every string that is
// not plain printable ASCII in hexadecimal, as earlier versions did: SQL
// that means the same in any session, whatever its sql_mode and character
// set. Text literals also need a client that reads the script as UTF-8 (or
// latin1): the mysql and mariadb clients with
// --default-character-set=utf8mb4 or in a UTF-8 locale. A client set to
// gbk, big5 or sjis could take a UTF-8 byte and the backslash after it for
// one character.
//
// FLOAT values are written as the shortest text that the server, which
// reads it as a DOUBLE and rounds that to FLOAT, turns into the same float32
// (for ±7.038531e-26, the only float32 whose shortest text rounds twice to
// its neighbour, the float32's exact value); DOUBLE values as the shortest
// text that reads back the same; -0 as -0e0.
//
// # Locating rows
//
// UPDATE and DELETE locate their row by primary key (TableMap.PrimaryKey:
// the PRIMARY KEY, or a UNIQUE key over NOT NULL columns, which the server
// logs as the primary key of a table that has none) when it is known and
// present in the image. Otherwise
// (no primary key, as with a table whose only UNIQUE key has NULLable
// columns, which many rows may share as NULLs; Options.WhereAllColumns; an
// image without the key columns) they match every column of the image and
// end in LIMIT 1, so that the row changed is identical to the image in
// every column the server can compare exactly; LIMIT 1 only chooses among
// such twins. The columns are compared so:
//
//   - NULL by IS NULL;
//   - character strings byte for byte, CAST(`c` AS BINARY)='émile' (a
//     collation would find 'Émile' or 'émile ' too); latin1 text beyond
//     ASCII as CAST(`c` AS BINARY)=CONVERT('café' USING latin1);
//     Options.HexStrings: CAST(`c` AS BINARY)=X'…';
//   - DOUBLE by a DOUBLE literal with an exponent that reads back as the
//     same bits, `d`=1e-1 (without an exponent, 0.1 would be a DECIMAL);
//     FLOAT by the exact value of its float32 as a DOUBLE literal,
//     `f`=1.0000000149011612e-1, since the server widens the FLOAT to
//     DOUBLE to compare it (`f`=0.1 finds nothing). = does not tell 0 from
//     -0, which MySQL stores (MariaDB stores -0 as 0), so a zero also needs
//     ATAN2(`d`,-1)>0 (pi for 0, -pi for -0); a -0 is preferred by ORDER BY
//     (ATAN2(`d`,-1)<0) DESC rather than required, so that a -0 of a MySQL
//     binlog applied to MariaDB, which stored it as 0, is still found. NaN
//     and infinities cannot be stored and give ErrNoLiteral;
//   - MySQL JSON (binary JSON, KindJSON): MySQL's = compares JSON values
//     (key order and spacing never matter; numbers compare by value, so 1
//     and 1.0 match alike), and JSON text cannot carry every stored value
//     (a DATETIME or DECIMAL inside a document built by JSON_OBJECT('d',
//     NOW()) comes back as a string or a DOUBLE), so a JSON condition
//     could miss the row, and the statement would silently change nothing.
//     JSON is therefore preferred, not required:
//     ORDER BY (`j`=CAST('…' AS JSON)) DESC with Options.JSONCast (MySQL),
//     else ORDER BY (CAST(`j` AS BINARY)='…') DESC. When the image has no
//     other column, the comparison is the WHERE. MariaDB's JSON is LONGTEXT,
//     logged as a string, and compared byte for byte like one;
//   - other values by =, `n`=42, `t`='2024-05-01 12:00:00.000000', `e`='a'.
//
// Partial JSON updates (KindJSONDiff) and columns the image lacks are not
// compared. The primary key is compared with = and the literals above
// (FLOAT and DOUBLE exactly).
//
// # Change records
//
// AppendChangeJSON writes one JSON object per row change for CDC consumers:
// op, database, table, pk, before, after, commit_time,
// source{file,pos,gtid,server_id} and transaction{id,index}. The keys and
// value types are documented on Change; values are written exactly as
// binlog.Value.MarshalJSON writes them (unsigned stays unsigned, DECIMAL
// keeps its scale, TIMESTAMP is RFC 3339 UTC). Like the SQL functions it is
// pure: the transaction context comes in a Change argument.
package rowevent
