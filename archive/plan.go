package archive

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
)

// Target is where a point-in-time recovery stops. Exactly one field is
// set.
//
// A target the base already holds gives a plan with nothing to replay; a
// target the base is past (the base holds a transaction committed after
// it) is ErrTarget, as replaying cannot undo a transaction.
type Target struct {
	// Time: replay every transaction committed at or before Time, nothing
	// committed after (see the package doc for commit times). A time
	// before the next transaction after the base replays nothing; a time
	// before the commit of the base's last transaction is before the base
	// (ErrTarget).
	Time time.Time
	// GTIDs: replay until every GTID of the set has been executed, and
	// stop right after the transaction that completes it. The base holds
	// the target when its last transaction completed the set; when an
	// earlier one did, the base is past the target.
	GTIDs *binlog.GTIDSet
	// Position: replay up to this position (exclusive): events starting at
	// or after Position.Offset in Position.File are not replayed. It should
	// be a transaction boundary. A position between the end of the base's
	// last transaction and the base replays nothing; an earlier one is
	// before the base.
	Position binlog.Position
}

// Base describes the state the replay starts from: the binlog position or
// the GTID set of a base backup. At most one field is set; the zero Base
// replays from the start of the archive.
type Base struct {
	Position binlog.Position
	GTIDs    *binlog.GTIDSet
}

