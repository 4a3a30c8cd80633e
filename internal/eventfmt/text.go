package eventfmt

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/sqlquote"
	"github.com/binlogkit/binlogkit/internal/sqlscript"
)

// TextOptions configures AppendText. The zero value (or nil) prints like
// mysqlbinlog -vv.
type TextOptions struct {
	// ColumnNames prints `name`=value instead of @N=value for columns whose
	// name is known.
	ColumnNames bool
	// NoTypeComments leaves out the /* TYPE meta=... */ comment after each
	// column value.
	NoTypeComments bool
}

// TextHeader starts a text listing that the mysql or mariadb client is to
// read, as mysqlbinlog's does: the statements of AppendText end with the
// delimiter "/*!*/;". TextFooter ends it, restoring the delimiter ";".
const (
	TextHeader = "DELIMITER /*!*/;\n"
	TextFooter = "DELIMITER ;\n"
)

// AppendText appends a text listing of ev to dst, ending with a newline,
// and returns the extended buffer. opts may be nil. See the package doc for
// the format.
func AppendText(dst []byte, ev *binlog.Event, opts *TextOptions) []byte {
	if opts == nil {
		opts = &TextOptions{}
	}
	dst = append(dst, "# at "...)
	dst = strconv.AppendInt(dst, ev.Offset, 10)
	if ev.PayloadIndex > 0 {
		dst = append(dst, " [payload "...)
		dst = strconv.AppendInt(dst, int64(ev.PayloadIndex), 10)
		dst = append(dst, ']')
	}
	dst = append(dst, "\n#"...)
	dst = appendShortTime(dst, ev.Header.Timestamp)
	dst = append(dst, " server id "...)
	dst = strconv.AppendUint(dst, uint64(ev.Header.ServerID), 10)
	dst = append(dst, "  end_log_pos "...)
	dst = strconv.AppendUint(dst, uint64(ev.Header.LogPos), 10)
	if crc, ok := eventCRC(ev.Raw); ok {
		dst = append(dst, " CRC32 0x"...)
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], crc)
		dst = hex.AppendEncode(dst, b[:])
	}
	dst = append(dst, " \t"...)
	return appendTextPayload(dst, ev, opts)
}

// eventCRC returns the checksum stored at the end of raw when it is a valid
// CRC32 of the bytes before it (binlog.Checksum).
func eventCRC(raw []byte) (uint32, bool) { return binlog.Checksum(raw) }

// appendShortTime appends a Unix time as "yymmdd hh:mm:ss" in UTC.
func appendShortTime(dst []byte, ts uint32) []byte {
	t := time.Unix(int64(ts), 0).UTC()
	dst = appendPad(dst, t.Year()%100, 2)
	dst = appendPad(dst, int(t.Month()), 2)
	dst = appendPad(dst, t.Day(), 2)
	dst = append(dst, ' ')
	dst = appendPad(dst, t.Hour(), 2)
	dst = append(dst, ':')
	dst = appendPad(dst, t.Minute(), 2)
	dst = append(dst, ':')
	return appendPad(dst, t.Second(), 2)
}

// appendStmt appends a statement line in mysqlbinlog's form: the text, then
// the /*!*/; delimiter.
func appendStmt(dst []byte, s string) []byte {
	dst = append(dst, s...)
	return append(dst, "/*!*/;\n"...)
}

// appendStatement appends the statement text of a Query event as
// mysqlbinlog does, the text then "/*!*/;" on a line of its own, framed by
// DELIMITER lines when the text holds "/*!*/;" (sqlscript.AppendStatement).
// Text the mysql client would not read as one statement (an unterminated
// quote or comment, a client command), and transaction control followed
// by more statements (BEGIN; DROP ...: servers log BEGIN, COMMIT,
// SAVEPOINT and the like alone, and readers of the listing take it for
// transaction control), are printed as "#Q> " comment lines after a line
// saying why: a listing never holds a line that runs something the log
// does not hold as a statement.
func appendStatement(dst []byte, q *binlog.Query) []byte {
	text := q.Query
	var err error
	if q.Control().IsControl() && sqlscript.HasSemicolon(text) {
		err = fmt.Errorf("%w: %v followed by more statements", sqlscript.ErrUnsafe, q.Control())
	} else {
		var out []byte
		if out, err = sqlscript.AppendStatement(dst, text, sqlscript.MysqlbinlogDelimiter, true); err == nil {
			return out
		}
	}
	dst = append(dst, "# statement not printed as SQL: "...)
	dst = sqlscript.AppendComment(dst, err.Error())
	dst = append(dst, '\n')
	if text == "" {
		return dst
	}
	return sqlscript.AppendCommentLines(dst, "#Q> ", text)
}

