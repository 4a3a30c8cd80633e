package anonymize_test

import (
	"errors"
	"io"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/anonymize"
	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testserver"
)

// BenchmarkRewrite compares, in one run, the plain decoding of the 50 MB+
// benchmark binlog (every event read and its rows decoded, as Rewrite reads
// them) with its rewriting to io.Discard under the test rules (the default
// rules, emails pseudonymized; the benchmark binlog holds no personal data,
// so this is the cost of looking) and under a rule that replaces every value
// (every rows event encoded anew), and under a rule that matches nothing
// (copy: Rewrite's own cost, events copied from their raw bytes). Each
// iteration runs the four one after
// the other, so that a noisy machine slows them alike; the metrics are MB/s
// of the input and the ratios to decode (target: rewrite at least 0.5):
//
//	go test ./anonymize -run '^$' -bench Rewrite -benchtime 3x
func BenchmarkRewrite(b *testing.B) {
	path, size := testserver.BenchBinlog(b, 50<<20)
	all, err := anonymize.ParseRules([]byte(`{"rules": [{"name": "all", "columns": ["*"], "strategy": "redact"}]}`), "all.json")
	if err != nil {
		b.Fatal(err)
	}
	mAll, err := anonymize.New(all, nil)
	if err != nil {
		b.Fatal(err)
	}
	none, err := anonymize.ParseRules([]byte(`{"rules": [{"name": "none", "columns": ["no.such.column"], "strategy": "redact"}]}`), "none.json")
	if err != nil {
		b.Fatal(err)
	}
	mNone, err := anonymize.New(none, nil)
	if err != nil {
		b.Fatal(err)
	}
	m := testMasker(b)
	var tDecode, tCopy, tRewrite, tAll time.Duration
	timed := func(d *time.Duration, f func(*binlog.FileReader)) {
		r, err := binlog.Open(path, nil)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		f(r)
		*d += time.Since(start)
		r.Close()
	}
	rewrite := func(m *anonymize.Masker) func(*binlog.FileReader) {
		return func(r *binlog.FileReader) {
			if _, err := anonymize.Rewrite(io.Discard, r, m, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
	for b.Loop() {
		timed(&tDecode, func(r *binlog.FileReader) {
			for {
				ev, err := r.Next()
				if errors.Is(err, io.EOF) {
					return
				}
				if err != nil {
					b.Fatal(err)
				}
				ev.Release()
			}
		})
		timed(&tCopy, rewrite(mNone))
		timed(&tRewrite, rewrite(m))
		timed(&tAll, rewrite(mAll))
	}
	mbps := func(d time.Duration) float64 { return float64(size) * float64(b.N) / 1e6 / d.Seconds() }
	b.ReportMetric(mbps(tDecode), "decode-MB/s")
	b.ReportMetric(mbps(tCopy), "copy-MB/s")
	b.ReportMetric(mbps(tRewrite), "rewrite-MB/s")
	b.ReportMetric(mbps(tAll), "rewrite-all-MB/s")
	b.ReportMetric(tDecode.Seconds()/tCopy.Seconds(), "copy/decode")
	b.ReportMetric(tDecode.Seconds()/tRewrite.Seconds(), "rewrite/decode")
	b.ReportMetric(tDecode.Seconds()/tAll.Seconds(), "all/decode")
}
