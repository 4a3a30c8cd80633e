// Package cliflag holds the command-line rules the example commands share:
// time zone and datetime flags, server DSNs and addresses, comma-separated
// list flags, and the choice of binlog files from --start-file to
// --stop-file. It parses text into values; it opens no connection and
// reads no binlog (the binlog package does that).
package cliflag
