package binlog

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/internal/txtar"
	"github.com/google/go-cmp/cmp"
)

// TestValuesMatchServer checks decoded values against the server itself:
// for each generated binlog, the row events are replayed into an in-memory
// copy of every table, and the result must equal what the server returned
// for SELECT * after the workload (NAME.server.txtar, recorded by
// internal/cmd/gentestdata from the same server run). Values are rendered
// the way the generator asked the server to render them.
func TestValuesMatchServer(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.server.txtar")
	if len(files) == 0 {
		t.Fatal("no testdata/*.server.txtar: run go generate ./binlog")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".server.txtar")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			ar := txtar.Parse(data)
			info := parseInfo(ar)
			if info["binlog_row_image"] != "FULL" {
				t.Skipf("row image %s: images do not hold whole rows", info["binlog_row_image"])
			}
			tables := parseServerTables(t, ar)
			schema := StaticSchema{}
			for key, st := range tables {
				schema[key] = st.info
			}
			got := replayRows(t, filepath.Join("testdata", info["binlog"]), schema, tables)
			checked := 0
			for key, st := range tables {
				if st.untracked {
					t.Logf("%s: changed by DDL or statement-based DML, not compared", key)
					continue
				}
				checked++
				want := slices.Clone(st.rows)
				have := slices.Clone(got[key])
				slices.Sort(want)
				slices.Sort(have)
				if diff := cmp.Diff(want, have); diff != "" {
					t.Errorf("%s: rows mismatch (-server +decoded):\n%s", key, diff)
				}
			}
			if checked == 0 {
				t.Error("no table compared")
			}
		})
	}
}

type serverTable struct {
	info      *TableInfo
	render    []string // per column: text, hex, uint, double, index
	dataType  []string
	rows      []string // rendered rows, cells joined by tabs
	untracked bool     // changed by DDL or statement-based DML: final state not derivable from row events
}

func parseInfo(ar *txtar.Archive) map[string]string {
	m := map[string]string{}
	data, _ := ar.Get("info")
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		k, v, _ := strings.Cut(line, "\t")
		m[k] = v
	}
	return m
}

// Collations used by the workloads. An unknown one fails the test: add it.
var testCollations = map[string]uint16{
	"binary": 63, "latin1_swedish_ci": 8, "latin1_bin": 47, "gbk_chinese_ci": 28, "ascii_general_ci": 11,
	"utf8mb3_general_ci": 33, "utf8mb3_bin": 83, "utf8mb4_general_ci": 45, "utf8mb4_bin": 46,
	"utf8mb4_unicode_ci": 224, "utf8mb4_unicode_520_ci": 246, "cp1251_general_ci": 51,
}

var enumMembers = regexp.MustCompile(`'((?:[^']|'')*)'`)

func parseServerTables(t *testing.T, ar *txtar.Archive) map[string]*serverTable {
	tables := map[string]*serverTable{}
	for _, f := range ar.Files {
		key, ok := strings.CutSuffix(f.Name, ".columns")
		if !ok {
			continue
		}
		st := &serverTable{info: &TableInfo{}}
		for _, line := range strings.Split(strings.TrimRight(string(f.Data), "\n"), "\n") {
			c := strings.Split(line, "\t")
			if len(c) != 9 {
				t.Fatalf("%s: bad column line %q", f.Name, line)
			}
			ci := ColumnInfo{Name: c[1], Unsigned: strings.Contains(c[2], "unsigned")}
			if c[5] != "NULL" {
				id, ok := testCollations[c[5]]
				if !ok {
					t.Fatalf("%s: collation %s not in testCollations", f.Name, c[5])
				}
				ci.Collation = id
			} else if c[8] == "hex" {
				ci.Collation = 63
			}
			if c[3] == "enum" || c[3] == "set" {
				var names []string
				for _, m := range enumMembers.FindAllStringSubmatch(c[2], -1) {
					names = append(names, strings.ReplaceAll(m[1], "''", "'"))
				}
				if c[3] == "enum" {
					ci.EnumValues = names
				} else {
					ci.SetValues = names
				}
			}
			if c[7] == "PRI" {
				st.info.PrimaryKey = append(st.info.PrimaryKey, len(st.info.Columns))
			}
			st.info.Columns = append(st.info.Columns, ci)
			st.render = append(st.render, c[8])
			st.dataType = append(st.dataType, c[3])
		}
		if rows, ok := ar.Get(key + ".rows"); ok && len(rows) > 0 {
			st.rows = strings.Split(strings.TrimRight(string(rows), "\n"), "\n")
			for i, row := range st.rows {
				st.rows[i] = normalizeFloats(t, st, row)
			}
		}
		tables[key] = st
	}
	return tables
}

var dmlOrDDL = regexp.MustCompile(`(?i)^\s*(alter|rename|drop|truncate|insert|update|delete|replace|load)\b`)

