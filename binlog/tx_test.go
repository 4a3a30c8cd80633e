package binlog

import (
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// sliceSource yields events from a slice, then err (io.EOF when nil).
type sliceSource struct {
	evs []*Event
	err error
}

func (s *sliceSource) Next() (*Event, error) {
	if len(s.evs) == 0 {
		if s.err != nil {
			return nil, s.err
		}
		return nil, io.EOF
	}
	ev := s.evs[0]
	s.evs = s.evs[1:]
	return ev, nil
}

// evSeq builds events laid out one after another in file "b.000001" from
// offset 4, each 10 bytes long.
func evSeq(payloads ...Payload) []*Event {
	var out []*Event
	off := int64(4)
	for i, p := range payloads {
		out = append(out, &Event{
			Header: Header{Timestamp: uint32(1000 + i), EventSize: 10, LogPos: uint32(off + 10), ServerID: 7},
			File:   "b.000001", Offset: off, NextPos: off + 10, Raw: make([]byte, 10), Payload: p,
		})
		off += 10
	}
	return out
}

// txShape summarizes a Tx for comparison.
type txShape struct {
	GTID       string
	Begin, End int64
	N          int
	XID        uint64
	RolledBack bool
	Partial    bool
	Chunk      int
}

func shapes(t *testing.T, r *TxReader) ([]txShape, error) {
	t.Helper()
	var out []txShape
	for {
		tx, err := r.Next()
		if err != nil {
			return out, err
		}
		s := txShape{Begin: tx.Begin.Offset, End: tx.End.Offset, N: len(tx.Events), XID: tx.XID,
			RolledBack: tx.RolledBack, Partial: tx.Partial, Chunk: tx.Chunk}
		if tx.GTID != nil {
			s.GTID = tx.GTID.String()
		}
		out = append(out, s)
	}
}

func TestTxReaderGrouping(t *testing.T) {
	sid := [16]byte{15: 1}
	my := func(n int64) *GTID { return &GTID{SID: sid, GNO: n} }
	ma := func(n uint64, flags uint8) *GTID { return &GTID{MariaDB: true, Sequence: n, Flags: flags} }
	q := func(s string) *Query { return &Query{Query: s} }
	rows := &Rows{}
	tm := &TableMap{}
	u := "00000000-0000-0000-0000-000000000001"
	tests := []struct {
		name   string
		opts   *TxOptions
		events []Payload
		want   []txShape
		cp     string // final checkpoint GTIDs
	}{{
		name: "mysql",
		events: []Payload{&FormatDescription{}, &PreviousGTIDs{},
			my(1), q("BEGIN"), tm, rows, &XID{XID: 9}, // 24..94
			my(2), q("CREATE TABLE t (a int)"), // 94..114
			&Heartbeat{},
			my(3), q("BEGIN"), q("INSERT INTO m VALUES (1)"), q("COMMIT")},
		want: []txShape{
			{GTID: u + ":1", Begin: 24, End: 74, N: 5, XID: 9},
			{GTID: u + ":2", Begin: 74, End: 94, N: 2},
			{GTID: u + ":3", Begin: 104, End: 144, N: 4},
		},
		cp: u + ":1-3",
	}, {
		name: "mariadb",
		opts: &TxOptions{IncludeRolledBack: true},
		events: []Payload{&FormatDescription{}, &GTIDList{GTIDs: []MariaGTID{{0, 7, 10}}},
			ma(11, 0), &RowsQuery{}, tm, rows, &XID{XID: 1}, // 24..74
			ma(12, 1), q("ALTER TABLE t ADD b int"), // 74..94
			ma(13, 0), tm, rows, q("ROLLBACK"), // 94..134
			ma(14, 0), q("SAVEPOINT a"), tm, rows, q("ROLLBACK TO a"), q("COMMIT"), // 134..194
		},
		want: []txShape{
			{GTID: "0-7-11", Begin: 24, End: 74, N: 5, XID: 1},
			{GTID: "0-7-12", Begin: 74, End: 94, N: 2},
			{GTID: "0-7-13", Begin: 94, End: 134, N: 4, RolledBack: true},
			{GTID: "0-7-14", Begin: 134, End: 194, N: 6},
		},
		cp: "0-7-14",
	}, {
		name: "rolled back skipped",
		events: []Payload{&FormatDescription{},
			ma(1, 0), tm, rows, q("ROLLBACK"),
			ma(2, 0), tm, rows, &XID{}},
		want: []txShape{{GTID: "0-7-2", Begin: 54, End: 94, N: 4}},
	}, {
		name: "no gtids",
		events: []Payload{&FormatDescription{},
			q("BEGIN"), tm, rows, &XID{XID: 3},
			q("DROP TABLE x"),
			q("COMMIT"), // stray: ignored
			tm, rows, &XID{XID: 4}},
		want: []txShape{
			{Begin: 14, End: 54, N: 4, XID: 3},
			{Begin: 54, End: 64, N: 1},
			{Begin: 74, End: 104, N: 3, XID: 4},
		},
	}, {
		name: "unfinished groups dropped",
		events: []Payload{&FormatDescription{},
			ma(1, 0), tm, rows, // cut: the group restarts
			ma(1, 0), tm, rows, &XID{},
			q("BEGIN"), rows, // cut by a BEGIN
			q("BEGIN"), rows, q("COMMIT"),
			ma(2, 0), tm}, // unfinished at EOF
		want: []txShape{
			{GTID: "0-7-1", Begin: 44, End: 84, N: 4},
			{Begin: 104, End: 134, N: 3},
		},
	}, {
		name: "chunked",
		opts: &TxOptions{MaxBuffered: 25},
		events: []Payload{&FormatDescription{},
			ma(1, 0), tm, rows, rows, rows, rows, &XID{}, // 14..84
			ma(2, 0), rows, &XID{}, // 84..114
			ma(3, 0), tm, rows, q("ROLLBACK")}, // chunked then rolled back: delivered marked
		want: []txShape{
			{GTID: "0-7-1", Begin: 14, N: 3, Partial: true},
			{GTID: "0-7-1", Begin: 14, N: 3, Partial: true, Chunk: 1},
			{GTID: "0-7-1", Begin: 14, End: 84, N: 1, Chunk: 2},
			{GTID: "0-7-2", Begin: 84, End: 114, N: 3},
			{GTID: "0-7-3", Begin: 114, N: 3, Partial: true},
			{GTID: "0-7-3", Begin: 114, End: 154, N: 1, RolledBack: true, Chunk: 1},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewTxReader(&sliceSource{evs: evSeq(tt.events...)}, tt.opts)
			got, err := shapes(t, r)
			if err != io.EOF {
				t.Fatalf("Next: %v, want io.EOF", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			if tt.cp != "" {
				cp := r.Checkpoint()
				if cp.GTIDs == nil || cp.GTIDs.String() != tt.cp {
					t.Errorf("Checkpoint().GTIDs = %v, want %s", cp.GTIDs, tt.cp)
				}
			}
		})
	}
}

func TestTxReaderErrorSticky(t *testing.T) {
	boom := errors.New("boom")
	evs := evSeq(&FormatDescription{}, &GTID{MariaDB: true, Sequence: 1}, &TableMap{}, &Rows{}, &XID{},
		&GTID{MariaDB: true, Sequence: 2}, &TableMap{})
	r := NewTxReader(&sliceSource{evs: evs, err: boom}, nil)
	if tx, err := r.Next(); err != nil || tx.GTID.Sequence != 1 {
		t.Fatalf("Next = %v, %v", tx, err)
	}
	cp := r.Checkpoint()
	for i := 0; i < 2; i++ {
		if _, err := r.Next(); err != boom {
			t.Fatalf("Next: %v, want boom", err)
		}
	}
	if got := r.Checkpoint(); got.Position != cp.Position || got.Position.Offset != 54 {
		t.Errorf("checkpoint moved on error: %v, was %v", got.Position, cp.Position)
	}
	if r.cur == nil || r.Dropped() != 0 {
		t.Errorf("unfinished group state: cur %v, dropped %d", r.cur, r.Dropped())
	}
}

// TestTxReaderFile groups a real MariaDB binlog: every rows event lands in
// exactly one transaction, groups are contiguous, and the logged ROLLBACK
// group is skipped by default.
func TestTxReaderFile(t *testing.T) {
	path := filepath.Join("testdata", "dml.full.binlog")
	count := func(opts *TxOptions) (txs, rolled, rows int, last *Checkpoint) {
		f, err := Open(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r := NewTxReader(f, opts)
		var prevEnd int64
		for tx, err := range r.All() {
			if err != nil {
				t.Fatal(err)
			}
			txs++
			if tx.RolledBack {
				rolled++
			}
			if tx.GTID == nil || tx.GTID.ServerID != 1 {
				t.Errorf("tx at %v: GTID %v, want one from server 1", tx.Begin, tx.GTID)
			}
			if tx.Begin.Offset < prevEnd || tx.End.Offset <= tx.Begin.Offset {
				t.Errorf("tx %v..%v after previous end %d", tx.Begin, tx.End, prevEnd)
			}
			prevEnd = tx.End.Offset
			for _, ev := range tx.Events {
				if ev.Type().IsRows() {
					rows++
				}
			}
		}
		return txs, rolled, rows, r.Checkpoint()
	}
	f, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	fileRows := 0
	for ev, err := range f.All() {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Type().IsRows() {
			fileRows++
		}
	}
	f.Close()

	txs, rolled, rows, cp := count(&TxOptions{IncludeRolledBack: true})
	if rolled == 0 || rows != fileRows {
		t.Errorf("IncludeRolledBack: %d groups, %d rolled back, %d rows events, file has %d", txs, rolled, rows, fileRows)
	}
	if cp.GTIDs == nil || cp.GTIDs.IsEmpty() {
		t.Errorf("checkpoint GTIDs = %v, want the binlog's state", cp.GTIDs)
	}
	txs2, rolled2, _, cp2 := count(nil)
	if rolled2 != 0 || txs2 != txs-rolled {
		t.Errorf("default: %d groups (%d rolled back), want %d", txs2, rolled2, txs-rolled)
	}
	if cp2.Position != cp.Position || cp.GTIDs.String() != cp2.GTIDs.String() {
		t.Errorf("checkpoints differ: %v %v vs %v %v", cp.Position, cp.GTIDs, cp2.Position, cp2.GTIDs)
	}
	t.Logf("%d groups, %d rolled back, %d rows events, final checkpoint %v %v", txs, rolled, rows, cp.Position, cp.GTIDs)
}

// TestTxReaderCheckpointServer: a TxReader's checkpoint names the server
// that wrote the file, so that TrackServer accepts it on resume.
func TestTxReaderCheckpointServer(t *testing.T) {
	f, err := Open(filepath.Join("testdata", "dml.full.binlog"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := NewTxReader(f, nil)
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	cp := r.Checkpoint()
	if want := (ServerIdentity{Flavor: "mariadb", ServerID: 1}); cp.Server != want {
		t.Fatalf("checkpoint server %v, want %v", cp.Server, want)
	}
	g, err := Open(filepath.Join("testdata", "dml.full.binlog"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	tr := TrackServer(g, cp)
	for {
		_, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("resuming from the TxReader's checkpoint: %v", err)
		}
	}
}
