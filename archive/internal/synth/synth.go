// Package synth makes test data for the archive packages.
package synth

import (
	"encoding/binary"
	"math/rand/v2"
)

// Binlog returns n bytes that compress like a binlog: framed records
// with small integers, timestamps, repeated names and some random bytes.
func Binlog(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 42))
	names := []string{"customer-17", "note é 😀 nnnn", "orders", "big.docs", "paid", "shipped"}
	b := make([]byte, 0, n+512)
	b = append(b, 0xfe, 'b', 'i', 'n')
	ts := uint32(1700000000)
	for len(b) < n {
		ts += uint32(rng.IntN(3))
		start := len(b)
		b = binary.LittleEndian.AppendUint32(b, ts)
		b = append(b, byte(rng.IntN(40)))
		b = binary.LittleEndian.AppendUint32(b, 1)
		b = binary.LittleEndian.AppendUint32(b, 0) // size, patched below
		b = binary.LittleEndian.AppendUint32(b, uint32(start))
		b = append(b, 0, 0)
		for range 1 + rng.IntN(8) {
			b = binary.LittleEndian.AppendUint64(b, uint64(rng.IntN(1_000_000)))
			b = append(b, names[rng.IntN(len(names))]...)
			if rng.IntN(4) == 0 {
				for range rng.IntN(24) {
					b = append(b, byte(rng.Uint32()))
				}
			}
		}
		binary.LittleEndian.PutUint32(b[start+9:], uint32(len(b)-start))
	}
	return b[:n]
}
