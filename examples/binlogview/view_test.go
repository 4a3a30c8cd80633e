package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/stats"
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/binlogkit/binlogkit/internal/workload"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
)

// requireChromium makes the browser tests fail instead of skipping when
// chromium is missing (CI sets it).
const requireChromium = "BINLOGKIT_REQUIRE_CHROMIUM"

// browser returns a chromedp context on a headless chromium, or skips.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv(requireChromium) != "" {
			t.Fatalf("chromium not found and %s is set: %v", requireChromium, err)
		}
		t.Skipf("chromium not found (apt-get install chromium; set %s=1 to fail instead): %v", requireChromium, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	bctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return bctx
}

// serve runs binlogview in the test process on a free port and returns its
// base URL once the first pass is done.
func serve(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"--listen", "127.0.0.1:0"}, args...), io.Discard, io.Discard, func(a string) { ready <- a })
	}()
	t.Cleanup(func() { cancel(); <-done })
	var base string
	select {
	case a := <-ready:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("binlogview: %v", err)
	}
	waitDone(t, base, 60*time.Second)
	return base
}

// waitDone polls the overview until the first pass is over.
func waitDone(t *testing.T, base string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if strings.Contains(get(t, base+"/"), `data-done="true"`) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("the first pass did not end in %s", limit)
}

func get(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %v\n%s", u, resp.Status, err, b)
	}
	return string(b)
}

