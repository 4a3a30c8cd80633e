package binlog

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"time"
)

// Header is the common header that starts every event (19 bytes in binlog
// version 4; FormatDescription.HeaderLength gives the real length, which a
// few servers make longer).
type Header struct {
	Timestamp uint32    // seconds since the Unix epoch when the statement started
	Type      EventType // type code
	ServerID  uint32    // server that first wrote the event
	EventSize uint32    // size of the whole event, header and checksum included
	LogPos    uint32    // position of the next event as the server wrote it (0 in some relay logs and in events inside a transaction payload)
	Flags     uint16    // LOG_EVENT_*_F flags: FlagBinlogInUse, FlagSuppressUse, ...
}

// parseHeader reads the 19-byte common header at the start of b (which must
// hold it): the one reading of the header layout.
func parseHeader(b []byte) Header {
	return Header{
		Timestamp: binary.LittleEndian.Uint32(b[0:]),
		Type:      EventType(b[4]),
		ServerID:  binary.LittleEndian.Uint32(b[5:]),
		EventSize: binary.LittleEndian.Uint32(b[9:]),
		LogPos:    binary.LittleEndian.Uint32(b[13:]),
		Flags:     binary.LittleEndian.Uint16(b[17:]),
	}
}

// Header flags (LOG_EVENT_*_F).
const (
	// FlagBinlogInUse, on a format description event: the server had not
	// closed the file (it is being written, or the server crashed).
	FlagBinlogInUse uint16 = 0x1
	// FlagThreadSpecific: the statement uses temporary tables of its
	// connection (Query events).
	FlagThreadSpecific uint16 = 0x4
	// FlagSuppressUse: the Query event's default database must not be
	// selected before running it (CREATE/DROP DATABASE).
	FlagSuppressUse uint16 = 0x8
	// FlagArtificial: the event was made up by a server (the rotate at
	// the start of a replication stream, say), not read from a binlog.
	FlagArtificial uint16 = 0x20
	// FlagRelayLog: the event was written by a replica to its relay log.
	FlagRelayLog uint16 = 0x40
	// FlagIgnorable: a server that does not know the event type may skip
	// it.
	FlagIgnorable uint16 = 0x80
)

// Time returns Timestamp as a UTC instant.
func (h Header) Time() time.Time { return time.Unix(int64(h.Timestamp), 0).UTC() }

// Event is one binlog event.
//
// An Event returned by Reader.Next owns its memory: it stays valid after
// later calls to Next, and values inside it may be kept. Clone is only
// needed to modify an event without affecting other holders.
type Event struct {
	Header Header

	// File is the name of the file the event was read from, as given to
	// Open or ReaderOptions.Name.
	File string
	// Offset is the byte offset of the first byte of the event in File.
	// Events expanded from a TRANSACTION_PAYLOAD event carry the payload
	// event's offset.
	Offset int64
	// NextPos is the offset of the byte after the event in File: where a
	// reader resumes to read the next event. For events expanded from a
	// TRANSACTION_PAYLOAD event it is the payload event's NextPos.
	NextPos int64
	// PayloadIndex is 0 for an event read from the file and i+1 for the i-th
	// event expanded from a TRANSACTION_PAYLOAD event at Offset.
	PayloadIndex int

	// Raw holds the bytes of the whole event as stored: header, body and
	// checksum (for an expanded event, its bytes inside the decompressed
	// payload). Packages that rewrite binlogs copy it.
	Raw []byte

	// Payload is the decoded body: one of *FormatDescription, *Query, *Rotate,
	// *XID, *GTID, *PreviousGTIDs, *GTIDList, *TableMap, *Rows, *RowsQuery,
	// *Heartbeat, *TransactionPayload, *IntVar, *Rand, *UserVar, *XAPrepare,
	// *BinlogCheckpoint, *StartEncryption, *Incident, *Stop, or *Unknown for a
	// type this package does not decode (raw bytes pass through, never an
	// error).
	Payload Payload

	mem *eventMem // pooled memory of a file reader's event (Release)
}

// Type returns the event's type code.
func (e *Event) Type() EventType { return e.Header.Type }

