package binlog

// ChecksumAlg is the checksum algorithm announced by a format description
// event.
type ChecksumAlg uint8

const (
	ChecksumOff   ChecksumAlg = 0
	ChecksumCRC32 ChecksumAlg = 1
	// ChecksumUndefined: the server predates checksums (before MySQL 5.6.1
	// and MariaDB 5.3).
	ChecksumUndefined ChecksumAlg = 255
)

// FormatDescription is a FORMAT_DESCRIPTION_EVENT (or a START_EVENT_V3): the
// first event of a binlog, describing the layout of the events after it.
type FormatDescription struct {
	BinlogVersion   uint16
	ServerVersion   string // e.g. "8.0.32" or "10.11.6-MariaDB-log"
	CreateTimestamp uint32
	HeaderLength    uint8       // length of the common header of every later event
	PostHeaderLens  []byte      // post-header length by event type - 1
	ChecksumAlg     ChecksumAlg // checksum of every later event (this one included)
}

// MariaDB reports whether the server version names MariaDB.
func (f *FormatDescription) MariaDB() bool { return containsFold(f.ServerVersion, "mariadb") }

// Query is a QUERY_EVENT (and MariaDB's QUERY_COMPRESSED_EVENT, uncompressed):
// a statement, BEGIN, COMMIT, ROLLBACK, DDL, or a statement-based DML.
type Query struct {
	ThreadID                                    uint32
	ExecTime                                    uint32
	ErrorCode                                   uint16
	Schema                                      string        // default database at the time (USE db)
	Query                                       string        // statement text as logged
	StatusVars                                  []byte        // raw status variables
	SQLMode                                     uint64        // from status vars (Q_SQL_MODE_CODE), 0 when absent
	Charset                                     *QueryCharset // from Q_CHARSET_CODE, nil when absent
	TimeZone                                    string        // from Q_TIME_ZONE_CODE, "" when absent
	AutoIncrementIncrement, AutoIncrementOffset uint16
}

// QueryCharset is the session character set of a Query event.
type QueryCharset struct {
	Client, Connection, Server uint16 // collation ids
}

// Rotate is a ROTATE_EVENT: the log continues in NextFile at Position.
// A rotate with header Timestamp 0 is "fake": sent by a server at the start
// of a replication stream, not stored in the file's sequence.
type Rotate struct {
	Position uint64
	NextFile string
}

// XID is an XID_EVENT: commit of a transaction on a transactional engine.
type XID struct {
	XID uint64
}

// GTID is MySQL's GTID_LOG_EVENT, ANONYMOUS_GTID_LOG_EVENT or
// GTID_TAGGED_LOG_EVENT, or MariaDB's GTID_EVENT. It starts a transaction.
type GTID struct {
	MariaDB bool // true for MariaDB's domain-server-sequence form

	// MySQL form: SID:Tag:GNO ("uuid:n", "uuid:tag:n").
	SID       [16]byte
	Tag       string // "" when untagged
	GNO       int64
	Anonymous bool // ANONYMOUS_GTID_LOG_EVENT
	// Commit flags and logical clock (MySQL 5.7+).
	CommitFlag     bool
	LastCommitted  int64
	SequenceNumber int64
	// MySQL 8.0 additions (0 when absent).
	ImmediateCommitTime                           uint64 // microseconds since the epoch
	OriginalCommitTime                            uint64
	TransactionLength                             uint64
	ImmediateServerVersion, OriginalServerVersion uint32

	// MariaDB form: Domain-ServerID-Sequence. ServerID is the header's.
	Domain   uint32
	ServerID uint32
	Sequence uint64
	// MariaDB GTID flags (FL_STANDALONE = 1, FL_GROUP_COMMIT_ID = 2,
	// FL_TRANSACTIONAL = 4, FL_ALLOW_PARALLEL = 8, FL_WAITED = 16, FL_DDL = 32,
	// FL_PREPARED_XA = 64, FL_COMPLETED_XA = 128).
	Flags    uint8
	CommitID uint64 // MariaDB group commit id, 0 when absent
	// Extra holds the bytes of a MariaDB GTID event after its fixed part
	// (19 bytes, 21 with a commit id), as logged: the XID of an XA
	// transaction (FL_PREPARED_XA, FL_COMPLETED_XA) and the extra flags of
	// MariaDB 10.5 and later; nil when there are none. The Encoder writes
	// them unchanged.
	Extra []byte
}

// Standalone reports whether a MariaDB GTID starts an event group that has
// no BEGIN/COMMIT (a DDL statement).
func (g *GTID) Standalone() bool { return g.MariaDB && g.Flags&1 != 0 }

