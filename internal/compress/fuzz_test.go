package compress

import (
	"bytes"
	"io"
	"testing"
)

// FuzzReader feeds arbitrary bytes to every decompressor: it may fail,
// never panic, and the xz guard must not stop a stream the xz reader
// accepts.
func FuzzReader(f *testing.F) {
	in := sample(5000, 31)
	for _, name := range []string{LZ4, XZ, Zstd} {
		f.Add(compressed(f, name, in, &WriterOptions{BlockSize: 1 << 10}))
	}
	f.Add(append(compressed(f, XZ, in, nil), 0, 0, 0, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		f := Detect(data)
		if f == nil {
			return
		}
		r, err := NewReader(f, bytes.NewReader(data), &ReaderOptions{MaxDict: 1 << 20, MaxWindow: 1 << 20})
		if err != nil {
			return
		}
		io.Copy(io.Discard, io.LimitReader(r, 4<<20))
		r.Close()
	})
}
