package testserver

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-mysql-org/go-mysql/replication"
)

// BenchBinlog returns the path and size of a binlog of at least minBytes
// made by a real server with BigBinlog, cached in $BINLOGKIT_BENCH_DIR
// (default $TMPDIR/binlogkit-bench) and shared by every benchmark. It skips
// tb when there is neither a server nor a cached file.
// $BINLOGKIT_BENCH_FILE names another binlog to use instead.
func BenchBinlog(tb testing.TB, minBytes int64) (path string, size int64) {
	tb.Helper()
	if p := os.Getenv("BINLOGKIT_BENCH_FILE"); p != "" {
		fi, err := os.Stat(p)
		if err != nil {
			tb.Fatal(err)
		}
		return p, fi.Size()
	}
	dir := os.Getenv("BINLOGKIT_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "binlogkit-bench")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	path, err := BigBinlog(ctx, dir, minBytes)
	if err != nil {
		if aerr := Available(); aerr != nil {
			tb.Skipf("no benchmark binlog cached in %s and no server to make one: %v", dir, aerr)
		}
		tb.Fatalf("making the benchmark binlog: %v", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return path, fi.Size()
}

// GoMySQLParse reads path with go-mysql's BinlogParser, the reference the
// benchmarks compare against (it decodes every row), and returns the number
// of row changes (an update's before/after pair counts once).
func GoMySQLParse(path string) (rows int64, err error) {
	p := replication.NewBinlogParser()
	err = p.ParseFile(path, 0, func(e *replication.BinlogEvent) error {
		if r, ok := e.Event.(*replication.RowsEvent); ok {
			n := int64(len(r.Rows))
			if r.Type() == replication.EnumRowsEventTypeUpdate {
				n /= 2
			}
			rows += n
		}
		return nil
	})
	return rows, err
}