// appendCommentIdent appends name quoted as an identifier for a comment
// line (# ... or ### ...): sqlquote.AppendIdent, with what could end the
// comment (a line break) escaped (sqlscript.AppendComment).
func appendCommentIdent(dst []byte, name string) []byte {
	if !strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' || r == '*' }) {
		return sqlquote.AppendIdent(dst, name)
	}
	return sqlscript.AppendComment(dst, sqlquote.Ident(name))
}

func appendTextPayload(dst []byte, ev *binlog.Event, opts *TextOptions) []byte {
	name := ev.Type().String()
	switch p := ev.Payload.(type) {
	case *binlog.FormatDescription:
		dst = append(dst, "Start: binlog v "...)
		dst = strconv.AppendUint(dst, uint64(p.BinlogVersion), 10)
		dst = append(dst, ", server v "...)
		dst = sqlscript.AppendComment(dst, p.ServerVersion)
		dst = append(dst, " created "...)
		dst = appendShortTime(dst, p.CreateTimestamp)
		dst = append(dst, " checksum "...)
		dst = append(dst, checksumName(p.ChecksumAlg)...)
		dst = append(dst, '\n')
	case *binlog.Query:
		dst = append(dst, name...)
		dst = append(dst, "\tthread_id="...)
		dst = strconv.AppendUint(dst, uint64(p.ThreadID), 10)
		dst = append(dst, "\texec_time="...)
		dst = strconv.AppendUint(dst, uint64(p.ExecTime), 10)
		dst = append(dst, "\terror_code="...)
		dst = strconv.AppendUint(dst, uint64(p.ErrorCode), 10)
		dst = append(dst, '\n')
		if p.Schema != "" && ev.Header.Flags&binlog.FlagSuppressUse == 0 {
			dst = sqlscript.AppendUse(dst, "use", p.Schema)
			dst = append(dst, "/*!*/;\n"...)
		}
		dst = append(dst, "SET TIMESTAMP="...)
		dst = strconv.AppendUint(dst, uint64(ev.Header.Timestamp), 10)
		dst = append(dst, "/*!*/;\n"...)
		dst = appendStatement(dst, p)
	case *binlog.Rotate:
		dst = append(dst, "Rotate to "...)
		dst = sqlscript.AppendComment(dst, p.NextFile)
		dst = append(dst, "  pos: "...)
		dst = strconv.AppendUint(dst, p.Position, 10)
		dst = append(dst, '\n')
	case *binlog.XID:
		dst = append(dst, "Xid = "...)
		dst = strconv.AppendUint(dst, p.XID, 10)
		dst = append(dst, '\n')
		dst = appendStmt(dst, "COMMIT")
	case *binlog.GTID:
		dst = appendGTIDText(dst, ev, p)
	case *binlog.PreviousGTIDs:
		dst = append(dst, "Previous-GTIDs\n# "...)
		if len(p.Sets) == 0 {
			dst = append(dst, "[empty]"...)
		}
		dst = appendGTIDSets(dst, p.Sets)
		dst = append(dst, '\n')
	case *binlog.GTIDList:
		dst = append(dst, "Gtid list ["...)
		for i, g := range p.GTIDs {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendMariaGTID(dst, g.Domain, g.ServerID, g.Sequence)
		}
		dst = append(dst, "]\n"...)
	case *binlog.BinlogCheckpoint:
		dst = append(dst, "Binlog checkpoint "...)
		dst = sqlscript.AppendComment(dst, p.File)
		dst = append(dst, '\n')
	case *binlog.RowsQuery:
		dst = append(dst, name...)
		dst = append(dst, ":\n"...)
		dst = sqlscript.AppendCommentLines(dst, "#Q> ", p.Query)
	case *binlog.TableMap:
		dst = append(dst, "Table_map: "...)
		dst = appendCommentIdent(dst, p.Schema)
		dst = append(dst, '.')
		dst = appendCommentIdent(dst, p.Table)
		dst = append(dst, " mapped to number "...)
		dst = strconv.AppendUint(dst, p.TableID, 10)
		dst = append(dst, '\n')
	case *binlog.Rows:
		dst = appendRowsText(dst, name, p, opts)
	case *binlog.IntVar:
		dst = append(dst, "Intvar\nSET "...)
		switch p.Type {
		case 1:
			dst = append(dst, "LAST_INSERT_ID"...)
		case 2:
			dst = append(dst, "INSERT_ID"...)
		default:
			dst = append(dst, "INTVAR_"...)
			dst = strconv.AppendUint(dst, uint64(p.Type), 10)
		}
		dst = append(dst, '=')
		dst = strconv.AppendUint(dst, p.Value, 10)
		dst = append(dst, "/*!*/;\n"...)
	case *binlog.Rand:
		dst = append(dst, "Rand\nSET @@RAND_SEED1="...)
		dst = strconv.AppendUint(dst, p.Seed1, 10)
		dst = append(dst, ", @@RAND_SEED2="...)
		dst = strconv.AppendUint(dst, p.Seed2, 10)
		dst = append(dst, "/*!*/;\n"...)
	case *binlog.UserVar:
		dst = append(dst, "User_var\nSET @"...)
		dst = sqlquote.AppendIdent(dst, p.Name)
		dst = append(dst, ":="...)
		dst = appendUserVarValue(dst, p)
		dst = append(dst, "/*!*/;\n"...)
	case *binlog.XAPrepare:
		dst = append(dst, "XA PREPARE "...)
		dst = appendXID(dst, p)
		dst = append(dst, "\nXA "...)
		if p.OnePhase {
			dst = append(dst, "COMMIT "...)
			dst = appendXID(dst, p)
			dst = append(dst, " ONE PHASE"...)
		} else {
			dst = append(dst, "PREPARE "...)
			dst = appendXID(dst, p)
		}
		dst = append(dst, "\n/*!*/;\n"...)
	case *binlog.StartEncryption:
		dst = append(dst, "Start_encryption scheme="...)
		dst = strconv.AppendUint(dst, uint64(p.Scheme), 10)
		dst = append(dst, " key_version="...)
		dst = strconv.AppendUint(dst, uint64(p.KeyVersion), 10)
		dst = append(dst, '\n')
	case *binlog.Incident:
		dst = append(dst, "Incident: code="...)
		dst = strconv.AppendUint(dst, uint64(p.Code), 10)
		dst = append(dst, '\n')
		dst = sqlscript.AppendCommentLines(dst, "# ", p.Message)
	case *binlog.Stop:
		dst = append(dst, "Stop\n"...)
	case *binlog.Heartbeat:
		dst = append(dst, name...)
		dst = append(dst, " log_file="...)
		dst = sqlscript.AppendComment(dst, p.LogFile)
		dst = append(dst, " pos="...)
		dst = strconv.AppendUint(dst, p.LogPos, 10)
		dst = append(dst, '\n')
	case *binlog.TransactionPayload:
		dst = append(dst, "Transaction_Payload\tcompression_type="...)
		if p.Compression == 0 {
			dst = append(dst, "ZSTD"...)
		} else if p.Compression == 255 {
			dst = append(dst, "NONE"...)
		} else {
			dst = strconv.AppendUint(dst, uint64(p.Compression), 10)
		}
		dst = append(dst, "\tuncompressed_size="...)
		dst = strconv.AppendUint(dst, p.UncompressedSize, 10)
		if p.Count > 0 { // known once the events inside are read
			dst = append(dst, "\tevents="...)
			dst = strconv.AppendInt(dst, int64(p.Count), 10)
		}
		dst = append(dst, '\n')
	case *binlog.Unknown:
		dst = append(dst, name...)
		dst = append(dst, ": "...)
		dst = strconv.AppendInt(dst, int64(len(p.Body)), 10)
		dst = append(dst, " bytes not decoded\n"...)
		dst = appendHexLines(dst, p.Body)
	default:
		dst = append(dst, name...)
		dst = append(dst, '\n')
	}
	return dst
}

