// Package layout_test checks the shape of the house drawn in DESIGN.md:
// which modules each public package pays for, and that imports point
// down the package list only. It asks the go command, so it runs where
// the tests run and needs no server.
package layout_test

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/binlogkit/binlogkit"

// pkg is what `go list -deps -json` says of one package.
type pkg struct {
	ImportPath string
	Imports    []string
	Module     *struct{ Path string }
	Standard   bool
}

// list returns the packages of `go list -deps` for patterns.
func list(t *testing.T, patterns ...string) []pkg {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-deps", "-json=ImportPath,Imports,Module,Standard"}, patterns...)...)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("go list: %v\n%s", err, stderr)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// modules returns the modules other than this one that pattern depends on.
func modules(t *testing.T, pattern string) []string {
	var mods []string
	for _, p := range list(t, pattern) {
		if p.Module != nil && p.Module.Path != module && !slices.Contains(mods, p.Module.Path) {
			mods = append(mods, p.Module.Path)
		}
	}
	slices.Sort(mods)
	return mods
}

// TestCoreModules: a program that only reads files imports binlog, which
// needs the standard library, the compressors and x/text, nothing else.
func TestCoreModules(t *testing.T) {
	allowed := []string{"github.com/klauspost/compress", "github.com/pierrec/lz4/v4", "github.com/ulikunitz/xz", "golang.org/x/text"}
	for _, p := range []string{module + "/binlog", module + "/rowevent", module + "/flashback"} {
		for _, m := range modules(t, p) {
			if !slices.Contains(allowed, m) {
				t.Errorf("%s depends on module %s; the core may use only %v", p, m, allowed)
			}
		}
	}
}

// TestNoAWS: only archive/s3 pays for the AWS SDK, and only binlog/live
// and its users for the replication client: a user of archive with a
// directory store pays for neither.
func TestNoAWS(t *testing.T) {
	for _, p := range []string{module + "/binlog/...", module + "/rowevent", module + "/flashback", module + "/archive", module + "/anonymize"} {
		for _, m := range modules(t, p) {
			if strings.Contains(m, "aws") {
				t.Errorf("%s depends on %s", p, m)
			}
			if p == module+"/archive" && (strings.Contains(m, "go-mysql") || strings.Contains(m, "tidb")) {
				t.Errorf("archive depends on %s: live archiving belongs in archive/remote", m)
			}
		}
	}
}

// rank orders the packages as DESIGN.md lists them, lowest first: a
// package may import only packages of a lower rank (internal leaves are
// below everything, examples above everything).
var rank = map[string]int{
	"binlog":               1,
	"binlog/live":          2,
	"binlog/schemahistory": 2,
	"binlog/binlogtest":    2,
	"binlog/stats":         2,
	"rowevent":             3,
	"flashback":            4,
	"anonymize":            4,
	"archive":              4,
	"binlog/cdc":           4,
	"archive/s3":           5,
	"archive/remote":       5,
	"binlog/cdc/audit":     5,
	"binlog/cdc/natssink":  5,
}

// TestImportsPointDown checks that no public package imports a package
// at its own level or above, and that no library package imports an
// example or the test harness.
func TestImportsPointDown(t *testing.T) {
	for _, p := range list(t, module+"/...") {
		rel, ok := strings.CutPrefix(p.ImportPath, module+"/")
		if !ok {
			continue
		}
		r, public := rank[rel]
		for _, imp := range p.Imports {
			irel, ok := strings.CutPrefix(imp, module+"/")
			if !ok {
				continue
			}
			if strings.HasPrefix(irel, "examples/") {
				t.Errorf("%s imports the example %s", rel, irel)
			}
			if !strings.HasPrefix(rel, "examples/") && !strings.HasPrefix(rel, "internal/") &&
				(strings.HasPrefix(irel, "internal/testserver") || strings.HasPrefix(irel, "internal/workload") || strings.HasPrefix(irel, "internal/cmd")) {
				t.Errorf("library package %s imports the test harness %s", rel, irel)
			}
			ir, ipublic := rank[irel]
			if public && ipublic && ir >= r {
				t.Errorf("%s imports %s: imports point down the package list of DESIGN.md only", rel, irel)
			}
			if strings.HasPrefix(rel, "internal/") && ipublic && !isHarness(rel) {
				t.Errorf("internal leaf %s imports the public package %s", rel, irel)
			}
		}
	}
}

// isHarness reports whether the internal package rel is test harness or
// a tool (which may use the public packages), not a leaf.
func isHarness(rel string) bool {
	for _, h := range []string{"internal/testserver", "internal/workload", "internal/cmd/", "internal/crafted", "internal/testbinlog", "internal/eventfmt", "internal/schemaload", "internal/cliflag", "internal/layout"} {
		if strings.HasPrefix(rel, h) {
			return true
		}
	}
	return false
}
