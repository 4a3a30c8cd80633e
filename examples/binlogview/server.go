package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/stats"
	"github.com/binlogkit/binlogkit/internal/eventfmt"
)

// viewer serves the pages.
type viewer struct {
	in      input
	scan    *scanner
	started time.Time
}

// readTimeout bounds a page's read of a live server.
const readTimeout = 60 * time.Second

func (v *viewer) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", v.serveOverview)
	mux.HandleFunc("GET /transactions", v.serveTransactions)
	mux.HandleFunc("GET /events", v.serveEvents)
	mux.HandleFunc("GET /export.csv", v.serveCSV)
	mux.HandleFunc("GET /export.json", v.serveJSON)
	return mux
}

// render executes t into a buffer first, so that a failure gives a clean
// error page.
func render(w http.ResponseWriter, t *template.Template, data any) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}

func (v *viewer) serveOverview(w http.ResponseWriter, r *http.Request) {
	render(w, overviewPage, v.overview(v.scan.snapshot(), false))
}

func (v *viewer) writeReport(path string, sn snapshot) error {
	var buf bytes.Buffer
	if err := overviewPage.ExecuteTemplate(&buf, "layout", v.overview(sn, true)); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// Transactions.

var txPage = template.Must(template.Must(pages.Clone()).Parse(`{{define "body"}}
<form class="filters" method="get" action="/transactions">
<label>bytes ≥ <input name="min_bytes" value="{{.MinBytes}}"></label>
<label>rows ≥ <input name="min_rows" value="{{.MinRows}}"></label>
<label>duration ≥ <input name="min_duration" value="{{.MinDuration}}" placeholder="1s"></label>
<label>at most <input name="limit" value="{{.Limit}}"></label>
<button>Show</button></form>
{{if .Err}}<p class="err">{{.Err}}</p>{{end}}
{{if .Thresholds}}<h2>{{len .List}} transactions at or over the thresholds{{if .More}} (the first {{.Limit}}){{end}}</h2>
{{template "txtable" (txlist .List true)}}
{{else}}<h2>Biggest transactions</h2>{{template "txtable" (txlist .Stats.Biggest true)}}
<h2>Longest transactions</h2>{{template "txtable" (txlist .Stats.Longest true)}}{{end}}
{{end}}`))

type txData struct {
	layout
	MinBytes, MinRows, MinDuration, Limit string
	Thresholds, More                      bool
	List                                  []stats.Tx
	Stats                                 *stats.Stats
	Err                                   error
}

func (v *viewer) serveTransactions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &txData{layout: layout{Title: "Transactions", Input: v.in.describe()},
		MinBytes: q.Get("min_bytes"), MinRows: q.Get("min_rows"), MinDuration: q.Get("min_duration"), Limit: q.Get("limit")}
	d.Stats = v.scan.snapshot().Stats
	minBytes, err1 := parseInt(d.MinBytes)
	minRows, err2 := parseInt(d.MinRows)
	limit, err3 := parseInt(d.Limit)
	var minDur time.Duration
	var err4 error
	if d.MinDuration != "" {
		if minDur, err4 = time.ParseDuration(d.MinDuration); err4 != nil {
			if n, err := strconv.ParseFloat(d.MinDuration, 64); err == nil {
				minDur, err4 = time.Duration(n*float64(time.Second)), nil
			}
		}
	}
	if d.Err = errors.Join(err1, err2, err3, err4); d.Err != nil {
		w.WriteHeader(http.StatusBadRequest)
		render(w, txPage, d)
		return
	}
	if limit <= 0 {
		limit = 200
	}
	d.Limit = strconv.FormatInt(limit, 10)
	d.Thresholds = minBytes > 0 || minRows > 0 || minDur > 0
	if d.Thresholds {
		d.Err = v.eachTx(r.Context(), func(t *stats.Tx) bool {
			if t.Bytes >= minBytes && t.Rows >= minRows && t.Duration >= minDur {
				if int64(len(d.List)) == limit {
					d.More = true
					return false
				}
				d.List = append(d.List, *t)
			}
			return true
		})
	}
	render(w, txPage, d)
}

func parseInt(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	return strconv.ParseInt(s, 10, 64)
}

