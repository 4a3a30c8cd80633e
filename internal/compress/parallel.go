package compress

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// A parallelWriter cuts its input into blocks of blockSize bytes,
// compresses each into an independent stream on up to n goroutines, and
// writes the streams to w in input order. Close writes at least one stream,
// so empty input still gives a valid (empty) compressed file.
type parallelWriter struct {
	w         io.Writer
	name      string
	blockSize int
	n         int
	compress  func(dst *bytes.Buffer, src []byte, state *any) error

	buf     []byte
	pending []*pjob  // in input order; at most n
	free    []*pjob  // finished jobs to reuse
	bufs    [][]byte // input buffers to reuse
	streams int
	err     error // sticky
}

type pjob struct {
	state any // the compressor's, kept with the job for reuse
	src   []byte
	dst   bytes.Buffer
	err   error
	done  chan struct{}
}

func newParallelWriter(w io.Writer, name string, blockSize, n int, compress func(*bytes.Buffer, []byte, *any) error) *parallelWriter {
	return &parallelWriter{w: w, name: name, blockSize: blockSize, n: max(n, 1), compress: compress}
}

var errClosed = errors.New("compress: write after Close")

func (p *parallelWriter) Write(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	written := 0
	for len(b) > 0 {
		if p.buf == nil {
			p.buf = p.newBuf()
		}
		k := min(len(b), p.blockSize-len(p.buf))
		p.buf = append(p.buf, b[:k]...)
		b = b[k:]
		written += k
		if len(p.buf) == p.blockSize {
			if err := p.submit(); err != nil {
				return written, err
			}
		}
	}
	return written, nil
}

// ReadFrom reads r to its end straight into the block buffers, saving
// io.Copy's copy.
func (p *parallelWriter) ReadFrom(r io.Reader) (int64, error) {
	if p.err != nil {
		return 0, p.err
	}
	var total int64
	for {
		if p.buf == nil {
			p.buf = p.newBuf()
		}
		n, err := r.Read(p.buf[len(p.buf):p.blockSize])
		p.buf = p.buf[:len(p.buf)+n]
		total += int64(n)
		if len(p.buf) == p.blockSize {
			if serr := p.submit(); serr != nil {
				return total, serr
			}
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

func (p *parallelWriter) newBuf() []byte {
	if n := len(p.bufs); n > 0 {
		b := p.bufs[n-1]
		p.bufs = p.bufs[:n-1]
		return b[:0]
	}
	return make([]byte, 0, p.blockSize)
}

// submit starts compressing p.buf, first writing out the oldest stream
// when n are already in flight.
func (p *parallelWriter) submit() error {
	for len(p.pending) >= p.n {
		if err := p.flushOldest(); err != nil {
			return err
		}
	}
	var j *pjob
	if n := len(p.free); n > 0 {
		j = p.free[n-1]
		p.free = p.free[:n-1]
		j.dst.Reset()
		j.err = nil
	} else {
		j = &pjob{}
	}
	j.src = p.buf
	p.buf = nil
	p.streams++
	if p.n == 1 {
		j.err = p.compress(&j.dst, j.src, &j.state)
		j.done = nil
		p.pending = append(p.pending, j)
		return p.flushOldest()
	}
	j.done = make(chan struct{})
	p.pending = append(p.pending, j)
	go func() {
		defer close(j.done)
		j.err = p.compress(&j.dst, j.src, &j.state)
	}()
	return nil
}

func (p *parallelWriter) flushOldest() error {
	j := p.pending[0]
	if j.done != nil {
		<-j.done
	}
	p.pending = p.pending[1:]
	err := j.err
	if err == nil {
		_, err = p.w.Write(j.dst.Bytes())
	}
	p.bufs = append(p.bufs, j.src)
	j.src = nil
	p.free = append(p.free, j)
	if err != nil {
		p.fail(fmt.Errorf("%s: %w", p.name, err))
		return p.err
	}
	return nil
}

// fail records err and waits for the goroutines still running.
func (p *parallelWriter) fail(err error) {
	p.err = err
	for _, j := range p.pending {
		if j.done != nil {
			<-j.done
		}
	}
	p.pending = nil
}

// Close compresses what is buffered and writes every stream. It does not
// close the underlying writer.
func (p *parallelWriter) Close() error {
	if p.err != nil {
		if p.err == errClosed {
			return nil
		}
		return p.err
	}
	if len(p.buf) > 0 || p.streams == 0 {
		if p.buf == nil {
			p.buf = []byte{}
		}
		if err := p.submit(); err != nil {
			return err
		}
	}
	for len(p.pending) > 0 {
		if err := p.flushOldest(); err != nil {
			return err
		}
	}
	p.err = errClosed
	p.free, p.bufs = nil, nil
	return nil
}
