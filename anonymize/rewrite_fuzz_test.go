package anonymize_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/binlogkit/binlogkit/anonymize"
	"github.com/binlogkit/binlogkit/binlog"
)

// FuzzRewrite rewrites arbitrary input: whenever Rewrite succeeds, the
// reader must take its output whole, with as many events as were written
// (and the format description first). Seeds are the small real binlogs of
// binlog/testdata.
func FuzzRewrite(f *testing.F) {
	seeds, _ := filepath.Glob("../binlog/testdata/*.binlog")
	for _, p := range seeds {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		// Keep the whole events of the first 16 KiB: the fuzzer mutates
		// small inputs best.
		end := int64(0)
		for ev, err := range binlog.NewReader(bytes.NewReader(data), nil).All() {
			if err != nil || ev.NextPos > 16<<10 {
				break
			}
			end = ev.NextPos
		}
		f.Add(data[:end])
	}
	m := testMasker(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var out bytes.Buffer
		st, err := anonymize.Rewrite(&out, binlog.NewReader(bytes.NewReader(data), nil), m, nil)
		if err != nil || st.Written == 0 {
			return
		}
		r := binlog.NewReader(bytes.NewReader(out.Bytes()), nil)
		n := int64(0)
		for _, err := range r.All() {
			if err != nil {
				t.Fatalf("the reader rejects the rewritten binlog after %d events: %v", n, err)
			}
			n++
		}
		if n != st.Written {
			t.Fatalf("read back %d events, Rewrite wrote %d", n, st.Written)
		}
	})
}
