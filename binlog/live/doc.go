// Package live reads binlog events from a running MySQL or MariaDB server
// over the replication protocol, as a replica does: Open connects, a
// Stream delivers the events (decoded by binlog.Decoder, exactly as a
// binlog.Reader decodes a file) and reconnects when the connection fails.
//
// The protocol is go-mysql's (its BinlogSyncer in raw mode) underneath;
// no go-mysql type appears in this package's API. Errors are told apart
// with errors.Is against ErrPurged, ErrAccessDenied, ErrServerGone and
// ErrClosed, and errors.As with *ServerError for the server's code and
// message. Decoding errors are *binlog.EventError values, which give the
// file, offset and type of the event.
//
// Options works as its zero value: each field's documentation says, in a
// sentence that starts "Zero means", what its zero value does. Limits are
// counted in bytes, and the replication library's log lines go to a
// *slog.Logger. Open checks the options before it connects.
package live
