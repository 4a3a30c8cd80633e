package binlogtest_test

import (
	"bytes"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/binlog/binlogtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// smallFile writes the file of the golden listings.
func smallFile(t *testing.T, opts *binlogtest.Options) []byte {
	t.Helper()
	b := binlogtest.New(opts)
	must(t, b.CreateTable("shop", "orders",
		binlogtest.Int("id").PrimaryKey(),
		binlogtest.Varchar("item", 40).Charset("latin1"),
		binlogtest.Enum("size", "S", "M", "L"),
		binlogtest.DateTime("at", 3)))
	must(t, b.Insert("orders", binlogtest.Row{1, "crème", "M", "2024-05-06 07:08:09.100"}))
	must(t, b.Begin())
	must(t, b.Update("orders", binlogtest.Change{
		Before: binlogtest.Row{1, "crème", "M", "2024-05-06 07:08:09.100"},
		After:  binlogtest.Row{1, "crème", "L", "2024-05-06 07:08:09.100"},
	}))
	must(t, b.Commit())
	data, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestListingGolden compares the listings of small files with golden
// files (go test -update rewrites them).
func TestListingGolden(t *testing.T) {
	for name, opts := range map[string]*binlogtest.Options{
		"mariadb":      nil,
		"mysql84-zstd": {Flavor: binlogtest.MySQL84, Compress: true},
	} {
		t.Run(name, func(t *testing.T) {
			listing, err := binlogtest.Listing(smallFile(t, opts))
			if err != nil {
				t.Fatal(err)
			}
			binlogtest.Golden(t, filepath.Join("testdata", name+".listing"), []byte(listing), *update)
		})
	}
}

// TestGoldenReportsDifference checks that Golden fails a test whose
// output differs, and names the line.
func TestGoldenReportsDifference(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.golden")
	binlogtest.Golden(t, path, []byte("a\nb\nc\n"), true)
	rec := &recorder{TB: t}
	binlogtest.Golden(rec, path, []byte("a\nB\nc\n"), false)
	if !rec.failed || !strings.Contains(rec.msg, "- b") || !strings.Contains(rec.msg, "+ B") {
		t.Errorf("Golden on a difference: failed %v, message %q", rec.failed, rec.msg)
	}
}

// recorder is a testing.TB that records Errorf instead of failing.
type recorder struct {
	testing.TB
	failed bool
	msg    string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failed, r.msg = true, fmt.Sprintf(format, args...)
}

// TestListingIsStable checks that the same calls give the same bytes.
func TestListingIsStable(t *testing.T) {
	if !bytes.Equal(smallFile(t, nil), smallFile(t, nil)) {
		t.Error("two builders with the same calls wrote different files")
	}
}
