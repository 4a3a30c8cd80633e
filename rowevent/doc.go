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
// are written in UTC), the utf8mb4 connection character set (identifiers are
// written in UTF-8) and sql_mode='NO_AUTO_VALUE_ON_ZERO' (a logged 0 in an
// AUTO_INCREMENT column stays 0; zero dates are accepted). Literals do not
// depend on the sql_mode or on the connection character set: see package
// internal/sqlquote.
//
// Rows are located by primary key (TableMap.PrimaryKey) when it is known and
// present in the image, else by every column of the image except those
// whose equality is unreliable (FLOAT, DOUBLE, JSON), with LIMIT 1.
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
