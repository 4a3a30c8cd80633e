package binlog

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"testing"
	"testing/iotest"
)

// testLog builds a binlog in memory, MariaDB 10.11 style with CRC32.
type testLog struct {
	buf []byte
	crc bool
}

func newTestLog(crc bool) *testLog {
	l := &testLog{buf: append([]byte(nil), Magic[:]...), crc: crc}
	body := make([]byte, 57)
	binary.LittleEndian.PutUint16(body, 4)
	copy(body[2:], "10.11.6-MariaDB-log")
	body[56] = 19
	lens := make([]byte, 168) // post-header lengths, as MariaDB writes them
	lens[QueryEvent-1] = 13
	lens[RotateEvent-1] = 8
	lens[TableMapEvent-1] = 8
	lens[WriteRowsEventV1-1] = 8
	body = append(body, lens...)
	alg := byte(ChecksumOff)
	if crc {
		alg = byte(ChecksumCRC32)
	}
	body = append(body, alg)
	l.event(FormatDescriptionEvent, body, true)
	return l
}

// event appends an event; forceCRC appends a checksum even when the log
// has none (the format description of a checksum-capable server always
// ends with one).
func (l *testLog) event(t EventType, body []byte, forceCRC bool) int {
	start := len(l.buf)
	size := 19 + len(body)
	if l.crc || forceCRC {
		size += 4
	}
	h := make([]byte, 19)
	binary.LittleEndian.PutUint32(h, 1700000000)
	h[4] = byte(t)
	binary.LittleEndian.PutUint32(h[5:], 1)
	binary.LittleEndian.PutUint32(h[9:], uint32(size))
	binary.LittleEndian.PutUint32(h[13:], uint32(start+size))
	l.buf = append(l.buf, h...)
	l.buf = append(l.buf, body...)
	if l.crc || forceCRC {
		l.buf = binary.LittleEndian.AppendUint32(l.buf, crc32.ChecksumIEEE(l.buf[start:]))
	}
	return start
}

func queryBody(db, q string) []byte {
	b := make([]byte, 13)
	binary.LittleEndian.PutUint32(b, 7) // thread id
	b[8] = byte(len(db))
	b = append(b, db...)
	b = append(b, 0)
	return append(b, q...)
}

func readAll(t *testing.T, r *Reader) ([]*Event, error) {
	t.Helper()
	var evs []*Event
	for i := 0; i < 1e6; i++ {
		ev, err := r.Next()
		if err != nil {
			return evs, err
		}
		evs = append(evs, ev)
	}
	t.Fatal("reader does not stop")
	return nil, nil
}

func TestReaderFraming(t *testing.T) {
	l := newTestLog(true)
	qOff := l.event(QueryEvent, queryBody("shop", "BEGIN"), false)
	xOff := l.event(XIDEvent, binary.LittleEndian.AppendUint64(nil, 42), false)
	uOff := l.event(EventType(99), []byte("future"), false)

	r := NewReader(bytes.NewReader(l.buf), &ReaderOptions{Name: "binlog.000001"})
	evs, err := readAll(t, r)
	if err != io.EOF {
		t.Fatalf("err = %v, want io.EOF", err)
	}
	if len(evs) != 4 {
		t.Fatalf("got %d events, want 4", len(evs))
	}
	if fd, ok := evs[0].Payload.(*FormatDescription); !ok || fd.ChecksumAlg != ChecksumCRC32 || !fd.MariaDB() {
		t.Errorf("first payload = %#v", evs[0].Payload)
	}
	q, ok := evs[1].Payload.(*Query)
	if !ok || q.Schema != "shop" || q.Query != "BEGIN" || q.ThreadID != 7 {
		t.Errorf("query payload = %#v", evs[1].Payload)
	}
	if x, ok := evs[2].Payload.(*XID); !ok || x.XID != 42 {
		t.Errorf("xid payload = %#v", evs[2].Payload)
	}
	if u, ok := evs[3].Payload.(*Unknown); !ok || string(u.Body) != "future" {
		t.Errorf("unknown payload = %#v", evs[3].Payload)
	}
	for i, off := range []int{4, qOff, xOff, uOff} {
		ev := evs[i]
		if ev.Offset != int64(off) || ev.NextPos != ev.Offset+int64(ev.Header.EventSize) || ev.File != "binlog.000001" {
			t.Errorf("event %d: offset %d next %d file %q; want offset %d", i, ev.Offset, ev.NextPos, ev.File, off)
		}
		if !bytes.Equal(ev.Raw, l.buf[off:ev.NextPos]) {
			t.Errorf("event %d: raw bytes differ from the file", i)
		}
	}
	if r.InputOffset() != int64(len(l.buf)) {
		t.Errorf("InputOffset = %d, want %d", r.InputOffset(), len(l.buf))
	}
	// Sticky io.EOF.
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("second EOF: %v", err)
	}
}

