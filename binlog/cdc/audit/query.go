package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"iter"
	"strings"
	"time"
)

// Filter selects records for Query. Its zero value selects every record.
type Filter struct {
	// Database and Table select one table; "" means any.
	Database, Table string
	// Key selects one row by its primary key text (see KeyText); "" means
	// any.
	Key string
	// Kind is "insert", "update" or "delete"; "" means any.
	Kind string
	// Since and Until bound the commit time: Since <= time < Until; the
	// zero time leaves that side open. A bound excludes the records
	// without a commit time.
	Since, Until time.Time
	// AfterSeq skips the records up to this sequence number; 0 means none.
	AfterSeq int64
	// Limit is the most records returned; 0 means no limit.
	Limit int
}

const selectEntry = `SELECT seq, commit_time, gtid, server_id, file, pos, db, tbl, kind, pk, pk_json, before_json, after_json, tx_id, tx_index, prev_hash, hash, mac FROM audit_records`

// where returns the WHERE clause of f and its arguments.
func (f *Filter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(c string, a any) { conds = append(conds, c); args = append(args, a) }
	if f.Database != "" {
		add("db = ?", f.Database)
	}
	if f.Table != "" {
		add("tbl = ?", f.Table)
	}
	if f.Key != "" {
		add("pk = ?", f.Key)
	}
	if f.Kind != "" {
		add("kind = ?", f.Kind)
	}
	if !f.Since.IsZero() {
		add("commit_time >= ?", f.Since.UnixMicro())
	}
	if !f.Until.IsZero() {
		add("commit_time < ?", f.Until.UnixMicro())
	}
	if f.AfterSeq > 0 {
		add("seq > ?", f.AfterSeq)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Query returns the records that f selects, in sequence (commit) order.
// The sequence is single-use; an error is yielded once, last. A nil f
// selects every record.
func (s *Store) Query(ctx context.Context, f *Filter) iter.Seq2[*Entry, error] {
	if f == nil {
		f = &Filter{}
	}
	w, args := f.where()
	q := selectEntry + w + " ORDER BY seq"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	return s.entries(ctx, s.db, s.d.rebind(q), args...)
}

// History returns every change of one row of table in database (any
// database when ""), in commit order: the row whose primary key text is
// key (see KeyText).
func (s *Store) History(ctx context.Context, database, table, key string) ([]Entry, error) {
	var out []Entry
	for e, err := range s.Query(ctx, &Filter{Database: database, Table: table, Key: key}) {
		if err != nil {
			return out, err
		}
		out = append(out, *e)
	}
	return out, nil
}

// rowsQueryer is a *sql.DB or a *sql.Tx.
type rowsQueryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// entries runs q on db and yields its rows as entries.
func (s *Store) entries(ctx context.Context, db rowsQueryer, q string, args ...any) iter.Seq2[*Entry, error] {
	return func(yield func(*Entry, error) bool) {
		rows, err := db.QueryContext(ctx, q, args...)
		if err != nil {
			yield(nil, &Error{Op: "query", Err: err})
			return
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanEntry(rows)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(e, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, &Error{Op: "query", Err: err})
		}
	}
}

func scanEntry(rows *sql.Rows) (*Entry, error) {
	var (
		e                            Entry
		ct                           sql.NullInt64
		gtid, pk, pkj, bef, aft, mac sql.NullString
		sid, txi                     int64
	)
	if err := rows.Scan(&e.Seq, &ct, &gtid, &sid, &e.File, &e.Pos, &e.Database, &e.Table, &e.Kind,
		&pk, &pkj, &bef, &aft, &e.TxID, &txi, &e.PrevHash, &e.Hash, &mac); err != nil {
		return nil, &Error{Op: "query", Err: err}
	}
	if ct.Valid {
		e.CommitTime = time.UnixMicro(ct.Int64).UTC()
	}
	e.GTID, e.PK, e.MAC = gtid.String, pk.String, mac.String
	e.ServerID, e.TxIndex = uint32(sid), int(txi)
	raw := func(n sql.NullString) json.RawMessage {
		if !n.Valid {
			return nil
		}
		return json.RawMessage(n.String)
	}
	e.PKJSON, e.Before, e.After = raw(pkj), raw(bef), raw(aft)
	return &e, nil
}

// TableCount is the number of changes of one table.
type TableCount struct {
	Database, Table string
	Changes         int64
}

// CountByTable returns the number of changes per table committed in
// [since, until) (the zero time leaves a side open), by database and
// table name.
func (s *Store) CountByTable(ctx context.Context, since, until time.Time) ([]TableCount, error) {
	f := Filter{Since: since, Until: until}
	w, args := f.where()
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT db, tbl, COUNT(*) FROM audit_records`+w+` GROUP BY db, tbl ORDER BY db, tbl`), args...)
	if err != nil {
		return nil, &Error{Op: "query", Err: err}
	}
	defer rows.Close()
	var out []TableCount
	for rows.Next() {
		var c TableCount
		if err := rows.Scan(&c.Database, &c.Table, &c.Changes); err != nil {
			return nil, &Error{Op: "query", Err: err}
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, &Error{Op: "query", Err: err}
	}
	return out, nil
}

// Stats is a summary of a store.
type Stats struct {
	// Records is the number of records; LastSeq the sequence number of
	// the chain head.
	Records, LastSeq int64
	// First and Last are the earliest and latest commit times, zero when
	// there is none.
	First, Last time.Time
	// Kinds counts the records by kind.
	Kinds map[string]int64
	// Tables is the number of changes per table.
	Tables []TableCount
	// Checkpoint is the stored checkpoint in its JSON form, "" when none.
	Checkpoint string
	// Keyed reports whether the chain head carries a MAC.
	Keyed bool
}

// Stats returns a summary of the store.
func (s *Store) Stats(ctx context.Context) (*Stats, error) {
	st := &Stats{Kinds: map[string]int64{}}
	var first, last sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), MIN(commit_time), MAX(commit_time) FROM audit_records`).Scan(&st.Records, &first, &last); err != nil {
		return nil, &Error{Op: "query", Err: err}
	}
	if first.Valid {
		st.First, st.Last = time.UnixMicro(first.Int64).UTC(), time.UnixMicro(last.Int64).UTC()
	}
	rows, err := s.db.QueryContext(ctx, `SELECT kind, COUNT(*) FROM audit_records GROUP BY kind`)
	if err != nil {
		return nil, &Error{Op: "query", Err: err}
	}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			rows.Close()
			return nil, &Error{Op: "query", Err: err}
		}
		st.Kinds[k] = n
	}
	rows.Close()
	if st.Tables, err = s.CountByTable(ctx, time.Time{}, time.Time{}); err != nil {
		return nil, err
	}
	state, err := s.state(ctx, s.db)
	if err != nil {
		return nil, err
	}
	st.LastSeq, st.Checkpoint, st.Keyed = state.lastSeq, state.checkpoint.String, state.mac.Valid
	return st, nil
}
