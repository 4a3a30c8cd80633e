package rowevent

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/google/go-cmp/cmp"
)

// Collation ids of the text tests.
const (
	collUTF8MB4 = 45 // utf8mb4_general_ci
	collUTF8MB3 = 33 // utf8mb3_general_ci
	collLatin1  = 8  // latin1_swedish_ci
	collGBK     = 28 // gbk_chinese_ci
)

func textTable(pk []int) *binlog.TableMap {
	return &binlog.TableMap{
		Schema: "db", Table: "t", HasNames: true, PrimaryKey: pk,
		Columns: []binlog.Column{
			{Name: "id", Type: binlog.TypeLong},
			{Name: "s", Type: binlog.TypeVarchar},
		},
	}
}

// TestTextLiterals: text is written as text where that is exact in the
// session of Header, in hexadecimal otherwise, and always in hexadecimal
// with Options.HexStrings.
func TestTextLiterals(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    binlog.Value
		text string // literal in SET and VALUES
		cmp  string // operand of CAST(`s` AS BINARY)= in WHERE
		hex  string // literal with HexStrings
		hcmp string // operand in WHERE with HexStrings
	}{
		{"é", binlog.StringValue([]byte("émile"), collUTF8MB4), "'émile'", "'émile'", "_utf8mb4 X'C3A96D696C65'", "X'C3A96D696C65'"},
		{"李四", binlog.StringValue([]byte("李四"), collUTF8MB4), "'李四'", "'李四'", "_utf8mb4 X'E69D8EE59B9B'", "X'E69D8EE59B9B'"},
		{"backslash", binlog.StringValue([]byte(`C:\dir`), collUTF8MB4), `'C:\\dir'`, `'C:\\dir'`, "_utf8mb4 X'433A5C646972'", "X'433A5C646972'"},
		{"quote", binlog.StringValue([]byte("O'Brien"), collUTF8MB4), "'O''Brien'", "'O''Brien'", "'O''Brien'", "X'4F27427269656E'"},
		{"NUL", binlog.StringValue([]byte("a\x00b"), collUTF8MB4), `'a\0b'`, `'a\0b'`, "_utf8mb4 X'610062'", "X'610062'"},
		{"newline", binlog.StringValue([]byte("l1\r\nl2\tx"), collUTF8MB4), `'l1\r\nl2\tx'`, `'l1\r\nl2\tx'`, "_utf8mb4 X'6C310D0A6C320978'", "X'6C310D0A6C320978'"},
		{"invalid UTF-8", binlog.StringValue([]byte("a\xffb"), collUTF8MB4), "_utf8mb4 X'61FF62'", "X'61FF62'", "_utf8mb4 X'61FF62'", "X'61FF62'"},
		{"RTL override", binlog.StringValue([]byte("a\u202eb"), collUTF8MB4), "_utf8mb4 X'61E280AE62'", "X'61E280AE62'", "_utf8mb4 X'61E280AE62'", "X'61E280AE62'"},
		{"utf8mb3", binlog.StringValue([]byte("é李"), collUTF8MB3), "'é李'", "'é李'", "_utf8 X'C3A9E69D8E'", "X'C3A9E69D8E'"},
		{"latin1 0xE9", binlog.StringValue([]byte("caf\xe9"), collLatin1), "'café'", "CONVERT('café' USING latin1)", "_latin1 X'636166E9'", "X'636166E9'"},
		{"latin1 0x80", binlog.StringValue([]byte("\x80 5"), collLatin1), "'€ 5'", "CONVERT('€ 5' USING latin1)", "_latin1 X'802035'", "X'802035'"},
		{"latin1 0x81", binlog.StringValue([]byte("\x81"), collLatin1), "_latin1 X'81'", "X'81'", "_latin1 X'81'", "X'81'"},
		{"latin1 ASCII", binlog.StringValue([]byte("a\nb"), collLatin1), `'a\nb'`, `'a\nb'`, "_latin1 X'610A62'", "X'610A62'"},
		{"gbk", binlog.StringValue([]byte("\xc0\xee\xcb\xc4"), collGBK), "_gbk X'C0EECBC4'", "X'C0EECBC4'", "_gbk X'C0EECBC4'", "X'C0EECBC4'"},
		{"gbk ASCII", binlog.StringValue([]byte("abc"), collGBK), "'abc'", "'abc'", "'abc'", "X'616263'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := []binlog.Value{binlog.IntValue(1), binlog.StringValue([]byte("x"), tc.v.Collation())}
			img := []binlog.Value{binlog.IntValue(1), tc.v}
			rows := &binlog.Rows{Kind: binlog.Update, Table: textTable(nil), Rows: []binlog.Row{{Before: old, After: img}}}
			for _, hex := range []bool{false, true} {
				lit, cmpv, x := tc.text, tc.cmp, "'x'"
				if hex {
					lit, cmpv, x = tc.hex, tc.hcmp, "X'78'"
				}
				opts := &Options{HexStrings: hex}
				fwd, err := Forward(rows, opts)
				if err != nil {
					t.Fatal(err)
				}
				inv, err := Inverse(rows, opts)
				if err != nil {
					t.Fatal(err)
				}
				want := "UPDATE `db`.`t` SET `s`=" + lit + " WHERE `id`=1 AND CAST(`s` AS BINARY)=" + x + " LIMIT 1;\n"
				if diff := cmp.Diff(want, fwd); diff != "" {
					t.Errorf("HexStrings %v: forward mismatch (-want +got):\n%s", hex, diff)
				}
				want = "UPDATE `db`.`t` SET `s`='x' WHERE `id`=1 AND CAST(`s` AS BINARY)=" + cmpv + " LIMIT 1;\n"
				if diff := cmp.Diff(want, inv); diff != "" {
					t.Errorf("HexStrings %v: inverse mismatch (-want +got):\n%s", hex, diff)
				}
			}
		})
	}
	// Binary strings are always hexadecimal; a primary key is compared
	// with = in its collation.
	rows := &binlog.Rows{Kind: binlog.Delete, Table: textTable([]int{1}), Rows: []binlog.Row{
		{Before: []binlog.Value{binlog.BytesValue([]byte("é")), binlog.StringValue([]byte("caf\xe9"), collLatin1)}},
	}}
	got, err := Forward(rows, nil)
	if want := "DELETE FROM `db`.`t` WHERE `s`='café';\n"; err != nil || got != want {
		t.Errorf("Forward = %q, %v; want %q", got, err, want)
	}
	got, err = Inverse(rows, nil)
	if want := "INSERT INTO `db`.`t` (`id`, `s`) VALUES (X'C3A9', 'café');\n"; err != nil || got != want {
		t.Errorf("Inverse = %q, %v; want %q", got, err, want)
	}
}

