package archive

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
)

// Target is where a point-in-time recovery stops. Exactly one field is
// set.
type Target struct {
	// Time: replay every transaction committed at or before Time, nothing
	// committed after (see the package doc for commit times).
	Time time.Time
	// GTIDs: replay until every GTID of the set has been executed, and
	// stop right after the transaction that completes it.
	GTIDs *binlog.GTIDSet
	// Position: replay up to this position (exclusive): events starting at
	// or after Position.Offset in Position.File are not replayed. It should
	// be a transaction boundary.
	Position binlog.Position
}

// Base describes the state the replay starts from: the binlog position or
// the GTID set of a base backup. At most one field is set; the zero Base
// replays from the start of the archive.
type Base struct {
	Position binlog.Position
	GTIDs    *binlog.GTIDSet
}

// PlanOptions configures Plan.
type PlanOptions struct {
	Base   Base
	Target Target
	// Identities decrypt objects Plan must look into (the file holding the
	// target, when the manifest alone does not give the exact position).
	Identities []string
}

// PlanFile is one file to replay.
type PlanFile struct {
	Record *Record
	// Start and Stop bound what to replay of the file: events starting in
	// [Start, Stop). Start is the record's StartPos except in the first
	// file; Stop is its EndPos except in the last file.
	Start, Stop int64
}

// Plan says what to replay to go from a base backup to a target.
type Plan struct {
	// Files to replay, in order; empty when the base is already at the
	// target.
	Files []PlanFile
	// Start is where replay begins (first file, offset) and Stop where it
	// ends (last file, exclusive offset): mariadb-binlog / mysqlbinlog
	// --start-position=Start.Offset --stop-position=Stop.Offset.
	Start, Stop binlog.Position
	// LastCommit is the commit time of the last transaction replayed, when
	// the plan found it by scanning (time and GTID targets).
	LastCommit time.Time
}

// Command returns the shell command that replays the plan from files
// restored into dir (see Restore), for mariadb-binlog; mysqlbinlog takes
// the same options.
func (p *Plan) Command(dir string) string {
	if len(p.Files) == 0 {
		return "true # nothing to replay"
	}
	var b strings.Builder
	b.WriteString("mariadb-binlog")
	fmt.Fprintf(&b, " --start-position=%d --stop-position=%d", p.Start.Offset, p.Stop.Offset)
	for _, f := range p.Files {
		b.WriteString(" " + shellQuote(dir+"/"+f.Record.Name))
	}
	b.WriteString(" | mariadb")
	return b.String()
}

func shellQuote(s string) string {
	if strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ParseTime parses a time target in RFC 3339 with an explicit offset
// ("2026-03-01T10:30:00Z", "2026-03-01T12:30:00.5+02:00"). A time without
// an offset is refused: it would silently depend on the host's time zone.
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("archive: time %q: want RFC 3339 with an explicit offset (2006-01-02T15:04:05Z or +07:00): %w", s, err)
	}
	return t, nil
}

// MakePlan computes which archived files to replay, from where and to where,
// to bring a base backup to the target. It refuses to cross a break in the
// chain (ErrGap, ErrFork, naming the missing file) and a target the archive
// does not reach yet (ErrTarget).
func MakePlan(ctx context.Context, s Store, opts *PlanOptions) (*Plan, error) {
	if opts == nil {
		return nil, errors.New("archive: Plan needs a target")
	}
	m, err := LoadManifest(ctx, s)
	if err != nil {
		return nil, err
	}
	if len(m.Records) == 0 {
		return nil, fmt.Errorf("%w: the archive is empty", ErrTarget)
	}
	p := &planner{ctx: ctx, s: s, m: m, o: opts}
	return p.plan()
}

type planner struct {
	ctx context.Context
	s   Store
	m   *Manifest
	o   *PlanOptions
}