// direct returns the ids of the events binlog.Filter selects from paths.
func direct(t *testing.T, paths []string, fo *binlog.FilterOptions) []string {
	t.Helper()
	cr, err := binlog.OpenChain(paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cr.Close()
	f, err := binlog.NewFilter(cr, fo)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for ev, err := range f.All() {
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := ev.Payload.(*binlog.Heartbeat); !ok {
			ids = append(ids, idOf(ev).String())
		}
	}
	return ids
}

// walk follows the "next" links of the events page from u in the browser
// and returns the ids of the events shown.
func walk(t *testing.T, bctx context.Context, u string) (ids []string, pages int) {
	t.Helper()
	for u != "" {
		if err := chromedp.Do(bctx, chromedp.Navigate(u)); err != nil {
			t.Fatal(err)
		}
		page, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#events .event')].map(e => e.dataset.id)`))
		if err != nil {
			t.Fatal(err)
		}
		next, err := chromedp.Run(bctx, chromedp.Evaluate[string](`(document.getElementById('next') || {}).href || ''`))
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > pageSize {
			t.Fatalf("%s: %d events on a page", u, len(page))
		}
		ids = append(ids, page...)
		pages++
		u = next
	}
	return ids, pages
}

func screenshot(t *testing.T, bctx context.Context, dir, name, u string) {
	t.Helper()
	if err := chromedp.Do(bctx, chromedp.Navigate(u)); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestBrowser(t *testing.T) {
	bctx := browser(t)
	srv := testserver.Start(t, nil)
	wl := workload.Record(t, srv, 7, &workload.Options{Transactions: 200})
	paths := wl.Paths
	base := serve(t, paths...)

	want, err := stats.Collect(mustChain(t, paths), nil)
	if err != nil {
		t.Fatal(err)
	}

	// The overview: totals and charts.
	type overviewGot struct {
		Events, Rows, Transactions string
		TimeBars, TableBars        int
	}
	if err := chromedp.Do(bctx, chromedp.Navigate(base+"/")); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(bctx, chromedp.Evaluate[overviewGot](`({
		Events: document.getElementById('total-events').textContent,
		Rows: document.getElementById('total-rows').textContent,
		Transactions: document.getElementById('total-transactions').textContent,
		TimeBars: document.querySelectorAll('#time-chart rect.bar').length,
		TableBars: document.querySelectorAll('#table-chart g.bar').length,
	})`))
	if err != nil {
		t.Fatal(err)
	}
	tables := len(tableRows(want))
	wantGot := fmt.Sprintf("%d %d %d %d %d", want.Events, want.Rows, want.Transactions, len(want.Buckets), min(tables, maxTableBars))
	if g := fmt.Sprintf("%s %s %s %d %d", got.Events, got.Rows, got.Transactions, got.TimeBars, got.TableBars); g != wantGot {
		t.Errorf("overview: events rows transactions time-bars table-bars = %s, want %s", g, wantGot)
	}
	if got.TimeBars == 0 || got.TableBars == 0 {
		t.Errorf("empty charts: %+v", got)
	}

	// Filters: exactly what binlog.Filter selects, over every page.
	filters := []struct {
		query string
		fo    binlog.FilterOptions
	}{
		{"db=" + wl.DB + "&kind=update", binlog.FilterOptions{IncludeDatabases: []string{wl.DB}, Kinds: binlog.StmtUpdate}},
		{"table=" + url.QueryEscape(wl.DB+".t_int") + "&kind=insert,delete", binlog.FilterOptions{IncludeTables: []string{wl.DB + ".t_int"}, Kinds: binlog.StmtInsert | binlog.StmtDelete}},
		{"start_pos=" + url.QueryEscape(fmt.Sprintf("%s:%d", binlog.LogName(paths[0]), want.Biggest[0].Begin.Offset)),
			binlog.FilterOptions{StartPosition: binlog.Position{File: binlog.LogName(paths[0]), Offset: want.Biggest[0].Begin.Offset}}},
	}
	for _, f := range filters {
		wantIDs := direct(t, paths, &f.fo)
		gotIDs, pages := walk(t, bctx, base+"/events?"+f.query)
		if d := cmp.Diff(wantIDs, gotIDs); d != "" {
			t.Errorf("events?%s: mismatch with binlog.Filter (-want +got):\n%s", f.query, d)
		}
		t.Logf("events?%s: %d events on %d pages", f.query, len(gotIDs), pages)
	}

	// Pagination of the whole log reaches the last event.
	all := direct(t, paths, nil)
	gotAll, pages := walk(t, bctx, base+"/events")
	if len(gotAll) != len(all) || gotAll[len(gotAll)-1] != all[len(all)-1] {
		t.Errorf("paging the whole log: %d events ending at %s; want %d ending at %s", len(gotAll), gotAll[len(gotAll)-1], len(all), all[len(all)-1])
	}
	if pages < 2 {
		t.Errorf("%d pages: want several", pages)
	}

	// The CSV export of a filtered view.
	body := get(t, base+"/export.csv?"+filters[0].query)
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wantIDs := direct(t, paths, &filters[0].fo)
	var csvIDs []string
	for _, r := range recs[1:] {
		id := r[0] + ":" + r[1]
		if r[2] != "0" {
			id += ":" + r[2]
		}
		csvIDs = append(csvIDs, id)
	}
	if d := cmp.Diff(wantIDs, csvIDs); d != "" {
		t.Errorf("CSV export mismatch (-want +got):\n%s", d)
	}
	var updates int
	for _, r := range recs[1:] {
		if r[8] == stats.KindUpdate {
			n, _ := strconv.Atoi(r[9])
			updates += n
		}
	}
	var wantUpdates int64
	for _, tb := range want.Tables {
		if tb.Database == wl.DB && tb.Kind == stats.KindUpdate {
			wantUpdates += tb.Rows
		}
	}
	if int64(updates) != wantUpdates {
		t.Errorf("CSV export: %d updated rows, statistics say %d", updates, wantUpdates)
	}

	// The transactions page with thresholds.
	big := want.Biggest[0]
	page := get(t, base+fmt.Sprintf("/transactions?min_bytes=%d", big.Bytes))
	if !strings.Contains(page, big.Begin.String()) {
		t.Errorf("transactions?min_bytes=%d does not list %s", big.Bytes, big.Begin)
	}

	dir, err := os.MkdirTemp("", "binlogview-screenshots-")
	if err != nil {
		t.Fatal(err)
	}
	screenshot(t, bctx, dir, "overview.png", base+"/")
	screenshot(t, bctx, dir, "transactions.png", base+"/transactions")
	screenshot(t, bctx, dir, "events.png", base+"/events?"+filters[0].query)
	t.Logf("screenshots in %s", dir)
}

func mustChain(t *testing.T, paths []string) *binlog.ChainReader {
	t.Helper()
	cr, err := binlog.OpenChain(paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cr.Close() })
	return cr
}