// PlanOptions configures MakePlan. Target is required; MakePlan checks
// the options before it reads the store.
type PlanOptions struct {
	// Base is the state the replay starts from. Zero means the start of
	// the archive.
	Base Base
	// Target is where the replay stops; exactly one of its fields must be
	// set. Zero is an error of MakePlan.
	Target Target
	// Identities decrypt objects MakePlan must look into (the file holding the
	// target, when the manifest alone does not give the exact position).
	// Zero (an empty list) means such an object fails with ErrDecrypt when
	// it is encrypted.
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
	// --start-position=Start.Offset --stop-position=Stop.Offset. When
	// Files is empty, both are the base's position in the archive.
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
// chain (ErrGap, ErrFork, naming the missing file), a target the archive
// does not reach yet and a target the base is already past (ErrTarget).
func MakePlan(ctx context.Context, s Store, opts *PlanOptions) (*Plan, error) {
	if err := opts.check(); err != nil {
		return nil, err
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

// check refuses options without exactly one target, or with a base
// given both as a position and as a GTID set.
func (o *PlanOptions) check() error {
	if o == nil {
		return fmt.Errorf("%w: MakePlan needs a target", ErrBadOptions)
	}
	t := o.Target
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
		return fmt.Errorf("%w: MakePlan needs exactly one target: time, GTID set or position", ErrBadOptions)
	}
	if !o.Base.Position.IsZero() && o.Base.GTIDs != nil {
		return fmt.Errorf("%w: base: give a position or a GTID set, not both", ErrBadOptions)
	}
	return nil
}

func (p *planner) plan() (*Plan, error) {
	i0, start, err := p.start()
	if err != nil {
		return nil, err
	}
	base := binlog.Position{File: p.m.Records[i0].Name, Offset: start}
	if held, err := p.heldByBase(i0, start); err != nil || held {
		return &Plan{Start: base, Stop: base}, err
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
		return p.finish(plan, base)
	}
	last := p.m.Last()
	return nil, fmt.Errorf("%w: the archive ends with %s (last commit %s) before the target",
		ErrTarget, last.Name, last.LastCommitTime.Format(time.RFC3339Nano))
}

// finish leaves out of plan the files with nothing to replay and sets its
// Start and Stop; a plan left with no file starts and stops at base.
func (p *planner) finish(plan *Plan, base binlog.Position) (*Plan, error) {
	// A range is empty when the base is at the end of its file or the
	// target at the start of its file.
	plan.Files = slices.DeleteFunc(plan.Files, func(f PlanFile) bool { return f.Start == f.Stop })
	if plan.LastCommit.IsZero() {
		// The plan does not stop at a commit it found: it may hold none
		// (a base after the last transaction of its file, a target before
		// the first one of the next file). Later files are the cheaper
		// to look into: the first may need reading up to the base.
		held := false
		for i := len(plan.Files) - 1; i >= 0 && !held; i-- {
			var err error
			if held, err = p.holdsCommit(plan.Files[i]); err != nil {
				return nil, err
			}
		}
		if !held {
			plan.Files = nil
		}
	}
	if len(plan.Files) == 0 {
		return &Plan{Start: base, Stop: base}, nil
	}
	first, last := plan.Files[0], plan.Files[len(plan.Files)-1]
	plan.Start = binlog.Position{File: first.Record.Name, Offset: first.Start}
	plan.Stop = binlog.Position{File: last.Record.Name, Offset: last.Stop}
	return plan, nil
}

// holdsCommit reports whether a transaction ends in f's range.
func (p *planner) holdsCommit(f PlanFile) (bool, error) {
	rec := f.Record
	switch {
	case f.Start >= f.Stop || rec.Transactions == 0:
		return false, nil
	case f.Start <= rec.StartPos && f.Stop >= rec.EndPos:
		return true, nil
	}
	first, found, err := p.scan(rec, f.Start, func(commitInfo) bool { return true })
	return found && first.offset <= f.Stop, err
}

// heldByBase reports whether the base, file i0 at offset start, already
// holds a GTID or position target, and returns ErrTarget when the base is
// past any target. Whether a later time target replays anything is left
// to stopIn.
func (p *planner) heldByBase(i0 int, start int64) (bool, error) {
	t := p.o.Target
	rec := p.m.Records[i0]
	base := binlog.Position{File: rec.Name, Offset: start}
	switch {
	case t.GTIDs != nil:
		next, err := rec.next()
		if err != nil || !containsSet(next, t.GTIDs) {
			return false, err
		}
		executed, last, err := p.lastCommit(rec, start)
		if err != nil || !containsSet(executed, t.GTIDs) {
			return false, err
		}
		if last == nil {
			if last, _, err = p.lastTxBefore(i0); err != nil {
				return false, err
			}
		}
		// The base holds the target. It is at the target if its last
		// transaction completed the set, past it if an earlier one did.
		// Without its last transaction in the archive, it is taken to be
		// at the target.
		if last != nil && containsSet(last.before, t.GTIDs) {
			return false, fmt.Errorf("%w: target GTIDs %s are before the base %s (executed before its last transaction, which ends at %s)",
				ErrTarget, t.GTIDs, base, last.end)
		}
		return true, nil
	case !t.Time.IsZero():
		_, last, err := p.lastCommit(rec, start)
		if err == nil && last == nil {
			last, _, err = p.lastTxBefore(i0)
		}
		if err == nil && last != nil && last.time.After(t.Time) {
			err = fmt.Errorf("%w: target time %s is before the base %s (its last transaction committed at %s)",
				ErrTarget, t.Time.Format(time.RFC3339Nano), base, last.time.Format(time.RFC3339Nano))
		}
		return false, err
	case !t.Position.IsZero():
		switch c := t.Position.Compare(base); {
		case c > 0:
			return false, nil
		case c == 0:
			return true, nil
		}
		// Before the base: the base holds the target if no transaction
		// ends between them.
		_, last, err := p.lastCommit(rec, start)
		lo := i0
		if err == nil && last == nil {
			last, lo, err = p.lastTxBefore(i0)
		}
		if err != nil {
			return false, err
		}
		if last != nil && t.Position.Compare(last.end) < 0 {
			return false, fmt.Errorf("%w: target %s is before the base %s (its last transaction ends at %s)", ErrTarget, t.Position, base, last.end)
		}
		for _, r := range p.m.Records[lo:i0] {
			if r.Name == t.Position.File {
				if t.Position.Offset < r.StartPos || t.Position.Offset > r.EndPos {
					return false, fmt.Errorf("%w: target %s outside %s (%d-%d)", ErrTarget, t.Position, r.Name, r.StartPos, r.EndPos)
				}
				return true, nil
			}
		}
		if t.Position.File == rec.Name && t.Position.Offset >= rec.StartPos {
			return true, nil
		}
		return false, fmt.Errorf("%w: target %s is before the base %s", ErrTarget, t.Position, base)
	}
	return false, nil
}

// txEnd is the end of a committed transaction and the GTIDs executed
// before it.
type txEnd struct {
	end    binlog.Position
	time   time.Time // commit time
	before *binlog.GTIDSet
}

// lastCommit scans rec up to offset at: it returns the GTIDs executed there
// and the last transaction of rec that ends at or before at, nil if none.
func (p *planner) lastCommit(rec *Record, at int64) (*binlog.GTIDSet, *txEnd, error) {
	executed, err := rec.prev()
	if err != nil || at <= rec.StartPos || rec.Transactions == 0 {
		return executed, nil, err
	}
	var last *txEnd
	_, _, err = p.scan(rec, 0, func(c commitInfo) bool {
		if c.end > at {
			return true
		}
		last = &txEnd{end: binlog.Position{File: rec.Name, Offset: c.end}, time: c.time, before: executed}
		executed = c.executed.Clone()
		return false
	})
	return executed, last, err
}

// lastTxBefore returns the last transaction of the records before record
// i that form one chain with it (nil if none), and the index of the
// earliest record it looked at.
func (p *planner) lastTxBefore(i int) (*txEnd, int, error) {
	for ; i > 0; i-- {
		prev, rec := p.m.Records[i-1], p.m.Records[i]
		if checkLink(prev, rec) != nil {
			return nil, i, nil
		}
		if _, last, err := p.lastCommit(prev, prev.EndPos); err != nil || last != nil {
			return last, i - 1, err
		}
	}
	return nil, 0, nil
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
		obj.close()
		if err != nil {
			return res, true, rec.objErr("scan", err)
		}
		return res, true, nil
	}
	if ferr := obj.finish(); ferr != nil {
		return res, false, ferr
	}
	if err != nil {
		return res, false, rec.objErr("scan", err)
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
