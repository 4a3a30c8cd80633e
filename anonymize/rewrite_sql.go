package anonymize

import (
	"errors"
	"io"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/rowevent"
)

// SQLOptions configures WriteSQL. The zero value (or nil) writes the
// session header and forward statements as rowevent's zero Options do.
type SQLOptions struct {
	// Rows tunes the statements of the row changes (batching, verbs,
	// column names). Zero (nil) means rowevent's defaults; its Origin is
	// ignored.
	Rows *rowevent.Options
	// NoHeader leaves out rowevent.Header, the statements that set the
	// session (time zone, character set, sql_mode) at the start. False
	// writes it, so that the mariadb or mysql client applies the output
	// as is.
	NoHeader bool
}

// WriteSQL reads the events of src, masks each with m (Masker.Event) and
// writes SQL that redoes them to w, as examples/binlog2sql does without
// its flags: the forward statements of the masked row changes
// (rowevent.AppendForward), and the masked text of the other statements
// (DDL, statement-logged DML) as the mysql client must read it, with a
// USE before a statement of another database. Transactions are kept:
// BEGIN before a MariaDB event group or at MySQL's BEGIN, COMMIT at its
// XID; ROLLBACK, SAVEPOINT and XA statements are written as logged. A
// transaction the input ends inside is closed with COMMIT.
//
// Memory is bounded by the largest event and the SQL of one event: each
// event's SQL is made, and the event released (binlog.Event.Release),
// before the next is read. Errors name the input
// event (a *binlog.EventError); statement text the client could not read
// safely is an error wrapping sqlscript's ErrUnsafe.
func WriteSQL(w io.Writer, src binlog.Source, m *Masker, opts *SQLOptions) (RewriteStats, error) {
	var o SQLOptions
	if opts != nil {
		o = *opts
	}
	var st RewriteStats
	if m == nil {
		return st, errors.New("anonymize: WriteSQL needs a Masker")
	}
	var ropts rowevent.Options
	if o.Rows != nil {
		ropts = *o.Rows
	}
	ropts.Origin = nil
	s := sqlWriter{w: w, rows: &ropts}
	if !o.NoHeader {
		s.out = rowevent.AppendHeader(s.out)
	}
	for {
		ev, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			s.flush()
			st.Bytes = s.n
			return st, err
		}
		st.Events++
		out, keep, err := m.Event(ev)
		if err != nil {
			return st, eventError(ev, err)
		}
		if !keep {
			st.Dropped++
			release(ev)
			continue
		}
		if out != ev {
			st.Masked++
		}
		wrote, err := s.event(out)
		if err != nil {
			return st, eventError(ev, err)
		}
		if wrote {
			st.Written++
		}
		release(ev)
		if len(s.out) >= 64<<10 {
			if err := s.flush(); err != nil {
				return st, err
			}
		}
	}
	if s.open {
		s.out = append(s.out, "COMMIT;\n"...)
	}
	err := s.flush()
	st.Bytes = s.n
	return st, err
}

// sqlWriter holds the state of WriteSQL between events.
type sqlWriter struct {
	w     io.Writer
	rows  *rowevent.Options
	out   []byte // SQL not written yet
	n     int64  // bytes written
	err   error  // sticky write error
	open  bool   // inside a transaction whose BEGIN is written
	curDB string // database of the last USE written
}

func (s *sqlWriter) flush() error {
	if s.err != nil {
		return s.err
	}
	n, err := s.w.Write(s.out)
	s.n += int64(n)
	s.out = s.out[:0]
	s.err = err
	return err
}

// event appends the SQL of one masked event and reports whether it wrote
// any.
func (s *sqlWriter) event(ev *binlog.Event) (bool, error) {
	switch p := ev.Payload.(type) {
	case *binlog.GTID:
		if p.MariaDB && !p.Standalone() {
			s.begin()
			return true, nil
		}
	case *binlog.XID:
		if s.open {
			s.out = append(s.out, "COMMIT;\n"...)
			s.open = false
			return true, nil
		}
	case *binlog.Rows:
		var err error
		if s.out, err = rowevent.AppendForward(s.out, p, s.rows); err != nil {
			return false, err
		}
		return true, nil
	case *binlog.Query:
		return true, s.query(p)
	}
	return false, nil
}

func (s *sqlWriter) begin() {
	if !s.open {
		s.out = append(s.out, "BEGIN;\n"...)
		s.open = true
	}
}

// query appends a statement: BEGIN opens a transaction, other transaction
// control is written as logged, and the rest (DDL, statement-logged DML)
// after a USE of its database.
func (s *sqlWriter) query(p *binlog.Query) error {
	c := p.Control()
	if c == binlog.TxBegin {
		s.begin()
		return nil
	}
	out, err := rowevent.AppendQuery(s.out, p, &s.curDB)
	if err != nil {
		return err
	}
	s.out = out
	if c.Ends() {
		s.open = false
	}
	return nil
}
