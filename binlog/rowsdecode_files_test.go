package binlog

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// rowsSamplePaths returns the paths of the binlog samples in ../shared, or
// skips.
func rowsSamplePaths(t *testing.T) []string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "shared", "binlogs")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no shared binlogs")
	}
	var paths []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".tsv") && !strings.HasSuffix(p, ".md") {
			paths = append(paths, p)
		}
		return nil
	})
	return paths
}

// TestRowsSharedBinlogs decodes every rows event of the shared samples:
// no decode error may come from table maps or rows.
func TestRowsSharedBinlogs(t *testing.T) {
	paths := rowsSamplePaths(t)
	if p := os.Getenv("BINLOGKIT_ROWS_SAMPLE"); p != "" {
		paths = append(paths, p)
	}
	var nrows, nevents int
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		r := NewReader(f, &ReaderOptions{Name: p})
		for {
			ev, err := r.Next()
			if err != nil {
				var ee *EventError
				if err != io.EOF && errors.As(err, &ee) && (ee.Type == TableMapEvent || ee.Type.IsRows()) &&
					!errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrMissingTableMap) {
					t.Errorf("%v", err)
				}
				break
			}
			if rows, ok := ev.Payload.(*Rows); ok {
				nevents++
				nrows += len(rows.Rows)
				for _, row := range rows.Rows {
					var line []byte
					for _, v := range append(row.Before, row.After...) {
						line = append(v.AppendListing(line), ' ')
					}
					if p == os.Getenv("BINLOGKIT_ROWS_SAMPLE") {
						t.Logf("%v %s", rows.Kind, line)
					}
				}
			}
		}
		f.Close()
	}
	t.Logf("%d rows events, %d rows", nevents, nrows)
}