func checksumName(a binlog.ChecksumAlg) string {
	switch a {
	case binlog.ChecksumOff:
		return "NONE"
	case binlog.ChecksumCRC32:
		return "CRC32"
	case binlog.ChecksumUndefined:
		return "UNDEFINED"
	}
	return "ALG_" + strconv.Itoa(int(a))
}

// appendHexLines appends b as "# " lines of 32 hex-encoded bytes.
func appendHexLines(dst, b []byte) []byte {
	for len(b) > 0 {
		n := min(len(b), 32)
		dst = append(dst, "# "...)
		dst = hex.AppendEncode(dst, b[:n])
		dst = append(dst, '\n')
		b = b[n:]
	}
	return dst
}

func appendGTIDText(dst []byte, ev *binlog.Event, g *binlog.GTID) []byte {
	if g.MariaDB {
		dst = append(dst, "GTID "...)
		dst = appendMariaGTID(dst, g.Domain, ev.Header.ServerID, g.Sequence)
		if g.Standalone() {
			dst = append(dst, " ddl"...)
		} else {
			dst = append(dst, " trans"...)
		}
		if g.CommitID != 0 {
			dst = append(dst, " cid="...)
			dst = strconv.AppendUint(dst, g.CommitID, 10)
		}
		dst = append(dst, '\n')
		if !g.Standalone() {
			dst = appendStmt(dst, "START TRANSACTION")
		}
		return dst
	}
	if g.Anonymous {
		dst = append(dst, "Anonymous_GTID"...)
	} else {
		dst = append(dst, "GTID"...)
	}
	dst = append(dst, "\tlast_committed="...)
	dst = strconv.AppendInt(dst, g.LastCommitted, 10)
	dst = append(dst, "\tsequence_number="...)
	dst = strconv.AppendInt(dst, g.SequenceNumber, 10)
	if g.ImmediateCommitTime != 0 {
		dst = append(dst, "\timmediate_commit_timestamp="...)
		dst = strconv.AppendUint(dst, g.ImmediateCommitTime, 10)
	}
	if g.OriginalCommitTime != 0 {
		dst = append(dst, "\toriginal_committed_timestamp="...)
		dst = strconv.AppendUint(dst, g.OriginalCommitTime, 10)
	}
	if g.TransactionLength != 0 {
		dst = append(dst, "\ttransaction_length="...)
		dst = strconv.AppendUint(dst, g.TransactionLength, 10)
	}
	// binlog's text of the GTID, as a literal: a tag is letters, digits
	// and underscores (binlog refuses others), so the literal is 'uuid:tag:n'.
	dst = append(dst, "\nSET @@SESSION.GTID_NEXT= "...)
	dst = sqlquote.AppendString(dst, g.String())
	return append(dst, "/*!*/;\n"...)
}

