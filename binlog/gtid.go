package binlog

import (
	"encoding/hex"
	"strconv"
	"strings"
)

// UUIDString formats a 16-byte server UUID as 8-4-4-4-12 hex digits.
func UUIDString(u [16]byte) string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// String returns the GTID in its server's notation: "uuid:n" or
// "uuid:tag:n" for MySQL, "ANONYMOUS" for an anonymous MySQL GTID, and
// "domain-server-sequence" for MariaDB.
func (g *GTID) String() string {
	if g.MariaDB {
		return MariaGTID{g.Domain, g.ServerID, g.Sequence}.String()
	}
	if g.Anonymous {
		return "ANONYMOUS"
	}
	s := UUIDString(g.SID)
	if g.Tag != "" {
		s += ":" + g.Tag
	}
	return s + ":" + strconv.FormatInt(g.GNO, 10)
}

// String returns "domain-server-sequence".
func (g MariaGTID) String() string {
	return strconv.FormatUint(uint64(g.Domain), 10) + "-" + strconv.FormatUint(uint64(g.ServerID), 10) +
		"-" + strconv.FormatUint(g.Sequence, 10)
}

// String returns the set in MySQL notation: "uuid[:tag]:1-5:7".
func (s UUIDSet) String() string {
	var b strings.Builder
	b.WriteString(UUIDString(s.SID))
	if s.Tag != "" {
		b.WriteString(":" + s.Tag)
	}
	for _, iv := range s.Intervals {
		b.WriteByte(':')
		b.WriteString(strconv.FormatInt(iv.Start, 10))
		if iv.End-1 > iv.Start {
			b.WriteByte('-')
			b.WriteString(strconv.FormatInt(iv.End-1, 10))
		}
	}
	return b.String()
}

// String returns the executed set as MySQL prints @@gtid_executed, sets
// separated by ",".
func (p *PreviousGTIDs) String() string {
	parts := make([]string, len(p.Sets))
	for i, s := range p.Sets {
		parts[i] = s.String()
	}
	return strings.Join(parts, ",")
}

// String returns the list as MariaDB prints @@gtid_binlog_state, GTIDs
// separated by ",".
func (l *GTIDList) String() string {
	parts := make([]string, len(l.GTIDs))
	for i, g := range l.GTIDs {
		parts[i] = g.String()
	}
	return strings.Join(parts, ",")
}
