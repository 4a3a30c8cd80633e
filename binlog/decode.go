package binlog

// Entry points of the body decoders. body is the event after the common
// header and before the checksum.

// decodeTableMap decodes a TABLE_MAP_EVENT body, merging in what
// st.opts.Schema knows. Implemented in tablemap.go.
var _ = decodeTableMap

// decodeRows decodes a rows event body against the table maps in st.
// Implemented in rowsdecode.go.
var _ = decodeRows
