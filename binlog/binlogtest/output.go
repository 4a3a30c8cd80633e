package binlogtest

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/binlogkit/binlogkit/binlog"
)

// File is one binlog file written by a Builder.
type File struct {
	Name string // BaseName.000001, ...
	Data []byte
}

// Rotate ends the current file with a ROTATE event naming the next file
// and starts the next one, with its own format description and GTID
// header (MariaDB's GTID list, MySQL's previous GTIDs), as FLUSH BINARY
// LOGS does. It cannot be called inside a transaction.
func (b *Builder) Rotate() error {
	const op = "Rotate"
	if err := b.check(op); err != nil {
		return err
	}
	if b.tx != nil {
		return b.fail(op, fmt.Errorf("%w: Rotate inside a transaction", ErrState))
	}
	next := fmt.Sprintf("%s.%06d", b.s.BaseName, len(b.files)+1)
	if err := b.add(op, b.event(&binlog.Rotate{Position: 4, NextFile: next})); err != nil {
		return err
	}
	b.startFile(4)
	return nil
}

// Heartbeat writes a HEARTBEAT_LOG_EVENT naming the current file, as a
// server sends on an idle replication stream (servers never store one in
// a file: use it for code that reads streams). The Encoder writes only
// the first version of the event, without a position (V2 is
// unsupported).
func (b *Builder) Heartbeat() error {
	const op = "Heartbeat"
	if err := b.check(op); err != nil {
		return err
	}
	if b.tx != nil {
		return b.fail(op, fmt.Errorf("%w: Heartbeat inside a transaction", ErrState))
	}
	return b.add(op, b.event(&binlog.Heartbeat{LogFile: b.cur().name}))
}

// Files returns every file written so far, in order, faults applied.
func (b *Builder) Files() ([]File, error) {
	if b.err != nil {
		return nil, b.err
	}
	if b.tx != nil {
		return nil, &Error{Op: "Files", File: b.cur().name, Event: len(b.cur().events),
			Err: fmt.Errorf("%w: a transaction is open (Begin without Commit)", ErrState)}
	}
	out := make([]File, 0, len(b.files))
	for _, f := range b.files {
		data, err := b.encode(f)
		if err != nil {
			return nil, err
		}
		out = append(out, File{Name: f.name, Data: data})
	}
	return out, nil
}

// Bytes returns the current (last) file: the only one unless Rotate was
// called.
func (b *Builder) Bytes() ([]byte, error) {
	files, err := b.Files()
	if err != nil {
		return nil, err
	}
	return files[len(files)-1].Data, nil
}

// WriteTo writes the current file to w.
func (b *Builder) WriteTo(w io.Writer) (int64, error) {
	data, err := b.Bytes()
	if err != nil {
		return 0, err
	}
	n, err := w.Write(data)
	return int64(n), err
}

// WriteDir writes every file into dir, with an index file
// BaseName.index listing them as a server does, and returns the path of
// the index, which binlog.OpenIndex reads.
func (b *Builder) WriteDir(dir string) (string, error) {
	files, err := b.Files()
	if err != nil {
		return "", err
	}
	var index bytes.Buffer
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return "", err
		}
		fmt.Fprintf(&index, "./%s\n", f.Name)
	}
	path := filepath.Join(dir, b.s.BaseName+".index")
	return path, os.WriteFile(path, index.Bytes(), 0o644)
}

// encode writes the events of f and applies its faults.
func (b *Builder) encode(f *file) ([]byte, error) {
	var buf bytes.Buffer
	enc := binlog.NewEncoder(&buf, &binlog.EncoderOptions{NoMagic: f.start != 4, StartOffset: f.start})
	dropped := f.dropped()
	var ends []int
	for i, ev := range f.events {
		if dropped[i] {
			continue
		}
		if err := enc.WriteEvent(ev); err != nil {
			return nil, &Error{Op: "encode", File: f.name, Event: i, Err: err}
		}
		if err := enc.Flush(); err != nil {
			return nil, err
		}
		ends = append(ends, buf.Len())
	}
	return f.apply(buf.Bytes(), ends)
}
