package binlog

import (
	"compress/zlib"
	"io"
)

type bytesBuffer struct{ b []byte }

func (w *bytesBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

func newZlibWriter(w io.Writer) *zlib.Writer { return zlib.NewWriter(w) }
