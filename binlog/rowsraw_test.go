package binlog

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// rawTestFiles are the testdata binlogs whose rows events the byte-level
// tests split: every column type, FULL and MINIMAL images, NO_LOG metadata.
var rawTestFiles = []string{"types.full.binlog", "types.nolog.binlog", "dml.full.binlog", "dml.full-minimal.binlog", "dml.nolog.binlog", "sample.full.binlog"}

// TestSplitRowImagesFiles splits every rows event of the testdata binlogs,
// read with and without values, and checks the split against the decoder:
// as many rows as it decoded, images that cover the row data, and a head
// and data that are the event's body.
func TestSplitRowImagesFiles(t *testing.T) {
	for _, name := range rawTestFiles {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name)
			vals := NewReader(openTestFile(t, path), &ReaderOptions{Name: name})
			skip := NewReader(openTestFile(t, path), &ReaderOptions{Name: name, SkipRowValues: true})
			var ri RowImages
			n := 0
			for {
				ev, err := vals.Next()
				sev, serr := skip.Next()
				if errors.Is(err, io.EOF) {
					if !errors.Is(serr, io.EOF) {
						t.Fatalf("SkipRowValues reader: %v at the end", serr)
					}
					break
				}
				if err != nil || serr != nil {
					t.Fatal(err, serr)
				}
				r, ok := ev.Payload.(*Rows)
				if !ok {
					continue
				}
				fd := vals.dec.st.fd
				for _, e := range []*Event{ev, sev} {
					if err := SplitRowImages(&ri, e, fd); err != nil {
						t.Fatalf("event at %d: %v", e.Offset, err)
					}
					if got := ri.Rows(r.Kind); got != len(r.Rows) {
						t.Fatalf("event at %d: %d rows, the decoder found %d", e.Offset, got, len(r.Rows))
					}
					if len(ri.Ends) > 0 && ri.Ends[len(ri.Ends)-1] != len(ri.Data) {
						t.Fatalf("event at %d: images end at %d of %d bytes", e.Offset, ri.Ends[len(ri.Ends)-1], len(ri.Data))
					}
					if !ri.Compressed {
						body := e.Raw[19 : len(e.Raw)-4]
						if !bytes.Equal(append(append([]byte(nil), ri.Head...), ri.Data...), body) {
							t.Fatalf("event at %d: head and data are not the body", e.Offset)
						}
						if got := binary.LittleEndian.Uint16(ri.Head[ri.FlagsAt:]); got != r.Flags {
							t.Fatalf("event at %d: flags %#x at FlagsAt, want %#x", e.Offset, got, r.Flags)
						}
					}
				}
				n++
			}
			if n == 0 {
				t.Fatal("no rows event")
			}
		})
	}
}

func openTestFile(t *testing.T, path string) io.Reader {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestEncoderWriteRaw writes every event of the testdata binlogs back
// through WriteRaw (the format descriptions through WriteEvent), with the
// size and end position in their headers spoiled, and checks that reading
// the result gives the same events: sizes, positions and checksums
// recomputed (the Reader verifies the checksums).
func TestEncoderWriteRaw(t *testing.T) {
	for _, name := range rawTestFiles {
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			r := NewReader(bytes.NewReader(want), &ReaderOptions{SkipRowValues: true})
			var out bytes.Buffer
			enc := NewEncoder(&out, nil)
			var in []*Event
			for {
				ev, err := r.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				in = append(in, ev)
				if _, ok := ev.Payload.(*FormatDescription); ok {
					if err := enc.WriteEvent(ev); err != nil {
						t.Fatal(err)
					}
					continue
				}
				raw := append([]byte(nil), ev.Raw...)
				if enc.FormatDescription().ChecksumAlg == ChecksumCRC32 {
					raw = raw[:len(raw)-4]
				}
				for i := 9; i < 17; i++ {
					raw[i] = 0xff
				}
				if err := enc.WriteRaw(raw); err != nil {
					t.Fatal(err)
				}
			}
			if err := enc.Flush(); err != nil {
				t.Fatal(err)
			}
			r2 := NewReader(bytes.NewReader(out.Bytes()), &ReaderOptions{SkipRowValues: true})
			for i := 0; ; i++ {
				ev, err := r2.Next()
				if errors.Is(err, io.EOF) {
					if i != len(in) {
						t.Fatalf("%d events read back, %d written", i, len(in))
					}
					break
				}
				if err != nil {
					t.Fatalf("event %d read back: %v", i, err)
				}
				if ev.Offset != in[i].Offset || ev.Header.Type != in[i].Header.Type || ev.Header.EventSize != in[i].Header.EventSize {
					t.Fatalf("event %d: %v at %d (%d bytes), wrote %v at %d (%d bytes)", i,
						ev.Header.Type, ev.Offset, ev.Header.EventSize, in[i].Header.Type, in[i].Offset, in[i].Header.EventSize)
				}
				if _, ok := ev.Payload.(*FormatDescription); !ok && !bytes.Equal(ev.Raw, in[i].Raw) && in[i].Header.LogPos != 0 {
					t.Fatalf("event %d at %d: bytes differ", i, ev.Offset)
				}
			}
		})
	}
}

