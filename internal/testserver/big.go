package testserver

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
)

// BigBinlogName is the file BigBinlog writes in its directory.
const BigBinlogName = "big.binlog"

// BigOrders returns the statements that create the database big and its
// table orders (the first table BigBinlog fills: integers, DECIMAL, ENUM,
// DATETIME(6), TIMESTAMP(3), utf8mb4 text), in session time zone +00:00
// at a fixed time, for tests that fill it their own way.
func BigOrders() []string { return append([]string(nil), bigSchema[:5]...) }

// bigSchema is the mixed-type schema BigBinlog fills.
var bigSchema = []string{
	"SET time_zone = '+00:00'",
	"SET TIMESTAMP = 1700000000",
	"CREATE DATABASE big",
	"USE big",
	`CREATE TABLE big.orders (
		id BIGINT UNSIGNED PRIMARY KEY,
		customer VARCHAR(40) NOT NULL,
		amount DECIMAL(12,2) NOT NULL,
		qty SMALLINT NOT NULL,
		status ENUM('new','paid','shipped','cancelled') NOT NULL,
		created DATETIME(6) NOT NULL,
		updated TIMESTAMP(3) NULL,
		note VARCHAR(255) CHARACTER SET utf8mb4,
		KEY (customer)
	) ENGINE=InnoDB`,
	`CREATE TABLE big.docs (
		id INT PRIMARY KEY,
		title VARCHAR(100) NOT NULL,
		body JSON,
		blob_data BLOB,
		score DOUBLE,
		flags BIT(8)
	) ENGINE=InnoDB`,
	`CREATE TABLE big.events (
		id INT PRIMARY KEY AUTO_INCREMENT,
		kind TINYINT UNSIGNED NOT NULL,
		at TIMESTAMP(6) NOT NULL DEFAULT '2000-01-01 00:00:00',
		payload VARBINARY(64)
	) ENGINE=InnoDB`,
}

// bigRound returns the statements of one round of BigBinlog's workload.
// Rounds use disjoint key ranges, so they can repeat any number of times.
func bigRound(r int) []string {
	const orders, docs = 2000, 200
	ob := r * orders
	db := r * docs
	o := func(n int) string { return strconv.Itoa(ob + n) }
	d := func(n int) string { return strconv.Itoa(db + n) }
	stmts := []string{
		"SET TIMESTAMP = " + strconv.Itoa(1700000000+r*60),
		`INSERT INTO big.orders (id, customer, amount, qty, status, created, updated, note)
		 SELECT ` + o(0) + ` + seq, CONCAT('customer-', seq % 97), (seq % 10000) * 1.37, seq % 50,
		        ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'cancelled'),
		        TIMESTAMP'2024-01-01 00:00:00' + INTERVAL (` + o(0) + ` + seq) SECOND + INTERVAL seq MICROSECOND,
		        NULL, IF(seq % 5 = 0, NULL, CONCAT('note ', seq, ' é 😀 ', REPEAT('n', seq % 60)))
		 FROM seq_1_to_` + strconv.Itoa(orders),
		`INSERT INTO big.docs (id, title, body, blob_data, score, flags)
		 SELECT ` + d(0) + ` + seq, CONCAT('doc ', seq),
		        JSON_OBJECT('n', seq, 'tags', JSON_ARRAY('a', 'b', seq % 7), 'nested', JSON_OBJECT('x', seq / 3)),
		        REPEAT(CHAR(65 + seq % 26), 300 + seq % 200), seq / 7, seq % 256
		 FROM seq_1_to_` + strconv.Itoa(docs),
		"UPDATE big.orders SET amount = amount + 1, status = 'paid', updated = NOW(3) WHERE id BETWEEN " + o(1) + " AND " + o(1000),
		"UPDATE big.docs SET body = JSON_SET(body, '$.n', 0), score = -score WHERE id BETWEEN " + d(1) + " AND " + d(100),
		"DELETE FROM big.orders WHERE id BETWEEN " + o(1501) + " AND " + o(2000),
		"DELETE FROM big.docs WHERE id BETWEEN " + d(151) + " AND " + d(200),
	}
	// Small transactions too: many events per byte, like OLTP traffic.
	for i := 0; i < 10; i++ {
		stmts = append(stmts,
			"BEGIN",
			"INSERT INTO big.events (kind, at, payload) VALUES ("+strconv.Itoa(i)+", NOW(6), x'0001020304'), ("+strconv.Itoa(i+1)+", NOW(6), NULL)",
			"UPDATE big.orders SET qty = qty + 1 WHERE id = "+o(1+i),
			"COMMIT")
	}
	return stmts
}

// BigBinlog returns the path of DIR/big.binlog, a binary log of at least
// minBytes written by a mixed workload (integers, strings, decimals,
// temporals, JSON, blobs; multi-row inserts, updates and deletes, and small
// transactions) on a private server with the default Options. An existing
// file of at least minBytes is reused. It needs mariadbd (see Available).
func BigBinlog(ctx context.Context, dir string, minBytes int64) (string, error) {
	path := filepath.Join(dir, BigBinlogName)
	if fi, err := os.Stat(path); err == nil && fi.Size() >= minBytes {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("testserver: %w", err)
	}
	s, err := StartServer(ctx, nil)
	if err != nil {
		return "", err
	}
	defer s.Close()
	if err := s.Exec(bigSchema...); err != nil {
		return "", err
	}
	paths, err := s.BinlogPaths()
	if err != nil {
		return "", err
	}
	current := paths[len(paths)-1]
	for r := 0; ; r++ {
		if err := ctx.Err(); err != nil {
			return "", fmt.Errorf("testserver: BigBinlog: %w", err)
		}
		fi, err := os.Stat(current)
		if err != nil {
			return "", fmt.Errorf("testserver: %w", err)
		}
		if fi.Size() >= minBytes {
			break
		}
		if err := s.Exec(bigRound(r)...); err != nil {
			return "", err
		}
	}
	if err := s.FlushBinaryLogs(); err != nil {
		return "", err
	}
	if err := copyAtomic(path, current); err != nil {
		return "", err
	}
	return path, nil
}

// copyAtomic copies src to dst through a temporary file in dst's directory,
// so concurrent readers see either no file or a whole one.
func copyAtomic(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("testserver: %w", err)
	}
	defer in.Close()
	out, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp*")
	if err != nil {
		return fmt.Errorf("testserver: %w", err)
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(out.Name(), dst)
	}
	if err != nil {
		os.Remove(out.Name())
		return fmt.Errorf("testserver: %w", err)
	}
	return nil
}
