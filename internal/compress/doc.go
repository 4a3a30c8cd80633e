// Package compress is the one home of the compression formats binlogkit
// reads and writes: their names, file name extensions and magic numbers
// (Detect), decompressing readers with memory limits (NewReader), and
// compressing writers (NewWriter). binlog.Open and the archive package
// both use it, so that a file one of them reads the other reads too.
//
// Formats are told apart by their first bytes, never by a file name:
//
//	lz4   04 22 4d 18        frame format (lz4, lz4 -z)
//	      02 21 4c 18        legacy format (lz4 -l)
//	xz    fd 37 7a 58 5a 00  xz streams ("7zXZ")
//	gzip  1f 8b              gzip members
//	zstd  28 b5 2f fd        zstandard frames
//
// Concatenated streams ("cat a.xz b.xz") are read as one in every format.
// A stream may ask for a large history buffer (the zstd window, the xz
// dictionary); NewReader refuses one above ReaderOptions' limits before
// allocating it, so a crafted header of a few bytes cannot make a reader
// reserve gigabytes.
package compress
