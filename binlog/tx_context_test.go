package binlog

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestTxReaderStatementContext: INTVAR, RAND and USER_VAR events before an
// autocommitted statement logged without BEGIN (MySQL 5.0) belong to that
// statement's group, which the statement ends.
func TestTxReaderStatementContext(t *testing.T) {
	q := func(s string) *Query { return &Query{Query: s, Schema: "d"} }
	evs := evSeq(
		&IntVar{Type: 2, Value: 1}, q("INSERT INTO t VALUES (NULL)"), // 4..24
		&IntVar{Type: 1, Value: 5}, &IntVar{Type: 2, Value: 2}, q("INSERT INTO t VALUES (LAST_INSERT_ID())"), // 24..54
		&Rand{Seed1: 1, Seed2: 2}, &UserVar{Name: "a"}, q("UPDATE t SET v = RAND() + @a"), // 54..84
		q("DELETE FROM t"),                                                                     // 84..94
		q("BEGIN"), &IntVar{Type: 2, Value: 3}, q("INSERT INTO t VALUES (NULL)"), &XID{XID: 9}, // 94..134
		&UserVar{Name: "b"}, q("CREATE TABLE u (a INT)"), // 134..154
	)
	r := NewTxReader(&sliceSource{evs: evs}, nil)
	got, _ := shapes(t, r)
	want := []txShape{
		{Begin: 4, End: 24, N: 2},
		{Begin: 24, End: 54, N: 3},
		{Begin: 54, End: 84, N: 3},
		{Begin: 84, End: 94, N: 1},
		{Begin: 94, End: 134, N: 4, XID: 9},
		{Begin: 134, End: 154, N: 2},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("groups mismatch (-want +got):\n%s", d)
	}
	if r.Dropped() != 0 {
		t.Errorf("Dropped() = %d, want 0", r.Dropped())
	}
}

// TestTxReaderMySQL50Relay reads a MySQL 5.0 relay log of statement-based
// MyISAM statements, many with an INTVAR before them and none inside
// BEGIN: each statement is a group of its own, as the server applies it
// and mysqlbinlog's positions delimit it.
func TestTxReaderMySQL50Relay(t *testing.T) {
	path := filepath.Join(sharedBinlogs(t), "mysql-8.0.32", "std_data", "bug33029-slave-relay-bin.000001")
	f, err := Open(path, nil)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	var queries, intvars, groups int
	var prevEnd int64
	r := NewTxReader(&countingSource{src: f, queries: &queries, intvars: &intvars}, nil)
	for tx, err := range r.All() {
		if err != nil {
			t.Fatal(err)
		}
		groups++
		last := tx.Events[len(tx.Events)-1]
		if _, ok := last.Payload.(*Query); !ok {
			t.Errorf("group at %v ends with %v, want its statement", tx.Begin, last.Type())
		}
		for _, ev := range tx.Events[:len(tx.Events)-1] {
			if _, ok := ev.Payload.(*IntVar); !ok {
				t.Errorf("group at %v holds %v before its statement, want INTVAR only", tx.Begin, ev.Type())
			}
		}
		if tx.Begin.Offset < prevEnd {
			t.Errorf("group at %v overlaps the previous one ending at %d", tx.Begin, prevEnd)
		}
		prevEnd = tx.End.Offset
	}
	// The file holds 28 statements, 11 of them with an INTVAR before them.
	if groups != queries || queries != 28 || intvars != 11 || r.Dropped() != 0 {
		t.Errorf("%d groups, %d statements, %d INTVAR events, %d dropped; want 28 groups of 28 statements, 11 INTVAR, 0 dropped",
			groups, queries, intvars, r.Dropped())
	}
}

// countingSource counts the Query and IntVar events that pass through it.
type countingSource struct {
	src              Source
	queries, intvars *int
}

func (c *countingSource) Next() (*Event, error) {
	ev, err := c.src.Next()
	if err == nil {
		switch ev.Payload.(type) {
		case *Query:
			*c.queries++
		case *IntVar:
			*c.intvars++
		}
	}
	return ev, err
}
