package main

import (
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/internal/crafted"
)

// TestCraftedListing lists binlogs whose events hold hostile text
// (internal/crafted: GTID tags, names and file names with line breaks,
// Rows_query and Annotate texts, statements with ";" in bodies and
// strings, statements ending in comments, client commands) and applies
// the listing through the mariadb client with --force, in its default
// mode and with --binary-mode, as "mysqlbinlog | mysql" is used: it must
// run the statements the log holds and nothing else (the victim's
// checksum, the schema objects and a sentinel file a shell command would
// create are compared before and after). A binlog that does not read ends
// the listing with the error and status 1.
func TestCraftedListing(t *testing.T) {
	g := crafted.NewTarget(t)
	for _, c := range crafted.Cases(g.Sentinel) {
		t.Run(c.Name, func(t *testing.T) {
			path := c.Write(t, t.TempDir())
			code, text, stderr := runCmd("--names", path)
			if c.ReadErr != nil {
				if code != 1 || !strings.Contains(stderr, c.ReadErr.Error()) {
					t.Errorf("status %d, stderr %q; want 1 and the error %q", code, stderr, c.ReadErr)
				}
			} else if code != 0 || stderr != "" {
				t.Fatalf("status %d, stderr %q", code, stderr)
			}
			if !strings.HasPrefix(text, "DELIMITER /*!*/;\n") || !strings.HasSuffix(text, "DELIMITER ;\n") {
				t.Errorf("listing does not start with DELIMITER /*!*/; and end with DELIMITER ;:\n%s", text)
			}
			objects := c.Objects
			if c.ReadErr != nil {
				objects = nil
			}
			for _, mode := range crafted.Modes {
				mode.Force = true // GTID_NEXT of a MySQL listing fails on MariaDB
				g.Reset(t)
				before := g.Snapshot(t)
				out, _ := g.Apply(text, mode)
				g.Check(t, "listing, client "+mode.String(), before, objects, nil)
				if t.Failed() {
					t.Logf("client output:\n%s\nlisting:\n%s", out, text)
					return
				}
			}
		})
	}
}