// Time returns the header timestamp as a UTC instant.
func (e *Event) Time() time.Time { return e.Header.Time() }

// Clone returns a deep copy of the event: its raw bytes and payload share
// no memory with the original.
func (e *Event) Clone() *Event {
	c := *e
	c.mem = nil
	c.Raw = append([]byte(nil), e.Raw...)
	c.Payload = clonePayload(e.Payload)
	return &c
}

// Payload is the decoded body of an event. The concrete types are listed on
// Event.Payload.
type Payload interface {
	isPayload()
}

// appendHeader appends the 19-byte common header h to dst: the one writing
// of the header layout (parseHeader reads it).
func appendHeader(dst []byte, h Header) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, h.Timestamp)
	dst = append(dst, byte(h.Type))
	dst = binary.LittleEndian.AppendUint32(dst, h.ServerID)
	dst = binary.LittleEndian.AppendUint32(dst, h.EventSize)
	dst = binary.LittleEndian.AppendUint32(dst, h.LogPos)
	return binary.LittleEndian.AppendUint16(dst, h.Flags)
}

// headerLen returns the length of the common header of an event of type t
// under the format description fd (nil before one is known): the format's
// HeaderLength when it is longer than 19 bytes, except for the format
// description itself, which always has a 19-byte header.
func headerLen(fd *FormatDescription, t EventType) int {
	if fd != nil && t != FormatDescriptionEvent && int(fd.HeaderLength) > minHeaderLen {
		return int(fd.HeaderLength)
	}
	return minHeaderLen
}

// postHeaderLen returns the post-header length that the format description
// fd declares for events of type t, or def when fd is nil or declares none
// (no entry for t, or 0).
func postHeaderLen(fd *FormatDescription, t EventType, def int) int {
	if fd != nil && t > 0 && int(t) <= len(fd.PostHeaderLens) {
		if n := int(fd.PostHeaderLens[t-1]); n > 0 {
			return n
		}
	}
	return def
}

// Checksum returns the CRC32 stored in the last 4 bytes of raw, one whole
// event, and whether it is the checksum of the bytes before it. A server
// computes the checksum of a format description with FlagBinlogInUse clear
// and sets the flag in place while the file is open; a format description
// whose checksum matches with or without the flag is valid. ok is false
// when raw is shorter than a header and a checksum.
func Checksum(raw []byte) (stored uint32, ok bool) {
	n := len(raw) - 4
	if n < minHeaderLen {
		return 0, false
	}
	stored = binary.LittleEndian.Uint32(raw[n:])
	if crc32.ChecksumIEEE(raw[:n]) == stored {
		return stored, true
	}
	if EventType(raw[4]) == FormatDescriptionEvent && raw[17]&byte(FlagBinlogInUse) != 0 {
		return stored, eventCRC(raw[:n]) == stored
	}
	return stored, false
}

// eventCRC returns the CRC32 of b, an event without its checksum, as a
// server computes it: with FlagBinlogInUse clear in a format description.
func eventCRC(b []byte) uint32 {
	if len(b) >= minHeaderLen && EventType(b[4]) == FormatDescriptionEvent && b[17]&byte(FlagBinlogInUse) != 0 {
		crc := crc32.ChecksumIEEE(b[:17])
		crc = crc32.Update(crc, crc32.IEEETable, []byte{b[17] &^ byte(FlagBinlogInUse)})
		return crc32.Update(crc, crc32.IEEETable, b[18:])
	}
	return crc32.ChecksumIEEE(b)
}

// checkCRC verifies the checksum at the end of raw (Checksum) and returns
// an error wrapping ErrChecksum, or ErrCorrupt when raw is too short.
func checkCRC(raw []byte) error {
	stored, ok := Checksum(raw)
	if ok {
		return nil
	}
	if len(raw) < minHeaderLen+4 {
		return corruptf("event too short for its checksum")
	}
	return fmt.Errorf("%w: stored 0x%08x, computed 0x%08x", ErrChecksum, stored, eventCRC(raw[:len(raw)-4]))
}
