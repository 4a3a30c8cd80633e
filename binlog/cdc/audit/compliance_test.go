package audit

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/binlogkit/binlogkit/binlog/cdc"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// TestComplianceQueries checks the four questions of an audit against a
// workload with known commit times: every change of one row, every
// deletion of the last 24 hours, the changes per table in a month, and the
// records that were tampered with.
func TestComplianceQueries(t *testing.T) {
	srv := testserver.Start(t, nil)
	now := time.Now().UTC().Truncate(time.Second)
	at := func(t time.Time) string { return fmt.Sprintf("SET TIMESTAMP = %d", t.Unix()) }
	jan := func(day int) time.Time { return time.Date(2024, 1, day, 12, 0, 0, 0, time.UTC) }
	if err := srv.Exec("CREATE DATABASE shop", "USE shop",
		"CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(20))",
		"CREATE TABLE orders (id INT PRIMARY KEY, amount DECIMAL(10,2))"); err != nil {
		t.Fatal(err)
	}
	files, err := srv.Record(func() error {
		return srv.Exec(
			at(jan(10)), "INSERT INTO users VALUES (12345, 'ann'), (1, 'bob'), (2, 'cy')",
			"INSERT INTO orders VALUES (1, 10.00), (2, 20.00), (3, 30.00)",
			at(jan(20)), "UPDATE users SET name = 'anne' WHERE id = 12345",
			at(jan(25)), "DELETE FROM orders WHERE id = 3",
			at(time.Date(2024, 2, 5, 0, 0, 0, 0, time.UTC)), "UPDATE users SET name = 'annie' WHERE id = 12345",
			"INSERT INTO users VALUES (3, 'dee')",
			at(now.Add(-48*time.Hour)), "DELETE FROM users WHERE id = 2",
			at(now.Add(-time.Hour)), "DELETE FROM users WHERE id = 12345",
			"DELETE FROM orders WHERE id = 1",
			"SET TIMESTAMP = DEFAULT",
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			ctx := context.Background()
			db, d := be.open(t)
			s, err := Open(ctx, db, &Options{Dialect: d, Key: []byte("compliance")})
			if err != nil {
				t.Fatal(err)
			}
			if err := cdc.Run(ctx, s, &cdc.Options{Files: files}); err != nil {
				t.Fatal(err)
			}
			type row struct {
				Table, Kind, PK string
				Time            time.Time
			}
			rows := func(es []Entry) []row {
				var out []row
				for _, e := range es {
					out = append(out, row{e.Table, e.Kind, e.PK, e.CommitTime})
				}
				return out
			}

			// 1. Every change of users row 12345.
			h, err := s.History(ctx, "shop", "users", "12345")
			if err != nil {
				t.Fatal(err)
			}
			want := []row{
				{"users", "insert", "12345", jan(10)},
				{"users", "update", "12345", jan(20)},
				{"users", "update", "12345", time.Date(2024, 2, 5, 0, 0, 0, 0, time.UTC)},
				{"users", "delete", "12345", now.Add(-time.Hour)},
			}
			if diff := cmp.Diff(want, rows(h)); diff != "" {
				t.Errorf("history mismatch (-want +got):\n%s", diff)
			}

			// 2. Every deletion of the last 24 hours.
			var dels []Entry
			for e, err := range s.Query(ctx, &Filter{Kind: "delete", Since: time.Now().Add(-24 * time.Hour)}) {
				if err != nil {
					t.Fatal(err)
				}
				dels = append(dels, *e)
			}
			want = []row{{"users", "delete", "12345", now.Add(-time.Hour)}, {"orders", "delete", "1", now.Add(-time.Hour)}}
			if diff := cmp.Diff(want, rows(dels)); diff != "" {
				t.Errorf("deletions mismatch (-want +got):\n%s", diff)
			}

			// 3. Changes per table in January 2024.
			counts, err := s.CountByTable(ctx, jan(1).Add(-12*time.Hour), time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			wantCounts := []TableCount{{"shop", "orders", 4}, {"shop", "users", 4}}
			if diff := cmp.Diff(wantCounts, counts); diff != "" {
				t.Errorf("counts mismatch (-want +got):\n%s", diff)
			}

			// 4. Tampered records: none, then exactly the edited one.
			rep, err := s.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() || rep.Records != 13 {
				t.Fatalf("untouched store: %d records, damage %v", rep.Records, rep.Damage)
			}
			mustExec(t, db, d, `UPDATE audit_records SET after_json = ? WHERE seq = ?`, `{"id":12345,"name":"eve"}`, h[1].Seq)
			rep, err = s.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			wantDamage := []Damage{{Seq: h[1].Seq, Kind: Edited}}
			if diff := cmp.Diff(wantDamage, rep.Damage, cmp.Comparer(func(a, b Damage) bool { return a.Seq == b.Seq && a.Kind == b.Kind })); diff != "" {
				t.Errorf("tampered records mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
