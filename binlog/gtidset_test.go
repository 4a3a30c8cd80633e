package binlog

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	testUUID1 = "3e11fa47-71ca-11e1-9e33-c80aa9429562"
	testUUID2 = "00000000-0000-0000-0000-000000000001"
)

func mustUUID(t *testing.T, s string) [16]byte {
	t.Helper()
	u, err := parseUUID(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestGTIDExecutedParseFormat(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{testUUID1 + ":1-5", testUUID1 + ":1-5"},
		{testUUID1 + ":1-5:6-9:11", testUUID1 + ":1-9:11"},
		{testUUID1 + ":7:1-3", testUUID1 + ":1-3:7"},
		{testUUID1 + ":1-3,\n" + testUUID2 + ":4", testUUID2 + ":4," + testUUID1 + ":1-3"},
		{testUUID1 + ":1-3:Tag_A:5-6", testUUID1 + ":1-3," + testUUID1 + ":tag_a:5-6"},
		{"0-1-100, 1-2-7", "0-1-100,1-2-7"},
		{"1-2-7,0-1-100", "0-1-100,1-2-7"},
		{testUUID1 + ":2,0-1-5", testUUID1 + ":2,0-1-5"},
	}
	for _, tt := range tests {
		s, err := ParseGTIDSet(tt.in)
		if err != nil {
			t.Errorf("ParseGTIDSet(%q): %v", tt.in, err)
			continue
		}
		if got := s.String(); got != tt.want {
			t.Errorf("ParseGTIDSet(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
		again, err := ParseGTIDSet(s.String())
		if err != nil || !again.Equal(s) {
			t.Errorf("round trip of %q: %v, %v", tt.in, again, err)
		}
	}
	for _, bad := range []string{"x", "0-1", "0-1-x", testUUID1, testUUID1 + ":", testUUID1 + ":0", testUUID1 + ":5-3", "zz:1", testUUID1 + ":1:9tag:2"} {
		if _, err := ParseGTIDSet(bad); err == nil {
			t.Errorf("ParseGTIDSet(%q) succeeded", bad)
		}
	}
}

func TestGTIDExecutedAddContains(t *testing.T) {
	sid := mustUUID(t, testUUID1)
	var s GTIDSet
	for _, n := range []int64{5, 1, 2, 3, 9, 4, 10, 7} {
		s.Add(&GTID{SID: sid, GNO: n})
	}
	s.Add(&GTID{SID: sid, Tag: "t", GNO: 1})
	s.Add(&GTID{Anonymous: true})
	if got, want := s.String(), testUUID1+":1-5:7:9-10,"+testUUID1+":t:1"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	for n := int64(0); n <= 11; n++ {
		want := n >= 1 && n <= 5 || n == 7 || n == 9 || n == 10
		if got := s.Contains(&GTID{SID: sid, GNO: n}); got != want {
			t.Errorf("Contains(%d) = %v, want %v", n, got, want)
		}
	}
	if s.Contains(&GTID{SID: sid, Tag: "t", GNO: 2}) || !s.Contains(&GTID{SID: sid, Tag: "t", GNO: 1}) {
		t.Error("tagged Contains wrong")
	}

	m, _ := ParseGTIDSet("0-1-100")
	m.Add(&GTID{MariaDB: true, Domain: 0, ServerID: 2, Sequence: 101})
	m.Add(&GTID{MariaDB: true, Domain: 3, ServerID: 1, Sequence: 7})
	if got, want := m.String(), "0-2-101,3-1-7"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	for _, c := range []struct {
		d    uint32
		seq  uint64
		want bool
	}{{0, 1, true}, {0, 101, true}, {0, 102, false}, {3, 7, true}, {3, 8, false}, {1, 1, false}} {
		if got := m.Contains(&GTID{MariaDB: true, Domain: c.d, ServerID: 9, Sequence: c.seq}); got != c.want {
			t.Errorf("Contains(%d-9-%d) = %v, want %v", c.d, c.seq, got, c.want)
		}
	}
}

func TestGTIDExecutedUnion(t *testing.T) {
	a, _ := ParseGTIDSet(testUUID1 + ":1-3:8,0-1-10")
	b, _ := ParseGTIDSet(testUUID1 + ":2-6," + testUUID2 + ":1,0-1-5,1-1-1")
	c := a.Clone()
	c.Union(b)
	if got, want := c.String(), testUUID2+":1,"+testUUID1+":1-6:8,0-1-10,1-1-1"; got != want {
		t.Errorf("Union = %q, want %q", got, want)
	}
	if got, want := a.String(), testUUID1+":1-3:8,0-1-10"; got != want {
		t.Errorf("Union modified its clone source: %q, want %q", got, want)
	}
}

func TestGTIDExecutedJSON(t *testing.T) {
	type wrap struct {
		Set *GTIDSet `json:"set"`
	}
	s, _ := ParseGTIDSet(testUUID1 + ":1-3,0-1-10")
	b, err := json.Marshal(wrap{s})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"set":"` + testUUID1 + `:1-3,0-1-10"}`; string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	var got wrap
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s.String(), got.Set.String()); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

func TestPosition(t *testing.T) {
	p, err := ParsePosition("mysql-bin.000012:1234")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Position{File: "mysql-bin.000012", Offset: 1234}, p); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	if p.String() != "mysql-bin.000012:1234" {
		t.Errorf("String() = %q", p.String())
	}
	if p, _ := ParsePosition("b.000001"); p.Offset != 4 {
		t.Errorf("bare file: offset %d, want 4", p.Offset)
	}
	for _, bad := range []string{"", ":4", "f:x", "f:-1"} {
		if _, err := ParsePosition(bad); err == nil {
			t.Errorf("ParsePosition(%q) succeeded", bad)
		}
	}
	order := []Position{{"b.000009", 100}, {"b.000010", 4}, {"b.000010", 5}, {"b.1000000", 4}}
	for i := range order {
		for j := range order {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := order[i].Compare(order[j]); got != want {
				t.Errorf("%v.Compare(%v) = %d, want %d", order[i], order[j], got, want)
			}
		}
	}
}
