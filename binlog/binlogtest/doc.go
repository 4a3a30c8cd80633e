// Package binlogtest writes synthetic binlog files for tests, without a
// server, as net/http/httptest makes HTTP servers: a CDC consumer, a
// recovery script or an audit job can be fed exactly the tables, rows,
// transactions and DDL its test cares about, in a MariaDB 10.x or a MySQL
// 8.0, 8.4 or 9.x file, and its output compared with a golden file.
//
// A Builder is told what happened in the language of SQL:
//
//	b := binlogtest.New(nil) // MariaDB 10.11, server id 1, CRC32, FULL metadata
//	b.CreateTable("shop", "orders",
//		binlogtest.Int("id").PrimaryKey(),
//		binlogtest.Varchar("item", 40),
//		binlogtest.Decimal("price", 10, 2))
//	b.Insert("shop.orders", binlogtest.Row{1, "apple", "1.20"})
//	b.Begin()
//	b.Update("shop.orders", binlogtest.Change{Before: binlogtest.Row{1, "apple", "1.20"}, After: binlogtest.Row{1, "apple", "1.25"}})
//	b.Delete("shop.orders", binlogtest.Row{1, "apple", "1.25"})
//	b.Commit()
//	data, err := b.Bytes()
//
// and writes the events a server would log for it: the format description
// and the file's GTID header, a GTID per transaction (MariaDB d-s-n, MySQL
// uuid:n or uuid:tag:n), BEGIN, table maps with the optional metadata of
// binlog_row_metadata=FULL (or MINIMAL), rows events, XID or COMMIT, all
// through the binlog Encoder, so that positions and checksums are right.
// MySQL transactions can be zstd-compressed in TRANSACTION_PAYLOAD events,
// and updates of JSON columns can be partial (PARTIAL_UPDATE_ROWS).
// Rotate continues in a next file; WriteDir writes the files with an
// index.
//
// # Values
//
// Insert, Update and Delete take one Go value per column: a binlog.Value
// (from binlog.IntValue, binlog.StringValue, ...) is written as it is;
// other values are converted by the column's type, as documented on Row.
// A value that does not fit its column is an error, never a panic.
//
// # Golden tests
//
// Listing prints a file as the binlogdump tool does (mysqlbinlog -vv
// style, times in UTC), a text to keep under testdata and diff against.
// Golden compares bytes with a file, or rewrites it when asked:
//
//	var update = flag.Bool("update", false, "rewrite the golden files")
//
//	func TestHandler(t *testing.T) {
//		...
//		binlogtest.Golden(t, "testdata/handler.golden", got, *update)
//	}
//
// The package registers no flags of its own; `go test -update` rewrites
// the files of a test package that declares the flag as above. The package
// Example shows a CDC handler tested against a builder's file.
//
// # Faults
//
// Truncate, FlipChecksum and DropTableMap damage the file on purpose, so
// that a test sees its code meet binlog.ErrTruncated, binlog.ErrChecksum
// and binlog.ErrMissingTableMap.
//
// Every method of a Builder returns an error and also keeps the first one:
// Bytes, Files, WriteTo and WriteDir return it, so a test may check the
// error once at the end.
package binlogtest
