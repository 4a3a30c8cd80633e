package binlog

// RowsKind tells what a rows event does.
type RowsKind uint8

const (
	Insert RowsKind = iota + 1 // WRITE_ROWS: rows have After only
	Update                     // UPDATE_ROWS and PARTIAL_UPDATE_ROWS: Before and After
	Delete                     // DELETE_ROWS: rows have Before only
)

func (k RowsKind) String() string {
	switch k {
	case Insert:
		return "INSERT"
	case Update:
		return "UPDATE"
	case Delete:
		return "DELETE"
	}
	return "UNKNOWN"
}

// Rows is a rows event (WRITE_ROWS, UPDATE_ROWS, DELETE_ROWS in any version,
// MySQL's PARTIAL_UPDATE_ROWS, MariaDB's compressed variants decompressed).
type Rows struct {
	Kind    RowsKind
	TableID uint64
	// Table is the table map the event refers to; never nil in an event
	// returned by the Reader.
	Table *TableMap
	Flags uint16 // STMT_END_F = 1, NO_FOREIGN_KEY_CHECKS_F = 2, ...
	// ExtraData is the raw extra-data block of v2 events (NDB info,
	// partition ids), nil when absent.
	ExtraData []byte
	// Partial is true for PARTIAL_UPDATE_ROWS: JSON columns of the after
	// image may hold KindJSONDiff values.
	Partial bool
	// Present and PresentAfter tell which columns the before/after images
	// hold (binlog_row_image=MINIMAL/NOBLOB logs fewer than all). For
	// inserts, Present describes the after image and PresentAfter is nil.
	Present      []bool
	PresentAfter []bool
	Rows         []Row

	// pad keeps the unused bits of the last byte of the event's column
	// bitmap and of its first null bitmap, which readers ignore and
	// servers fill in different ways, so that the Encoder writes them
	// back; padKnown is false for rows not decoded from an event.
	colPad, nullPad uint8
	padKnown        bool
}

// EndOfStatement reports whether the event is the last of its statement
// (STMT_END_F).
func (r *Rows) EndOfStatement() bool { return r.Flags&1 != 0 }

// Row is one row image pair. Before is nil for inserts, After is nil for
// deletes. Each image has one Value per column of the table; columns not in
// the image hold a Value of KindAbsent.
type Row struct {
	Before []Value
	After  []Value
}
