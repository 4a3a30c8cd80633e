package binlog

import (
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// GTIDSet is a set of executed GTIDs, as a server reports it in
// @@gtid_executed (MySQL) or @@gtid_binlog_pos / @@gtid_slave_pos
// (MariaDB). One value may hold both forms.
//
// MySQL part: for each server UUID (and tag, MySQL 8.4), intervals of
// transaction numbers: "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7,
// 3e11fa47-71ca-11e1-9e33-c80aa9429562:tag:1-3". Contains is exact.
//
// MariaDB part: for each replication domain, the last GTID applied:
// "0-1-100,1-2-7". MariaDB sequence numbers grow within a domain, so
// Contains(d-s-n) is true when the set has domain d with a sequence >= n,
// whatever the server id, the rule a MariaDB replica uses to resume. Add
// replaces the domain's GTID by the one added (the last applied wins), as
// @@gtid_slave_pos does.
//
// The zero value is an empty set ready to use. A GTIDSet is not safe
// for concurrent modification.
type GTIDSet struct {
	mysql []UUIDSet            // sorted by SID then Tag; intervals sorted, merged
	maria map[uint32]MariaGTID // by domain
}

// ParseGTIDSet parses a set in server notation: elements separated by
// commas (blanks and newlines around them are ignored), each either a MySQL
// "uuid[:tag]:interval[:interval...]" (an interval is "n" or "a-b"; MySQL
// 8.4 tags may also appear between intervals, switching the tag for the
// intervals after them) or a MariaDB "domain-server-sequence". The empty
// string is the empty set.
func ParseGTIDSet(s string) (*GTIDSet, error) {
	set := &GTIDSet{}
	for _, elem := range strings.Split(s, ",") {
		elem = strings.TrimSpace(elem)
		if elem == "" {
			continue
		}
		if err := set.parseElem(elem); err != nil {
			return nil, fmt.Errorf("binlog: bad GTID set %q: %w", elem, err)
		}
	}
	return set, nil
}

func (s *GTIDSet) parseElem(elem string) error {
	if !strings.Contains(elem, ":") {
		g, err := parseMariaGTID(elem)
		if err != nil {
			return err
		}
		s.addMaria(g)
		return nil
	}
	parts := strings.Split(elem, ":")
	sid, err := parseUUID(strings.TrimSpace(parts[0]))
	if err != nil {
		return err
	}
	tag := ""
	seen := false
	for _, p := range parts[1:] {
		p = strings.TrimSpace(p)
		if p == "" {
			return fmt.Errorf("empty interval")
		}
		if c := p[0]; c < '0' || c > '9' {
			if !validTag(p) {
				return fmt.Errorf("bad tag %q", p)
			}
			tag = strings.ToLower(p)
			continue
		}
		a, b, ok := strings.Cut(p, "-")
		lo, err := strconv.ParseInt(a, 10, 64)
		if err != nil || lo < 1 {
			return fmt.Errorf("bad interval %q", p)
		}
		hi := lo
		if ok {
			hi, err = strconv.ParseInt(b, 10, 64)
			if err != nil || hi < lo || hi == 1<<63-1 {
				return fmt.Errorf("bad interval %q", p)
			}
		}
		s.addInterval(sid, tag, GTIDInterval{Start: lo, End: hi + 1})
		seen = true
	}
	if !seen {
		return fmt.Errorf("no interval")
	}
	return nil
}

// validTag reports whether t is a MySQL GTID tag: a letter or underscore,
// then up to 31 letters, digits or underscores.
func validTag(t string) bool {
	if len(t) == 0 || len(t) > 32 {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i] | 0x20
		switch {
		case c >= 'a' && c <= 'z', t[i] == '_':
		case i > 0 && t[i] >= '0' && t[i] <= '9':
		default:
			return false
		}
	}
	return true
}

