package archive

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
)

func TestCheckLink(t *testing.T) {
	rec := func(name string, seq uint64, server uint32, prev, added string) *Record {
		return &Record{Name: name, Sequence: seq, ServerID: server, MariaDB: true, PrevGTIDs: prev, AddedGTIDs: added}
	}
	a := rec("binlog.000007", 7, 1, "0-1-10", "0-1-15")
	tests := []struct {
		name string
		b    *Record
		want error
		msg  string
	}{
		{"follows", rec("binlog.000008", 8, 1, "0-1-15", "0-1-20"), nil, ""},
		{"missing file", rec("binlog.000009", 9, 1, "0-1-15", ""), ErrGap, "binlog.000008 missing"},
		{"missing files", rec("binlog.000011", 11, 1, "0-1-15", ""), ErrGap, "binlog.000008..binlog.000010 missing"},
		{"missing GTIDs", rec("binlog.000008", 8, 1, "0-1-16", ""), ErrGap, "GTIDs"},
		{"other domain appears", rec("binlog.000008", 8, 1, "0-1-15,1-2-3", ""), ErrGap, "GTIDs"},
		{"other server", rec("binlog.000008", 8, 2, "0-1-15", ""), ErrFork, "server id 2"},
		{"numbering reset", rec("binlog.000001", 1, 1, "0-1-15", ""), ErrFork, "numbering reset"},
		{"same sequence", rec("binlog.000007", 7, 1, "0-1-10", "0-1-15"), ErrFork, "same sequence"},
		{"other base name", rec("mysql-bin.000008", 8, 1, "0-1-15", ""), ErrFork, "base names"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkLink(a, tt.b)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("checkLink: %v", err)
				}
				return
			}
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("checkLink: %v, want %v containing %q", err, tt.want, tt.msg)
			}
		})
	}
}

// TestScannerSavepoints: SAVEPOINT, ROLLBACK TO and RELEASE SAVEPOINT stay
// inside their transaction (ROLLBACK TO was once counted as a commit, which
// split a transaction and let Plan stop in its middle), and comments
// before a verb do not hide it.
func TestScannerSavepoints(t *testing.T) {
	s := newScanner()
	var ends []int64
	s.onCommit = func(end int64, _ time.Time, _ *binlog.GTIDSet) bool { ends = append(ends, end); return true }
	off := int64(4)
	ev := func(p binlog.Payload) {
		e := &binlog.Event{Header: binlog.Header{ServerID: 1, Timestamp: 1}, Offset: off, NextPos: off + 10, Payload: p}
		off += 10
		if err := s.event(e); err != nil {
			t.Fatal(err)
		}
	}
	q := func(text string) { ev(&binlog.Query{Query: text}) }
	gtid := func(seq uint64) { ev(&binlog.GTID{MariaDB: true, Domain: 0, ServerID: 1, Sequence: seq}) }
	rows := func() { ev(&binlog.Rows{Kind: binlog.Insert}) }

	gtid(1) // transaction 1: ends at 84
	q("SAVEPOINT `sp`")
	rows()
	q("ROLLBACK TO `sp`")
	rows()
	q("/* app */ ROLLBACK WORK TO SAVEPOINT sp")
	q("RELEASE SAVEPOINT sp")
	ev(&binlog.XID{XID: 7})
	q("BEGIN") // transaction 2, no GTID: ends at 124
	rows()
	q("rollback to sp")
	q("/* c */ COMMIT")
	q("CREATE TABLE t (a INT)") // transaction 3
	if want := []int64{84, 124, 134}; !slices.Equal(ends, want) {
		t.Fatalf("commits end at %v, want %v", ends, want)
	}
	if s.fs.transactions != 3 {
		t.Fatalf("%d transactions, want 3", s.fs.transactions)
	}
}
