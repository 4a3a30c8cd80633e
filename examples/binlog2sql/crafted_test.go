package main

import (
	"errors"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/crafted"
	"github.com/binlogkit/binlogkit/internal/sqlscript"
)

// TestCraftedInput runs binlog2sql, forward and -B, on binlogs whose
// events hold hostile text (internal/crafted: GTID tags with line breaks,
// procedure bodies, statements ending in comments, DELIMITER in strings,
// names with backquotes, line breaks and */, file names with line breaks,
// client commands), and applies its output through the mariadb client, in
// its default mode and with --binary-mode, to a server with a victim
// database. Each case must end in the typed error it expects, or in SQL
// that runs what the log holds and nothing else: the victim's checksum,
// the schema objects and a sentinel file a shell command would create are
// compared before and after, and the expected effects checked.
func TestCraftedInput(t *testing.T) {
	g := crafted.NewTarget(t)
	for _, c := range crafted.Cases(g.Sentinel) {
		t.Run(c.Name, func(t *testing.T) {
			path := c.Write(t, t.TempDir())
			fwd, err := runSQL(t, path)
			switch {
			case c.ReadErr != nil:
				var ee *binlog.EventError
				if !errors.Is(err, c.ReadErr) || !errors.As(err, &ee) || ee.File != c.File || ee.Offset == 0 {
					t.Errorf("error %v; want an *binlog.EventError of %q at the bad event wrapping %v", err, c.File, c.ReadErr)
				}
			case c.Unsafe:
				if !errors.Is(err, sqlscript.ErrUnsafe) {
					t.Errorf("error %v; want one wrapping sqlscript.ErrUnsafe", err)
				}
			case err != nil:
				t.Fatalf("binlog2sql: %v", err)
			}
			if err != nil {
				return
			}
			if c.ReadErr != nil || c.Unsafe {
				// SQL where an error was due: show what applying it does.
				g.Reset(t)
				before := g.Snapshot(t)
				out, _ := g.Apply(fwd, crafted.Mode{Force: true})
				g.Check(t, "forward SQL applied with --force", before, c.Objects, nil)
				t.Logf("client output:\n%s\nscript:\n%s", out, fwd)
				return
			}
			var back string
			if c.Rows {
				if back, err = runSQL(t, "-B", path); err != nil {
					t.Fatalf("binlog2sql -B: %v", err)
				}
			}
			for _, mode := range crafted.Modes {
				g.Reset(t)
				before := g.Snapshot(t)
				if out, err := g.Apply(fwd, mode); err != nil {
					t.Errorf("forward SQL, client %v: %v\n%s\nscript:\n%s", mode, err, out, fwd)
				}
				g.Check(t, "forward SQL, client "+mode.String(), before, c.Objects, c.Forward)
				if !c.Rows {
					continue
				}
				before = g.Snapshot(t)
				if out, err := g.Apply(back, mode); err != nil {
					t.Errorf("-B SQL, client %v: %v\n%s\nscript:\n%s", mode, err, out, back)
				}
				g.Check(t, "-B SQL, client "+mode.String(), before, nil, c.Back)
			}
		})
	}
}
