// Package flashback will undo a range of a binlog: the inverse SQL of its
// row events in exact reverse order (built on rowevent.AppendInverse), or a
// flashback binlog file that `mysqlbinlog | mysql` applies.
//
// It has no API yet. Until it does, examples/binlog2sql -B writes inverse SQL
// in reverse order for a range of binlog files.
package flashback
