package rowevent

import "github.com/binlogkit/binlogkit/internal/sqlquote"

// AppendIdent appends name quoted as a MySQL and MariaDB identifier:
// `name`, with every backquote in it doubled. It is the quoting rowevent
// uses for databases, tables and columns; a program that writes SQL of
// its own (a savepoint, a USE) quotes names with it too. name is written
// as is, for a connection in utf8mb4.
func AppendIdent(dst []byte, name string) []byte { return sqlquote.AppendIdent(dst, name) }

// Ident returns name quoted as an identifier (see AppendIdent).
func Ident(name string) string { return sqlquote.Ident(name) }

// AppendQualifiedName appends `db`.`table`, or `table` alone when db is "".
func AppendQualifiedName(dst []byte, db, table string) []byte {
	return sqlquote.AppendQualified(dst, db, table)
}
