package archive

import (
	"bytes"
	"io"
	"testing"
)

// FuzzNewReader feeds arbitrary bytes to NewReader: it may fail, never
// panic, and what our writers wrote must round-trip.
func FuzzNewReader(f *testing.F) {
	in := binlogLike(5000, 31)
	for _, c := range writeCodecs {
		f.Add(compress(f, c, in, &CodecOptions{BlockSize: 1 << 10}))
	}
	f.Add([]byte{0x04, 0x22, 0x4d, 0x18, 0x64, 0x70, 0xb9, 0xff, 0xff, 0xff, 0x7f})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, c, err := NewReader(bytes.NewReader(data))
		if err != nil {
			return
		}
		got, err := io.ReadAll(io.LimitReader(r, 1<<20))
		r.Close()
		if err != nil || c == None || c == Gzip || len(got) > 256<<10 {
			return
		}
		z := compress(t, c, got, &CodecOptions{BlockSize: 64 << 10})
		if again := decompress(t, z, c); !bytes.Equal(again, got) {
			t.Fatalf("%s round trip of %d bytes gave %d", c, len(got), len(again))
		}
	})
}