func (p *planner) plan() (*Plan, error) {
	t := p.o.Target
	n := 0
	if !t.Time.IsZero() {
		n++
	}
	if t.GTIDs != nil {
		n++
	}
	if !t.Position.IsZero() {
		n++
	}
	if n != 1 {
		return nil, errors.New("archive: Plan needs exactly one target: time, GTID set or position")
	}
	i0, start, err := p.start()
	if err != nil {
		return nil, err
	}
	plan := &Plan{}
	add := func(i int, stop int64) {
		rec := p.m.Records[i]
		f := PlanFile{Record: rec, Start: rec.StartPos, Stop: stop}
		if i == i0 {
			f.Start = start
		}
		plan.Files = append(plan.Files, f)
	}
	for i := i0; i < len(p.m.Records); i++ {
		rec := p.m.Records[i]
		if i > i0 {
			if err := checkLink(p.m.Records[i-1], rec); err != nil {
				return nil, fmt.Errorf("archive: cannot replay to the target: %w", err)
			}
		}
		from := rec.StartPos
		if i == i0 {
			from = start
		}
		stop, found, err := p.stopIn(rec, from)
		if err != nil {
			return nil, err
		}
		if !found {
			add(i, rec.EndPos)
			continue
		}
		if stop.offset < 0 {
			// The target is before the first transaction of this file:
			// the previous file (if any) ends the plan.
			if i == i0 {
				add(i, from)
			}
		} else {
			add(i, stop.offset)
			plan.LastCommit = stop.time
		}
		last := plan.Files[len(plan.Files)-1]
		plan.Start = binlog.Position{File: plan.Files[0].Record.Name, Offset: plan.Files[0].Start}
		plan.Stop = binlog.Position{File: last.Record.Name, Offset: last.Stop}
		return plan, nil
	}
	last := p.m.Last()
	return nil, fmt.Errorf("%w: the archive ends with %s (last commit %s) before the target",
		ErrTarget, last.Name, last.LastCommitTime.Format(time.RFC3339Nano))
}

// start returns the index of the first file to replay and the offset in it.
func (p *planner) start() (int, int64, error) {
	b := p.o.Base
	recs := p.m.Records
	switch {
	case !b.Position.IsZero() && b.GTIDs != nil:
		return 0, 0, errors.New("archive: base: give a position or a GTID set, not both")
	case !b.Position.IsZero():
		for i, r := range recs {
			if r.Name == b.Position.File {
				if b.Position.Offset < r.StartPos || b.Position.Offset > r.EndPos {
					return 0, 0, fmt.Errorf("archive: base position %s outside %s (%d-%d)", b.Position, r.Name, r.StartPos, r.EndPos)
				}
				return i, b.Position.Offset, nil
			}
		}
		_, seq, _, _ := splitName(b.Position.File)
		if seq < recs[0].Sequence {
			return 0, 0, fmt.Errorf("%w: base file %s is older than the archive (first %s)", ErrGap, b.Position.File, recs[0].Name)
		}
		return 0, 0, fmt.Errorf("%w: base file %s is not archived", ErrGap, b.Position.File)
	case b.GTIDs != nil:
		// The base is in the last file whose previous set it contains.
		idx := -1
		for i, r := range recs {
			prev, err := r.prev()
			if err != nil {
				return 0, 0, err
			}
			if containsSet(b.GTIDs, prev) {
				idx = i
			}
		}
		if idx < 0 {
			return 0, 0, fmt.Errorf("%w: base GTIDs %s are older than the archive (first %s starts after %s)",
				ErrGap, b.GTIDs, recs[0].Name, recs[0].PrevGTIDs)
		}
		r := recs[idx]
		prev, _ := r.prev()
		if containsSet(prev, b.GTIDs) {
			return idx, r.StartPos, nil
		}
		pos, found, err := p.scan(r, r.StartPos, func(c commitInfo) bool { return containsSet(c.executed, b.GTIDs) })
		if err != nil {
			return 0, 0, err
		}
		if !found {
			return 0, 0, fmt.Errorf("%w: base GTIDs %s not reached in %s", ErrTarget, b.GTIDs, r.Name)
		}
		// The base includes the transaction that reached it.
		return idx, pos.offset, nil
	}
	return 0, recs[0].StartPos, nil
}

// stopPos is the result of looking for the target in a file: offset is the
// end of the last transaction to replay in it, -1 when the file has none.
type stopPos struct {
	offset int64
	time   time.Time
}

