package anonymize

import (
	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/sqllex"
)

// Event masks one event:
//
//   - rows events: their values, by Rows (before and after images alike);
//   - Query events: their statement text, by AppendSQL in the event's own
//     sql_mode and default database (DDL defaults and statement-based DML
//     included);
//   - Rows_query and Annotate_rows events: dropped (keep false) or masked,
//     as Options.StatementText says;
//   - USER_VAR events (statement-based replication): a string value, as a
//     column named after the variable;
//   - TRANSACTION_PAYLOAD events: dropped, since the Reader returns the
//     events inside after them, to be masked one by one (a writer then
//     writes them uncompressed in its place);
//   - every other event: kept as it is.
//
// An event that changes comes back as a new Event (ev is not modified)
// with Raw nil: encode it from its Payload (binlog.Encoder). An event that
// does not change comes back as ev itself. Values of a new rows event that
// were not masked share their bytes with ev.
func (m *Masker) Event(ev *binlog.Event) (out *binlog.Event, keep bool, err error) {
	if ev == nil {
		return nil, false, nil
	}
	switch p := ev.Payload.(type) {
	case *binlog.Rows:
		r, err := m.Rows(p)
		if err != nil {
			return nil, false, err
		}
		if r == p {
			return ev, true, nil
		}
		return withPayload(ev, r), true, nil
	case *binlog.Query:
		b, changed := m.appendSQL(nil, p.Query, p.Schema, sqllex.ModeOf(p.SQLMode))
		if !changed {
			return ev, true, nil
		}
		q := *p
		q.Query = string(b)
		m.stmtMasked++
		return withPayload(ev, &q), true, nil
	case *binlog.RowsQuery:
		if m.opts.StatementText == DropStatementText {
			m.stmtDropped++
			return nil, false, nil
		}
		b, changed := m.appendSQL(nil, p.Query, "", sqllex.ModeOf(m.opts.SQLMode))
		if !changed {
			return ev, true, nil
		}
		m.stmtMasked++
		return withPayload(ev, &binlog.RowsQuery{Query: string(b)}), true, nil
	case *binlog.UserVar:
		if p.IsNull || p.ValueType != 0 {
			return ev, true, nil
		}
		col := binlog.Column{Name: p.Name, Type: binlog.TypeLongBlob, Meta: 4, Nullable: true}
		plan := m.planFor("", "", p.Name)
		v, changed, err := m.apply(&plan, "", &col, binlog.BytesValue(p.Value))
		if err != nil || !changed {
			return ev, true, err
		}
		u := *p
		if v.IsNull() {
			u.IsNull, u.Value = true, nil
		} else {
			u.Value = append([]byte(nil), v.Bytes()...)
		}
		return withPayload(ev, &u), true, nil
	case *binlog.TransactionPayload:
		return nil, false, nil
	}
	return ev, true, nil
}

// withPayload returns a new event like ev with payload p and no raw bytes.
func withPayload(ev *binlog.Event, p binlog.Payload) *binlog.Event {
	return &binlog.Event{
		Header:       ev.Header,
		File:         ev.File,
		Offset:       ev.Offset,
		NextPos:      ev.NextPos,
		PayloadIndex: ev.PayloadIndex,
		Payload:      p,
	}
}