func TestReaderErrors(t *testing.T) {
	l := newTestLog(true)
	qOff := l.event(QueryEvent, queryBody("db", "INSERT INTO t VALUES (1)"), false)
	good := l.buf

	corrupt := append([]byte(nil), good...)
	corrupt[qOff+25] ^= 0x20

	huge := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(huge[qOff+9:], 0x7fffffff)

	tiny := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(tiny[qOff+9:], 5)

	tests := []struct {
		name   string
		data   []byte
		opts   *ReaderOptions
		want   error
		offset int64
		events int
	}{
		{"empty", nil, nil, ErrTruncated, 0, 0},
		{"short magic", []byte{0xfe, 'b'}, nil, ErrTruncated, 0, 0},
		{"bad magic", []byte("GIF89a"), nil, ErrBadMagic, 0, 0},
		{"mysql encrypted", []byte{0xfd, 'b', 'i', 'n', 0, 0, 0}, nil, ErrEncrypted, 0, 0},
		{"header cut", good[:qOff+10], nil, ErrTruncated, int64(qOff), 1},
		{"body cut", good[:len(good)-3], nil, ErrTruncated, int64(qOff), 1},
		{"checksum", corrupt, nil, ErrChecksum, int64(qOff), 1},
		{"size over max", huge, nil, ErrEventTooLarge, int64(qOff), 1},
		{"size under header", tiny, nil, ErrEventTooLarge, int64(qOff), 1},
		{"size over option", good, &ReaderOptions{MaxEventSize: 40}, ErrEventTooLarge, 4, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader(bytes.NewReader(tc.data), tc.opts)
			evs, err := readAll(t, r)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			var ee *EventError
			if !errors.As(err, &ee) || ee.Offset != tc.offset {
				t.Fatalf("err = %#v, want *EventError at offset %d", err, tc.offset)
			}
			if len(evs) != tc.events {
				t.Errorf("%d events before the error, want %d", len(evs), tc.events)
			}
			if _, err2 := r.Next(); err2 != err {
				t.Errorf("error not sticky: %v then %v", err, err2)
			}
		})
	}

	// A corrupt checksum is accepted when verification is off.
	r := NewReader(bytes.NewReader(corrupt), &ReaderOptions{IgnoreChecksums: true})
	if _, err := readAll(t, r); err != io.EOF {
		t.Errorf("IgnoreChecksums: %v", err)
	}
}

func TestReaderNoChecksumAndNoMagic(t *testing.T) {
	l := newTestLog(false)
	l.event(QueryEvent, queryBody("", "COMMIT"), false)
	r := NewReader(bytes.NewReader(l.buf[4:]), &ReaderOptions{NoMagic: true})
	evs, err := readAll(t, r)
	if err != io.EOF || len(evs) != 2 {
		t.Fatalf("%d events, err %v", len(evs), err)
	}
	if evs[1].Offset != int64(len(l.buf)-len(evs[1].Raw)) {
		t.Errorf("offset %d", evs[1].Offset)
	}
	if q := evs[1].Payload.(*Query); q.Query != "COMMIT" {
		t.Errorf("query %q", q.Query)
	}
}

