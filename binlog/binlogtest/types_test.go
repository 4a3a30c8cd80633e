package binlogtest_test

import (
	"math"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/binlog/binlogtest"
)

// typeCase is a column of the all-types table, the value given for it,
// the SELECT expression that shows it on MariaDB and the text expected,
// and the text of the value read back by binlog.Reader (when it differs).
type typeCase struct {
	col     binlogtest.Column
	given   any
	expr    string // "" means the column
	want    string // SELECT result; "NULL" for NULL
	text    string // Value.Text of the value read back; "" means want
	minimal string // Value.Text with MINIMAL metadata (no ENUM, SET members); "" means text
	mariadb bool   // MariaDB only
	mysql   bool   // MySQL only
	mysql9  bool   // MySQL 9 only
}

var utc = time.UTC

func point(x, y float64) []byte {
	b := []byte{0, 0, 0, 0, 1, 1, 0, 0, 0} // SRID 0, little endian, POINT
	for _, f := range []float64{x, y} {
		u := math.Float64bits(f)
		for i := 0; i < 8; i++ {
			b = append(b, byte(u>>(8*i)))
		}
	}
	return b
}

var typeCases = []typeCase{
	{col: binlogtest.Int("id").PrimaryKey(), given: 1, want: "1"},
	{col: binlogtest.TinyInt("ti"), given: -128, want: "-128"},
	{col: binlogtest.TinyInt("tiu").Unsigned(), given: uint8(255), want: "255"},
	{col: binlogtest.TinyInt("tb"), given: true, want: "1"},
	{col: binlogtest.SmallInt("si"), given: int16(-32768), want: "-32768"},
	{col: binlogtest.SmallInt("siu").Unsigned(), given: "65535", want: "65535"},
	{col: binlogtest.MediumInt("mi"), given: -8388608, want: "-8388608"},
	{col: binlogtest.MediumInt("miu").Unsigned(), given: 16777215, want: "16777215"},
	{col: binlogtest.Int("i"), given: int32(math.MinInt32), want: "-2147483648"},
	{col: binlogtest.Int("iu").Unsigned(), given: uint32(math.MaxUint32), want: "4294967295"},
	{col: binlogtest.BigInt("bi"), given: int64(math.MinInt64), want: "-9223372036854775808"},
	{col: binlogtest.BigInt("biu").Unsigned(), given: uint64(math.MaxUint64), want: "18446744073709551615"},
	{col: binlogtest.Float("f"), given: float32(1.5), want: "1.5"},
	{col: binlogtest.Double("d"), given: 3.141592653589793, want: "3.141592653589793"},
	{col: binlogtest.Decimal("dec", 10, 2), given: "-12345678.90", want: "-12345678.90"},
	{col: binlogtest.Decimal("decf", 6, 4), given: 3.14159, want: "3.1416"},
	{col: binlogtest.Decimal("deci", 30, 0).Unsigned(), given: uint64(math.MaxUint64), want: "18446744073709551615"},
	{col: binlogtest.Bit("bit", 10), given: 682, expr: "CAST(`bit` AS UNSIGNED)", want: "682", text: "1010101010"},
	{col: binlogtest.Year("y"), given: 2024, want: "2024"},
	// The signedness field has a bit for YEAR: the next one is u's.
	{col: binlogtest.Int("yu").Unsigned(), given: uint32(3000000000), want: "3000000000"},
	{col: binlogtest.Date("dt"), given: "2024-02-29", want: "2024-02-29"},
	{col: binlogtest.Date("dtt"), given: time.Date(1999, 12, 31, 0, 0, 0, 0, utc), want: "1999-12-31"},
	{col: binlogtest.Time("tm", 3), given: -(12*time.Hour + 30*time.Minute + 15*time.Second + 500*time.Millisecond), want: "-12:30:15.500"},
	{col: binlogtest.Time("tm0", 0), given: "838:59:59", want: "838:59:59"},
	{col: binlogtest.DateTime("dtm", 6), given: time.Date(2024, 1, 31, 10, 11, 12, 123456000, utc), want: "2024-01-31 10:11:12.123456"},
	{col: binlogtest.DateTime("dtm0", 0), given: "2000-01-01 00:00:00", want: "2000-01-01 00:00:00"},
	{col: binlogtest.Timestamp("ts", 2), given: time.Date(2024, 3, 1, 1, 2, 3, 450000000, utc), want: "2024-03-01 01:02:03.45"},
	{col: binlogtest.Timestamp("ts0", 0), given: "2038-01-19 03:14:07", want: "2038-01-19 03:14:07"},
	{col: binlogtest.Char("c", 10).Charset("latin1"), given: "café", want: "café"},
	{col: binlogtest.Varchar("vc", 300), given: "日本語 ✓ 😀", want: "日本語 ✓ 😀"},
	{col: binlogtest.Varchar("vcb", 20).Collate("utf8mb4_bin"), given: "Bin", want: "Bin"},
	{col: binlogtest.Varchar("vcg", 10).Charset("gbk"), given: "中文", want: "中文"},
	{col: binlogtest.Varchar("vcu", 10).Charset("ucs2"), given: "Ωμέγα", want: "Ωμέγα"},
	{col: binlogtest.Char("ca", 5).Charset("ascii").NotNull(), given: "abc", want: "abc"},
	{col: binlogtest.Char("c3", 100).Charset("utf8mb3"), given: "ñandú", want: "ñandú"},
	{col: binlogtest.Binary("bin", 4), given: []byte{1, 2}, expr: "HEX(`bin`)", want: "01020000", text: "\x01\x02\x00\x00"},
	{col: binlogtest.VarBinary("vb", 8), given: []byte{0xff, 0, 0x10}, expr: "HEX(`vb`)", want: "FF0010", text: "\xff\x00\x10"},
	{col: binlogtest.TinyText("tt"), given: "tiny", want: "tiny"},
	{col: binlogtest.Text("tx").Charset("latin2"), given: "zażółć", want: "zażółć"},
	{col: binlogtest.MediumText("mt"), given: "medium\ntext", want: "medium\ntext"},
	{col: binlogtest.LongText("lt").Charset("cp1251"), given: "привет", want: "привет"},
	{col: binlogtest.TinyBlob("tbl"), given: []byte("t\x00b"), expr: "HEX(`tbl`)", want: "740062", text: "t\x00b"},
	{col: binlogtest.Blob("bl"), given: "blob", want: "blob"},
	{col: binlogtest.MediumBlob("mb"), given: []byte{}, expr: "HEX(`mb`)", want: "", text: ""},
	{col: binlogtest.LongBlob("lb"), given: strings.Repeat("ab", 200), expr: "LENGTH(`lb`)", want: "400", text: strings.Repeat("ab", 200)},
	{col: binlogtest.Enum("e", "S", "M", "L"), given: "M", want: "M", minimal: "2"},
	{col: binlogtest.Enum("ei", "x", "y").Charset("latin1"), given: 2, want: "y", minimal: "2"},
	{col: binlogtest.Set("st", "a", "b", "c", "d"), given: "a,c", want: "a,c", minimal: "5"},
	{col: binlogtest.Set("sts", "p", "q"), given: []string{"q"}, want: "q", minimal: "2"},
	{col: binlogtest.JSON("j"), given: `{"a": [1, 2.5, "x"], "b": null}`, want: `{"a": [1, 2.5, "x"], "b": null}`},
	{col: binlogtest.Point("g"), given: point(1, 2), expr: "ST_AsText(`g`)", want: "POINT(1 2)", text: string(point(1, 2))},
	{col: binlogtest.Geometry("gg"), given: point(-1.5, 0), expr: "ST_AsText(`gg`)", want: "POINT(-1.5 0)", text: string(point(-1.5, 0))},
	{col: binlogtest.MultiPoint("mp"), given: nil, want: "NULL"},
	{col: binlogtest.Vector("vec", 2), given: []float32{1, 2.5}, want: "[1,2.5]", mysql9: true},
	{col: binlogtest.Int("n"), given: nil, want: "NULL"},
}
