package compress

import (
	"encoding/binary"
	"hash/crc32"
	"runtime"
)

// fixCRC rewrites the CRC32 at the end of an xz block header.
func fixCRC(hdr []byte) {
	n := len(hdr) - 4
	binary.LittleEndian.PutUint32(hdr[n:], crc32.ChecksumIEEE(hdr[:n]))
}

// runtimeMem records the bytes allocated so far.
type runtimeMem struct{ total uint64 }

func (m *runtimeMem) read() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.total = ms.TotalAlloc
}
