// Package testserver starts private, throw-away MariaDB servers for tests,
// benchmarks and the testdata generator.
//
// Each server gets its own temporary directory holding a fresh data
// directory, a Unix socket, an error log and the binary logs
// (binlog.000001, ...). Data directories are copies of a template that
// mariadb-install-db writes once per MariaDB build into
// $TMPDIR/binlogkit-mariadb-template-* (kept between runs), so a server
// starts in well under a second on an idle machine. The server listens on a free loopback port, logs in
// ROW format with server_id=1 and time_zone +00:00, and accepts root without
// a password over the socket and over TCP from 127.0.0.1. Its character set
// is utf8mb4 (utf8mb4_general_ci), or MariaDB's compiled-in latin1
// (latin1_swedish_ci) with Options.DefaultCharset, as on a stock install.
//
// A fresh server's first binary log holds only the server's own events
// (format description, GTID list, binlog checkpoint): the harness's own
// setup runs with sql_log_bin=0, so every later event comes from the caller.
//
// Tests call Start, which skips the test when mariadbd is not installed
// (unless BINLOGKIT_REQUIRE_SERVER=1, as in CI, where it fails instead).
// Other callers use StartServer and Close the server themselves.
package testserver