// replayRows applies the row events of the binlog to empty tables and
// returns the rendered rows of each. Tables that DDL or statement-based DML
// touch are marked untracked in a first pass and not replayed.
func replayRows(t *testing.T, path string, schema Schema, tables map[string]*serverTable) map[string][]string {
	markUntracked(t, path, tables)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := NewReader(f, &ReaderOptions{Name: filepath.Base(path), Schema: schema})
	state := map[string][]string{}
	for {
		ev, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if p, ok := ev.Payload.(*Rows); ok {
			key := p.Table.Schema + "." + p.Table.Table
			st := tables[key]
			if st == nil || st.untracked {
				continue
			}
			for _, row := range p.Rows {
				switch p.Kind {
				case Insert:
					state[key] = append(state[key], renderRow(t, st, row.After))
				case Delete, Update:
					before := renderRow(t, st, row.Before)
					i := slices.Index(state[key], before)
					if i < 0 {
						t.Fatalf("%s at %d: %v of a row never inserted:\n%s", key, ev.Offset, p.Kind, before)
					}
					if p.Kind == Delete {
						state[key] = slices.Delete(state[key], i, i+1)
					} else {
						state[key][i] = renderRow(t, st, row.After)
					}
				}
			}
		}
	}
	return state
}

func markUntracked(t *testing.T, path string, tables map[string]*serverTable) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := NewReader(f, &ReaderOptions{SkipRowValues: true})
	for ev, err := range r.All() {
		if err != nil {
			t.Fatal(err)
		}
		q, ok := ev.Payload.(*Query)
		if !ok || !dmlOrDDL.MatchString(q.Query) {
			continue
		}
		for key, st := range tables {
			_, tbl, _ := strings.Cut(key, ".")
			if regexp.MustCompile(`\b` + regexp.QuoteMeta(tbl) + `\b`).MatchString(q.Query) {
				st.untracked = true
			}
		}
	}
}

func renderRow(t *testing.T, st *serverTable, vals []Value) string {
	if len(vals) != len(st.render) {
		t.Fatalf("row has %d values, table has %d columns", len(vals), len(st.render))
	}
	cells := make([]string, len(vals))
	for i, v := range vals {
		cells[i] = renderCell(t, v, st.render[i], st.dataType[i])
	}
	return strings.Join(cells, "\t")
}

// renderCell renders a value as the generator's server query did.
func renderCell(t *testing.T, v Value, render, dataType string) string {
	if v.IsNull() {
		return "NULL"
	}
	var s string
	switch render {
	case "hex":
		b := v.Bytes()
		if len(b) > 1024 {
			return serverDigest(b)
		}
		return "x'" + strings.ToUpper(hex.EncodeToString(b)) + "'"
	case "uint":
		s = strconv.FormatUint(v.Uint(), 10)
	case "double":
		// CAST(float AS DOUBLE): the float widened exactly. Compared as
		// numbers: the server's text is a shortest round-trip form.
		s = "float:" + strconv.FormatFloat(v.Float64(), 'g', -1, 64)
	case "index":
		if v.Kind() == KindEnum {
			s = strconv.FormatInt(v.Int(), 10) + ":" + v.Text()
		} else {
			s = strconv.FormatUint(v.Uint(), 10) + ":" + v.Text()
		}
	default:
		switch v.Kind() {
		case KindInt:
			s = strconv.FormatInt(v.Int(), 10)
		case KindUint:
			s = strconv.FormatUint(v.Uint(), 10)
		case KindFloat, KindDouble:
			s = "float:" + strconv.FormatFloat(v.Float64(), 'g', -1, 64)
		case KindYear:
			s = fmt.Sprintf("%04d", v.Int())
		case KindDate:
			s = v.Date().String()
		case KindDateTime:
			s = v.DateTime().Format(v.Precision())
		case KindTime:
			s = v.Time().Format(v.Precision())
		case KindTimestamp:
			if v.IsZeroTimestamp() {
				s = DateTime{}.Format(v.Precision())
			} else {
				ts := v.Timestamp()
				s = DateTime{ts.Year(), int(ts.Month()), ts.Day(), ts.Hour(), ts.Minute(), ts.Second(), ts.Nanosecond() / 1000}.Format(v.Precision())
			}
		default:
			s = v.Text()
		}
	}
	if len(s) > 1024 {
		return serverDigest([]byte(s))
	}
	return strconv.Quote(s)
}

// normalizeFloats rewrites the server's text of FLOAT/DOUBLE cells in the
// form renderCell uses, so that they compare as numbers.
func normalizeFloats(t *testing.T, st *serverTable, row string) string {
	cells := strings.Split(row, "\t")
	for i, c := range cells {
		if c == "NULL" || i >= len(st.render) || (st.render[i] != "double" && st.dataType[i] != "float" && st.dataType[i] != "double") {
			continue
		}
		u, err := strconv.Unquote(c)
		if err != nil {
			t.Fatalf("float cell %s: %v", c, err)
		}
		f, err := strconv.ParseFloat(u, 64)
		if err != nil {
			t.Fatalf("float cell %s: %v", c, err)
		}
		cells[i] = strconv.Quote("float:" + strconv.FormatFloat(f, 'g', -1, 64))
	}
	return strings.Join(cells, "\t")
}

func serverDigest(b []byte) string {
	return fmt.Sprintf("sha256:%x:%d", sha256.Sum256(b), len(b))
}