func appendMariaGTID(dst []byte, domain, server uint32, seq uint64) []byte {
	dst = strconv.AppendUint(dst, uint64(domain), 10)
	dst = append(dst, '-')
	dst = strconv.AppendUint(dst, uint64(server), 10)
	dst = append(dst, '-')
	return strconv.AppendUint(dst, seq, 10)
}

// appendUUID appends a 16-byte SID in the 8-4-4-4-12 form.
func appendUUID(dst []byte, sid [16]byte) []byte {
	dst = hex.AppendEncode(dst, sid[0:4])
	dst = append(dst, '-')
	dst = hex.AppendEncode(dst, sid[4:6])
	dst = append(dst, '-')
	dst = hex.AppendEncode(dst, sid[6:8])
	dst = append(dst, '-')
	dst = hex.AppendEncode(dst, sid[8:10])
	dst = append(dst, '-')
	return hex.AppendEncode(dst, sid[10:16])
}

// appendGTIDSets appends a GTID set in MySQL's text form:
// uuid[:tag]:1-5:7,uuid2:1-3. Intervals [Start, End) print as Start-(End-1).
func appendGTIDSets(dst []byte, sets []binlog.UUIDSet) []byte {
	for i, s := range sets {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendUUID(dst, s.SID)
		if s.Tag != "" {
			dst = append(dst, ':')
			dst = sqlscript.AppendComment(dst, s.Tag)
		}
		for _, iv := range s.Intervals {
			dst = append(dst, ':')
			dst = strconv.AppendInt(dst, iv.Start, 10)
			if iv.End-1 != iv.Start {
				dst = append(dst, '-')
				dst = strconv.AppendInt(dst, iv.End-1, 10)
			}
		}
	}
	return dst
}

func appendXID(dst []byte, p *binlog.XAPrepare) []byte {
	dst = appendHexLiteral(dst, p.GTRID)
	dst = append(dst, ',')
	dst = appendHexLiteral(dst, p.BQUAL)
	dst = append(dst, ',')
	return strconv.AppendInt(dst, int64(p.FormatID), 10)
}

// appendUserVarValue appends the value of a USER_VAR event as SQL.
func appendUserVarValue(dst []byte, p *binlog.UserVar) []byte {
	if p.IsNull {
		return append(dst, "NULL"...)
	}
	switch p.ValueType {
	case 1: // REAL_RESULT
		if len(p.Value) >= 8 {
			return appendFloat(dst, math.Float64frombits(binary.LittleEndian.Uint64(p.Value)), 64)
		}
	case 2: // INT_RESULT
		if len(p.Value) >= 8 {
			u := binary.LittleEndian.Uint64(p.Value)
			if p.Flags&1 != 0 {
				return strconv.AppendUint(dst, u, 10)
			}
			return strconv.AppendInt(dst, int64(u), 10)
		}
	case 0: // STRING_RESULT
		dst = appendHexLiteral(dst, p.Value)
		dst = append(dst, " /* collation "...)
		dst = strconv.AppendUint(dst, uint64(p.Collation), 10)
		return append(dst, " */"...)
	}
	dst = appendHexLiteral(dst, p.Value)
	dst = append(dst, " /* value type "...)
	dst = strconv.AppendUint(dst, uint64(p.ValueType), 10)
	return append(dst, " */"...)
}
