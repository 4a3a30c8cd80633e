package binlog

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The regression tests of issue 9, item 5 ("a checkpoint that does not
// belong is refused"), for LoadCheckpoint and SaveCheckpoint. They use only
// what the package had before the fix (and ErrBadCheckpoint), so that they
// can be run against the old code.

// TestLoadCheckpointStrict: a file that is not a checkpoint of the
// documented format is refused, never taken for a position: "null" and
// "xyzzy" loaded as FILE:4, "{}" as "start from the beginning".
func TestLoadCheckpointStrict(t *testing.T) {
	const good = `{"version":1,"server":{"flavor":"mariadb","server_id":1},"file":"binlog.000001","offset":330,"gtids":"0-1-5"}`
	dir := t.TempDir()
	path := filepath.Join(dir, "cp.json")
	if err := os.WriteFile(path, []byte(good+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if cp, err := LoadCheckpoint(path); err != nil || cp.Position != (Position{"binlog.000001", 330}) || cp.GTIDs.String() != "0-1-5" {
		t.Fatalf("LoadCheckpoint(%s) = %+v, %v", good, cp, err)
	}
	for _, bad := range []string{
		"null",
		"xyzzy",
		"{}",
		"",
		" \n",
		"[]",
		`"binlog.000001:4"`,
		"binlog.000001:4",
		"binlog.000001:4 gtids=0-1-1",         // the former text form
		`{"file":"binlog.000001","offset":4}`, // no version
		`{"version":2,"file":"binlog.000001","offset":4}`,   // a later format
		`{"version":"1","file":"binlog.000001","offset":4}`, // wrong type
		`{"version":1.5,"file":"binlog.000001","offset":4}`, // not an integer
		`{"version":1}`,                                                  // nothing to resume from
		`{"version":1,"file":"binlog.000001"}`,                           // no offset
		`{"version":1,"offset":4}`,                                       // no file
		`{"version":1,"file":"binlog.000001","offset":0}`,                // before the magic
		`{"version":1,"file":"binlog.000001","offset":-8}`,               // negative
		`{"version":1,"file":"binlog.000001","offset":4e2}`,              // not an integer
		`{"version":1,"file":"","offset":4}`,                             // empty name
		`{"version":1,"file":"../binlog.000001","offset":4}`,             // a path
		`{"version":1,"file":"bin\nlog.000001","offset":4}`,              // a control character
		`{"version":1,"file":null,"offset":4}`,                           // null
		`{"version":1,"file":"binlog.000001","offset":4,"offset":900}`,   // repeated
		`{"version":1,"file":"binlog.000001","offset":4,"File":"x"}`,     // unknown (case matters)
		`{"version":1,"file":"binlog.000001","offset":4,"bogus":1}`,      // unknown
		`{"version":1,"file":"binlog.000001","offset":4} {}`,             // trailing data
		`{"version":1,"file":"binlog.000001","offset":4}x`,               // trailing data
		`{"version":1,"file":"binlog.000001","offset":4,"gtids":"zz"}`,   // bad GTID set
		`{"version":1,"file":"binlog.000001","offset":4,"gtids":null}`,   // null
		`{"version":1,"file":"binlog.000001","offset":4,"time":"today"}`, // bad time
		`{"version":1,"file":"binlog.000001","offset":4,"extra":null}`,   // null
		`{"version":1,"file":"binlog.000001","offset":4,"server":{}}`,    // incomplete server
		`{"version":1,"file":"binlog.000001","offset":4,"server":null}`,  // null
		`{"version":1,"file":"binlog.000001","offset":4,"server":{"flavor":"mysql"}}`,
		`{"version":1,"file":"binlog.000001","offset":4,"server":{"flavor":"oracle","server_id":1}}`,
		`{"version":1,"file":"binlog.000001","offset":4,"server":{"flavor":"mysql","server_id":-1}}`,
		`{"version":1,"file":"binlog.000001","offset":4,"server":{"flavor":"mysql","server_id":1,"uuid":"x"}}`,
		"{\"version\":1,\"file\":\"b\xff.000001\",\"offset\":4}", // not UTF-8
	} {
		if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		cp, err := LoadCheckpoint(path)
		switch {
		case err == nil:
			t.Errorf("LoadCheckpoint(%q) accepted it: %+v; want ErrBadCheckpoint", bad, cp)
		case !errors.Is(err, ErrBadCheckpoint):
			t.Errorf("LoadCheckpoint(%q): %v; want ErrBadCheckpoint", bad, err)
		}
		var c Checkpoint
		if err := json.Unmarshal([]byte(bad), &c); err == nil {
			t.Errorf("json.Unmarshal(%q) accepted it: %+v", bad, c)
		}
	}
}

// TestSaveCheckpointLoadsBack: SaveCheckpoint writes nothing that
// LoadCheckpoint would refuse or read back differently.
func TestSaveCheckpointLoadsBack(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cp.json")
	good := &Checkpoint{Position: Position{File: "binlog.000001", Offset: 4}}
	if err := SaveCheckpoint(path, good); err != nil {
		t.Fatal(err)
	}
	saved, _ := os.ReadFile(path)

	// A GTID set whose text does not parse (a tag from a crafted event).
	tagged := &GTIDSet{}
	tagged.Add(&GTID{SID: [16]byte{1}, Tag: "not a tag", GNO: 5})
	for name, cp := range map[string]*Checkpoint{
		"newline in name":   {Position: Position{File: "binlog.000001\nx", Offset: 4}},
		"invalid UTF-8":     {Position: Position{File: "binlog\xff.000001", Offset: 4}},
		"path":              {Position: Position{File: "/var/lib/mysql/binlog.000001", Offset: 4}},
		"no name":           {Position: Position{Offset: 120}},
		"offset 0":          {Position: Position{File: "binlog.000001"}},
		"unparsable GTIDs":  {Position: Position{File: "binlog.000001", Offset: 4}, GTIDs: tagged},
		"nothing to resume": {},
		"extra not JSON":    {Position: Position{File: "binlog.000001", Offset: 4}, Extra: json.RawMessage("{")},
		"extra null":        {Position: Position{File: "binlog.000001", Offset: 4}, Extra: json.RawMessage("null")},
		"time out of range": {Position: Position{File: "binlog.000001", Offset: 4}, Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		err := SaveCheckpoint(path, cp)
		if err == nil {
			// Whatever is saved must load back as it was.
			got, lerr := LoadCheckpoint(path)
			if lerr != nil {
				t.Errorf("%s: SaveCheckpoint(%+v) saved what LoadCheckpoint refuses: %v", name, cp, lerr)
			} else if diff := cmp.Diff(cp, got, cpComparer); diff != "" {
				t.Errorf("%s: saved and loaded back differently (-saved +loaded):\n%s", name, diff)
			}
			t.Errorf("%s: SaveCheckpoint(%+v) succeeded, want ErrBadCheckpoint", name, cp)
			SaveCheckpoint(path, good)
			continue
		}
		if !errors.Is(err, ErrBadCheckpoint) {
			t.Errorf("%s: SaveCheckpoint: %v, want ErrBadCheckpoint", name, err)
		}
		if b, _ := os.ReadFile(path); string(b) != string(saved) {
			t.Errorf("%s: a refused save changed the file to %q", name, b)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("directory holds %d entries, want only the checkpoint (temp files left behind?)", len(ents))
	}
}