// TestWhereExact: without a key, every column is matched, FLOAT and DOUBLE
// exactly (a zero with its sign), MySQL JSON in ORDER BY.
func TestWhereExact(t *testing.T) {
	tm := &binlog.TableMap{Schema: "db", Table: "t", HasNames: true, Columns: []binlog.Column{
		{Name: "a", Type: binlog.TypeLong},
		{Name: "f", Type: binlog.TypeFloat},
		{Name: "d", Type: binlog.TypeDouble},
		{Name: "j", Type: binlog.TypeJSON},
	}}
	negZero := math.Copysign(0, -1)
	json := binlog.JSONValue([]byte(`{"a": "é"}`))
	del := func(vals ...binlog.Value) *binlog.Rows {
		return &binlog.Rows{Kind: binlog.Delete, Table: tm, Rows: []binlog.Row{{Before: vals}}}
	}
	for _, tc := range []struct {
		name string
		rows *binlog.Rows
		opts *Options
		want string
	}{{
		name: "floats",
		rows: del(binlog.IntValue(1), binlog.FloatValue(0.1), binlog.DoubleValue(0.1), binlog.NullValue()),
		want: "DELETE FROM `db`.`t` WHERE `a`=1 AND `f`=1.0000000149011612e-1 AND `d`=1e-1 AND `j` IS NULL LIMIT 1;\n",
	}, {
		name: "edge values",
		rows: del(binlog.IntValue(1), binlog.FloatValue(16777217), binlog.DoubleValue(5e-324), binlog.NullValue()),
		want: "DELETE FROM `db`.`t` WHERE `a`=1 AND `f`=1.6777216e7 AND `d`=5e-324 AND `j` IS NULL LIMIT 1;\n",
	}, {
		name: "zeros",
		rows: del(binlog.IntValue(1), binlog.FloatValue(0), binlog.DoubleValue(negZero), binlog.NullValue()),
		want: "DELETE FROM `db`.`t` WHERE `a`=1 AND `f`=0e0 AND ATAN2(`f`,-1)>0 AND `d`=-0e0 AND `j` IS NULL ORDER BY (ATAN2(`d`,-1)<0) DESC LIMIT 1;\n",
	}, {
		name: "json",
		rows: del(binlog.IntValue(1), binlog.FloatValue(1), binlog.DoubleValue(2), json),
		want: "DELETE FROM `db`.`t` WHERE `a`=1 AND `f`=1e0 AND `d`=2e0 ORDER BY (CAST(`j` AS BINARY)='{\"a\": \"é\"}') DESC LIMIT 1;\n",
	}, {
		name: "json cast",
		rows: del(binlog.IntValue(1), binlog.FloatValue(1), binlog.DoubleValue(negZero), json),
		opts: &Options{JSONCast: true},
		want: "DELETE FROM `db`.`t` WHERE `a`=1 AND `f`=1e0 AND `d`=-0e0 ORDER BY (ATAN2(`d`,-1)<0) DESC, (`j`=CAST('{\"a\": \"é\"}' AS JSON)) DESC LIMIT 1;\n",
	}, {
		name: "json cast hex",
		rows: del(binlog.IntValue(1), binlog.FloatValue(1), binlog.DoubleValue(2), json),
		opts: &Options{JSONCast: true, HexStrings: true},
		want: "DELETE FROM `db`.`t` WHERE `a`=1 AND `f`=1e0 AND `d`=2e0 ORDER BY (`j`=CAST(_utf8mb4 X'7B2261223A2022C3A9227D' AS JSON)) DESC LIMIT 1;\n",
	}, {
		name: "only json",
		rows: del(binlog.Value{}, binlog.Value{}, binlog.Value{}, json),
		opts: &Options{JSONCast: true},
		want: "DELETE FROM `db`.`t` WHERE `j`=CAST('{\"a\": \"é\"}' AS JSON) LIMIT 1;\n",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Forward(tc.rows, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
	// The primary key: FLOAT and DOUBLE exactly, no sign test (a key
	// cannot hold both zeros).
	pk := *tm
	pk.PrimaryKey = []int{1, 2}
	got, err := Forward(&binlog.Rows{Kind: binlog.Delete, Table: &pk, Rows: []binlog.Row{{Before: []binlog.Value{
		binlog.IntValue(1), binlog.FloatValue(0.1), binlog.DoubleValue(negZero), json}}}}, nil)
	if want := "DELETE FROM `db`.`t` WHERE `f`=1.0000000149011612e-1 AND `d`=-0e0;\n"; err != nil || got != want {
		t.Errorf("primary key: got %q, %v; want %q", got, err, want)
	}
	// NaN and infinities cannot be stored.
	_, err = Forward(del(binlog.IntValue(1), binlog.FloatValue(1), binlog.DoubleValue(math.Inf(1)), json), nil)
	if !errors.Is(err, ErrNoLiteral) {
		t.Errorf("infinite DOUBLE: err = %v, want ErrNoLiteral", err)
	}
}

// textCase: strings in every charset the text literals treat differently,
// in a table without a key (rows located by every column, strings compared
// as bytes) and in one keyed by a latin1 string. The values are written in
// hexadecimal so that the server stores exactly these bytes.
var textCase = serverCase{
	tables: []string{"s_nokey", "s_pk"},
	create: []string{
		"CREATE TABLE s_nokey (id INT, u4 VARCHAR(100) CHARACTER SET utf8mb4, u3 VARCHAR(100) CHARACTER SET utf8mb3," +
			" l1 VARCHAR(200) CHARACTER SET latin1, g VARCHAR(100) CHARACTER SET gbk, bn VARBINARY(100), tx TEXT CHARACTER SET utf8mb4, j JSON)",
		"CREATE TABLE s_pk (k VARCHAR(50) CHARACTER SET latin1 PRIMARY KEY, u4 VARCHAR(50) CHARACTER SET utf8mb4)",
	},
	seed: []string{
		"INSERT INTO s_nokey VALUES" +
			// é, 李四, backslash, quote, NUL, newline
			" (1, X'C3A96D696C65', X'C3A96D696C65', X'E96D696C65', X'C0EECBC4', X'C3A96D696C65', X'E69D8EE59B9B', '{\"a\":1, \"b\":2}')," +
			" (2, X'E69D8EE59B9B', X'E69D8EE59B9B', X'5C', X'815C', X'5C', X'5C5C27', '{\"b\": 2, \"a\": 1}')," +
			" (3, X'2722275C', X'27', X'27', X'27', X'27', X'5C30', '\"\\\\u00e9 \\\\\\\\ \\\\n\"')," +
			" (4, X'6100620063', X'6100', X'6100', X'6100', X'6100', X'00', '[1, 2.0]')," +
			" (5, X'6C310D0A6C320978', X'0A', X'0D0A', X'0A', X'0A', X'1A', '[1,2.0]')," +
			// latin1 bytes that are text (every byte from 0x80 but the
			// five C1 controls and the soft hyphen), and those that are not
			" (6, X'F09F9880E2808D', X'E280AE', X'808283848586878889" + "8A8B8C8E9192939495969798999A9B9C9E9FA0A1A2A3A4A5A6A7A8A9AAABACAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF', X'616263', X'FF', X'E2808B', '\"\"')," +
			" (7, X'1B5B306D', X'C2A0', X'818D8F909D', X'5C6E', X'C3', X'EFBBBF', 'null')," +
			" (8, X'C3A9', X'C3A9', X'AD', X'D6D0CEC4', X'C3A9', X'', '{}')," +
			" (8, X'C3A9', X'C3A9', X'AD', X'D6D0CEC4', X'C3A9', X'', '{}')," +
			" (9, X'61', X'61', X'61', X'61', X'61', X'61', '1')," +
			" (9, X'41', X'61', X'61', X'61', X'61', X'61', '1')," +
			" (9, X'6120', X'61', X'61', X'61', X'61', X'61', '1')",
		"INSERT INTO s_pk VALUES (X'E9', X'C3A9'), (X'80', X'E282AC'), (X'81', X'5C'), (X'5C27', X'0A'), (X'61', X'61')",
	},
	work: []string{
		// Rows 1-7 change each column to the value of the next row, then
		// back, so every value is written in SET and in WHERE.
		"UPDATE s_nokey a JOIN (SELECT * FROM s_nokey WHERE id BETWEEN 2 AND 7) b ON b.id = a.id + 1" +
			" SET a.u4 = b.u4, a.u3 = b.u3, a.l1 = b.l1, a.g = b.g, a.bn = b.bn, a.tx = b.tx, a.j = b.j",
		"UPDATE s_nokey SET u4 = CONCAT(u4, X'C3A9'), l1 = CONCAT(l1, X'E9') WHERE id IN (1, 3, 5)",
		"DELETE FROM s_nokey WHERE id IN (2, 4, 6, 7)",
		"DELETE FROM s_nokey WHERE id = 8 LIMIT 1",
		"DELETE FROM s_nokey WHERE id = 9 AND u4 = X'41'",
		"UPDATE s_nokey SET u3 = X'62' WHERE id = 9 AND u4 = X'6120'",
		"INSERT INTO s_nokey SELECT id + 100, u4, u3, l1, g, bn, tx, j FROM s_nokey WHERE id < 100",
		"UPDATE s_pk SET u4 = CONCAT(k, u4) WHERE k <> X'61'",
		"UPDATE s_pk SET k = CONCAT(k, X'E9') WHERE k = X'81'",
		"DELETE FROM s_pk WHERE k IN (X'E9', X'5C27')",
	},
}

// TestTextRoundTrip: text written as text (and the hexadecimal it falls
// back to) is exact on the server, in utf8mb4, utf8mb3, latin1, gbk and
// binary columns, in SET, VALUES and WHERE, and so is the HexStrings form.
func TestTextRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	srv := testserver.Start(t, nil)
	sawText, sawHex := false, false
	c := textCase
	c.check = func(t *testing.T, rows *binlog.Rows, fwd, inv []byte) {
		s := string(fwd) + string(inv)
		sawText = sawText || strings.Contains(s, "'李四'") && strings.Contains(s, "CONVERT('émile' USING latin1)")
		sawHex = sawHex || strings.Contains(s, "_gbk X'C0EECBC4'")
	}
	serverRoundTrip(t, srv, "text", c, false)
	if !sawText || !sawHex {
		t.Errorf("text literals seen: %v, gbk hexadecimal seen: %v; want both", sawText, sawHex)
	}
	c.opts = &Options{NoSchemaName: true, HexStrings: true, InsertBatch: 4}
	c.check = func(t *testing.T, rows *binlog.Rows, fwd, inv []byte) {
		if s := string(fwd) + string(inv); strings.Contains(s, "李") || strings.Contains(s, "é") {
			t.Errorf("HexStrings: text in\n%s", s)
		}
	}
	serverRoundTrip(t, srv, "hex", c, false)
}
