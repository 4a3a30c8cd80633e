package main

import (
	"html/template"
	"time"

	"github.com/binlogkit/binlogkit/binlog/stats"
)

// The overview: files, span, counts, charts, top lists and DDL. The same
// template makes the --report file (Report set: no links, no refresh).

var overviewPage = template.Must(template.Must(pages.Clone()).Parse(`{{define "body"}}
{{if not .Done}}<p class="status" id="scan-status" data-done="false">Reading the log: {{.Events}} events so far…</p>{{else}}<p class="status" id="scan-status" data-done="true">Read {{.Events}} events in {{dur .Took}}.{{if .Err}} <span class="err">Stopped by an error: {{.Err}}</span>{{end}}</p>{{end}}
{{with .Stats}}
<table class="totals" id="totals">
<tr><th>first event</th><td id="first">{{ts .First}}</td><th>last event</th><td id="last">{{ts .Last}}</td></tr>
<tr><th>events</th><td class="n" id="total-events">{{.Events}}</td><th>bytes</th><td class="n" id="total-bytes">{{.Bytes}}</td></tr>
<tr><th>row changes</th><td class="n" id="total-rows">{{.Rows}}</td><th>inserted / updated / deleted</th><td class="n">{{.Inserts}} / {{.Updates}} / {{.Deletes}}</td></tr>
<tr><th>transactions</th><td class="n" id="total-transactions">{{.Transactions}}</td><th>rolled back / unfinished</th><td class="n">{{.RolledBack}} / {{.Unfinished}}</td></tr>
</table>
<h2>Activity over time</h2>
{{$.TimeChart}}
<h2>Row changes per table</h2>
{{$.TableChart}}
<table><tr><th>database</th><th>table</th><th>rows</th><th>inserted</th><th>updated</th><th>deleted</th><th>events</th><th>bytes</th></tr>
{{range $.TableRows}}<tr><td>{{.Database}}</td><td>{{if $.Report}}{{.Table}}{{else}}<a href="/events?db={{.Database}}&amp;table={{.Table}}">{{.Table}}</a>{{end}}</td><td class="n">{{.Rows}}</td><td class="n">{{.Inserts}}</td><td class="n">{{.Updates}}</td><td class="n">{{.Deletes}}</td><td class="n">{{.Events}}</td><td class="n">{{.Bytes}}</td></tr>
{{end}}</table>
<h2>Files</h2>
<table id="files"><tr><th>file</th><th>events</th><th>bytes</th><th>first</th><th>last</th></tr>
{{range .Files}}<tr><td>{{.Name}}</td><td class="n">{{.Events}}</td><td class="n">{{.Bytes}}</td><td>{{ts .First}}</td><td>{{ts .Last}}</td></tr>
{{end}}</table>
<h2>Biggest transactions</h2>
{{template "txtable" (txlist .Biggest (not $.Report))}}
<h2>Longest transactions</h2>
{{template "txtable" (txlist .Longest (not $.Report))}}
<h2>Largest rows events</h2>
<table><tr><th>position</th><th>GTID</th><th>time</th><th>table</th><th>kind</th><th>rows</th><th>bytes</th></tr>
{{range .LargestRows}}<tr><td>{{if $.Report}}{{.Position}}{{else}}<a href="/events?from={{.Position}}">{{.Position}}</a>{{end}}</td><td>{{.GTID}}</td><td>{{ts .Time}}</td><td>{{.Database}}.{{.Table}}</td><td>{{.Kind}}</td><td class="n">{{.Rows}}</td><td class="n">{{.Bytes}}</td></tr>
{{end}}</table>
<h2>DDL</h2>
<table id="ddl"><tr><th>position</th><th>GTID</th><th>time</th><th>database</th><th>statement</th></tr>
{{range .DDL}}<tr><td>{{if $.Report}}{{.Position}}{{else}}<a href="/events?from={{.Position}}">{{.Position}}</a>{{end}}</td><td>{{.GTID}}</td><td>{{ts .Time}}</td><td>{{.Database}}</td><td><code>{{.Statement}}</code></td></tr>
{{end}}</table>{{if .DDLOmitted}}<p>… and {{.DDLOmitted}} more DDL statements.</p>{{end}}
{{end}}{{end}}`))

type overviewData struct {
	layout
	Stats      *stats.Stats
	Events     int64
	Done       bool
	Err        error
	Took       time.Duration
	TimeChart  template.HTML
	TableChart template.HTML
	TableRows  []tableRow
}

func (v *viewer) overview(sn snapshot, report bool) *overviewData {
	rows := tableRows(sn.Stats)
	return &overviewData{
		layout:     layout{Title: "Overview", Input: v.in.describe(), Refresh: !sn.Done && !report, Report: report},
		Stats:      sn.Stats,
		Events:     sn.Events,
		Done:       sn.Done,
		Err:        sn.Err,
		Took:       sn.Took,
		TimeChart:  timeChart(sn.Stats, !report),
		TableChart: tableChart(rows, !report),
		TableRows:  rows,
	}
}
