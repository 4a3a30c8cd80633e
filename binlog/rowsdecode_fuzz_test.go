package binlog

import (
	"encoding/binary"
	"testing"
)

// fuzzTableMap is a table of most column types, all with metadata.
func fuzzTableMap() []byte {
	cols := []tmCol{
		{TypeTiny, nil}, {TypeShort, nil}, {TypeInt24, nil}, {TypeLong, nil}, {TypeLongLong, nil},
		{TypeFloat, []byte{4}}, {TypeDouble, []byte{8}}, {TypeNewDecimal, []byte{65, 30}},
		{TypeBit, []byte{0, 8}}, {TypeYear, nil}, {TypeDate, nil}, {TypeDateTime2, []byte{6}},
		{TypeTime2, []byte{4}}, {TypeTimestamp2, []byte{2}}, {TypeVarchar, []byte{0, 1}},
		{TypeString, []byte{0xfe, 8}}, {TypeBlob, []byte{4}}, {TypeString, []byte{0xf7, 2}},
		{TypeString, []byte{0xf8, 8}}, {TypeJSON, []byte{4}}, {TypeGeometry, []byte{4}},
		{TypeTime, nil}, {TypeDateTime, nil}, {TypeTimestamp, nil},
	}
	return buildTableMap(1, "d", "t", cols, tlv(tmColumnCharset, 45, 63, 8))
}

// FuzzDecodeRows checks that no rows event body (nor table map) makes the
// decoders panic.
func FuzzDecodeRows(f *testing.F) {
	tm := fuzzTableMap()
	row := []byte{0, 0, 0, 1, 2, 0, 3, 4, 5}
	f.Add(byte(WriteRowsEventV2), tm, buildRows(1, 24, false, row))
	f.Add(byte(PartialUpdateRowsEvent), tm, buildRows(1, 24, true, append(append(row, 1, 1), row...)))
	f.Add(byte(UpdateRowsEventV1), tm, []byte{1, 0, 0, 0, 0, 0, 0, 0, 24, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0})
	f.Add(byte(MariaWriteRowsCompressedEventV1), tm, []byte{1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0x81, 5, 0x78, 0x9c})
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
		r, err := decodeRows(EventType(typ), body, st)
		if err != nil {
			return
		}
		for _, row := range r.Rows {
			for _, v := range append(row.Before, row.After...) {
				_ = v.String()
				_, _ = v.MarshalJSON()
			}
		}
	})
}

// benchRowsEvent returns a table map and a WRITE_ROWS body of n rows of a
// typical table: int id, bigint, varchar, datetime2, decimal(10,2), int.
func benchRowsEvent(n int) (tm, body []byte) {
	cols := []tmCol{{TypeLong, nil}, {TypeLongLong, nil}, {TypeVarchar, []byte{200, 0}},
		{TypeDateTime2, []byte{0}}, {TypeNewDecimal, []byte{10, 2}}, {TypeLong, nil}}
	tm = buildTableMap(1, "d", "t", cols, tlv(tmDefaultCharset, 45))
	var rows []byte
	for i := 0; i < n; i++ {
		rows = append(rows, 0)
		rows = binary.LittleEndian.AppendUint32(rows, uint32(i))
		rows = binary.LittleEndian.AppendUint64(rows, uint64(i)*1000003)
		rows = append(rows, 12)
		rows = append(rows, "hello, world"...)
		rows = append(rows, 0x99, 0xa5, 0xc4, 0x30, 0x00)
		rows = append(rows, encDecimal("12345.67", 10, 2)...)
		rows = binary.LittleEndian.AppendUint32(rows, 7)
	}
	return tm, buildRows(1, len(cols), false, rows)
}

func BenchmarkDecodeRows(b *testing.B) {
	tmBody, body := benchRowsEvent(100)
	st := &decodeState{tables: map[uint64]*TableMap{}, opts: &ReaderOptions{}}
	tm, err := decodeTableMap(tmBody, st)
	if err != nil {
		b.Fatal(err)
	}
	st.tables[1] = tm
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := decodeRows(WriteRowsEventV2, body, st); err != nil {
			b.Fatal(err)
		}
	}
}
