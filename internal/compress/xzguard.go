package compress

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ulikunitz/xz allocates each block's dictionary at the size its header
// asks for, up to 4 GiB, and has no option to refuse it. An xzGuard sits
// between the compressed bytes and the xz reader: it walks the framing of
// the xz format (stream header, block headers, LZMA2 chunk headers, index,
// stream footer, stream padding) without decompressing anything, and
// fails before passing on a block header whose LZMA2 dictionary exceeds
// the limit.
//
//	stream  = header(12) { block } index footer(12) { padding(4 zero bytes) }
//	block   = header((b0+1)*4) { LZMA2 chunk } 00 padding(to 4) check
//	chunk   = 01|02 size(2) data | 80..ff usize(2) psize(2) [props(1)] data
//	index   = 00 count { unpadded uncompressed } padding(to 4) crc32(4)
//
// The bytes go through unchanged; checksums are left to the xz reader. At
// an early end of input the rest is passed on, then io.ErrUnexpectedEOF:
// ulikunitz/xz reports no error for input cut after a stream header.
type xzGuard struct {
	r       *bufio.Reader
	maxDict int64

	next     func() error // parses the next structure, sets n
	n        int64        // bytes to pass on before calling next
	check    int64        // check size of the current stream
	blockLen int64        // LZMA2 bytes of the current block so far
	records  uint64       // index records left
	indexLen int64        // index bytes so far
	err      error
}

// xzMagic starts every xz stream.
var xzMagic = []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}

func newXZGuard(r io.Reader, maxDict int64) *xzGuard {
	g := &xzGuard{r: bufio.NewReaderSize(r, 4096), maxDict: maxDict}
	g.next = g.streamHeader
	return g
}

func (g *xzGuard) Read(p []byte) (int, error) {
	for g.n == 0 {
		if g.err != nil {
			return 0, g.err
		}
		if err := g.next(); err != nil {
			g.err = err
		}
	}
	if int64(len(p)) > g.n {
		p = p[:g.n]
	}
	k, err := g.r.Read(p)
	g.n -= int64(k)
	if err == io.EOF {
		// The input ends inside a structure: the xz reader takes an end
		// after a stream header for a clean one, so say it here.
		g.n, g.err = 0, io.ErrUnexpectedEOF
		err = nil
		if k == 0 {
			err = g.err
		}
	}
	return k, err
}

// peek returns the next k bytes. At an early end of input it returns
// errEnd after arranging to pass on what is left.
func (g *xzGuard) peek(k int) ([]byte, error) {
	b, err := g.r.Peek(k)
	if err == nil {
		return b, nil
	}
	if errors.Is(err, io.EOF) {
		g.drain()
		return nil, errEnd
	}
	return nil, err
}

// errEnd stops the walk at an early end of input; Read reports
// io.ErrUnexpectedEOF once the rest is passed on.
var errEnd = errors.New("end of xz input")

// drain passes on the rest of the input without looking at it.
func (g *xzGuard) drain() {
	g.n = 1 << 62
	g.next = func() error { return io.ErrUnexpectedEOF }
}

