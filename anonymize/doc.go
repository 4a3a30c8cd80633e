// Package anonymize will mask sensitive values in binlog events, in the SQL
// generated from them and in rewritten binlog files, with rules per column
// and value strategies that keep types and lengths valid.
//
// It has no API yet.
package anonymize
