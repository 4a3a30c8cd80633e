package stats

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// WriteText writes s as plain-text tables: totals, files, tables, the top
// lists and the DDL statements (not the time buckets).
func (s *Stats) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	p := func(format string, a ...any) { fmt.Fprintf(tw, format, a...) }
	p("span\t%s\t%s\n", fmtTime(s.First), fmtTime(s.Last))
	p("events\t%d\n", s.Events)
	p("bytes\t%d\n", s.Bytes)
	p("rows\t%d\t(insert %d, update %d, delete %d)\n", s.Rows, s.Inserts, s.Updates, s.Deletes)
	p("transactions\t%d\t(rolled back %d, unfinished %d)\n", s.Transactions, s.RolledBack, s.Unfinished)
	p("\nFILE\tEVENTS\tBYTES\tFIRST\tLAST\n")
	for _, f := range s.Files {
		p("%s\t%d\t%d\t%s\t%s\n", f.Name, f.Events, f.Bytes, fmtTime(f.First), fmtTime(f.Last))
	}
	p("\nDATABASE\tTABLE\tKIND\tEVENTS\tROWS\tBYTES\n")
	for _, t := range s.Tables {
		p("%s\t%s\t%s\t%d\t%d\t%d\n", t.Database, t.Table, t.Kind, t.Events, t.Rows, t.Bytes)
	}
	txs := func(title string, l []Tx) {
		p("\n%s\tBEGIN\tEND\tGTID\tSTART\tDURATION\tEVENTS\tROWS\tBYTES\tTABLES\n", title)
		for i, t := range l {
			p("%d\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\n", i+1, t.Begin, t.End, t.GTID, fmtTime(t.Start),
				t.Duration, t.Events, t.Rows, t.Bytes, t.TableCount)
		}
	}
	txs("BIGGEST", s.Biggest)
	txs("LONGEST", s.Longest)
	p("\nLARGEST ROWS\tPOSITION\tGTID\tTIME\tTABLE\tKIND\tROWS\tBYTES\n")
	for i, r := range s.LargestRows {
		p("%d\t%s\t%s\t%s\t%s.%s\t%s\t%d\t%d\n", i+1, r.Position, r.GTID, fmtTime(r.Time), r.Database, r.Table,
			r.Kind, r.Rows, r.Bytes)
	}
	p("\nDDL\tPOSITION\tGTID\tTIME\tDATABASE\tTABLE\tSTATEMENT\n")
	for i, d := range s.DDL {
		p("%d\t%s\t%s\t%s\t%s\t%s\t%s\n", i+1, d.Position, d.GTID, fmtTime(d.Time), d.Database, d.Table,
			oneLine(d.Statement))
	}
	if s.DDLOmitted > 0 {
		p("…\t%d more\n", s.DDLOmitted)
	}
	return tw.Flush()
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

// oneLine replaces line breaks and tabs, which would break the table.
func oneLine(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == '\n' || c == '\r' || c == '\t' {
			b[i] = ' '
		}
	}
	return string(b)
}