// stopIn looks for the target in rec, replaying from offset from. found is
// false when the whole file (from from) is to be replayed and the target is
// further on.
func (p *planner) stopIn(rec *Record, from int64) (stopPos, bool, error) {
	t := p.o.Target
	switch {
	case !t.Position.IsZero():
		if t.Position.File != rec.Name {
			_, seq, _, _ := splitName(t.Position.File)
			if seq < rec.Sequence {
				return stopPos{}, false, fmt.Errorf("%w: target %s is before the base", ErrTarget, t.Position)
			}
			return stopPos{}, false, nil
		}
		if t.Position.Offset < from || t.Position.Offset > rec.EndPos {
			return stopPos{}, false, fmt.Errorf("%w: target %s outside %s (%d-%d)", ErrTarget, t.Position, rec.Name, from, rec.EndPos)
		}
		return stopPos{offset: t.Position.Offset}, true, nil
	case t.GTIDs != nil:
		next, err := rec.next()
		if err != nil {
			return stopPos{}, false, err
		}
		if !containsSet(next, t.GTIDs) {
			return stopPos{}, false, nil
		}
		prev, _ := rec.prev()
		if containsSet(prev, t.GTIDs) {
			return stopPos{offset: -1}, true, nil
		}
		sp, found, err := p.scan(rec, from, func(c commitInfo) bool { return containsSet(c.executed, t.GTIDs) })
		if err == nil && !found {
			err = fmt.Errorf("%w: %s: target GTIDs not reached although the record says so", ErrDigest, rec.Name)
		}
		return sp, true, err
	}
	// Time target.
	if !rec.LastCommitTime.After(t.Time) {
		return stopPos{}, false, nil
	}
	// Stop before the first transaction committed after the target.
	var last commitInfo
	seen := false
	_, _, err := p.scan(rec, from, func(c commitInfo) bool {
		if c.time.After(t.Time) {
			return true
		}
		last, seen = c, true
		return false
	})
	if err != nil {
		return stopPos{}, false, err
	}
	if !seen {
		return stopPos{offset: -1}, true, nil
	}
	return stopPos{offset: last.end, time: last.time}, true, nil
}

type commitInfo struct {
	end      int64
	time     time.Time
	executed *binlog.GTIDSet
}

// scan reads rec's object and calls match at every commit ending after
// from, until match returns true; it returns that commit's position.
func (p *planner) scan(rec *Record, from int64, match func(commitInfo) bool) (stopPos, bool, error) {
	obj, err := openObject(p.ctx, p.s, rec, p.o.Identities)
	if err != nil {
		return stopPos{}, false, err
	}
	sc := newScanner()
	var res stopPos
	found := false
	sc.onCommit = func(end int64, t time.Time, executed *binlog.GTIDSet) bool {
		if end <= from {
			return true
		}
		if match(commitInfo{end: end, time: t, executed: executed}) {
			res, found = stopPos{offset: end, time: t}, true
			return false
		}
		return true
	}
	err = sc.scan(obj, rec.Name)
	if found {
		obj.rc.Close()
		return res, true, err
	}
	if ferr := obj.finish(); ferr != nil {
		return res, false, ferr
	}
	if err != nil {
		return res, false, fmt.Errorf("archive: %s: %w", rec.Name, err)
	}
	return res, false, nil
}

// containsSet reports whether every GTID of b is in a. For MariaDB domains
// a contains b's GTID when it has the domain with a sequence at least as
// high.
func containsSet(a, b *binlog.GTIDSet) bool {
	for _, g := range b.MariaDB() {
		if !a.Contains(&binlog.GTID{MariaDB: true, Domain: g.Domain, ServerID: g.ServerID, Sequence: g.Sequence}) {
			return false
		}
	}
	have := a.MySQL()
	for _, set := range b.MySQL() {
		var ivs []binlog.GTIDInterval
		for _, h := range have {
			if h.SID == set.SID && h.Tag == set.Tag {
				ivs = h.Intervals
			}
		}
		for _, iv := range set.Intervals {
			ok := false
			for _, h := range ivs {
				if h.Start <= iv.Start && iv.End <= h.End {
					ok = true
					break
				}
			}
			if !ok {
				return false
			}
		}
	}
	return true
}