func parseUUID(s string) ([16]byte, error) {
	var u [16]byte
	h := strings.ReplaceAll(s, "-", "")
	if len(h) != 32 || len(s) != 36 && len(s) != 32 {
		return u, fmt.Errorf("bad server uuid %q", s)
	}
	if _, err := hex.Decode(u[:], []byte(h)); err != nil {
		return u, fmt.Errorf("bad server uuid %q", s)
	}
	return u, nil
}

func parseMariaGTID(s string) (MariaGTID, error) {
	f := strings.Split(s, "-")
	if len(f) != 3 {
		return MariaGTID{}, fmt.Errorf("want domain-server-sequence")
	}
	d, err1 := strconv.ParseUint(f[0], 10, 32)
	sv, err2 := strconv.ParseUint(f[1], 10, 32)
	n, err3 := strconv.ParseUint(f[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return MariaGTID{}, fmt.Errorf("want domain-server-sequence")
	}
	return MariaGTID{Domain: uint32(d), ServerID: uint32(sv), Sequence: n}, nil
}

// Clone returns a copy of s sharing no memory with it.
func (s *GTIDSet) Clone() *GTIDSet {
	c := &GTIDSet{}
	if s == nil {
		return c
	}
	for _, set := range s.mysql {
		set.Intervals = slices.Clone(set.Intervals)
		c.mysql = append(c.mysql, set)
	}
	for _, g := range s.maria {
		c.addMaria(g)
	}
	return c
}

// IsEmpty reports whether s holds no GTID.
func (s *GTIDSet) IsEmpty() bool { return s == nil || len(s.mysql) == 0 && len(s.maria) == 0 }

// Add adds g to the set. Anonymous GTIDs are ignored.
func (s *GTIDSet) Add(g *GTID) {
	switch {
	case g == nil || g.Anonymous:
	case g.MariaDB:
		s.addMaria(MariaGTID{Domain: g.Domain, ServerID: g.ServerID, Sequence: g.Sequence})
	default:
		if g.GNO >= 1 && g.GNO < 1<<63-1 {
			s.addInterval(g.SID, g.Tag, GTIDInterval{Start: g.GNO, End: g.GNO + 1})
		}
	}
}

// Contains reports whether g is in the set (see the type's doc for the
// MariaDB rule). Anonymous GTIDs are in no set.
func (s *GTIDSet) Contains(g *GTID) bool {
	if s == nil || g == nil || g.Anonymous {
		return false
	}
	if g.MariaDB {
		m, ok := s.maria[g.Domain]
		return ok && g.Sequence <= m.Sequence
	}
	i, ok := s.find(g.SID, g.Tag)
	if !ok {
		return false
	}
	ivs := s.mysql[i].Intervals
	j, _ := slices.BinarySearchFunc(ivs, g.GNO, func(iv GTIDInterval, n int64) int {
		switch {
		case iv.End <= n:
			return -1
		case iv.Start > n:
			return 1
		}
		return 0
	})
	return j < len(ivs) && ivs[j].Start <= g.GNO && g.GNO < ivs[j].End
}

// Union adds every GTID of o to s. For MariaDB domains present in both, the
// higher sequence wins.
func (s *GTIDSet) Union(o *GTIDSet) {
	if o == nil {
		return
	}
	for _, set := range o.mysql {
		for _, iv := range set.Intervals {
			s.addInterval(set.SID, set.Tag, iv)
		}
	}
	for d, g := range o.maria {
		if m, ok := s.maria[d]; !ok || g.Sequence > m.Sequence {
			s.addMaria(g)
		}
	}
}

// AddPrevious adds the sets of a MySQL PREVIOUS_GTIDS event.
func (s *GTIDSet) AddPrevious(p *PreviousGTIDs) {
	for _, set := range p.Sets {
		for _, iv := range set.Intervals {
			if iv.Start >= 1 && iv.End > iv.Start {
				s.addInterval(set.SID, set.Tag, iv)
			}
		}
	}
}

// AddList adds the GTIDs of a MariaDB GTID_LIST event; for a domain listed
// with several server ids the highest sequence wins.
func (s *GTIDSet) AddList(l *GTIDList) {
	for _, g := range l.GTIDs {
		if m, ok := s.maria[g.Domain]; !ok || g.Sequence > m.Sequence {
			s.addMaria(g)
		}
	}
}

// MySQL returns the MySQL part of the set, sorted by server UUID and tag.
// The result shares no memory with s.
func (s *GTIDSet) MySQL() []UUIDSet { return s.Clone().mysql }

// MariaDB returns the MariaDB part of the set, one GTID per domain, sorted
// by domain.
func (s *GTIDSet) MariaDB() []MariaGTID {
	if s == nil {
		return nil
	}
	out := make([]MariaGTID, 0, len(s.maria))
	for _, g := range s.maria {
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b MariaGTID) int { return int(int64(a.Domain) - int64(b.Domain)) })
	return out
}

