package compress

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"

	"github.com/pierrec/lz4/v4"
)

// newLZ4Writer writes the lz4 frame format. Each block of input (4 MiB by
// default) becomes a whole frame (one block with a content checksum), so
// blocks compress in parallel with nothing left to do serially; lz4 -d,
// like NewReader, reads concatenated frames as one stream.
//
// The fast levels are compressed here, straight with pierrec/lz4's block
// compressor (CompressorCCompat: the output of "lz4 -1", byte for byte);
// HC levels go through pierrec/lz4's frame writer.
func newLZ4Writer(w io.Writer, opts *WriterOptions) (io.WriteCloser, error) {
	bs, fbs, bd := 4<<20, lz4.Block4Mb, byte(7)
	switch n := opts.blockSize(4 << 20); {
	case n <= 64<<10:
		bs, fbs, bd = 64<<10, lz4.Block64Kb, 4
	case n <= 256<<10:
		bs, fbs, bd = 256<<10, lz4.Block256Kb, 5
	case n <= 1<<20:
		bs, fbs, bd = 1<<20, lz4.Block1Mb, 6
	}
	var compress func(dst *bytes.Buffer, src []byte, state *any) error
	if l := opts.level(); l >= 3 {
		// lz4 -3 .. -11 are the HC levels 1..9 here; -12 is clamped to 9.
		frameOpts := []lz4.Option{
			lz4.ConcurrencyOption(1),
			lz4.BlockSizeOption(fbs),
			lz4.CompressionLevelOption(lz4.CompressionLevel(1 << (8 + min(l, 11) - 3))),
			lz4.ChecksumOption(true),
		}
		if err := lz4.NewWriter(io.Discard).Apply(frameOpts...); err != nil {
			return nil, fmt.Errorf("lz4: %w", err)
		}
		compress = func(dst *bytes.Buffer, src []byte, state *any) error {
			zw, _ := (*state).(*lz4.Writer)
			if zw == nil {
				zw = lz4.NewWriter(dst)
				if err := zw.Apply(frameOpts...); err != nil {
					return err
				}
				*state = zw
			} else {
				zw.Reset(dst)
			}
			if _, err := zw.Write(src); err != nil {
				return err
			}
			return zw.Close()
		}
	} else {
		compress = func(dst *bytes.Buffer, src []byte, state *any) error {
			c, _ := (*state).(*lz4.CompressorCCompat)
			if c == nil {
				c = new(lz4.CompressorCCompat)
				*state = c
			}
			return appendLZ4Frame(dst, src, bd, c)
		}
	}
	return newParallelWriter(w, "lz4", bs, opts.concurrency(), compress), nil
}

// appendLZ4Frame writes src to dst as one lz4 frame: independent blocks
// of the size code bd (4: 64 KiB ... 7: 4 MiB; src fits in one block
// unless empty), no block checksums, a content checksum.
func appendLZ4Frame(dst *bytes.Buffer, src []byte, bd byte, c *lz4.CompressorCCompat) error {
	const flg = 1<<6 | 1<<5 | 1<<2 // version 01, independent blocks, content checksum
	desc := []byte{flg, bd << 4}
	hdr := []byte{0x04, 0x22, 0x4d, 0x18, desc[0], desc[1], byte(xxh32(desc, 0) >> 8)}
	dst.Grow(len(hdr) + 4 + lz4.CompressBlockBound(len(src)) + 8)
	dst.Write(hdr)
	if len(src) > 0 {
		var size [4]byte
		dst.Write(size[:]) // patched below
		start := dst.Len()
		buf := dst.AvailableBuffer()[:lz4.CompressBlockBound(len(src))]
		n, err := c.CompressBlock(src, buf)
		if err != nil {
			return err
		}
		if n == 0 || n >= len(src) {
			// Incompressible: stored, flagged by the size's high bit.
			dst.Write(src)
			binary.LittleEndian.PutUint32(dst.Bytes()[start-4:], uint32(len(src))|1<<31)
		} else {
			dst.Write(buf[:n])
			binary.LittleEndian.PutUint32(dst.Bytes()[start-4:], uint32(n))
		}
	}
	var tail [8]byte // end mark, content checksum
	binary.LittleEndian.PutUint32(tail[4:], xxh32(src, 0))
	dst.Write(tail[:])
	return nil
}

// xxh32 is the 32-bit xxHash of b, the checksum of the lz4 frame format.
func xxh32(b []byte, seed uint32) uint32 {
	const (
		p1 uint32 = 2654435761
		p2 uint32 = 2246822519
		p3 uint32 = 3266489917
		p4 uint32 = 668265263
		p5 uint32 = 374761393
	)
	n := len(b)
	var h uint32
	if n >= 16 {
		v1, v2, v3, v4 := seed+p1+p2, seed+p2, seed, seed-p1
		for ; len(b) >= 16; b = b[16:] {
			v1 = bits.RotateLeft32(v1+binary.LittleEndian.Uint32(b)*p2, 13) * p1
			v2 = bits.RotateLeft32(v2+binary.LittleEndian.Uint32(b[4:])*p2, 13) * p1
			v3 = bits.RotateLeft32(v3+binary.LittleEndian.Uint32(b[8:])*p2, 13) * p1
			v4 = bits.RotateLeft32(v4+binary.LittleEndian.Uint32(b[12:])*p2, 13) * p1
		}
		h = bits.RotateLeft32(v1, 1) + bits.RotateLeft32(v2, 7) + bits.RotateLeft32(v3, 12) + bits.RotateLeft32(v4, 18)
	} else {
		h = seed + p5
	}
	h += uint32(n)
	for ; len(b) >= 4; b = b[4:] {
		h = bits.RotateLeft32(h+binary.LittleEndian.Uint32(b)*p3, 17) * p4
	}
	for _, c := range b {
		h = bits.RotateLeft32(h+uint32(c)*p5, 11) * p1
	}
	h ^= h >> 15
	h *= p2
	h ^= h >> 13
	h *= p3
	h ^= h >> 16
	return h
}
