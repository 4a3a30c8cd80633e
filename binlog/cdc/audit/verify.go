package audit

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
)

// DamageKind is the kind of damage Verify finds.
type DamageKind string

const (
	// Edited: the record's content does not match its hash, or its hash
	// was recomputed without the key (the MAC does not match).
	Edited DamageKind = "edited"
	// Deleted: one or more records are missing before this one (or, at the
	// end of the chain, after the last record).
	Deleted DamageKind = "deleted"
	// Reordered: the record is not where the chain puts it.
	Reordered DamageKind = "reordered"
	// Inserted: the record was added: no record links to it, and its
	// predecessor has another successor.
	Inserted DamageKind = "inserted"
)

// Damage is one bad record found by Verify.
type Damage struct {
	// Seq is the sequence number of the bad record (for Deleted at the
	// end of the chain: the last stored record's plus one).
	Seq  int64
	Kind DamageKind
	// Detail says what did not match, in a sentence.
	Detail string
}

func (d Damage) String() string {
	return fmt.Sprintf("record %d: %s: %s", d.Seq, d.Kind, d.Detail)
}

// Report is the result of Verify.
type Report struct {
	// Records is the number of records checked; LastSeq the chain head's
	// sequence number as stored.
	Records, LastSeq int64
	// Keyed reports whether MACs were checked (Options.Key was set).
	Keyed bool
	// Damage lists the bad records by sequence number; empty when the
	// chain is intact. The first entry names the first damage; a damaged
	// record may also break the link of a record after it, which can
	// then appear too.
	Damage []Damage
}

// OK reports whether no damage was found.
func (r *Report) OK() bool { return len(r.Damage) == 0 }

// link is what Verify keeps of a record.
type link struct {
	seq           int64
	prev, hash    [32]byte
	hashOK, macOK bool
	parsedOK      bool
}

// Verify walks the chain in sequence order and reports every record whose
// content does not match its hash (or, with a key, its MAC), that is
// missing, out of order or added, and checks the chain head stored with the
// checkpoint. It holds about 250 bytes per record in memory. With a key,
// a store written without one fails with ErrNotKeyed.
func (s *Store) Verify(ctx context.Context) (*Report, error) {
	rep := &Report{Keyed: len(s.key) > 0}
	// One snapshot, so that a pipeline writing meanwhile is not taken
	// for damage: SQLite's read transaction in WAL mode is one, and so is
	// PostgreSQL's REPEATABLE READ.
	opts := &sql.TxOptions{}
	if s.d == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, &Error{Op: "verify", Err: err}
	}
	defer tx.Rollback()
	st, err := s.state(ctx, tx)
	if err != nil {
		return nil, err
	}
	var links []link
	var buf []byte
	for e, err := range s.entries(ctx, tx, selectEntry+" ORDER BY seq") {
		if err != nil {
			return nil, &Error{Op: "verify", Err: err}
		}
		l := link{seq: e.Seq}
		_, err1 := hex.Decode(l.prev[:], []byte(e.PrevHash))
		_, err2 := hex.Decode(l.hash[:], []byte(e.Hash))
		l.parsedOK = err1 == nil && err2 == nil && len(e.PrevHash) == 64 && len(e.Hash) == 64
		var h string
		h, buf = e.computeHash(buf)
		l.hashOK = l.parsedOK && h == e.Hash
		l.macOK = !rep.Keyed || computeMAC(s.key, e.Hash) == e.MAC
		links = append(links, l)
	}
	rep.Records = int64(len(links))
	rep.LastSeq = st.lastSeq
	if rep.Keyed && !st.mac.Valid && st.lastSeq > 0 {
		return nil, &Error{Op: "verify", Err: ErrNotKeyed}
	}

	var zero [32]byte
	byHash := make(map[[32]byte]int, len(links))
	refs := make(map[[32]byte]int, len(links))
	for i, l := range links {
		byHash[l.hash] = i
		refs[l.prev]++
	}
	var head [32]byte
	headOK := false
	if _, err := hex.Decode(head[:], []byte(st.lastHash)); err == nil && len(st.lastHash) == 64 {
		headOK = true
	}
	isHead := func(l link) bool { return headOK && l.hash == head }

	found := map[int64]bool{}
	add := func(seq int64, k DamageKind, format string, args ...any) {
		if found[seq] {
			return
		}
		found[seq] = true
		rep.Damage = append(rep.Damage, Damage{Seq: seq, Kind: k, Detail: fmt.Sprintf(format, args...)})
	}
	for i, l := range links {
		switch {
		case !l.parsedOK:
			add(l.seq, Edited, "its hashes are not 64 hex digits")
			continue
		case !l.hashOK:
			add(l.seq, Edited, "its content does not match its hash")
		case !l.macOK:
			if refs[l.hash] == 0 && !isHead(l) && refs[l.prev] >= 2 {
				add(l.seq, Inserted, "its MAC does not match and no record follows it")
			} else {
				add(l.seq, Edited, "its MAC does not match (hash recomputed without the key)")
			}
		case refs[l.hash] == 0 && !isHead(l) && refs[l.prev] >= 2:
			add(l.seq, Inserted, "no record links to it and its predecessor has another successor")
		}
		want := zero
		var p *link
		if i > 0 {
			p = &links[i-1]
			want = p.hash
		}
		if l.prev == want {
			continue
		}
		q, ok := byHash[l.prev]
		switch {
		case !ok && l.prev == zero:
			add(l.seq, Reordered, "it is the first record of the chain but comes after record %d", p.seq)
		case !ok:
			add(l.seq, Deleted, "the record it links to is missing: records were deleted before it (or, without a key, the record before it was replaced)")
		case links[q].seq > l.seq:
			add(l.seq, Reordered, "it links to record %d, which comes after it", links[q].seq)
		case p != nil && refs[p.hash] == 0 && !isHead(*p):
			add(p.seq, Inserted, "record %d links to record %d: the records after %d up to %d were added", l.seq, links[q].seq, links[q].seq, p.seq)
		default:
			add(l.seq, Reordered, "it links to record %d, not to the record before it (%d)", links[q].seq, p.seq)
		}
	}
	// The chain head stored with the checkpoint.
	if st.mac.Valid || rep.Keyed {
		empty := st.lastSeq == 0 && !st.mac.Valid // as created
		if want := stateMAC(s.key, st.lastSeq, st.lastHash, st.checkpoint.String); rep.Keyed && !empty && want != st.mac.String {
			rep.Damage = append(rep.Damage, Damage{Seq: st.lastSeq, Kind: Edited, Detail: "the stored chain head or checkpoint does not match its MAC"})
		}
	}
	if n := len(links); n > 0 && headOK && links[n-1].hash != head {
		if q, ok := byHash[head]; ok {
			add(links[q].seq+1, Inserted, "the chain head is record %d: the records after it were added", links[q].seq)
		} else {
			add(links[n-1].seq+1, Deleted, "the chain head (record %d) is missing: records were deleted at the end", st.lastSeq)
		}
	} else if n == 0 && st.lastSeq != 0 {
		add(1, Deleted, "the chain head is record %d but the store holds no record", st.lastSeq)
	}
	slices.SortStableFunc(rep.Damage, func(a, b Damage) int {
		if a.Seq < b.Seq {
			return -1
		}
		if a.Seq > b.Seq {
			return 1
		}
		return 0
	})
	return rep, nil
}
