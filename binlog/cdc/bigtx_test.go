package cdc

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/internal/testserver"
)

// bigTxBinlog returns a binlog file holding, after its schema, one
// transaction of rows rows of small mixed-type values (about 100 bytes of
// log each, decoded into eight values): the shape where the decoded
// values take several times the log's bytes. The file is cached in
// $TMPDIR/binlogkit-bench (or $BINLOGKIT_BENCH_DIR) under a name that
// carries rows; without a cached file it needs mariadbd.
func bigTxBinlog(tb testing.TB, rows int) string {
	tb.Helper()
	dir := os.Getenv("BINLOGKIT_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "binlogkit-bench")
	}
	path := filepath.Join(dir, "cdc-bigtx-"+strconv.Itoa(rows)+".binlog")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if err := testserver.Available(); err != nil {
		tb.Skipf("no %s and no server to make it: %v", path, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv, err := testserver.StartServer(ctx, &testserver.Options{ExtraArgs: []string{
		"--max-binlog-cache-size=1G", "--max-binlog-size=1G", "--innodb-buffer-pool-size=256M"}})
	if err != nil {
		tb.Fatal(err)
	}
	defer srv.Close()
	err = srv.Exec(append(testserver.BigOrders(),
		fmt.Sprintf(`INSERT INTO big.orders
			SELECT seq, CONCAT('customer-', seq %% 97), (seq %% 10000) * 1.37, seq %% 50,
			       ELT(1 + seq %% 4, 'new', 'paid', 'shipped', 'cancelled'),
			       TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq SECOND + INTERVAL seq MICROSECOND,
			       NULL, IF(seq %% 5 = 0, NULL, CONCAT('note ', seq, ' ', REPEAT('n', seq %% 20)))
			FROM seq_1_to_%d`, rows),
		"FLUSH BINARY LOGS")...)
	if err != nil {
		tb.Fatal(err)
	}
	paths, err := srv.BinlogPaths()
	if err != nil {
		tb.Fatal(err)
	}
	src := paths[len(paths)-2]
	in, err := os.Open(src)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	tmp, err := os.CreateTemp(dir, ".cdc-bigtx*")
	if err != nil {
		tb.Fatal(err)
	}
	_, err = io.Copy(tmp, in)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		tb.Fatal(err)
	}
	return path
}

// TestMakeBigTx makes the big-transaction binlog for measuring the
// command by hand (BINLOGKIT_CDC_BIGTX=rows).
func TestMakeBigTx(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("BINLOGKIT_CDC_BIGTX"))
	if n <= 0 {
		t.Skip("set BINLOGKIT_CDC_BIGTX to a number of rows")
	}
	t.Log(bigTxBinlog(t, n))
}
