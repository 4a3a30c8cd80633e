package main

import (
	"fmt"
	"html/template"
	"net/url"
	"time"

	"github.com/binlogkit/binlogkit/binlog/stats"
)

// The pages share one layout and one inline style sheet, so that a report
// written to a file is self-contained.

const css = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222}
header{background:#234;color:#fff;padding:.5em 1em}header a{color:#fff;margin-right:1.5em;text-decoration:none;font-weight:600}
main{padding:1em}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
th{background:#eef}td.n{text-align:right;font-variant-numeric:tabular-nums}
.chart{display:block;margin:.5em 0 1.5em;max-width:100%}.chart rect.bar{fill:#4a7fb5}.chart rect.ins{fill:#4caf50}.chart rect.upd{fill:#ff9800}.chart rect.del{fill:#e53935}
.chart text{font-size:11px;fill:#333}
.totals td{font-size:16px}
.event{border:1px solid #ddd;margin:.4em 0;padding:.3em .6em}.event pre{margin:.3em 0;white-space:pre-wrap;word-break:break-all;font-size:12px;max-height:30em;overflow:auto}
.event .h{font-weight:600}
form.filters input{width:11em}form.filters label{margin-right:.6em;display:inline-block}
.pages a,.pages b{margin-right:.4em}
.status{padding:.3em .6em;background:#ffd}
.err{color:#b00}
`

var funcs = template.FuncMap{
	"ts": func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format("2006-01-02 15:04:05")
	},
	"bytes": func(n int64) string {
		switch {
		case n >= 1<<30:
			return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
		case n >= 1<<20:
			return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
		case n >= 1<<10:
			return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
		}
		return fmt.Sprintf("%d B", n)
	},
	"dur": func(d time.Duration) string { return d.String() },
	"inc": func(i int) int { return i + 1 },
	// txq is the events query of a transaction.
	"txq": func(t stats.Tx) template.URL {
		v := url.Values{"start_pos": {t.Begin.String()}, "stop_pos": {t.End.String()}, "from": {t.Begin.String()}}
		return template.URL(v.Encode())
	},
	"txlist": func(txs []stats.Tx, linked bool) txList { return txList{txs, linked} },
}

// txList is what the "txtable" template shows.
type txList struct {
	Txs    []stats.Tx
	Linked bool
}

var pages = template.Must(template.New("layout").Funcs(funcs).Parse(`{{define "layout"}}<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} · binlogview</title>
{{if .Refresh}}<meta http-equiv="refresh" content="2">{{end}}
<style>` + css + `</style></head>
<body><header>{{if .Report}}<b>binlogview report</b> · {{.Input}}{{else}}<a href="/">Overview</a><a href="/transactions">Transactions</a><a href="/events">Events</a> <small>{{.Input}}</small>{{end}}</header>
<main>{{template "body" .}}</main></body></html>{{end}}
` + `{{define "txtable"}}<table class="tx"><tr><th>#</th><th>begin</th><th>end</th><th>GTID</th><th>start</th><th>duration</th><th>events</th><th>rows</th><th>bytes</th><th>tables</th></tr>
{{range $i, $t := .Txs}}<tr><td class="n">{{inc $i}}</td><td>{{if $.Linked}}<a href="/events?{{txq $t}}">{{$t.Begin}}</a>{{else}}{{$t.Begin}}{{end}}</td><td>{{$t.End}}</td><td>{{$t.GTID}}</td><td>{{ts $t.Start}}</td><td class="n">{{dur $t.Duration}}</td><td class="n">{{$t.Events}}</td><td class="n">{{$t.Rows}}</td><td class="n">{{$t.Bytes}}</td><td>{{range $t.Tables}}{{.}} {{end}}{{if gt $t.TableCount (len $t.Tables)}}…{{end}}</td></tr>
{{end}}</table>{{end}}`))

// page data common to every page.
type layout struct {
	Title   string
	Input   string
	Refresh bool
	Report  bool
}