// eachTx calls fn with every transaction of the scanned log (row values not
// decoded), until fn returns false.
func (v *viewer) eachTx(ctx context.Context, fn func(*stats.Tx) bool) error {
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	src, c, err := v.in.open(ctx, v.in.first(), false)
	if err != nil {
		return err
	}
	defer c.Close()
	stop := false
	_, err = stats.Collect(&bounded{src: src, end: v.scan.limit()}, &stats.Options{OnTx: func(t *stats.Tx) {
		if !stop && !fn(t) {
			stop = true
			cancel()
		}
	}})
	if stop {
		return nil
	}
	return err
}

// Events.

var eventsPage = template.Must(template.Must(pages.Clone()).Parse(`{{define "body"}}
<form class="filters" method="get" action="/events">
<label>database <input name="db" value="{{.Get "db"}}"></label>
<label>table <input name="table" value="{{.Get "table"}}"></label>
<label>kind <input name="kind" value="{{.Get "kind"}}" placeholder="insert,update,delete,ddl,other"></label>
<label>from time <input name="start" value="{{.Get "start"}}"></label>
<label>to time <input name="stop" value="{{.Get "stop"}}"></label>
<label>from position <input name="start_pos" value="{{.Get "start_pos"}}"></label>
<label>to position <input name="stop_pos" value="{{.Get "stop_pos"}}"></label>
<label>GTID set <input name="gtid" value="{{.Get "gtid"}}"></label>
<label>search <input name="q" value="{{.Get "q"}}"></label>
<button>Filter</button> <a href="/events">clear</a></form>
{{if .Err}}<p class="err" id="error">{{.Err}}</p>{{end}}
<p>Export this selection (every page): <a id="export-csv" href="/export.csv?{{.Query}}">CSV</a> · <a id="export-json" href="/export.json?{{.Query}}">JSON</a></p>
{{if .PageLinks}}<p class="pages">Pages: {{range .PageLinks}}{{if .Current}}<b>{{.N}}</b>{{else}}<a href="/events?{{.Query}}">{{.N}}</a>{{end}} {{end}}</p>{{end}}
<div id="events">
{{range .Events}}<div class="event" data-id="{{.ID}}"><span class="h">{{.ID}}</span> {{ts .Time}} <b>{{.Type}}</b> server {{.ServerID}} {{with .GTID}}GTID {{.}}{{end}}<pre>{{.Text}}</pre></div>
{{else}}<p id="no-events">No events.</p>{{end}}
</div>
{{if .Next}}<p><a id="next" href="/events?{{.Next}}">Next page →</a></p>{{else}}<p id="last-page">End of the selection.</p>{{end}}
{{end}}`))

type eventView struct {
	ID       string
	Time     time.Time
	Type     string
	ServerID uint32
	GTID     string
	Text     string
}

type pageLink struct {
	N       int
	Query   template.URL
	Current bool
}

type eventsData struct {
	layout
	sel       *selection
	Query     template.URL
	Events    []eventView
	Next      template.URL
	PageLinks []pageLink
	Err       error
}

func (d *eventsData) Get(k string) string {
	if d.sel == nil {
		return ""
	}
	return d.sel.values.Get(k)
}

// maxEventText bounds the text shown for one event.
const maxEventText = 64 << 10

func (v *viewer) firstFile() string { return v.in.first().File }

func (v *viewer) serveEvents(w http.ResponseWriter, r *http.Request) {
	d := &eventsData{layout: layout{Title: "Events", Input: v.in.describe()}}
	sel, err := parseSelection(r.URL.Query(), v.firstFile())
	if err != nil {
		d.Err = err
		w.WriteHeader(http.StatusBadRequest)
		render(w, eventsPage, d)
		return
	}
	d.sel, d.Query = sel, template.URL(sel.query(eventID{}))
	ctx, cancel := context.WithTimeout(r.Context(), readTimeout)
	defer cancel()
	var buf []byte
	n := 0
	next, err := v.read(ctx, sel, func(ev *binlog.Event) bool {
		buf = eventfmt.AppendText(buf[:0], ev, &eventfmt.TextOptions{ColumnNames: true})
		text := string(buf)
		if len(text) > maxEventText {
			text = text[:maxEventText] + fmt.Sprintf("\n… %d more bytes", len(text)-maxEventText)
		}
		e := eventView{ID: idOf(ev).String(), Time: ev.Header.Time(), Type: ev.Type().String(), ServerID: ev.Header.ServerID, Text: text}
		if g, ok := ev.Payload.(*binlog.GTID); ok {
			e.GTID = g.String()
		}
		d.Events = append(d.Events, e)
		n++
		return n < pageSize
	})
	d.Err = err
	if next != (eventID{}) {
		d.Next = template.URL(sel.query(next))
	}
	if len(sel.values) == 0 {
		d.PageLinks = v.pageLinks(sel.from)
	}
	render(w, eventsPage, d)
}