func TestReaderOneByteChunks(t *testing.T) {
	l := newTestLog(true)
	for i := 0; i < 5; i++ {
		l.event(QueryEvent, queryBody("db", "BEGIN"), false)
	}
	whole, err1 := readAll(t, NewReader(bytes.NewReader(l.buf), nil))
	bytewise, err2 := readAll(t, NewReader(iotest.OneByteReader(bytes.NewReader(l.buf)), nil))
	if err1 != io.EOF || err2 != io.EOF || len(whole) != len(bytewise) {
		t.Fatalf("whole %d %v, bytewise %d %v", len(whole), err1, len(bytewise), err2)
	}
	for i := range whole {
		if !bytes.Equal(whole[i].Raw, bytewise[i].Raw) || whole[i].Offset != bytewise[i].Offset {
			t.Errorf("event %d differs", i)
		}
	}
}

func TestEventBeforeFormatDescription(t *testing.T) {
	l := &testLog{buf: append([]byte(nil), Magic[:]...)}
	l.event(QueryEvent, queryBody("", "BEGIN"), false)
	_, err := readAll(t, NewReader(bytes.NewReader(l.buf), nil))
	if !errors.Is(err, ErrNoFormatDescription) {
		t.Fatalf("err = %v", err)
	}
}

func TestVersionHasChecksum(t *testing.T) {
	for v, want := range map[string]bool{
		"5.6.0": false, "5.6.1": true, "5.5.30-log": false, "8.0.32": true, "5.1.73": false,
		"5.5.30-MariaDB-log": true, "5.2.1-MariaDB": false, "10.11.6-MariaDB-log": true, "": false, "x": false,
	} {
		if got := versionHasChecksum(v); got != want {
			t.Errorf("versionHasChecksum(%q) = %v", v, got)
		}
	}
}

// TestReaderStartOffset resumes reading a binlog that was cut mid-event
// (a file the server is still writing) at the NextPos of the last event
// read, once the rest has been written.
func TestReaderStartOffset(t *testing.T) {
	l := newTestLog(true)
	l.event(QueryEvent, queryBody("db", "BEGIN"), false)
	second := l.event(QueryEvent, queryBody("db", "INSERT INTO t VALUES (1)"), false)
	third := l.event(XIDEvent, binary.LittleEndian.AppendUint64(nil, 9), false)
	full := l.buf

	// The writer has only written part of the third event.
	evs, err := readAll(t, NewReader(bytes.NewReader(full[:third+7]), nil))
	if !errors.Is(err, ErrTruncated) || len(evs) != 3 {
		t.Fatalf("partial file: %d events, %v", len(evs), err)
	}
	resume := evs[len(evs)-1].NextPos
	if resume != int64(third) {
		t.Fatalf("resume at %d, want %d", resume, third)
	}

	// Later, with the whole file.
	r := NewReader(bytes.NewReader(full), &ReaderOptions{StartOffset: resume})
	evs, err = readAll(t, r)
	if err != io.EOF || len(evs) != 1 {
		t.Fatalf("resumed: %d events, %v", len(evs), err)
	}
	if x, ok := evs[0].Payload.(*XID); !ok || x.XID != 9 || evs[0].Offset != int64(third) {
		t.Errorf("resumed at the wrong event: %+v at %d", evs[0].Payload, evs[0].Offset)
	}
	if r.FormatDescription() == nil {
		t.Error("no format description after skipping")
	}

	// From the second event; and errors for offsets past the end or inside
	// the format description.
	evs, err = readAll(t, NewReader(bytes.NewReader(full), &ReaderOptions{StartOffset: int64(second)}))
	if err != io.EOF || len(evs) != 2 {
		t.Errorf("from the second event: %d events, %v", len(evs), err)
	}
	if _, err := readAll(t, NewReader(bytes.NewReader(full), &ReaderOptions{StartOffset: int64(len(full) + 10)})); !errors.Is(err, ErrTruncated) {
		t.Errorf("offset past the end: %v", err)
	}
	if _, err := readAll(t, NewReader(bytes.NewReader(full), &ReaderOptions{StartOffset: 10})); !errors.Is(err, ErrCorrupt) {
		t.Errorf("offset inside the format description: %v", err)
	}
}