// Equal reports whether s and o hold the same GTIDs.
func (s *GTIDSet) Equal(o *GTIDSet) bool { return s.String() == o.String() }

// String returns the set in server notation: MySQL parts first, sorted by
// UUID and tag, then MariaDB domains in order, separated by ",".
func (s *GTIDSet) String() string {
	if s == nil {
		return ""
	}
	var parts []string
	for _, set := range s.mysql {
		parts = append(parts, set.String())
	}
	for _, g := range s.MariaDB() {
		parts = append(parts, g.String())
	}
	return strings.Join(parts, ",")
}

// MarshalText implements encoding.TextMarshaler with String's notation.
func (s *GTIDSet) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with
// ParseGTIDSet's notation.
func (s *GTIDSet) UnmarshalText(b []byte) error {
	p, err := ParseGTIDSet(string(b))
	if err != nil {
		return err
	}
	*s = *p
	return nil
}

func (s *GTIDSet) addMaria(g MariaGTID) {
	if s.maria == nil {
		s.maria = make(map[uint32]MariaGTID)
	}
	s.maria[g.Domain] = g
}

func (s *GTIDSet) find(sid [16]byte, tag string) (int, bool) {
	return slices.BinarySearchFunc(s.mysql, UUIDSet{SID: sid, Tag: tag}, cmpSIDTag)
}

func cmpSIDTag(a, b UUIDSet) int {
	for i := range a.SID {
		if a.SID[i] != b.SID[i] {
			if a.SID[i] < b.SID[i] {
				return -1
			}
			return 1
		}
	}
	return strings.Compare(a.Tag, b.Tag)
}

// addInterval adds the half-open interval iv (Start >= 1, End > Start).
func (s *GTIDSet) addInterval(sid [16]byte, tag string, iv GTIDInterval) {
	i, ok := s.find(sid, tag)
	if !ok {
		s.mysql = slices.Insert(s.mysql, i, UUIDSet{SID: sid, Tag: tag})
	}
	ivs := s.mysql[i].Intervals
	// Fast path: appending after the last interval (the usual case).
	if n := len(ivs); n > 0 && ivs[n-1].End == iv.Start {
		ivs[n-1].End = max(ivs[n-1].End, iv.End)
		return
	} else if n == 0 || ivs[n-1].End < iv.Start {
		s.mysql[i].Intervals = append(ivs, iv)
		return
	}
	// General case: insert and merge overlapping or adjacent intervals.
	j, _ := slices.BinarySearchFunc(ivs, iv.Start, func(x GTIDInterval, n int64) int {
		if x.Start < n {
			return -1
		}
		if x.Start > n {
			return 1
		}
		return 0
	})
	ivs = slices.Insert(ivs, j, iv)
	out := ivs[:0]
	for _, x := range ivs {
		if n := len(out); n > 0 && x.Start <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, x.End)
			continue
		}
		out = append(out, x)
	}
	s.mysql[i].Intervals = out
}
