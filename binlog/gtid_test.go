package binlog

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/internal/testbinlog"
)

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

// TestTaggedGTIDTagValidated feeds GTID_TAGGED_LOG_EVENTs and
// PREVIOUS_GTIDS_LOG_EVENTs whose tags a server would refuse (a newline
// followed by SQL, a comment terminator, a semicolon, ...): the decoder must
// refuse them with an *EventError wrapping ErrCorrupt at the event's offset,
// since consumers copy the GTID text into SQL comments and listings.
func TestTaggedGTIDTagValidated(t *testing.T) {
	sid := [16]byte{0x3e, 0x11, 0xfa, 0x47, 0x71, 0xca, 0x11, 0xe1, 0x9e, 0x33, 0xc8, 0x0a, 0xa9, 0x42, 0x95, 0x62}
	previous := func(tag string) []byte {
		body := binary.LittleEndian.AppendUint64(nil, 1<<56|1<<8) // tagged format, one sid
		body = append(body, sid[:]...)
		body = append(body, byte(len(tag))<<1) // varlen length (< 128)
		body = append(body, tag...)
		body = binary.LittleEndian.AppendUint64(body, 1)
		body = binary.LittleEndian.AppendUint64(body, 1)
		return binary.LittleEndian.AppendUint64(body, 8)
	}
	for _, tc := range []struct {
		tag string
		ok  bool
	}{
		{"", true},
		{"orders", true},
		{"Tag_1", true},
		{"_x9", true},
		{strings.Repeat("a", 32), true},
		{strings.Repeat("a", 33), false},
		{"x\nDROP DATABASE victimdb; -- ", false},
		{"x\rDROP DATABASE victimdb", false},
		{"a*/b", false},
		{"a;b", false},
		{"a'b", false},
		{"a b", false},
		{"9lives", false},
		{"caf\u00e9", false},
	} {
		for _, kind := range []string{"gtid", "previous"} {
			b := testbinlog.New(testbinlog.MySQL)
			off := int64(b.Len())
			want := GTIDTaggedEvent
			if kind == "gtid" {
				b.TaggedGTID(sid, tc.tag, 7)
			} else {
				want = PreviousGTIDsEvent
				b.Event(byte(PreviousGTIDsEvent), previous(tc.tag))
			}
			r := NewReader(bytes.NewReader(b.Bytes()), &ReaderOptions{Name: "bin\n.000001"})
			var got *Event
			var err error
			for {
				var ev *Event
				ev, err = r.Next()
				if err != nil {
					break
				}
				if ev.Type() == want {
					got = ev
				}
			}
			if tc.ok {
				if !errors.Is(err, io.EOF) || got == nil {
					t.Errorf("%s tag %q: got event %v, error %v; want the event and io.EOF", kind, tc.tag, got, err)
					continue
				}
				tag := ""
				switch p := got.Payload.(type) {
				case *GTID:
					tag = p.Tag
				case *PreviousGTIDs:
					tag = p.Sets[0].Tag
				}
				if tag != tc.tag {
					t.Errorf("%s tag %q: decoded tag %q", kind, tc.tag, tag)
				}
				continue
			}
			var ee *EventError
			if !errors.Is(err, ErrCorrupt) || !errors.As(err, &ee) || ee.Offset != off || ee.Type != want || ee.File != "bin\n.000001" {
				t.Errorf("%s tag %q: error %v (%#v); want an *EventError at offset %d, type %v, wrapping ErrCorrupt", kind, tc.tag, err, ee, off, want)
			}
			if got != nil {
				t.Errorf("%s tag %q: the event was returned: %+v", kind, tc.tag, got.Payload)
			}
		}
	}
}
