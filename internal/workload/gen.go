// Package workload is the random workload of the round-trip tests: tables
// covering every MariaDB column type and its edge values, tables without a
// key whose rows often differ only in a FLOAT, DOUBLE or JSON column, truly
// duplicate rows, a UNIQUE key over NULLable columns, a table with an odd
// name in the server's default character set, and a seeded generator of
// transactions over them (savepoints, ROLLBACK TO, rolled-back and big
// transactions included). Literals are written independently of
// internal/sqlquote, so that a bug there is not mirrored.
//
// Run records a workload on a real server (internal/testserver) and keeps
// the before and after CHECKSUM TABLE of every table, against which the
// round trips of rowevent and the example tools are judged.
package workload

import (
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

var tables = []string{
	"CREATE TABLE t_all (" +
		"id INT NOT NULL AUTO_INCREMENT PRIMARY KEY," +
		"ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED," +
		"mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED," +
		"f FLOAT, d DOUBLE, dc DECIMAL(65,30), dc2 DECIMAL(10,2) UNSIGNED," +
		"b1 BIT(1), b64 BIT(64), b10 BIT(10), y YEAR, dt DATE, dtm DATETIME(6), dtm0 DATETIME," +
		"tm TIME(3), tm0 TIME, ts TIMESTAMP(6) NULL DEFAULT NULL, ts0 TIMESTAMP NULL DEFAULT NULL," +
		"vc VARCHAR(40) CHARACTER SET utf8mb4, ch CHAR(10) CHARACTER SET utf8mb4," +
		"l1 VARCHAR(20) CHARACTER SET latin1, gb VARCHAR(20) CHARACTER SET gbk," +
		"bn BINARY(8), vb VARBINARY(20), bl BLOB, tx TEXT CHARACTER SET utf8mb4," +
		"en ENUM('a','b','c''d'), st SET('x','y','z'), j JSON)",
	"CREATE TABLE t_nopk (a INT, vc VARCHAR(20) CHARACTER SET utf8mb4, f FLOAT, d DOUBLE, bl BLOB, j JSON, ts TIMESTAMP(3) NULL DEFAULT NULL, l1 CHAR(5) CHARACTER SET latin1)",
	"CREATE TABLE t_uk (u INT NULL, v VARCHAR(10) CHARACTER SET utf8mb4, w BIGINT UNSIGNED, UNIQUE KEY (u))",
	"CREATE TABLE t_cpk (a INT NOT NULL, b VARCHAR(10) CHARACTER SET latin1 NOT NULL, c DATETIME(3) NOT NULL, v DOUBLE, PRIMARY KEY (b, a, c))",
	// No key at all, columns in the server's default charset: rows often
	// share na and nb and differ only in nc, nf or nj, or in nothing.
	"CREATE TABLE t_keyless (na INT, nb VARCHAR(20), nc DOUBLE, nf FLOAT, nj JSON)",
	// An odd name, odd column names, the server's default charset.
	"CREATE TABLE `t dflt``é` (id INT NOT NULL PRIMARY KEY, `s ``x` VARCHAR(20), c CHAR(5), tx TEXT, `select` ENUM('é','a''b','z'))",
}

// Tables are the names of the workload's tables.
var Tables = []string{"t_all", "t_nopk", "t_uk", "t_cpk", "t_keyless", "t dflt`é"}

// CreateTables returns the CREATE TABLE statements of the workload.
func CreateTables() []string { return append([]string(nil), tables...) }

// Values of t_keyless, few, so that rows often differ only in one float or
// JSON column: doubles that print alike or are near each other, a float
// beyond float32's integers, JSON with the same value in other text.
var (
	keylessDoubles = []string{"0.1", "0.30000000000000004", "0.3", "1e-300", "4.9e-324", "9007199254740993",
		"9007199254740992", "123456789.12345679", "0", "1.7976931348623157e308", "-2.2250738585072014e-308"}
	keylessFloats = []string{"0.1", "16777217", "16777216", "1e-45", "3.4028235e38", "0.3", "0", "-1.5"}
	keylessJSON   = []string{`'{"a":1,"b":2}'`, `'{"b": 2, "a": 1}'`, `'[1,2]'`, `'[1, 2]'`, `'null'`, `'"x"'`}
)

func (g *Gen) keylessRow() string {
	return "(" + g.pick("1", "2", "NULL") + ", " + g.pick("'x'", "'y'", "'x '") + ", " +
		g.maybeNull(g.pick(keylessDoubles...)) + ", " + g.maybeNull(g.pick(keylessFloats...)) + ", " +
		g.maybeNull(g.pick(keylessJSON...)) + ")"
}

// dfltRow returns a row of `t dflt“é`: text in the server's default
// charset, given as latin1 bytes (so the same on any server), or ASCII.
func (g *Gen) dfltRow() string {
	id := g.dfltID
	g.dfltID += 1 + g.r.IntN(2)
	return fmt.Sprintf("(%d, %s, %s, %s, %s)", id, g.maybeNull(g.dfltStr(12)), g.maybeNull(g.pick("'a'", "''", "'ab  '", g.dfltStr(5))),
		g.maybeNull(g.dfltStr(40)), g.maybeNull(g.pick("'a''b'", "'z'", "1", "_latin1 X'e9'")))
}

func (g *Gen) dfltStr(maxChars int) string {
	if g.r.IntN(3) == 0 {
		return g.pick("'plain'", "'It''s'", "'a\\b'", "''")
	}
	return g.charsetStr("latin1", latin1Pieces, maxChars)
}

// Gen is a seeded generator of statements over the workload's tables.
type Gen struct {
	r      *rand.Rand
	nextID int
	dfltID int
}

// New returns the generator of seed: the same seed gives the same
// statements.
func New(seed uint64) *Gen {
	return &Gen{r: rand.New(rand.NewPCG(seed, seed*7+1)), nextID: 1, dfltID: 1}
}

// Intn returns a number in [0, n) from the generator's source.
func (g *Gen) Intn(n int) int { return g.r.IntN(n) }

func (g *Gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g *Gen) maybeNull(s string) string {
	if g.r.IntN(8) == 0 {
		return "NULL"
	}
	return s
}

func (g *Gen) intIn(lo, hi int64) string {
	switch g.r.IntN(4) {
	case 0:
		return strconv.FormatInt(lo, 10)
	case 1:
		return strconv.FormatInt(hi, 10)
	}
	span := uint64(hi - lo)
	if span == math.MaxUint64 {
		return strconv.FormatInt(int64(g.r.Uint64()), 10)
	}
	return strconv.FormatInt(lo+int64(g.r.Uint64N(span+1)), 10)
}

func (g *Gen) uintMax(hi uint64) string {
	switch g.r.IntN(4) {
	case 0:
		return "0"
	case 1:
		return strconv.FormatUint(hi, 10)
	}
	if hi == math.MaxUint64 {
		return strconv.FormatUint(g.r.Uint64(), 10)
	}
	return strconv.FormatUint(g.r.Uint64N(hi+1), 10)
}

func (g *Gen) float() string {
	switch g.r.IntN(6) {
	case 0:
		return g.pick("0", "0.1", "-3.4028235e38", "1.1754944e-38", "1e-45", "16777217")
	}
	f := float32(g.r.NormFloat64() * math.Pow(10, float64(g.r.IntN(20)-10)))
	return strconv.FormatFloat(float64(f), 'g', -1, 32)
}

func (g *Gen) double() string {
	switch g.r.IntN(6) {
	case 0:
		return g.pick("0", "0.1", "1.7976931348623157e308", "-2.2250738585072014e-308", "4.9e-324", "9007199254740993")
	}
	return strconv.FormatFloat(g.r.NormFloat64()*math.Pow(10, float64(g.r.IntN(40)-20)), 'g', -1, 64)
}

func (g *Gen) digits(n int) string {
	var sb strings.Builder
	for range n {
		sb.WriteByte(byte('0' + g.r.IntN(10)))
	}
	return sb.String()
}

func (g *Gen) decimal65() string {
	switch g.r.IntN(5) {
	case 0:
		return g.pick("0", "-"+strings.Repeat("9", 35)+"."+strings.Repeat("9", 30), "0.000000000000000000000000000001")
	}
	s := g.digits(1+g.r.IntN(35)) + "." + g.digits(g.r.IntN(31))
	if g.r.IntN(2) == 0 {
		s = "-" + s
	}
	return strings.TrimSuffix(s, ".")
}

func (g *Gen) date() string {
	return g.pick("'0000-00-00'", "'2024-02-29'", "'1000-01-01'", "'9999-12-31'", "'2020-00-15'",
		fmt.Sprintf("'%04d-%02d-%02d'", 1000+g.r.IntN(9000), 1+g.r.IntN(12), 1+g.r.IntN(28)))
}

func (g *Gen) datetime(frac bool) string {
	switch g.r.IntN(5) {
	case 0:
		return g.pick("'0000-00-00 00:00:00'", "'9999-12-31 23:59:59.999999'", "'1000-01-01 00:00:00.000001'")
	}
	s := fmt.Sprintf("'%04d-%02d-%02d %02d:%02d:%02d", 1000+g.r.IntN(9000), 1+g.r.IntN(12), 1+g.r.IntN(28),
		g.r.IntN(24), g.r.IntN(60), g.r.IntN(60))
	if frac {
		s += fmt.Sprintf(".%06d", g.r.IntN(1000000))
	}
	return s + "'"
}

func (g *Gen) time(frac bool) string {
	switch g.r.IntN(5) {
	case 0:
		return g.pick("'-838:59:59'", "'838:59:59'", "'-00:00:01.5'", "'00:00:00'", "'-00:00:00.001'")
	}
	sign := ""
	if g.r.IntN(3) == 0 {
		sign = "-"
	}
	s := fmt.Sprintf("'%s%d:%02d:%02d", sign, g.r.IntN(839), g.r.IntN(60), g.r.IntN(60))
	if frac {
		s += fmt.Sprintf(".%03d", g.r.IntN(1000))
	}
	return s + "'"
}

func (g *Gen) timestamp() string {
	// The session time zone is +05:30; stay clear of the range ends.
	switch g.r.IntN(6) {
	case 0:
		return "'0000-00-00 00:00:00'"
	}
	return fmt.Sprintf("'%04d-%02d-%02d %02d:%02d:%02d.%06d'", 1971+g.r.IntN(66), 1+g.r.IntN(12), 1+g.r.IntN(28),
		g.r.IntN(24), g.r.IntN(60), g.r.IntN(60), g.r.IntN(1000000))
}

var utf8Pieces = []string{"a", "b", "Z", " ", "'", "\\", "\"", "\x00", "\n", "é", "中", "😀", "%", "_", "`", "\t"}

func (g *Gen) utf8Str(maxLen int) string {
	n := g.r.IntN(maxLen + 1)
	var sb strings.Builder
	for range n {
		sb.WriteString(utf8Pieces[g.r.IntN(len(utf8Pieces))])
	}
	if g.r.IntN(3) == 0 {
		// Plain ASCII now and then, which sqlquote writes quoted.
		var sb strings.Builder
		for range 1 + g.r.IntN(max(maxLen, 1)) {
			sb.WriteString(g.pick("a", "b", " ", "Q", "''"))
		}
		return "'" + sb.String() + "'"
	}
	return "_utf8mb4 X'" + hex.EncodeToString([]byte(sb.String())) + "'"
}

func (g *Gen) charsetStr(cs string, pieces [][]byte, maxChars int) string {
	n := g.r.IntN(maxChars + 1)
	var b []byte
	for range n {
		b = append(b, pieces[g.r.IntN(len(pieces))]...)
	}
	return "_" + cs + " X'" + hex.EncodeToString(b) + "'"
}

var latin1Pieces = [][]byte{{'a'}, {'\''}, {'\\'}, {0xe9}, {0xff}, {0x80}, {' '}, {0}}
var gbkPieces = [][]byte{{'a'}, {0xd6, 0xd0}, {0xce, 0xc4}, {0x95, 0x5c}, {'\''}, {'\\'}}

func (g *Gen) bytesLit(maxLen int) string {
	n := g.r.IntN(maxLen + 1)
	b := make([]byte, n)
	for i := range b {
		b[i] = g.pick8()
	}
	return "X'" + hex.EncodeToString(b) + "'"
}

func (g *Gen) pick8() byte {
	switch g.r.IntN(4) {
	case 0:
		return 0
	case 1:
		return "'\\\""[g.r.IntN(3)]
	}
	return byte(g.r.IntN(256))
}

func (g *Gen) json() string {
	return g.pick(`'{"a": 1}'`, `'[1, "x\\"y", null, true]'`, `'null'`, `'"str"'`, `'{"k": {"n": [1.5, -2e10]}}'`,
		"_utf8mb4 X'"+hex.EncodeToString([]byte(`{"é": "中😀"}`))+"'", fmt.Sprintf(`'{"v": %d}'`, g.r.IntN(1000)))
}

// allRow returns the value list of a t_all row (without id).
func (g *Gen) allRow() []string {
	return []string{
		g.maybeNull(g.intIn(math.MinInt8, math.MaxInt8)), g.maybeNull(g.uintMax(math.MaxUint8)),
		g.maybeNull(g.intIn(math.MinInt16, math.MaxInt16)), g.maybeNull(g.uintMax(math.MaxUint16)),
		g.maybeNull(g.intIn(-1<<23, 1<<23-1)), g.maybeNull(g.uintMax(1<<24 - 1)),
		g.maybeNull(g.intIn(math.MinInt32, math.MaxInt32)), g.maybeNull(g.uintMax(math.MaxUint32)),
		g.maybeNull(g.intIn(math.MinInt64, math.MaxInt64)), g.maybeNull(g.uintMax(math.MaxUint64)),
		g.maybeNull(g.float()), g.maybeNull(g.double()), g.maybeNull(g.decimal65()),
		g.maybeNull(g.pick("0", "99999999.99", "0.01", strconv.Itoa(g.r.IntN(100000))+"."+g.digits(2))),
		g.maybeNull(g.pick("b'0'", "b'1'")), g.maybeNull(g.uintMax(math.MaxUint64)), g.maybeNull(g.uintMax(1023)),
		g.maybeNull(g.pick("0", "1901", "2155", strconv.Itoa(1901+g.r.IntN(255)))),
		g.maybeNull(g.date()), g.maybeNull(g.datetime(true)), g.maybeNull(g.datetime(false)),
		g.maybeNull(g.time(true)), g.maybeNull(g.time(false)),
		g.maybeNull(g.timestamp()), g.maybeNull(g.timestamp()),
		g.maybeNull(g.utf8Str(10)), g.maybeNull(g.pick("'abc'", "'a  '", "''", "' x'", g.utf8Str(3))),
		g.maybeNull(g.charsetStr("latin1", latin1Pieces, 20)), g.maybeNull(g.charsetStr("gbk", gbkPieces, 10)),
		g.maybeNull(g.pick("X'41'", "X''", "X'00000000'", "X'4100'", g.bytesLit(8))), g.maybeNull(g.bytesLit(20)),
		g.maybeNull(g.bytesLit(300)), g.maybeNull(g.utf8Str(50)),
		g.maybeNull(g.pick("'a'", "'b'", "'c''d'")), g.maybeNull(g.pick("''", "'x'", "'y,z'", "'x,y,z'", "'z'")),
		g.maybeNull(g.json()),
	}
}

var allCols = []string{"ti", "tiu", "si", "siu", "mi", "miu", "i", "iu", "bi", "biu", "f", "d", "dc", "dc2",
	"b1", "b64", "b10", "y", "dt", "dtm", "dtm0", "tm", "tm0", "ts", "ts0", "vc", "ch", "l1", "gb", "bn", "vb",
	"bl", "tx", "en", "st", "j"}

func (g *Gen) insertAll(nrows int) string {
	var sb strings.Builder
	sb.WriteString("INSERT INTO t_all (id, " + strings.Join(allCols, ", ") + ") VALUES ")
	for k := range nrows {
		if k > 0 {
			sb.WriteString(", ")
		}
		id := "NULL"
		if g.r.IntN(4) != 0 {
			id = strconv.Itoa(g.nextID)
			g.nextID += 1 + g.r.IntN(3)
		}
		sb.WriteString("(" + id + ", " + strings.Join(g.allRow(), ", ") + ")")
	}
	return sb.String()
}

func (g *Gen) nopkRow() string {
	return "(" + strings.Join([]string{
		g.maybeNull(strconv.Itoa(g.r.IntN(1 << 30))), g.maybeNull(g.utf8Str(8)), g.maybeNull(g.float()),
		g.maybeNull(g.double()), g.maybeNull(g.bytesLit(30)), g.maybeNull(g.json()), g.maybeNull(g.timestamp()),
		g.maybeNull(g.charsetStr("latin1", latin1Pieces, 4)),
	}, ", ") + ")"
}

func (g *Gen) ukRow() string {
	return "(" + g.maybeNull(strconv.Itoa(g.r.IntN(200))) + ", " + g.maybeNull(g.utf8Str(3)) + ", " + g.uintMax(math.MaxUint64) + ")"
}

func (g *Gen) cpkRow() string {
	return "(" + strconv.Itoa(g.r.IntN(50)) + ", " + g.pick("'k'", "'K'", "_latin1 X'e9'", "''", "'a b'") + ", " +
		g.pick("'2024-01-01 00:00:00.000'", "'0000-00-00 00:00:00'", "'2024-01-01 00:00:00.5'") + ", " + g.maybeNull(g.double()) + ")"
}

// seedSQL returns statements that fill the tables before the workload.
func (g *Gen) SeedSQL() []string {
	var out []string
	for range 6 {
		out = append(out, g.insertAll(5))
	}
	for range 5 {
		out = append(out, "INSERT INTO t_nopk VALUES "+g.nopkRow()+", "+g.nopkRow()+", "+g.nopkRow())
		out = append(out, "INSERT IGNORE INTO t_uk VALUES "+g.ukRow()+", "+g.ukRow())
		out = append(out, "INSERT IGNORE INTO t_cpk VALUES "+g.cpkRow()+", "+g.cpkRow())
		r := g.keylessRow()
		out = append(out, "INSERT INTO t_keyless VALUES "+r+", "+r+", "+g.keylessRow()+", "+g.keylessRow())
		out = append(out, "INSERT INTO `t dflt``é` VALUES "+g.dfltRow()+", "+g.dfltRow())
	}
	return out
}

// statement returns one random DML statement.
func (g *Gen) statement() string {
	switch g.r.IntN(24) {
	case 16:
		// Truly duplicate rows.
		r := g.keylessRow()
		return "INSERT INTO t_keyless VALUES " + r + ", " + r + ", " + g.keylessRow()
	case 17:
		return fmt.Sprintf("UPDATE t_keyless SET nc = %s WHERE na = %s AND nb = 'x' LIMIT 1", g.maybeNull(g.pick(keylessDoubles...)), g.pick("1", "2"))
	case 18:
		return fmt.Sprintf("UPDATE t_keyless SET nf = %s, nj = %s WHERE na = %s LIMIT %d", g.maybeNull(g.pick(keylessFloats...)),
			g.maybeNull(g.pick(keylessJSON...)), g.pick("1", "2"), 1+g.r.IntN(3))
	case 19:
		return fmt.Sprintf("DELETE FROM t_keyless WHERE %s LIMIT %d", g.pick("na = 1", "na = 2 AND nb = 'y'", "nb = 'x '", "na IS NULL", "1"), 1+g.r.IntN(2))
	case 20:
		return "INSERT INTO `t dflt``é` VALUES " + g.dfltRow()
	case 21:
		return fmt.Sprintf("UPDATE `t dflt``é` SET `s ``x` = %s, tx = %s WHERE id %% 3 = %d", g.maybeNull(g.dfltStr(12)), g.maybeNull(g.dfltStr(40)), g.r.IntN(3))
	case 22:
		return fmt.Sprintf("DELETE FROM `t dflt``é` WHERE id %% 11 = %d", g.r.IntN(11))
	case 23:
		return fmt.Sprintf("UPDATE t_keyless SET na = 3 - na WHERE nb = %s LIMIT %d", g.pick("'x'", "'y'"), 1+g.r.IntN(3))
	case 0, 1:
		return g.insertAll(1 + g.r.IntN(3))
	case 2:
		return fmt.Sprintf("UPDATE t_all SET %s = %s WHERE id %% %d = %d", g.pick(allCols...),
			g.maybeNull(g.allRow()[g.r.IntN(len(allCols))]), 2+g.r.IntN(6), g.r.IntN(2))
	case 3:
		k := g.r.IntN(len(allCols))
		return fmt.Sprintf("UPDATE t_all SET %s = %s, %s = %s WHERE id = %d", allCols[k], g.allRow()[k],
			allCols[(k+5)%len(allCols)], g.allRow()[(k+5)%len(allCols)], g.r.IntN(g.nextID+1))
	case 4:
		// Key-changing update, several rows, ordered to avoid collisions.
		return fmt.Sprintf("UPDATE t_all SET id = id + 1000, vc = %s WHERE id BETWEEN %d AND %d ORDER BY id DESC",
			g.utf8Str(5), g.r.IntN(g.nextID+1), g.r.IntN(g.nextID+1)+3)
	case 5:
		return fmt.Sprintf("DELETE FROM t_all WHERE id %% %d = %d", 5+g.r.IntN(10), g.r.IntN(5))
	case 6:
		row := g.allRow()
		sets := make([]string, len(allCols))
		for i, c := range allCols {
			sets[i] = c + " = " + row[i]
		}
		return fmt.Sprintf("UPDATE t_all SET %s WHERE id = %d", strings.Join(sets, ", "), g.r.IntN(g.nextID+1))
	case 7:
		return "INSERT INTO t_nopk VALUES " + g.nopkRow() + ", " + g.nopkRow()
	case 8:
		return fmt.Sprintf("UPDATE t_nopk SET vc = %s, f = %s, j = %s WHERE a %% 5 = %d LIMIT 2", g.maybeNull(g.utf8Str(6)),
			g.maybeNull(g.float()), g.maybeNull(g.json()), g.r.IntN(5))
	case 9:
		return fmt.Sprintf("DELETE FROM t_nopk WHERE a %% 7 = %d OR a IS NULL LIMIT 1", g.r.IntN(7))
	case 10:
		return "INSERT IGNORE INTO t_uk VALUES " + g.ukRow() + ", " + g.ukRow()
	case 11:
		return fmt.Sprintf("UPDATE IGNORE t_uk SET u = %s, w = %s WHERE u %% 4 = %d OR u IS NULL", g.maybeNull(strconv.Itoa(g.r.IntN(200))),
			g.uintMax(math.MaxUint64), g.r.IntN(4))
	case 12:
		return fmt.Sprintf("DELETE FROM t_uk WHERE u %% 9 = %d", g.r.IntN(9))
	case 13:
		return "INSERT IGNORE INTO t_cpk VALUES " + g.cpkRow() + ", " + g.cpkRow()
	case 14:
		return fmt.Sprintf("UPDATE IGNORE t_cpk SET a = a + 1, v = %s WHERE b = %s ORDER BY a DESC", g.maybeNull(g.double()), g.pick("'k'", "'a b'", "''"))
	default:
		return fmt.Sprintf("DELETE FROM t_cpk WHERE a = %d", g.r.IntN(50))
	}
}

// bigStatements returns the statements of a big transaction: hundreds of
// rows in one statement (several rows events), over the keyless table.
func (g *Gen) bigStatements() []string {
	n := 200 + g.r.IntN(400)
	return []string{
		fmt.Sprintf("INSERT INTO t_keyless SELECT 1 + seq %% 2, IF(seq %% 3 = 0, 'x', 'y'), seq / 7, seq %% 5, JSON_ARRAY(seq %% 3) FROM seq_1_to_%d", n),
		fmt.Sprintf("UPDATE t_keyless SET nf = nf + 1 WHERE na = %s", g.pick("1", "2")),
		fmt.Sprintf("DELETE FROM t_keyless WHERE nb = 'y' LIMIT %d", n/2+g.r.IntN(n/2)),
	}
}

// Savepoint names, odd ones included.
var savepoints = []string{"sp", "`s p`", "`s``q`", "sp2"}

// Transaction returns the statements of one transaction: BEGIN, one to
// four statements with a SAVEPOINT now and then followed by ROLLBACK TO or
// RELEASE SAVEPOINT (written in several ways, after a comment at times),
// rarely a big statement, and COMMIT, or ROLLBACK one time in twenty.
// Statements may fail (duplicate keys, a released savepoint): the server
// leaves the transaction open, and so does the caller.
func (g *Gen) Transaction() []string {
	out := []string{"BEGIN"}
	var sps []string
	for range 1 + g.r.IntN(4) {
		if g.r.IntN(5) == 0 {
			sp := g.pick(savepoints...)
			out = append(out, "SAVEPOINT "+sp)
			sps = append(sps, sp)
		}
		out = append(out, g.statement())
		if len(sps) > 0 && g.r.IntN(3) == 0 {
			sp := sps[g.r.IntN(len(sps))]
			out = append(out, g.pick("ROLLBACK TO "+sp, "ROLLBACK WORK TO SAVEPOINT "+sp, "/* undo */ ROLLBACK TO "+sp,
				"RELEASE SAVEPOINT "+sp))
		}
	}
	if g.r.IntN(60) == 0 {
		out = append(out, g.bigStatements()...)
	}
	if g.r.IntN(20) == 0 {
		return append(out, "ROLLBACK")
	}
	return append(out, "COMMIT")
}
