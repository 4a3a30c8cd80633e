package audit

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/binlogkit/binlogkit/binlog/cdc"
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/binlogkit/binlogkit/internal/workload"
)

// tamper is one way of damaging a store, and the first damage Verify must
// report.
type tamper struct {
	name string
	do   func(t *testing.T, db *sql.DB, d Dialect)
	want Damage
	// noKey, when set, is what Verify reports without a key.
	noKey *Damage
}

func mustExec(t *testing.T, db *sql.DB, d Dialect, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(d.rebind(q), args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

var tampers = []tamper{
	{"untouched", func(*testing.T, *sql.DB, Dialect) {}, Damage{}, nil},
	{"edited value", func(t *testing.T, db *sql.DB, d Dialect) {
		mustExec(t, db, d, `UPDATE audit_records SET after_json = '{"id":1,"c":"forged"}' WHERE seq = 5`)
	}, Damage{Seq: 5, Kind: Edited}, nil},
	{"edited and rehashed", func(t *testing.T, db *sql.DB, d Dialect) {
		// Whoever edits knows the format and recomputes the hash, not the MAC.
		e := loadEntry(t, db, d, 6)
		e.Kind = "insert"
		e.Hash, _ = e.computeHash(nil)
		mustExec(t, db, d, `UPDATE audit_records SET kind = ?, hash = ? WHERE seq = 6`, e.Kind, e.Hash)
	}, Damage{Seq: 6, Kind: Edited},
		// Without a key the chain breaks after the record: it cannot tell
		// a replaced record from a deleted one.
		&Damage{Seq: 7, Kind: Deleted}},
	{"deleted record", func(t *testing.T, db *sql.DB, d Dialect) {
		mustExec(t, db, d, `DELETE FROM audit_records WHERE seq = 7`)
	}, Damage{Seq: 8, Kind: Deleted}, nil},
	{"deleted renumbered", func(t *testing.T, db *sql.DB, d Dialect) {
		mustExec(t, db, d, `DELETE FROM audit_records WHERE seq = 7`)
		mustExec(t, db, d, `UPDATE audit_records SET seq = seq + 1000000 WHERE seq > 7`)
		mustExec(t, db, d, `UPDATE audit_records SET seq = seq - 1000001 WHERE seq > 1000000`)
	}, Damage{Seq: 7, Kind: Deleted}, nil},
	{"deleted at the end", func(t *testing.T, db *sql.DB, d Dialect) {
		mustExec(t, db, d, `DELETE FROM audit_records WHERE seq = (SELECT MAX(seq) FROM audit_records)`)
	}, Damage{Kind: Deleted}, nil},
	{"swapped records", func(t *testing.T, db *sql.DB, d Dialect) {
		mustExec(t, db, d, `UPDATE audit_records SET seq = -1 WHERE seq = 10`)
		mustExec(t, db, d, `UPDATE audit_records SET seq = 10 WHERE seq = 11`)
		mustExec(t, db, d, `UPDATE audit_records SET seq = 11 WHERE seq = -1`)
	}, Damage{Seq: 10, Kind: Reordered}, nil},
	{"swapped far apart", func(t *testing.T, db *sql.DB, d Dialect) {
		mustExec(t, db, d, `UPDATE audit_records SET seq = -1 WHERE seq = 12`)
		mustExec(t, db, d, `UPDATE audit_records SET seq = 12 WHERE seq = 20`)
		mustExec(t, db, d, `UPDATE audit_records SET seq = 20 WHERE seq = -1`)
	}, Damage{Seq: 12, Kind: Reordered}, nil},
	{"inserted in the middle", func(t *testing.T, db *sql.DB, d Dialect) {
		prev := loadEntry(t, db, d, 14)
		x := *loadEntry(t, db, d, 15)
		x.TxIndex += 100
		x.PrevHash = prev.Hash
		x.Hash, _ = x.computeHash(nil)
		mustExec(t, db, d, `UPDATE audit_records SET seq = seq + 1000000 WHERE seq >= 15`)
		mustExec(t, db, d, `UPDATE audit_records SET seq = seq - 999999 WHERE seq > 1000000`)
		mustExec(t, db, d, `INSERT INTO audit_records (seq, commit_time, gtid, server_id, file, pos, db, tbl, kind, pk, pk_json, before_json, after_json, tx_id, tx_index, prev_hash, hash, mac)
			SELECT 15, commit_time, gtid, server_id, file, pos, db, tbl, kind, pk, pk_json, before_json, after_json, tx_id, ?, ?, ?, mac FROM audit_records WHERE seq = 16`,
			x.TxIndex, x.PrevHash, x.Hash)
	}, Damage{Seq: 15, Kind: Inserted}, nil},
}

// loadEntry reads record seq.
func loadEntry(t *testing.T, db *sql.DB, d Dialect, seq int64) *Entry {
	t.Helper()
	rows, err := db.Query(d.rebind(selectEntry+` WHERE seq = ?`), seq)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		t.Fatalf("no record %d", seq)
	}
	e, err := scanEntry(rows)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestVerify damages a store in each way, with and without a key, and
// checks that Verify names the first bad record and the damage.
func TestVerify(t *testing.T) {
	srv := testserver.Start(t, nil)
	w := workload.Record(t, srv, 11, &workload.Options{Transactions: 40})
	for _, be := range backends(t) {
		for _, key := range [][]byte{nil, []byte("k")} {
			for _, tc := range tampers {
				t.Run(fmt.Sprintf("%s/key=%v/%s", be.name, key != nil, tc.name), func(t *testing.T) {
					db, d := be.open(t)
					ctx := context.Background()
					s, err := Open(ctx, db, &Options{Dialect: d, Key: key, GroupCommit: 3})
					if err != nil {
						t.Fatal(err)
					}
					if err := cdc.Run(ctx, s, &cdc.Options{Files: w.Paths}); err != nil {
						t.Fatal(err)
					}
					n := int64(len(stored(t, s)))
					tc.do(t, db, d)
					rep, err := s.Verify(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if tc.want.Kind == "" {
						if !rep.OK() {
							t.Fatalf("untouched store: %v", rep.Damage)
						}
						return
					}
					want := tc.want
					if key == nil && tc.noKey != nil {
						want = *tc.noKey
					}
					if want.Seq == 0 {
						want.Seq = n
					}
					if rep.OK() {
						t.Fatalf("damage not found, want %v", want)
					}
					got := rep.Damage[0]
					if got.Seq != want.Seq || got.Kind != want.Kind {
						t.Errorf("first damage %v, want record %d %s (all: %v)", got, want.Seq, want.Kind, rep.Damage)
					}
					t.Logf("%s: %v", tc.name, rep.Damage)
				})
			}
		}
	}
}
