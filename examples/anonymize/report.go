package main

import (
	"fmt"
	"io"

	"github.com/binlogkit/binlogkit/anonymize"
)

// printReport prints the counts of r per rule and per table on w (unless
// quiet) and returns the rules that matched nothing.
func printReport(w io.Writer, r anonymize.Report, quiet bool) []string {
	if !quiet {
		fmt.Fprintf(w, "%10s %10s %10s  %s\n", "matched", "masked", "skipped", "rule")
		for _, rc := range r.Rules {
			fmt.Fprintf(w, "%10d %10d %10d  %s\n", rc.Matched, rc.Masked, rc.Skipped, rc.Name)
		}
		fmt.Fprintf(w, "%10s %10s %10s  %s\n", "matched", "masked", "skipped", "table")
		for _, tc := range r.Tables {
			name := tc.Table
			if name == "" {
				name = "(statement text)"
			}
			fmt.Fprintf(w, "%10d %10d %10d  %s\n", tc.Matched, tc.Masked, tc.Skipped, name)
		}
		fmt.Fprintf(w, "statements masked: %d, dropped: %d\n", r.StatementsMasked, r.StatementsDropped)
	}
	return r.Unmatched()
}
