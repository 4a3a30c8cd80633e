package main

import (
	"fmt"
	"html"
	"html/template"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/binlog/stats"
)

// Charts are SVG drawn on the server: one <rect class="bar"> per bar, with a
// <title> for the tooltip, inside a link to the matching events when linked.

const chartW, chartH = 900, 200

// timeChart draws the row changes (or events, when there are no rows) per
// time bucket: one bar per bucket, empty buckets included.
func timeChart(s *stats.Stats, linked bool) template.HTML {
	var b strings.Builder
	n := len(s.Buckets)
	fmt.Fprintf(&b, `<svg class="chart" id="time-chart" data-bars="%d" viewBox="0 0 %d %d" width="%d" height="%d" role="img">`,
		n, chartW, chartH+20, chartW, chartH+20)
	useRows := s.Rows > 0
	var peak int64 = 1
	for _, bk := range s.Buckets {
		peak = max(peak, measure(bk, useRows))
	}
	w := float64(chartW) / float64(max(n, 1))
	for i, bk := range s.Buckets {
		v := measure(bk, useRows)
		h := float64(v) / float64(peak) * chartH
		what := "events"
		if useRows {
			what = "rows"
		}
		title := fmt.Sprintf("%s: %d %s, %d events, %d transactions", bk.Start.Format("2006-01-02 15:04:05"), v, what, bk.Events, bk.Transactions)
		rect := fmt.Sprintf(`<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s</title></rect>`,
			float64(i)*w, chartH-h, max(w-1, 0.5), h, html.EscapeString(title))
		if linked {
			q := url.Values{"start": {bk.Start.Format(time.RFC3339)}, "stop": {bk.Start.Add(s.BucketWidth).Format(time.RFC3339)}}
			fmt.Fprintf(&b, `<a href="/events?%s">%s</a>`, html.EscapeString(q.Encode()), rect)
		} else {
			b.WriteString(rect)
		}
	}
	if n > 0 {
		fmt.Fprintf(&b, `<text x="0" y="%d">%s</text><text x="%d" y="%d" text-anchor="end">%s (bars of %s)</text>`,
			chartH+15, s.Buckets[0].Start.Format("2006-01-02 15:04:05"), chartW, chartH+15,
			s.Buckets[n-1].Start.Format("2006-01-02 15:04:05"), s.BucketWidth)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func measure(bk stats.Bucket, rows bool) int64 {
	if rows {
		return bk.Rows
	}
	return bk.Events
}

// tableRow is a table's row changes, all kinds together.
type tableRow struct {
	Database, Table           string
	Rows, Events, Bytes       int64
	Inserts, Updates, Deletes int64
}

// maxTableBars is the number of tables in the per-table chart.
const maxTableBars = 20

// tableRows sums the row changes per table, most rows first.
func tableRows(s *stats.Stats) []tableRow {
	var out []tableRow
	for _, t := range s.Tables {
		if t.Table == "" {
			continue // statements
		}
		if len(out) == 0 || out[len(out)-1].Database != t.Database || out[len(out)-1].Table != t.Table {
			out = append(out, tableRow{Database: t.Database, Table: t.Table})
		}
		r := &out[len(out)-1]
		r.Rows += t.Rows
		r.Events += t.Events
		r.Bytes += t.Bytes
		switch t.Kind {
		case stats.KindInsert:
			r.Inserts += t.Rows
		case stats.KindUpdate:
			r.Updates += t.Rows
		case stats.KindDelete:
			r.Deletes += t.Rows
		}
	}
	slices.SortStableFunc(out, func(a, b tableRow) int {
		switch {
		case a.Rows > b.Rows:
			return -1
		case a.Rows < b.Rows:
			return 1
		}
		return 0
	})
	return out
}

// tableChart draws one horizontal bar per table (the maxTableBars with the
// most row changes), split by kind.
func tableChart(rows []tableRow, linked bool) template.HTML {
	rows = rows[:min(len(rows), maxTableBars)]
	const rowH, labelW = 22, 260
	var b strings.Builder
	h := rowH*len(rows) + 4
	fmt.Fprintf(&b, `<svg class="chart" id="table-chart" data-bars="%d" viewBox="0 0 %d %d" width="%d" height="%d" role="img">`,
		len(rows), chartW, h, chartW, h)
	var peak int64 = 1
	for _, r := range rows {
		peak = max(peak, r.Rows)
	}
	scale := float64(chartW-labelW-80) / float64(peak)
	for i, r := range rows {
		y := i * rowH
		name := r.Database + "." + r.Table
		label := fmt.Sprintf(`<text x="0" y="%d">%s</text>`, y+15, html.EscapeString(name))
		if linked {
			q := url.Values{"db": {r.Database}, "table": {r.Table}}
			label = fmt.Sprintf(`<a href="/events?%s">%s</a>`, html.EscapeString(q.Encode()), label)
		}
		b.WriteString(label)
		x := float64(labelW)
		title := html.EscapeString(fmt.Sprintf("%s: %d rows (%d inserted, %d updated, %d deleted)", name, r.Rows, r.Inserts, r.Updates, r.Deletes))
		fmt.Fprintf(&b, `<g class="bar"><title>%s</title>`, title)
		for _, part := range []struct {
			n     int64
			class string
		}{{r.Inserts, "ins"}, {r.Updates, "upd"}, {r.Deletes, "del"}} {
			w := float64(part.n) * scale
			fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%d" width="%.1f" height="%d"></rect>`, part.class, x, y+3, w, rowH-6)
			x += w
		}
		fmt.Fprintf(&b, `</g><text x="%.1f" y="%d">%d</text>`, x+4, y+15, r.Rows)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
