package binlog

// charsetOf returns the character set name of a collation id. (stub)
func charsetOf(collation uint16) string { return "" }