// pageLinks returns links to the pages of the whole log around the one
// holding from: the first, ten on each side, and the last.
func (v *viewer) pageLinks(from eventID) []pageLink {
	_, cur, ok := v.scan.pageFor(from)
	if !ok {
		return nil
	}
	total := v.scan.snapshot().Pages
	var out []pageLink
	add := func(i int, p page) {
		out = append(out, pageLink{N: i + 1, Query: template.URL("from=" + p.First.String()), Current: i == cur})
	}
	lo := max(0, cur-10)
	if lo > 0 {
		add(0, v.scan.pageList(0, 1)[0])
	}
	for i, p := range v.scan.pageList(lo, 21) {
		add(lo+i, p)
	}
	if last := total - 1; last > lo+20 {
		add(last, v.scan.pageList(last, 1)[0])
	}
	return out
}

// Exports: streamed, one event at a time.

func (v *viewer) serveCSV(w http.ResponseWriter, r *http.Request) {
	sel, err := parseSelection(r.URL.Query(), v.firstFile())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="binlog-events.csv"`)
	cw := csv.NewWriter(w)
	cw.Write([]string{"file", "offset", "payload_index", "time", "type", "server_id", "database", "table", "kind", "rows", "gtid", "statement"})
	_, err = v.read(r.Context(), sel, func(ev *binlog.Event) bool {
		rec := []string{ev.File, strconv.FormatInt(ev.Offset, 10), strconv.Itoa(ev.PayloadIndex),
			ev.Header.Time().Format(time.RFC3339), ev.Type().String(), strconv.FormatUint(uint64(ev.Header.ServerID), 10),
			"", "", "", "", "", ""}
		switch p := ev.Payload.(type) {
		case *binlog.Rows:
			rec[6], rec[7], rec[8], rec[9] = p.Table.Schema, p.Table.Table, rowsKindName(p.Kind), strconv.Itoa(len(p.Rows))
		case *binlog.TableMap:
			rec[6], rec[7] = p.Schema, p.Table
		case *binlog.Query:
			rec[6], rec[11] = p.Schema, p.Query
		case *binlog.RowsQuery:
			rec[11] = string(p.Query)
		case *binlog.GTID:
			rec[10] = p.String()
		}
		cw.Write(rec)
		return cw.Error() == nil
	})
	cw.Flush()
	if err != nil {
		// The header is sent: say it in the body.
		fmt.Fprintf(w, "# error: %v\n", err)
	}
}

func rowsKindName(k binlog.RowsKind) string {
	switch k {
	case binlog.Insert:
		return stats.KindInsert
	case binlog.Update:
		return stats.KindUpdate
	case binlog.Delete:
		return stats.KindDelete
	}
	return k.String()
}

func (v *viewer) serveJSON(w http.ResponseWriter, r *http.Request) {
	sel, err := parseSelection(r.URL.Query(), v.firstFile())
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="binlog-events.json"`)
	io.WriteString(w, "[")
	var buf []byte
	first := true
	_, err = v.read(r.Context(), sel, func(ev *binlog.Event) bool {
		buf = buf[:0]
		if !first {
			buf = append(buf, ",\n"...)
		}
		first = false
		buf = eventfmt.AppendJSON(buf, ev)
		_, werr := w.Write(buf)
		return werr == nil
	})
	io.WriteString(w, "]\n")
	_ = err // the array is closed; a failure shows as a shorter export
}
