package eventfmt

import (
	"strconv"
	"strings"

	"github.com/binlogkit/binlogkit/binlog"
)

// appendRowsText prints a rows event: its header details, then each row
// image like mysqlbinlog -vv.
func appendRowsText(dst []byte, name string, p *binlog.Rows, opts *TextOptions) []byte {
	// mysqlbinlog names v1 and v2 rows events alike.
	dst = append(dst, strings.TrimSuffix(name, "_v1")...)
	dst = append(dst, ": table id "...)
	dst = strconv.AppendUint(dst, p.TableID, 10)
	if p.EndOfStatement() {
		dst = append(dst, " flags: STMT_END_F"...)
	}
	dst = append(dst, '\n')
	t := p.Table
	if t == nil {
		return dst
	}
	for i := range p.Rows {
		row := &p.Rows[i]
		switch p.Kind {
		case binlog.Insert:
			dst = appendRowHead(dst, "### INSERT INTO ", t)
			dst = append(dst, "### SET\n"...)
			dst = appendImage(dst, t, row.After, opts)
		case binlog.Update:
			dst = appendRowHead(dst, "### UPDATE ", t)
			dst = append(dst, "### WHERE\n"...)
			dst = appendImage(dst, t, row.Before, opts)
			dst = append(dst, "### SET\n"...)
			dst = appendImage(dst, t, row.After, opts)
		case binlog.Delete:
			dst = appendRowHead(dst, "### DELETE FROM ", t)
			dst = append(dst, "### WHERE\n"...)
			dst = appendImage(dst, t, row.Before, opts)
		}
	}
	if p.Rows != nil {
		dst = append(dst, "# Number of rows: "...)
		dst = strconv.AppendInt(dst, int64(len(p.Rows)), 10)
		dst = append(dst, '\n')
	}
	return dst
}

func appendRowHead(dst []byte, verb string, t *binlog.TableMap) []byte {
	dst = append(dst, verb...)
	dst = appendCommentIdent(dst, t.Schema)
	dst = append(dst, '.')
	dst = appendCommentIdent(dst, t.Table)
	return append(dst, '\n')
}

// appendImage prints the columns of one row image that it holds.
func appendImage(dst []byte, t *binlog.TableMap, img []binlog.Value, opts *TextOptions) []byte {
	for i, v := range img {
		if v.Kind() == binlog.KindAbsent {
			continue
		}
		var col *binlog.Column
		if i < len(t.Columns) {
			col = &t.Columns[i]
		}
		dst = append(dst, "###   "...)
		if opts.ColumnNames && col != nil && col.Name != "" {
			dst = appendCommentIdent(dst, col.Name)
		} else {
			dst = append(dst, '@')
			dst = strconv.AppendInt(dst, int64(i+1), 10)
		}
		dst = append(dst, '=')
		dst = appendTextValue(dst, v, i+1)
		if !opts.NoTypeComments && col != nil {
			dst = append(dst, " /* "...)
			if col.Name != "" && !opts.ColumnNames {
				dst = appendCommentIdent(dst, col.Name)
				dst = append(dst, ' ')
			}
			dst = append(dst, typeName(col)...)
			dst = append(dst, " meta="...)
			dst = strconv.AppendUint(dst, uint64(col.Meta), 10)
			dst = append(dst, " nullable="...)
			dst = appendBool01(dst, col.Nullable)
			dst = append(dst, " is_null="...)
			dst = appendBool01(dst, v.IsNull())
			dst = append(dst, " */"...)
		}
		dst = append(dst, '\n')
	}
	return dst
}

func appendBool01(dst []byte, b bool) []byte {
	if b {
		return append(dst, '1')
	}
	return append(dst, '0')
}
