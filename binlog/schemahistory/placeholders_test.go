package schemahistory

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/google/go-cmp/cmp"
	"github.com/pingcap/tidb/pkg/parser/charset"
)

// tidbTables describes what the TiDB parser's process-wide charset and
// collation tables answer, for the names a MariaDB DDL statement may use.
func tidbTables() []string {
	var out []string
	for _, c := range charset.GetSupportedCharsets() {
		out = append(out, fmt.Sprintf("charset %s default %s, %d collations", c.Name, c.DefaultCollation, len(c.Collations)))
	}
	out = append(out, fmt.Sprintf("%d supported collations", len(charset.GetSupportedCollations())))
	for _, cs := range slices.Sorted(maps.Keys(charsetDefaultIDs)) {
		_, err := charset.GetCharsetInfo(cs)
		out = append(out, fmt.Sprintf("GetCharsetInfo(%s): %v", cs, err))
	}
	for _, n := range []string{"utf8mb4_uca1400_ai_ci", "utf8mb3_uca1400_as_cs", "latin1_nopad_bin",
		"cp1251_general_ci", "ucs2_persian_ci", "gb18030_chinese_ci"} {
		c, err := charset.GetCollationByName(n)
		out = append(out, fmt.Sprintf("GetCollationByName(%s): %v %v", n, c, err))
	}
	for _, id := range []int{1 << 24, 1<<24 + 1} {
		_, err := charset.GetCollationByID(id)
		out = append(out, fmt.Sprintf("GetCollationByID(%d): %v", id, err))
	}
	return out
}

// TestSchemaHistoryTiDBTablesUnchanged: parsing DDL that names charsets and
// collations the parser does not know gives the right collations, and
// leaves the parser's tables as they were.
func TestSchemaHistoryTiDBTablesUnchanged(t *testing.T) {
	before := tidbTables()
	h := New(nil)
	mustApply(t, h, "",
		"CREATE DATABASE d CHARACTER SET = cp1251",
		"CREATE TABLE d.t (a VARCHAR(10) CHARACTER SET koi8r, b TEXT COLLATE utf8mb4_uca1400_ai_ci,"+
			" c CHAR(3) CHARSET gbk, d VARCHAR(5), e VARCHAR(5) CHARACTER SET 'armscii8' COLLATE `armscii8_bin`,"+
			" f VARCHAR(5) COLLATE latin1_nopad_bin, g VARCHAR(5) DEFAULT _cp1251'x', h VARCHAR(5) CHARACTER SET gb18030)",
		"CREATE TABLE d.u (a VARCHAR(10)) DEFAULT CHARSET=utf16 COLLATE=utf16_uca1400_ai_ci",
		"ALTER TABLE d.u ADD COLUMN b TEXT CHARACTER SET macroman",
		"CREATE TABLE d.v (a VARCHAR(10)) CHARSET hebrew",
		"ALTER TABLE d.v CONVERT TO CHARACTER SET DEFAULT",
		"ALTER TABLE d.v CONVERT TO CHARACTER SET greek",
		"CREATE DATABASE e COLLATE utf8mb3_uca1400_ai_ci",
		"CREATE TABLE e.t (a VARCHAR(10))",
	)
	colls := func(db, table string) []uint16 {
		ti, err := h.Table(db, table)
		if err != nil || ti == nil {
			t.Fatalf("Table(%s, %s) = %v, %v", db, table, ti, err)
		}
		var out []uint16
		for _, c := range ti.Columns {
			out = append(out, c.Collation)
		}
		return out
	}
	// koi8r 7, utf8mb4 45, gbk 28, cp1251 51 (the database's), armscii8_bin
	// 64, latin1_nopad_bin 47+1024, gb18030 248.
	if diff := cmp.Diff([]uint16{7, 45, 28, 51, 64, 47 + 1024, 51, 248}, colls("d", "t")); diff != "" {
		t.Errorf("d.t: mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]uint16{54, 39}, colls("d", "u")); diff != "" {
		t.Errorf("d.u: mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]uint16{25}, colls("d", "v")); diff != "" {
		t.Errorf("d.v: mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]uint16{33}, colls("e", "t")); diff != "" {
		t.Errorf("e.t: mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(before, tidbTables()); diff != "" {
		t.Errorf("the TiDB parser's tables changed (-before +after):\n%s", diff)
	}
}

// TestSchemaHistoryPlaceholdersExhausted: a statement with more unknown
// charsets than free placeholders is not understood, rather than
// misread.
func TestSchemaHistoryPlaceholdersExhausted(t *testing.T) {
	h := New(nil)
	var cols []string
	for i, cs := range []string{"cp1251", "koi8r", "koi8u", "greek", "hebrew", "cp1250"} {
		cols = append(cols, fmt.Sprintf("c%d VARCHAR(5) CHARACTER SET %s", i, cs))
	}
	sql := "CREATE TABLE t (" + strings.Join(cols, ", ") + ")"
	if err := h.Apply(queryEvent("d", sql)); err != nil {
		t.Fatal(err)
	}
	if w := h.Warnings(); len(w) != 1 {
		t.Fatalf("warnings = %v, want one", w)
	}
	tm := &binlog.Event{Header: binlog.Header{Type: binlog.TableMapEvent}, File: "f", Offset: 200,
		Payload: &binlog.TableMap{TableID: 7, Schema: "d", Table: "t", Columns: make([]binlog.Column, 6)}}
	if err := h.Observe(tm); !errors.Is(err, ErrUnknown) {
		t.Errorf("Observe = %v, want ErrUnknown", err)
	}
}