// TestWriteRawErrors checks what WriteRaw refuses.
func TestWriteRawErrors(t *testing.T) {
	enc := NewEncoder(io.Discard, nil)
	hdr := appendHeader(nil, Header{Type: XIDEvent})
	if err := enc.WriteRaw(append(hdr, 1, 2, 3, 4, 5, 6, 7, 8)); !errors.Is(err, ErrNoFormatDescription) {
		t.Errorf("before a format description: %v", err)
	}
	if err := enc.WriteEvent(&Event{Payload: &FormatDescription{BinlogVersion: 4, ServerVersion: "10.11.6-MariaDB-log", HeaderLength: 19, ChecksumAlg: ChecksumCRC32, PostHeaderLens: mariaPostHeaderLensForTest()}}); err != nil {
		t.Fatal(err)
	}
	if err := enc.WriteRaw(hdr[:10]); !errors.Is(err, ErrCorrupt) {
		t.Errorf("short event: %v", err)
	}
	fdh := appendHeader(nil, Header{Type: FormatDescriptionEvent})
	if err := enc.WriteRaw(append(fdh, make([]byte, 80)...)); !errors.Is(err, ErrEncode) {
		t.Errorf("format description: %v", err)
	}
	off := enc.Offset()
	if err := enc.WriteRaw(append(hdr, 1, 2, 3, 4, 5, 6, 7, 8)); err != nil {
		t.Errorf("XID: %v", err)
	}
	if got, want := enc.Offset(), off+int64(len(hdr))+8+4; got != want {
		t.Errorf("offset %d after an XID with its checksum, want %d", got, want)
	}
}

// mariaPostHeaderLensForTest returns post-header lengths of a MariaDB
// format description (any will do for WriteRaw, which copies bodies).
func mariaPostHeaderLensForTest() []byte { return make([]byte, 164) }

// FuzzSplitRowImages checks that no rows event makes SplitRowImages panic,
// and that it agrees with the decoder: when the decoder decodes the rows,
// the split succeeds and finds as many.
func FuzzSplitRowImages(f *testing.F) {
	tm := fuzzTableMap()
	row := []byte{0, 0, 0, 1, 2, 0, 3, 4, 5}
	f.Add(byte(WriteRowsEventV2), tm, buildRows(1, 24, false, row))
	f.Add(byte(UpdateRowsEventV2), tm, buildRows(1, 24, true, append(append([]byte(nil), row...), row...)))
	f.Add(byte(PartialUpdateRowsEvent), tm, buildRows(1, 24, true, append(append(row, 1, 1), row...)))
	f.Add(byte(UpdateRowsEventV1), tm, []byte{1, 0, 0, 0, 0, 0, 0, 0, 24, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0})
	f.Add(byte(MariaWriteRowsCompressedEventV1), tm, []byte{1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0x81, 5, 0x78, 0x9c})
	tmBody, body := benchRowsEvent(3)
	f.Add(byte(WriteRowsEventV2), tmBody, body)
	f.Add(byte(DeleteRowsEventV1), tmBody, append(body[:6:6], body[10:]...))
	f.Fuzz(func(t *testing.T, typ byte, tmBody, body []byte) {
		st := &decodeState{tables: map[uint64]*TableMap{}, opts: &ReaderOptions{MaxEventSize: 1 << 20}}
		tm, err := decodeTableMap(tmBody, st)
		if err != nil {
			return
		}
		st.tables[tm.TableID] = tm
		if len(body) >= 6 {
			binary.LittleEndian.PutUint32(body, uint32(tm.TableID))
			body[4], body[5] = byte(tm.TableID>>32), byte(tm.TableID>>40)
		}
		ev := &Event{Header: Header{Type: EventType(typ)}, Raw: append(appendHeader(nil, Header{Type: EventType(typ)}), body...),
			Payload: &Rows{TableID: tm.TableID, Table: tm}}
		var ri RowImages
		serr := SplitRowImages(&ri, ev, nil)
		if serr == nil {
			prev := 0
			for _, end := range ri.Ends {
				if end < prev || end > len(ri.Data) {
					t.Fatalf("image ends %v in %d bytes", ri.Ends, len(ri.Data))
				}
				prev = end
			}
		}
		r, err := decodeRows(EventType(typ), body, st)
		if err != nil {
			return
		}
		if serr != nil {
			t.Fatalf("the decoder decodes %d rows, SplitRowImages fails: %v", len(r.Rows), serr)
		}
		if got := ri.Rows(r.Kind); got != len(r.Rows) {
			t.Fatalf("SplitRowImages finds %d rows, the decoder %d", got, len(r.Rows))
		}
	})
}
