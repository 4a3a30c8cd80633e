package eventfmt

import (
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/google/go-cmp/cmp"
)

// TestTextHostile lists events whose text fields hold line breaks, comment
// terminators, delimiters and client commands, as a crafted binlog can:
// what the event holds must stay inside comments, quotes or one framed
// statement. (examples/binlogdump's TestCraftedListing applies such
// listings to a server.)
func TestTextHostile(t *testing.T) {
	const drop = "DROP DATABASE victimdb; -- "
	hdr := func(typ binlog.EventType) binlog.Header {
		return binlog.Header{Timestamp: 1700000000, Type: typ, ServerID: 7, LogPos: 200}
	}
	const head = "# at 4\n#231114 22:13:20 server id 7  end_log_pos 200 \t"
	tm := &binlog.TableMap{TableID: 5, Schema: "we\n" + drop, Table: "t*/\r" + drop,
		Columns: []binlog.Column{{Name: "c\n" + drop, Type: binlog.TypeLong}}, HasNames: true}
	for _, tc := range []struct {
		name string
		ev   binlog.Event
		want string
	}{
		{"server version", binlog.Event{Header: hdr(binlog.FormatDescriptionEvent), Offset: 4,
			Payload: &binlog.FormatDescription{BinlogVersion: 4, ServerVersion: "10.11\n" + drop, ChecksumAlg: binlog.ChecksumCRC32}},
			head + "Start: binlog v 4, server v 10.11\\n" + drop + " created 700101 00:00:00 checksum CRC32\n"},
		{"rotate", binlog.Event{Header: hdr(binlog.RotateEvent), Offset: 4, Payload: &binlog.Rotate{NextFile: "b\n" + drop + ".000002", Position: 4}},
			head + "Rotate to b\\n" + drop + ".000002  pos: 4\n"},
		{"checkpoint", binlog.Event{Header: hdr(binlog.MariaBinlogCheckpointEvent), Offset: 4, Payload: &binlog.BinlogCheckpoint{File: "b\r\n" + drop}},
			head + "Binlog checkpoint b\\r\\n" + drop + "\n"},
		{"heartbeat", binlog.Event{Header: hdr(binlog.HeartbeatEvent), Offset: 4, Payload: &binlog.Heartbeat{LogFile: "b\n" + drop}},
			head + "Heartbeat log_file=b\\n" + drop + " pos=0\n"},
		{"table map", binlog.Event{Header: hdr(binlog.TableMapEvent), Offset: 4, Payload: tm},
			head + "Table_map: `we\\n" + drop + "`.`t*\\/\\r" + drop + "` mapped to number 5\n"},
		{"rows", binlog.Event{Header: hdr(binlog.WriteRowsEventV2), Offset: 4,
			Payload: &binlog.Rows{Kind: binlog.Insert, TableID: 5, Table: tm, Rows: []binlog.Row{{After: []binlog.Value{binlog.IntValue(1)}}}}},
			head + "Write_rows: table id 5\n### INSERT INTO `we\\n" + drop + "`.`t*\\/\\r" + drop + "`\n### SET\n" +
				"###   @1=1 /* `c\\n" + drop + "` INT meta=0 nullable=0 is_null=0 */\n# Number of rows: 1\n"},
		{"rows query", binlog.Event{Header: hdr(binlog.RowsQueryEvent), Offset: 4, Payload: &binlog.RowsQuery{Query: "a\n" + drop + "\r\nb\rc\x1bd"}},
			head + "Rows_query:\n#Q> a\n#Q> " + drop + "\n#Q> b\n#Q> c\\x1bd\n"},
		{"incident", binlog.Event{Header: hdr(binlog.IncidentEvent), Offset: 4, Payload: &binlog.Incident{Code: 1, Message: "a\r" + drop}},
			head + "Incident: code=1\n# a\n# " + drop + "\n"},
		{"previous gtids", binlog.Event{Header: hdr(binlog.PreviousGTIDsEvent), Offset: 4,
			Payload: &binlog.PreviousGTIDs{Sets: []binlog.UUIDSet{{Tag: "x\n" + drop, Intervals: []binlog.GTIDInterval{{Start: 1, End: 2}}}}}},
			head + "Previous-GTIDs\n# 00000000-0000-0000-0000-000000000000:x\\n" + drop + ":1\n"},
		{"procedure body", binlog.Event{Header: hdr(binlog.QueryEvent), Offset: 4,
			Payload: &binlog.Query{Schema: "db", Query: "CREATE PROCEDURE p() BEGIN SELECT '/*!*/;'; DELETE FROM v; END -- x"}},
			head + "Query\tthread_id=0\texec_time=0\terror_code=0\nuse `db`/*!*/;\nSET TIMESTAMP=1700000000/*!*/;\n" +
				"DELIMITER /*!*/;;\nCREATE PROCEDURE p() BEGIN SELECT '/*!*/;'; DELETE FROM v; END -- x\n/*!*/;;\nDELIMITER /*!*/;\n"},
		{"database name", binlog.Event{Header: hdr(binlog.QueryEvent), Offset: 4,
			Payload: &binlog.Query{Schema: `a\b`, Query: "DROP TABLE v"}},
			head + "Query\tthread_id=0\texec_time=0\terror_code=0\nuse`a\\b`/*!*/;\nSET TIMESTAMP=1700000000/*!*/;\nDROP TABLE v\n/*!*/;\n"},
		{"client command", binlog.Event{Header: hdr(binlog.QueryEvent), Offset: 4,
			Payload: &binlog.Query{Query: "CREATE TABLE t (a INT) /*!99999 \\! rm -rf / */"}},
			head + "Query\tthread_id=0\texec_time=0\terror_code=0\nSET TIMESTAMP=1700000000/*!*/;\n" +
				"# statement not printed as SQL: sqlscript: statement cannot be written safely for the mysql client: a backslash outside quotes at byte 32 would run a client command\n" +
				"#Q> CREATE TABLE t (a INT) /*!99999 \\! rm -rf / */\n"},
		{"control with more", binlog.Event{Header: hdr(binlog.QueryEvent), Offset: 4,
			Payload: &binlog.Query{Query: "BEGIN; " + drop}},
			head + "Query\tthread_id=0\texec_time=0\terror_code=0\nSET TIMESTAMP=1700000000/*!*/;\n" +
				"# statement not printed as SQL: sqlscript: statement cannot be written safely for the mysql client: BEGIN followed by more statements\n" +
				"#Q> BEGIN; " + drop + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(AppendText(nil, &tc.ev, &TextOptions{}))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			for _, l := range strings.Split(got, "\n") {
				if strings.HasPrefix(l, "DROP DATABASE") {
					t.Errorf("line %q runs as SQL", l)
				}
			}
		})
	}
}
