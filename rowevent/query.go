package rowevent

import (
	"strings"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/sqlscript"
)

// AppendQuery appends the statement of q (DDL, statement-logged DML, SET)
// to a SQL script that starts with Header, as the mysql client must read
// it: after a USE of q's default database when it differs from *curDB
// (not for transaction control)
// (which it updates; never before CREATE/ALTER/DROP DATABASE, which must
// not follow a USE of the database they name), whole, as one statement,
// with nothing of it run as a client command (text with ";" in it is
// framed by DELIMITER lines, as mysqlbinlog does). A statement that may
// change the session (one with SET in it: SET NAMES, SET time_zone, SET
// STATEMENT ...) is followed by Header again, so that the literals after
// it keep their meaning.
//
// Text the client would read otherwise (an unterminated quote or comment,
// a backslash command, a leading client command word) gives an error
// wrapping sqlscript's ErrUnsafe, and dst unchanged.
func AppendQuery(dst []byte, q *binlog.Query, curDB *string) ([]byte, error) {
	text := strings.TrimSpace(q.Query)
	if _, err := sqlscript.Check(text); err != nil {
		return dst, err
	}
	start := len(dst)
	db := ""
	if curDB != nil {
		db = *curDB
	}
	control := q.Control().IsControl()
	if !control && q.Schema != "" && q.Schema != db && !q.IsDatabaseDDL() {
		dst = sqlscript.AppendUse(dst, "USE", q.Schema)
		dst = append(dst, ";\n"...)
		db = q.Schema
	}
	dst, err := sqlscript.AppendStatement(dst, text, ";", false)
	if err != nil {
		return dst[:start], err
	}
	if curDB != nil {
		*curDB = db
	}
	if !control && strings.Contains(strings.ToUpper(text), "SET") {
		dst = AppendHeader(dst)
	}
	return dst, nil
}
