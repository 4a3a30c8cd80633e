package archive

import (
	"fmt"
	"io"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
)

// fileScan is what scanning a binlog file yields for its Record.
type fileScan struct {
	serverID      uint32
	serverVersion string
	mariaDB       bool
	serverUUID    string
	domain        *uint32
	inUse         bool
	events        int64
	startPos      int64
	endPos        int64
	firstTime     time.Time
	lastTime      time.Time
	firstCommit   time.Time
	lastCommit    time.Time
	transactions  int64
	prev          *binlog.GTIDSet
	added         *binlog.GTIDSet
}

// scanner follows a binlog's events and finds transaction boundaries.
type scanner struct {
	fs       fileScan
	sawFDE   bool
	sawPrev  bool
	inTx     bool
	txTime   time.Time // MySQL immediate commit time of the current GTID
	executed *binlog.GTIDSet
	// onCommit, when set, is called at each transaction end with the
	// commit's end offset, time and the GTIDs executed so far (valid only
	// during the call). Returning false stops the scan.
	onCommit func(end int64, t time.Time, executed *binlog.GTIDSet) bool
	stopped  bool
}

func newScanner() *scanner {
	return &scanner{
		fs:       fileScan{prev: &binlog.GTIDSet{}, added: &binlog.GTIDSet{}},
		executed: &binlog.GTIDSet{},
	}
}

// scan reads every event of a binlog file from r, named name.
func (s *scanner) scan(r io.Reader, name string) error {
	br := binlog.NewReader(r, &binlog.ReaderOptions{Name: name, SkipRowValues: true})
	for {
		ev, err := br.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if err := s.event(ev); err != nil {
			return fmt.Errorf("%s: offset %d: %w", name, ev.Offset, err)
		}
		if s.stopped {
			return nil
		}
	}
	if !s.sawFDE {
		return fmt.Errorf("%s: %w: no format description event", name, binlog.ErrCorrupt)
	}
	return nil
}

func (s *scanner) event(ev *binlog.Event) error {
	fs := &s.fs
	if ev.PayloadIndex == 0 {
		if fs.events == 0 {
			fs.startPos = ev.Offset
		}
		fs.events++
		fs.endPos = ev.NextPos
	}
	if ev.Header.Timestamp != 0 {
		t := ev.Time()
		if fs.firstTime.IsZero() {
			fs.firstTime = t
		}
		fs.lastTime = t
	}
	switch p := ev.Payload.(type) {
	case *binlog.FormatDescription:
		if !s.sawFDE {
			s.sawFDE = true
			fs.serverID = ev.Header.ServerID
			fs.serverVersion = p.ServerVersion
			fs.mariaDB = p.MariaDB()
			fs.inUse = ev.Header.Flags&binlog.FlagBinlogInUse != 0
		}
	case *binlog.PreviousGTIDs:
		if !s.sawPrev {
			s.sawPrev = true
			fs.prev.AddPrevious(p)
			s.executed.AddPrevious(p)
		}
	case *binlog.GTIDList:
		if !s.sawPrev {
			s.sawPrev = true
			fs.prev.AddList(p)
			s.executed.AddList(p)
		}
	case *binlog.GTID:
		if p.MariaDB && p.ServerID == 0 {
			// The MariaDB GTID's server id is the event header's.
			g := *p
			g.ServerID = ev.Header.ServerID
			p = &g
		}
		s.sawPrev = true
		fs.added.Add(p)
		s.executed.Add(p)
		if p.MariaDB {
			s.inTx = !p.Standalone()
			if ev.Header.ServerID == fs.serverID && fs.domain == nil {
				d := p.Domain
				fs.domain = &d
			}
		} else {
			s.inTx = false
			if !p.Anonymous && ev.Header.ServerID == fs.serverID && fs.serverUUID == "" {
				fs.serverUUID = binlog.UUIDString(p.SID)
			}
		}
		s.txTime = time.Time{}
		if p.ImmediateCommitTime != 0 {
			s.txTime = time.UnixMicro(int64(p.ImmediateCommitTime)).UTC()
		}
	case *binlog.XID:
		s.commit(ev)
	case *binlog.XAPrepare:
		s.commit(ev)
	case *binlog.Query:
		switch c := p.Control(); {
		case c == binlog.TxBegin || c == binlog.TxXAStart:
			s.inTx = true
		case c.Ends() || c == binlog.TxXACommit || c == binlog.TxXARollback:
			s.commit(ev)
		case s.inTx:
			// SAVEPOINT, ROLLBACK TO, XA END, statements: the
			// transaction goes on.
		default:
			s.commit(ev) // a DDL or other standalone statement
		}
	}
	return nil
}

func (s *scanner) commit(ev *binlog.Event) {
	s.inTx = false
	t := s.txTime
	if t.IsZero() {
		t = ev.Time()
	}
	s.txTime = time.Time{}
	fs := &s.fs
	fs.transactions++
	if fs.firstCommit.IsZero() {
		fs.firstCommit = t
	}
	if t.After(fs.lastCommit) {
		fs.lastCommit = t
	}
	if s.onCommit != nil && !s.onCommit(ev.NextPos, t, s.executed) {
		s.stopped = true
	}
}
