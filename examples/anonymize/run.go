package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/binlogkit/binlogkit/anonymize"
	"github.com/binlogkit/binlogkit/binlog"
)

// run does what cfg says: rewrite a binlog, write SQL, or mask SQL.
func run(ctx context.Context, cfg *config, m *anonymize.Masker, stdin io.Reader, stdout io.Writer) error {
	switch {
	case cfg.sqlIn:
		w := bufio.NewWriterSize(stdout, 64<<10)
		if _, err := anonymize.RewriteSQL(w, ctxReader{ctx, stdin}, m, nil); err != nil {
			return err
		}
		return w.Flush()
	case cfg.sql:
		cr, err := binlog.OpenChain(cfg.args, nil)
		if err != nil {
			return err
		}
		defer cr.Close()
		w := bufio.NewWriterSize(stdout, 64<<10)
		if _, err := anonymize.WriteSQL(w, ctxSource{ctx, cr}, m, nil); err != nil {
			w.Flush() // the SQL of the events before the failure
			return err
		}
		return w.Flush()
	}
	return rewriteFile(ctx, cfg.args[0], cfg.args[1], m)
}

// rewriteFile rewrites the binlog in to out, through a temporary file
// renamed at the end.
func rewriteFile(ctx context.Context, in, out string, m *anonymize.Masker) (err error) {
	if a, b := filepath.Clean(in), filepath.Clean(out); a == b {
		return fmt.Errorf("OUT %s is IN", out)
	}
	r, err := binlog.Open(in, nil)
	if err != nil {
		return err
	}
	defer r.Close()
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(f.Name(), out)
		}
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	if _, err := anonymize.Rewrite(f, ctxSource{ctx, r}, m, nil); err != nil {
		return err
	}
	return f.Sync()
}

// ctxSource stops a binlog source when ctx is canceled (Ctrl-C).
type ctxSource struct {
	ctx context.Context
	src binlog.Source
}

func (s ctxSource) Next() (*binlog.Event, error) {
	if err := s.ctx.Err(); err != nil {
		return nil, err
	}
	return s.src.Next()
}

// ctxReader stops a reader when ctx is canceled (Ctrl-C).
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}
