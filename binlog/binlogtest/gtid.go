package binlogtest

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/binlogkit/binlogkit/binlog"
)

// GTID sets the GTID of the next transaction (or DDL statement), in the
// server's notation: "domain-server-sequence" on MariaDB (the server id
// becomes the header server id of the transaction's events),
// "uuid:number" on MySQL, and "uuid:tag:number" on MySQL 8.4 and 9.
// Transactions without one get the next number: on MariaDB in
// Options.Domain, on MySQL of Options.SourceUUID, untagged.
func (b *Builder) GTID(gtid string) error {
	const op = "GTID"
	if err := b.check(op); err != nil {
		return err
	}
	if b.tx != nil && len(b.tx.events) > 0 {
		return b.fail(op, fmt.Errorf("%w: GTID inside a transaction that has events", ErrState))
	}
	set, err := binlog.ParseGTIDSet(gtid)
	if err != nil || strings.Contains(gtid, ",") {
		return b.fail(op, fmt.Errorf("%w: GTID %q: %v", ErrOptions, gtid, err))
	}
	if b.s.Flavor == MariaDB {
		m := set.MariaDB()
		if len(m) != 1 {
			return b.fail(op, fmt.Errorf("%w: %q is not a MariaDB GTID", ErrFlavor, gtid))
		}
		b.nextGTID = &binlog.GTID{MariaDB: true, Domain: m[0].Domain, ServerID: m[0].ServerID, Sequence: m[0].Sequence}
	} else {
		m := set.MySQL()
		if len(m) != 1 || len(m[0].Intervals) != 1 || m[0].Intervals[0].End != m[0].Intervals[0].Start+1 {
			return b.fail(op, fmt.Errorf("%w: %q is not one MySQL GTID", ErrFlavor, gtid))
		}
		if m[0].Tag != "" && b.s.Flavor == MySQL80 {
			return b.fail(op, fmt.Errorf("%w: tagged GTID %q on MySQL 8.0", ErrFlavor, gtid))
		}
		if b.s.AnonymousGTIDs {
			return b.fail(op, fmt.Errorf("%w: GTID %q with AnonymousGTIDs", ErrOptions, gtid))
		}
		b.nextGTID = &binlog.GTID{SID: m[0].SID, Tag: m[0].Tag, GNO: m[0].Intervals[0].Start}
	}
	if b.tx != nil && b.nextGTID.MariaDB {
		b.tx.serverID = b.nextGTID.ServerID
	}
	return nil
}

// takeGTID returns the GTID of the next transaction and records it.
func (b *Builder) takeGTID(ddl bool) (*binlog.GTID, error) {
	g := b.nextGTID
	b.nextGTID = nil
	switch {
	case g != nil && g.MariaDB:
		b.lastSeq[g.Domain] = g.Sequence
	case g != nil:
		key := binlog.UUIDString(g.SID) + ":" + g.Tag
		b.lastGNO[key] = g.GNO
	case b.s.Flavor == MariaDB:
		d := b.s.Domain
		b.lastSeq[d]++
		g = &binlog.GTID{MariaDB: true, Domain: d, ServerID: b.s.ServerID, Sequence: b.lastSeq[d]}
	case b.s.AnonymousGTIDs:
		g = &binlog.GTID{Anonymous: true}
	default:
		key := binlog.UUIDString(b.s.sid) + ":"
		b.lastGNO[key]++
		g = &binlog.GTID{SID: b.s.sid, GNO: b.lastGNO[key]}
	}
	if g.MariaDB {
		if ddl {
			g.Flags = 1 | 32 // FL_STANDALONE | FL_DDL
		}
	} else {
		f := b.cur()
		f.seq++
		g.SequenceNumber = f.seq
		g.LastCommitted = f.seq - 1
		g.CommitFlag = true
		g.ImmediateCommitTime = uint64(b.now) * 1000000
		g.OriginalCommitTime = g.ImmediateCommitTime
		v := versionNumber(b.s.ServerVersion)
		g.ImmediateServerVersion, g.OriginalServerVersion = v, v
	}
	b.gtids.Add(g)
	return g, nil
}

// gtidEvent returns the event of g, with header server id sid.
func (b *Builder) gtidEvent(g *binlog.GTID, sid uint32) *binlog.Event {
	ev := b.event(g)
	if g.MariaDB {
		ev.Header.ServerID = g.ServerID
	} else {
		ev.Header.ServerID = sid
	}
	return ev
}

// setLength sets the TransactionLength of a MySQL GTID event: the bytes
// of the whole transaction, the GTID event included.
func (b *Builder) setLength(gev *binlog.Event, body []*binlog.Event) error {
	var rest int64
	for _, ev := range body {
		n, err := b.size(ev)
		if err != nil {
			return err
		}
		rest += n
	}
	g := gev.Payload.(*binlog.GTID)
	for range 4 {
		n, err := b.size(gev)
		if err != nil {
			return err
		}
		if g.TransactionLength == uint64(n+rest) {
			break
		}
		g.TransactionLength = uint64(n + rest)
	}
	return nil
}

// size returns the encoded size of ev.
func (b *Builder) size(ev *binlog.Event) (int64, error) {
	raw, err := binlog.AppendEvent(nil, ev, b.s.fd, 4)
	return int64(len(raw)), err
}

// versionNumber returns "8.0.36" as 80036.
func versionNumber(v string) uint32 {
	var n [3]int
	for i, p := range strings.SplitN(v, ".", 3) {
		end := 0
		for end < len(p) && p[end] >= '0' && p[end] <= '9' {
			end++
		}
		n[i], _ = strconv.Atoi(p[:end])
	}
	return uint32(n[0]*10000 + n[1]*100 + n[2])
}
