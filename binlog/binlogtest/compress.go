package binlogtest

import (
	"github.com/klauspost/compress/zstd"

	"github.com/binlogkit/binlogkit/binlog"
)

// Field types of a TRANSACTION_PAYLOAD event header.
const (
	payloadEndMark          = 0
	payloadSize             = 1
	payloadCompressionType  = 2
	payloadUncompressedSize = 3
)

// payload returns a TRANSACTION_PAYLOAD event holding evs, zstd-compressed,
// as MySQL writes it: the events inside have no checksum and a log
// position of 0.
//
// The binlog Encoder cannot build one from events (TransactionPayload
// keeps its bytes unexported), so the body is written here and passed as
// an Unknown payload.
func (b *Builder) payload(evs []*binlog.Event) (*binlog.Event, error) {
	fd := *b.s.fd
	fd.ChecksumAlg = binlog.ChecksumOff
	var data []byte
	for _, ev := range evs {
		start := len(data)
		var err error
		if data, err = binlog.AppendEvent(data, ev, &fd, 0); err != nil {
			return nil, err
		}
		clear(data[start+13 : start+17]) // log position
	}
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	z := enc.EncodeAll(data, nil)
	enc.Close()
	field := func(dst []byte, typ, v uint64) []byte {
		val := appendPacked(nil, v)
		dst = appendPacked(dst, typ)
		dst = appendPacked(dst, uint64(len(val)))
		return append(dst, val...)
	}
	body := field(nil, payloadCompressionType, 0)
	body = field(body, payloadUncompressedSize, uint64(len(data)))
	body = field(body, payloadSize, uint64(len(z)))
	body = appendPacked(body, payloadEndMark)
	body = append(body, z...)
	ev := b.event(&binlog.Unknown{Body: body})
	ev.Header.Type = binlog.TransactionPayloadEvent
	return ev, nil
}
