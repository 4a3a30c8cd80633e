package binlog

import "testing"

func TestGTIDStrings(t *testing.T) {
	sid := [16]byte{0x3e, 0x11, 0xfa, 0x47, 0x71, 0xca, 0x11, 0xe1, 0x9e, 0x33, 0xc8, 0x0a, 0xa9, 0x42, 0x95, 0x62}
	for _, tc := range []struct {
		got, want string
	}{
		{(&GTID{SID: sid, GNO: 23}).String(), "3e11fa47-71ca-11e1-9e33-c80aa9429562:23"},
		{(&GTID{SID: sid, Tag: "orders", GNO: 1}).String(), "3e11fa47-71ca-11e1-9e33-c80aa9429562:orders:1"},
		{(&GTID{Anonymous: true}).String(), "ANONYMOUS"},
		{(&GTID{MariaDB: true, Domain: 0, ServerID: 1, Sequence: 5}).String(), "0-1-5"},
		{UUIDSet{SID: sid, Intervals: []GTIDInterval{{1, 6}, {7, 8}}}.String(), "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7"},
		{(&GTIDList{GTIDs: []MariaGTID{{0, 1, 10}, {2, 3, 4}}}).String(), "0-1-10,2-3-4"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestVarlenUint(t *testing.T) {
	for _, tc := range []struct {
		in   []byte
		want uint64
		n    int
	}{
		{[]byte{0x00}, 0, 1},
		{[]byte{0x04}, 2, 1},
		{[]byte{0xfe}, 127, 1},
		{[]byte{0x01, 0x02}, 0x80, 2},
		{[]byte{0xff, 1, 2, 3, 4, 5, 6, 7, 8}, 0x0807060504030201, 9},
		{[]byte{0x01}, 0, 0},
	} {
		v, n := varlenUint(tc.in)
		if v != tc.want || n != tc.n {
			t.Errorf("varlenUint(% x) = %d, %d; want %d, %d", tc.in, v, n, tc.want, tc.n)
		}
	}
}
