package binlog

import "strconv"

// EventType is the type code in an event header (Log_event_type in MySQL,
// with MariaDB's codes from 160 on).
type EventType uint8

// MySQL event types.
const (
	UnknownEvent            EventType = 0
	StartEventV3            EventType = 1
	QueryEvent              EventType = 2
	StopEvent               EventType = 3
	RotateEvent             EventType = 4
	IntvarEvent             EventType = 5
	LoadEvent               EventType = 6
	SlaveEvent              EventType = 7
	CreateFileEvent         EventType = 8
	AppendBlockEvent        EventType = 9
	ExecLoadEvent           EventType = 10
	DeleteFileEvent         EventType = 11
	NewLoadEvent            EventType = 12
	RandEvent               EventType = 13
	UserVarEvent            EventType = 14
	FormatDescriptionEvent  EventType = 15
	XIDEvent                EventType = 16
	BeginLoadQueryEvent     EventType = 17
	ExecuteLoadQueryEvent   EventType = 18
	TableMapEvent           EventType = 19
	PreGAWriteRowsEvent     EventType = 20
	PreGAUpdateRowsEvent    EventType = 21
	PreGADeleteRowsEvent    EventType = 22
	WriteRowsEventV1        EventType = 23
	UpdateRowsEventV1       EventType = 24
	DeleteRowsEventV1       EventType = 25
	IncidentEvent           EventType = 26
	HeartbeatEvent          EventType = 27
	IgnorableEvent          EventType = 28
	RowsQueryEvent          EventType = 29
	WriteRowsEventV2        EventType = 30
	UpdateRowsEventV2       EventType = 31
	DeleteRowsEventV2       EventType = 32
	GTIDEvent               EventType = 33
	AnonymousGTIDEvent      EventType = 34
	PreviousGTIDsEvent      EventType = 35
	TransactionContextEvent EventType = 36
	ViewChangeEvent         EventType = 37
	XAPrepareEvent          EventType = 38
	PartialUpdateRowsEvent  EventType = 39
	TransactionPayloadEvent EventType = 40
	HeartbeatEventV2        EventType = 41
	GTIDTaggedEvent         EventType = 42
)

// MariaDB event types.
const (
	MariaAnnotateRowsEvent           EventType = 160
	MariaBinlogCheckpointEvent       EventType = 161
	MariaGTIDEvent                   EventType = 162
	MariaGTIDListEvent               EventType = 163
	MariaStartEncryptionEvent        EventType = 164
	MariaQueryCompressedEvent        EventType = 165
	MariaWriteRowsCompressedEventV1  EventType = 166
	MariaUpdateRowsCompressedEventV1 EventType = 167
	MariaDeleteRowsCompressedEventV1 EventType = 168
	MariaWriteRowsCompressedEvent    EventType = 169
	MariaUpdateRowsCompressedEvent   EventType = 170
	MariaDeleteRowsCompressedEvent   EventType = 171
	MariaPartialRowDataEvent         EventType = 172
)

var eventTypeNames = map[EventType]string{
	UnknownEvent: "Unknown", StartEventV3: "Start_v3", QueryEvent: "Query", StopEvent: "Stop",
	RotateEvent: "Rotate", IntvarEvent: "Intvar", LoadEvent: "Load", SlaveEvent: "Slave",
	CreateFileEvent: "Create_file", AppendBlockEvent: "Append_block", ExecLoadEvent: "Exec_load",
	DeleteFileEvent: "Delete_file", NewLoadEvent: "New_load", RandEvent: "RAND",
	UserVarEvent: "User_var", FormatDescriptionEvent: "Format_desc", XIDEvent: "Xid",
	BeginLoadQueryEvent: "Begin_load_query", ExecuteLoadQueryEvent: "Execute_load_query",
	TableMapEvent: "Table_map", PreGAWriteRowsEvent: "Write_rows_v0",
	PreGAUpdateRowsEvent: "Update_rows_v0", PreGADeleteRowsEvent: "Delete_rows_v0",
	WriteRowsEventV1: "Write_rows_v1", UpdateRowsEventV1: "Update_rows_v1",
	DeleteRowsEventV1: "Delete_rows_v1", IncidentEvent: "Incident", HeartbeatEvent: "Heartbeat",
	IgnorableEvent: "Ignorable", RowsQueryEvent: "Rows_query", WriteRowsEventV2: "Write_rows",
	UpdateRowsEventV2: "Update_rows", DeleteRowsEventV2: "Delete_rows", GTIDEvent: "Gtid",
	AnonymousGTIDEvent: "Anonymous_Gtid", PreviousGTIDsEvent: "Previous_gtids",
	TransactionContextEvent: "Transaction_context", ViewChangeEvent: "View_change",
	XAPrepareEvent: "XA_prepare", PartialUpdateRowsEvent: "Update_rows_partial",
	TransactionPayloadEvent: "Transaction_payload", HeartbeatEventV2: "Heartbeat_v2",
	GTIDTaggedEvent:        "Gtid_tagged",
	MariaAnnotateRowsEvent: "Annotate_rows", MariaBinlogCheckpointEvent: "Binlog_checkpoint",
	MariaGTIDEvent: "Gtid", MariaGTIDListEvent: "Gtid_list",
	MariaStartEncryptionEvent: "Start_encryption", MariaQueryCompressedEvent: "Query_compressed",
	MariaWriteRowsCompressedEventV1:  "Write_rows_compressed_v1",
	MariaUpdateRowsCompressedEventV1: "Update_rows_compressed_v1",
	MariaDeleteRowsCompressedEventV1: "Delete_rows_compressed_v1",
	MariaWriteRowsCompressedEvent:    "Write_rows_compressed",
	MariaUpdateRowsCompressedEvent:   "Update_rows_compressed",
	MariaDeleteRowsCompressedEvent:   "Delete_rows_compressed",
	MariaPartialRowDataEvent:         "Partial_row_data",
}

// String returns the name mysqlbinlog and SHOW BINLOG EVENTS use for the
// type, or "Type_N" for a code this package does not know.
func (t EventType) String() string {
	if s, ok := eventTypeNames[t]; ok {
		return s
	}
	return "Type_" + strconv.Itoa(int(t))
}

// IsRows reports whether t is a rows event (write, update, delete, partial
// update; any version; MariaDB compressed ones included).
func (t EventType) IsRows() bool {
	switch t {
	case PreGAWriteRowsEvent, PreGAUpdateRowsEvent, PreGADeleteRowsEvent,
		WriteRowsEventV1, UpdateRowsEventV1, DeleteRowsEventV1,
		WriteRowsEventV2, UpdateRowsEventV2, DeleteRowsEventV2, PartialUpdateRowsEvent,
		MariaWriteRowsCompressedEventV1, MariaUpdateRowsCompressedEventV1, MariaDeleteRowsCompressedEventV1,
		MariaWriteRowsCompressedEvent, MariaUpdateRowsCompressedEvent, MariaDeleteRowsCompressedEvent:
		return true
	}
	return false
}