func (g *xzGuard) malformed(format string, args ...any) error {
	return fmt.Errorf("xz: %w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

func (g *xzGuard) streamHeader() error {
	b, err := g.peek(12)
	if err != nil {
		return g.endErr(err)
	}
	if !bytes.Equal(b[:6], xzMagic) {
		return g.malformed("bad stream header magic % x", b[:6])
	}
	if b[6] != 0 || b[7]&0xf0 != 0 {
		return g.malformed("bad stream flags % x", b[6:8])
	}
	g.check = 0
	if id := b[7] & 0x0f; id != 0 {
		g.check = 4 << ((id - 1) / 3)
	}
	g.n, g.next = 12, g.blockOrIndex
	return nil
}

// endErr turns errEnd into nil: the walk ends with the input.
func (g *xzGuard) endErr(err error) error {
	if err == errEnd {
		return nil
	}
	return err
}

func (g *xzGuard) blockOrIndex() error {
	b, err := g.peek(1)
	if err != nil {
		return g.endErr(err)
	}
	if b[0] == 0 {
		return g.indexStart()
	}
	size := (int(b[0]) + 1) * 4
	h, err := g.peek(size)
	if err != nil {
		return g.endErr(err)
	}
	if err := g.checkBlockHeader(h); err != nil {
		return err
	}
	g.n, g.blockLen, g.next = int64(size), 0, g.chunk
	return nil
}

// checkBlockHeader refuses a block whose LZMA2 dictionary is too large.
func (g *xzGuard) checkBlockHeader(h []byte) error {
	flags := h[1]
	if flags&0x3c != 0 {
		return g.malformed("reserved block flags %#x", flags)
	}
	p := h[2 : len(h)-4] // without the CRC32
	for _, present := range []bool{flags&0x40 != 0, flags&0x80 != 0} {
		if present {
			if _, k := uvarint(p); k > 0 {
				p = p[k:]
			} else {
				return g.malformed("bad block size field")
			}
		}
	}
	for range int(flags&3) + 1 {
		id, k := uvarint(p)
		if k <= 0 {
			return g.malformed("bad filter id")
		}
		p = p[k:]
		size, k := uvarint(p)
		if k <= 0 || size > uint64(len(p)-k) {
			return g.malformed("bad filter properties size")
		}
		props := p[k : k+int(size)]
		p = p[k+int(size):]
		if id != 0x21 { // not LZMA2: the xz reader refuses it
			continue
		}
		if len(props) != 1 || props[0] > 40 {
			return g.malformed("bad LZMA2 properties % x", props)
		}
		dict := int64(1)<<32 - 1
		if c := props[0]; c < 40 {
			dict = int64(2|c&1) << (c/2 + 11)
		}
		if dict > g.maxDict {
			return fmt.Errorf("xz: %w: the dictionary is %d bytes, the limit %d", ErrTooLarge, dict, g.maxDict)
		}
	}
	return nil
}

func (g *xzGuard) chunk() error {
	b, err := g.peek(1)
	if err != nil {
		return g.endErr(err)
	}
	var n int64
	switch c := b[0]; {
	case c == 0: // end of the LZMA2 data
		g.blockLen++
		pad := (4 - g.blockLen%4) % 4
		g.n, g.next = 1+pad+g.check, g.blockOrIndex
		return nil
	case c == 1 || c == 2: // stored chunk
		h, err := g.peek(3)
		if err != nil {
			return g.endErr(err)
		}
		n = 3 + int64(binary.BigEndian.Uint16(h[1:])) + 1
	case c >= 0x80: // LZMA chunk
		h, err := g.peek(5)
		if err != nil {
			return g.endErr(err)
		}
		n = 5 + int64(binary.BigEndian.Uint16(h[3:])) + 1
		if c >= 0xc0 {
			n++ // new properties
		}
	default:
		return g.malformed("bad LZMA2 control byte %#x", c)
	}
	g.blockLen += n
	g.n = n
	return nil
}

func (g *xzGuard) indexStart() error {
	b, _ := g.r.Peek(10) // the indicator and the record count
	count, k := uvarint(b[1:])
	if k <= 0 {
		if len(b) < 10 {
			g.drain() // cut short
			return nil
		}
		return g.malformed("bad index record count")
	}
	g.records, g.indexLen = count, int64(1+k)
	g.n, g.next = int64(1+k), g.indexRecord
	return nil
}

func (g *xzGuard) indexRecord() error {
	if g.records == 0 {
		pad := (4 - g.indexLen%4) % 4
		g.n, g.next = pad+4+12, g.streamPadding // padding, CRC32, footer
		return nil
	}
	b, _ := g.r.Peek(18) // two varints
	_, k1 := uvarint(b)
	k2 := 0
	if k1 > 0 {
		_, k2 = uvarint(b[k1:])
	}
	if k1 <= 0 || k2 <= 0 {
		if len(b) < 18 {
			g.drain()
			return nil
		}
		return g.malformed("bad index record")
	}
	g.records--
	g.indexLen += int64(k1 + k2)
	g.n = int64(k1 + k2)
	return nil
}

func (g *xzGuard) streamPadding() error {
	b, err := g.r.Peek(4)
	if len(b) == 0 && errors.Is(err, io.EOF) {
		return io.EOF // a clean end
	}
	if len(b) > 0 && b[0] != 0 {
		return g.streamHeader()
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			g.drain()
			return nil
		}
		return err
	}
	if !bytes.Equal(b, []byte{0, 0, 0, 0}) {
		return g.malformed("bad stream padding % x", b)
	}
	g.n = 4
	return nil
}

// uvarint decodes an xz multibyte integer (at most 9 bytes, 7 bits each,
// least significant first). It returns k <= 0 when b holds none.
func uvarint(b []byte) (v uint64, k int) {
	for i := 0; i < len(b) && i < 9; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i]&0x80 == 0 {
			if i > 0 && b[i] == 0 {
				return 0, -1 // not the shortest form
			}
			return v, i + 1
		}
	}
	return 0, -1
}
