package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/binlogkit/binlogkit/binlog/cdc"
)

// insertRows is the number of records one INSERT statement carries.
const insertRows = 64

const insertHead = `INSERT INTO audit_records (seq, commit_time, gtid, server_id, file, pos, db, tbl, kind, pk, pk_json, before_json, after_json, tx_id, tx_index, prev_hash, hash, mac) VALUES `

const insertCols = 18

// insertSQL returns the INSERT of n records.
func (s *Store) insertSQL(n int) string {
	var b strings.Builder
	b.WriteString(insertHead)
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", insertCols), ",") + ")"
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row)
	}
	return s.d.rebind(b.String())
}

// Write appends the records of b to the chain, in the open database
// transaction (begun if needed), and commits it with b's checkpoint when it
// holds Options.GroupCommit finished binlog transactions. On error the open
// transaction is rolled back: none of its records nor its checkpoint is
// stored, and the pipeline delivers them again on the next run.
func (s *Store) Write(ctx context.Context, b *cdc.Batch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.write(ctx, b); err != nil {
		s.rollback()
		if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
			// A statement cut by the cancellation fails with whatever
			// the driver says (PostgreSQL: a bad connection): say why.
			err = fmt.Errorf("%w: %w", cerr, err)
		}
		return err
	}
	return nil
}

func (s *Store) write(ctx context.Context, b *cdc.Batch) error {
	if b.Partial && b.Chunk == 0 && s.pendTxs > 0 {
		// A transaction in chunks takes a database transaction of its
		// own: the finished ones before it commit now.
		if err := s.commit(ctx); err != nil {
			return err
		}
	}
	if s.tx == nil {
		tx, err := s.db.BeginTx(context.WithoutCancel(ctx), nil)
		if err != nil {
			return &Error{Op: "write", Err: err}
		}
		s.tx = tx
		s.pendSeq, s.pendHash = s.seq, s.hash
	}
	s.rows = s.rows[:0]
	for i := range b.Records {
		if len(s.rows) == insertRows {
			if err := s.flushRows(ctx); err != nil {
				return err
			}
		}
		s.rows = append(s.rows, Entry{})
		e := &s.rows[len(s.rows)-1]
		var err error
		if s.buf, err = e.fill(b, &b.Records[i], s.opts.Change, s.buf); err != nil {
			return &Error{Op: "write", Seq: s.pendSeq + 1, Err: err}
		}
		s.pendSeq++
		e.Seq, e.PrevHash = s.pendSeq, s.pendHash
		s.buf = e.seal(s.key, s.buf)
		s.pendHash = e.Hash
	}
	if err := s.flushRows(ctx); err != nil {
		return err
	}
	if b.Partial {
		return nil
	}
	s.pendTxs++
	if b.Checkpoint != nil {
		cp, err := json.Marshal(b.Checkpoint)
		if err != nil {
			return &Error{Op: "write", Err: err}
		}
		s.pendCP = cp
	}
	if s.pendTxs >= s.opts.GroupCommit {
		return s.commit(ctx)
	}
	return nil
}

// flushRows inserts s.rows in the open transaction.
func (s *Store) flushRows(ctx context.Context) error {
	n := len(s.rows)
	if n == 0 {
		return nil
	}
	args := make([]any, 0, n*insertCols)
	for i := range s.rows {
		e := &s.rows[i]
		var ct any
		if !e.CommitTime.IsZero() {
			ct = e.CommitTime.UnixMicro()
		}
		args = append(args, e.Seq, ct, nullString(e.GTID), int64(e.ServerID), e.File, e.Pos,
			e.Database, e.Table, e.Kind, nullString(e.PK), nullBytes(e.PKJSON), nullBytes(e.Before), nullBytes(e.After),
			e.TxID, int64(e.TxIndex), e.PrevHash, e.Hash, nullString(e.MAC))
	}
	var err error
	if n == insertRows {
		if s.insert == nil {
			if s.insert, err = s.tx.PrepareContext(ctx, s.insertSQL(insertRows)); err != nil {
				return &Error{Op: "write", Seq: s.rows[0].Seq, Err: err}
			}
		}
		_, err = s.insert.ExecContext(ctx, args...)
	} else {
		_, err = s.tx.ExecContext(ctx, s.insertSQL(n), args...)
	}
	if err != nil {
		return &Error{Op: "write", Seq: s.rows[0].Seq, Err: err}
	}
	s.rows = s.rows[:0]
	return nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullBytes(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// commit stores the chain head and the checkpoint with the records and
// commits the open transaction.
func (s *Store) commit(ctx context.Context) error {
	if s.tx == nil {
		return nil
	}
	set := `UPDATE audit_state SET last_seq = ?, last_hash = ?, mac = ? WHERE id = 1 AND last_seq = ?`
	var cp string
	args := []any{}
	if s.pendCP != nil {
		cp = string(s.pendCP)
		set = `UPDATE audit_state SET checkpoint = ?, last_seq = ?, last_hash = ?, mac = ? WHERE id = 1 AND last_seq = ?`
		args = append(args, cp)
	} else {
		st, err := s.state(ctx, s.tx)
		if err != nil {
			return err
		}
		cp = st.checkpoint.String
	}
	args = append(args, s.pendSeq, s.pendHash, nullString(stateMAC(s.key, s.pendSeq, s.pendHash, cp)), s.seq)
	res, err := s.tx.ExecContext(ctx, s.d.rebind(set), args...)
	if err != nil {
		return &Error{Op: "commit", Err: err}
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return &Error{Op: "commit", Seq: s.seq, Err: ErrConcurrentWriter}
	}
	if err := s.tx.Commit(); err != nil {
		return &Error{Op: "commit", Err: err}
	}
	s.seq, s.hash = s.pendSeq, s.pendHash
	s.tx, s.insert, s.pendTxs, s.pendCP = nil, nil, 0, nil
	return nil
}

// Flush commits the finished binlog transactions written since the last
// commit, with their checkpoint. A transaction in chunks whose last chunk
// has not come yet stays uncommitted.
func (s *Store) Flush(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pendTxs == 0 {
		return nil
	}
	if err := s.commit(ctx); err != nil {
		s.rollback()
		return fmt.Errorf("%w", err)
	}
	return nil
}
