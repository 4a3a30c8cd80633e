// Package eventfmt prints binlog events for people and for programs: a text
// listing in the style of `mysqlbinlog -vv --base64-output=decode-rows`
// (AppendText) and one JSON object per event (AppendJSON). The
// examples/binlogdump tool and the golden tests use it.
//
// Both printers are pure functions of the event: they keep no state between
// calls, so a listing does not depend on where it starts.
//
// # Text
//
// Each event prints as
//
//	# at <offset>
//	#<yymmdd hh:mm:ss> server id <N>  end_log_pos <P> [CRC32 0x<crc>] \t<Type details>
//	<statement lines, if any>
//
// Times are in UTC (mysqlbinlog uses the local time zone), so a listing is
// the same on every machine. The CRC32 is shown when the event's last four
// bytes are a valid CRC32 of the rest of it. Events expanded from a MySQL
// TRANSACTION_PAYLOAD event print "# at <offset of the payload event>
// [payload <i>]".
//
// A Query event prints its default database ("use `db`/*!*/;") every time,
// where mysqlbinlog prints it only when it changes, and a MariaDB GTID event
// that opens a transaction prints "START TRANSACTION/*!*/;".
//
// Like mysqlbinlog's, the listing is also a script: run through the mysql
// or mariadb client after TextHeader (DELIMITER /*!*/;), it runs the
// statements of the log and nothing else, however crafted the events. A
// Query's text is followed by "/*!*/;" on a line of its own, so that a
// ";" in a procedure body or a trailing "-- comment" does not cut or
// swallow anything, and is framed by DELIMITER lines with another
// delimiter when it holds "/*!*/;" itself; text the client would not read
// as one statement (an unterminated quote or comment, a backslash client
// command such as \!, a leading client command word such as system) is
// printed as "#Q> " comment lines after a "# statement not printed as SQL"
// line. Names, file names, server versions and GTID tags on comment lines
// have their line breaks and other control characters escaped (\n, \r,
// \xNN, a backslash as \\); Rows_query, Annotate_rows and Incident texts
// print as comment lines, a line of text per line (a line ends at \r\n,
// \n or \r, as in mysqlbinlog).
//
// Row images print like mysqlbinlog -vv: "### INSERT INTO `db`.`t`",
// "### SET", and one "###   @N=value /* `name` TYPE meta=M nullable=0|1
// is_null=0|1 */" line per column present in the image (columns a minimal
// row image leaves out are not printed), then "# Number of rows: N". Values print in mysqlbinlog's
// listing form, which loses nothing (mostly binlog.Value.AppendListing; not SQL):
//
//	integers, YEAR           decimal digits (unsigned stays unsigned); YEAR with 4 digits
//	BIT                      b'0101', as many digits as the column's width
//	FLOAT, DOUBLE            the shortest text that reads back as the same float32/float64
//	DECIMAL                  the exact decimal text with the column's scale: 12.340
//	DATE, DATETIME, TIME     quoted: '2024-01-31', '2024-01-31 12:00:00.120000', '-838:59:59'
//	TIMESTAMP                Unix seconds with the column's fraction digits, like mysqlbinlog: 1700000000.120
//	strings                  decoded to UTF-8 from the column's charset and quoted; \ and ' escaped,
//	                         \0 \n \r \t \Z as in SQL, other control bytes as \xNN; a string that does
//	                         not decode in its charset prints every non-ASCII byte as \xNN instead
//	BINARY, BLOB             quoted like strings; bytes that are not valid UTF-8 as \xNN
//	ENUM, SET                the quoted member names when known, else the index or bitmask
//	JSON                     the quoted JSON text; a partial JSON update as
//	                         JSON_REPLACE(@N, '$.path', CAST('value' AS JSON)), nested for several diffs
//	GEOMETRY, VECTOR         x'<hex>' of the stored bytes (GEOMETRY: 4-byte SRID then WKB)
//	undecodable              /* undecodable: N bytes X'<hex>' */ (binlog.ReaderOptions.KeepUndecodable)
//	NULL                     NULL
//
// TextOptions.ColumnNames prints `name`=value instead of @N=value where the
// column name is known.
//
// # JSON
//
// AppendJSON writes one JSON object (no trailing newline) with the keys
//
//	file, offset, next_pos, payload_index (only when non-zero), type (the name
//	EventType.String gives), type_code, time (RFC 3339, UTC), server_id,
//	log_pos, flags
//
// followed by keys for the payload, for example "query" and "schema" for a
// Query event, "gtid" for a GTID event, "table", "table_id", "kind"
// ("insert", "update", "delete") and "rows" for a rows event. Each row is
// {"before": {...}, "after": {...}} (only the images the event has), each
// image an object from column name ("@N", counting from 1, when the name is
// unknown) to value, in column order; columns absent from a minimal image
// are left out. Values map to JSON as follows, exactly:
//
//	NULL                     null
//	integers, YEAR, BIT      a JSON number written exactly (64-bit values are not rounded to float64;
//	                         readers that need all 64 bits must parse numbers as such)
//	FLOAT, DOUBLE            a JSON number, the shortest round-trip text
//	DECIMAL                  a JSON string with the exact decimal text: "12.340"
//	DATE                     "2024-01-31"
//	DATETIME                 "2024-01-31 12:00:00.120000" (civil, no zone; the column's fraction digits)
//	TIME                     "-838:59:59.000000"
//	TIMESTAMP                "2023-11-14T22:13:20.120Z" (RFC 3339 in UTC, the column's fraction digits);
//	                         the zero TIMESTAMP is "0000-00-00T00:00:00Z"
//	strings                  a JSON string, decoded to UTF-8 from the column's charset; {"base64": "..."}
//	                         of the stored bytes when they do not decode
//	BINARY, BLOB             {"base64": "..."}
//	ENUM                     the member name when known, else the 1-based index as a number
//	SET                      an array of member names when known, else the bitmask as a number
//	JSON                     the JSON document itself, compacted
//	partial JSON update      {"json_diff": [{"op": "JSON_REPLACE", "path": "$.a", "value": ...}, ...]}
//	GEOMETRY                 {"srid": N, "wkb": "<base64>"}
//	VECTOR                   an array of numbers (the float32 elements)
//	undecodable              {"undecodable": "<base64 of the stored bytes>"} (binlog.ReaderOptions.KeepUndecodable)
package eventfmt