// PreviousGTIDs is MySQL's PREVIOUS_GTIDS_LOG_EVENT: the GTIDs executed
// before this file.
type PreviousGTIDs struct {
	Sets []UUIDSet
}

// UUIDSet is one server's (and tag's) part of a MySQL GTID set: SID and
// intervals [Start, End) of transaction numbers.
type UUIDSet struct {
	SID       [16]byte
	Tag       string
	Intervals []GTIDInterval
}

// GTIDInterval is a half-open interval [Start, End) of GNOs.
type GTIDInterval struct{ Start, End int64 }

// GTIDList is MariaDB's GTID_LIST_EVENT: the last GTID of each replication
// domain at the start of this file.
type GTIDList struct {
	Flags uint8
	GTIDs []MariaGTID
}

// MariaGTID is a MariaDB GTID, domain-server-sequence.
type MariaGTID struct {
	Domain, ServerID uint32
	Sequence         uint64
}

// RowsQuery is MySQL's ROWS_QUERY_LOG_EVENT or MariaDB's ANNOTATE_ROWS_EVENT:
// the statement that produced the rows events that follow.
type RowsQuery struct {
	Query string
}

// Heartbeat is a HEARTBEAT_LOG_EVENT (or _V2) sent by a server on an idle
// replication stream.
type Heartbeat struct {
	LogFile string
	LogPos  uint64 // only in V2; 0 otherwise
}

// IntVar is an INTVAR_EVENT: LAST_INSERT_ID (Type 1) or INSERT_ID (Type 2)
// for the statement that follows.
type IntVar struct {
	Type  uint8
	Value uint64
}

// Rand is a RAND_EVENT: the seeds of RAND() for the statement that follows.
type Rand struct{ Seed1, Seed2 uint64 }

// UserVar is a USER_VAR_EVENT: a user variable the next statement uses.
type UserVar struct {
	Name      string
	IsNull    bool
	ValueType uint8 // STRING_RESULT = 0, REAL_RESULT = 1, INT_RESULT = 2, DECIMAL_RESULT = 4
	Collation uint32
	Value     []byte // raw value bytes
	Flags     uint8  // UNSIGNED_F = 1
}

// XAPrepare is an XA_PREPARE_LOG_EVENT.
type XAPrepare struct {
	OnePhase bool
	FormatID int32
	GTRID    []byte
	BQUAL    []byte
}

// BinlogCheckpoint is MariaDB's BINLOG_CHECKPOINT_EVENT.
type BinlogCheckpoint struct{ File string }

// StartEncryption is MariaDB's START_ENCRYPTION_EVENT. Events after it are
// encrypted, and the Reader stops with ErrEncrypted.
type StartEncryption struct {
	Scheme     uint8
	KeyVersion uint32
	Nonce      []byte
}

// Incident is an INCIDENT_EVENT: something happened that a replica must
// know (a lost event, a stopped replication).
type Incident struct {
	Code    uint16
	Message string
}

// Stop is a STOP_EVENT: the server shut down.
type Stop struct{}

// TransactionPayload is MySQL's TRANSACTION_PAYLOAD_EVENT. The Reader
// expands it into the events it contains, which follow it with
// Event.PayloadIndex set; the payload event itself is returned first. The
// events are decompressed and decoded one at a time, as they are read.
type TransactionPayload struct {
	Compression      uint8 // 0 = zstd, 255 = none
	UncompressedSize uint64
	// Count is the number of events inside, known once the Reader (or
	// Stream) has returned the last of them: 0 until then, and with
	// ReaderOptions.KeepPayloads.
	Count int
	data  []byte // compressed payload, kept for expansion
}

// Unknown is the payload of an event this package does not decode. Body
// holds the bytes after the common header, checksum excluded.
type Unknown struct {
	Body []byte
}

func (*FormatDescription) isPayload()  {}
func (*Query) isPayload()              {}
func (*Rotate) isPayload()             {}
func (*XID) isPayload()                {}
func (*GTID) isPayload()               {}
func (*PreviousGTIDs) isPayload()      {}
func (*GTIDList) isPayload()           {}
func (*RowsQuery) isPayload()          {}
func (*Heartbeat) isPayload()          {}
func (*IntVar) isPayload()             {}
func (*Rand) isPayload()               {}
func (*UserVar) isPayload()            {}
func (*XAPrepare) isPayload()          {}
func (*BinlogCheckpoint) isPayload()   {}
func (*StartEncryption) isPayload()    {}
func (*Incident) isPayload()           {}
func (*Stop) isPayload()               {}
func (*TransactionPayload) isPayload() {}
func (*Unknown) isPayload()            {}
func (*TableMap) isPayload()           {}
func (*Rows) isPayload()               {}
