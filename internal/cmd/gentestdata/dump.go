package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/binlogkit/binlogkit/internal/txtar"
)

// archiveComment heads every NAME.MODE.server.txtar.
const archiveComment = `The server's view of the data after the workload, recorded by
internal/cmd/gentestdata from the same server run that wrote the .binlog
beside this file. Do not edit: regenerate with go generate ./binlog.

Sections:
  info               key<TAB>value lines about the run.
  DB.TABLE.columns   one line per column, tab-separated:
                     ordinal name column_type data_type charset collation
                     is_nullable column_key render
                     (charset/collation NULL for non-character columns).
  DB.TABLE.rows      one line per row in primary-key order (all columns
                     when there is no primary key), one tab-separated cell
                     per column. A cell is NULL, or x'HEX' when render is
                     hex, or else a Go-quoted string (strconv.Quote) of the
                     server's text for the value; values over 1024 bytes
                     (after hex decoding) are written sha256:DIGEST:LENGTH
                     instead, DIGEST being the lower-case hex SHA-256 of
                     the bytes. The text comes from render:
                       text    the column as the server prints it
                               (session time_zone +00:00, utf8mb4)
                       hex     HEX(col): binary strings, BLOBs, geometry
                               (MariaDB's internal SRID+WKB form), and
                               INET4, INET6, UUID (their binary form, as
                               row events carry it, zero-padded)
                       uint    col+0: BIT as an unsigned integer
                       double  CAST(col AS DOUBLE): FLOAT widened exactly
                       index   CONCAT(CAST(col+0 AS UNSIGNED), ':', col):
                               ENUM/SET as "NUMBER:TEXT" (index or
                               bitmask, then the text)
  checksums          DB.TABLE<TAB>CHECKSUM TABLE ... EXTENDED
`

// column is one row of information_schema.COLUMNS.
type column struct {
	ordinal, name, columnType, dataType, charset, collation, nullable, key string
}

// render returns how the column's values are printed: the render name and
// the SELECT expression.
func (c column) render() (string, string) {
	q := testserver.QuoteIdent(c.name)
	switch c.dataType {
	case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob",
		"geometry", "point", "linestring", "polygon", "multipoint",
		"multilinestring", "multipolygon", "geometrycollection",
		"inet4", "inet6", "uuid":
		return "hex", "HEX(" + q + ")"
	case "bit":
		return "uint", q + "+0"
	case "float":
		return "double", "CAST(" + q + " AS DOUBLE)"
	case "enum", "set":
		return "index", "CONCAT(CAST(" + q + "+0 AS UNSIGNED), ':', " + q + ")"
	}
	return "text", q
}

// sqlString quotes s as a SQL string literal.
func sqlString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(s) + "'"
}

// dump returns the columns, rows and checksums of every table in every
// non-system database.
func dump(s *testserver.Server) ([]txtar.File, error) {
	if err := s.Exec("SET time_zone = '+00:00'", "SET NAMES utf8mb4"); err != nil {
		return nil, err
	}
	dbs, err := s.Query(`SELECT SCHEMA_NAME FROM information_schema.SCHEMATA
		WHERE SCHEMA_NAME NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys', 'test')
		ORDER BY SCHEMA_NAME`)
	if err != nil {
		return nil, err
	}
	var files []txtar.File
	var sums strings.Builder
	for _, dbRow := range dbs {
		db := string(dbRow[0])
		tables, err := s.Query(`SELECT TABLE_NAME FROM information_schema.TABLES
			WHERE TABLE_SCHEMA = ` + sqlString(db) + ` AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`)
		if err != nil {
			return nil, err
		}
		for _, tRow := range tables {
			table := string(tRow[0])
			cols, rows, err := dumpTable(s, db, table)
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", db, table, err)
			}
			files = append(files,
				txtar.File{Name: db + "." + table + ".columns", Data: cols},
				txtar.File{Name: db + "." + table + ".rows", Data: rows})
			sum, err := s.Checksum(db + "." + table)
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(&sums, "%s.%s\t%s\n", db, table, sum)
		}
	}
	files = append(files, txtar.File{Name: "checksums", Data: []byte(sums.String())})
	return files, nil
}

func dumpTable(s *testserver.Server, db, table string) (colText, rowText []byte, err error) {
	where := ` WHERE TABLE_SCHEMA = ` + sqlString(db) + ` AND TABLE_NAME = ` + sqlString(table)
	colRows, err := s.Query(`SELECT ORDINAL_POSITION, COLUMN_NAME, COLUMN_TYPE, DATA_TYPE,
		IFNULL(CHARACTER_SET_NAME, 'NULL'), IFNULL(COLLATION_NAME, 'NULL'), IS_NULLABLE, COLUMN_KEY
		FROM information_schema.COLUMNS` + where + ` ORDER BY ORDINAL_POSITION`)
	if err != nil {
		return nil, nil, err
	}
	pkRows, err := s.Query(`SELECT COLUMN_NAME FROM information_schema.STATISTICS` + where +
		` AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX`)
	if err != nil {
		return nil, nil, err
	}

	var cb strings.Builder
	var exprs, order []string
	var renders []string
	for _, r := range colRows {
		c := column{string(r[0]), string(r[1]), string(r[2]), string(r[3]), string(r[4]), string(r[5]), string(r[6]), string(r[7])}
		render, expr := c.render()
		renders = append(renders, render)
		exprs = append(exprs, expr)
		fmt.Fprintf(&cb, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			c.ordinal, c.name, c.columnType, c.dataType, c.charset, c.collation, c.nullable, orNone(c.key), render)
		if len(pkRows) == 0 {
			// No primary key: order by every column, binary-safe.
			order = append(order, "HEX("+testserver.QuoteIdent(c.name)+")")
		}
	}
	for _, r := range pkRows {
		order = append(order, testserver.QuoteIdent(string(r[0])))
	}
	rows, err := s.Query("SELECT " + strings.Join(exprs, ", ") + " FROM " +
		testserver.QuoteIdent(db) + "." + testserver.QuoteIdent(table) + " ORDER BY " + strings.Join(order, ", "))
	if err != nil {
		return nil, nil, err
	}
	var rb strings.Builder
	for _, row := range rows {
		for i, v := range row {
			if i > 0 {
				rb.WriteByte('\t')
			}
			rb.WriteString(cell(v, renders[i]))
		}
		rb.WriteByte('\n')
	}
	return []byte(cb.String()), []byte(rb.String()), nil
}

// bigCell is the size above which a value is recorded by its digest.
const bigCell = 1024

// cell renders one value for the rows section.
func cell(v []byte, render string) string {
	if v == nil {
		return "NULL"
	}
	raw := v
	if render == "hex" {
		var err error
		if raw, err = hex.DecodeString(string(v)); err != nil {
			// Cannot happen for HEX() output; keep the text visible.
			return strconv.Quote(string(v))
		}
	}
	if len(raw) > bigCell {
		return fmt.Sprintf("sha256:%x:%d", sha256.Sum256(raw), len(raw))
	}
	if render == "hex" {
		return "x'" + string(v) + "'"
	}
	return strconv.Quote(string(v))
}

// orNone keeps empty fields visible in tab-separated lines.
func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
