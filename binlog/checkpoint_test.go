package binlog

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// cpComparer compares checkpoints by their JSON form (GTIDSet has
// unexported fields).
var cpComparer = cmp.Comparer(func(a, b *GTIDSet) bool { return a.String() == b.String() && (a == nil) == (b == nil) })

func sampleCheckpoints(t *testing.T) []*Checkpoint {
	g, err := ParseGTIDSet(testUUID1 + ":1-100,0-1-42")
	if err != nil {
		t.Fatal(err)
	}
	return []*Checkpoint{
		{Position: Position{File: "binlog.000001", Offset: 4}},
		{Position: Position{File: "mysql-bin.000123", Offset: 987654321}, GTIDs: g,
			Time: time.Date(2024, 5, 1, 10, 0, 0, 123000000, time.UTC), Extra: json.RawMessage(`{"schema":{"t":[1,2]}}`)},
		{Position: Position{File: "b.000002", Offset: 400}, GTIDs: &GTIDSet{}},
	}
}

func TestCheckpointTextJSON(t *testing.T) {
	for _, cp := range sampleCheckpoints(t) {
		text, err := cp.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var got Checkpoint
		if err := got.UnmarshalText(text); err != nil {
			t.Fatalf("UnmarshalText(%q): %v", text, err)
		}
		if cp.GTIDs != nil && cp.GTIDs.IsEmpty() {
			// "gtids=" with an empty set round-trips as an empty set.
			if got.GTIDs == nil || !got.GTIDs.IsEmpty() {
				t.Errorf("text %q: empty GTID set lost", text)
			}
		}
		if diff := cmp.Diff(cp, &got, cpComparer); diff != "" {
			t.Errorf("text %q: mismatch (-want +got):\n%s", text, diff)
		}

		js, err := json.Marshal(cp)
		if err != nil {
			t.Fatal(err)
		}
		var gotJ Checkpoint
		if err := json.Unmarshal(js, &gotJ); err != nil {
			t.Fatalf("Unmarshal(%s): %v", js, err)
		}
		want := *cp
		if want.GTIDs != nil && want.GTIDs.IsEmpty() {
			want.GTIDs = nil // JSON omits an empty set
		}
		if diff := cmp.Diff(&want, &gotJ, cpComparer); diff != "" {
			t.Errorf("json %s: mismatch (-want +got):\n%s", js, diff)
		}
	}
	want := `{"file":"mysql-bin.000123","offset":987654321,"gtids":"` + testUUID1 + `:1-100,0-1-42","time":"2024-05-01T10:00:00.123Z","extra":{"schema":{"t":[1,2]}}}`
	js, _ := json.Marshal(sampleCheckpoints(t)[1])
	if string(js) != want {
		t.Errorf("JSON = %s\nwant   %s", js, want)
	}
	for _, bad := range []string{"", "f:x", "f:4 bogus=1", "f:4 gtids=zz", "f:4 time=yesterday", "f:4 extra=!!"} {
		var c Checkpoint
		if err := c.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("UnmarshalText(%q) succeeded", bad)
		}
	}
}

func TestSaveLoadCheckpoint(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cp.json")
	if _, err := LoadCheckpoint(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("LoadCheckpoint of a missing file: %v, want fs.ErrNotExist", err)
	}
	for _, cp := range sampleCheckpoints(t) {
		if err := SaveCheckpoint(path, cp); err != nil {
			t.Fatal(err)
		}
		got, err := LoadCheckpoint(path)
		if err != nil {
			t.Fatal(err)
		}
		want := *cp
		if want.GTIDs != nil && want.GTIDs.IsEmpty() {
			want.GTIDs = nil
		}
		if diff := cmp.Diff(&want, got, cpComparer); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("directory holds %d entries, want only the checkpoint (temp files left behind?)", len(ents))
	}
	// The text form is accepted too.
	text, _ := sampleCheckpoints(t)[1].MarshalText()
	os.WriteFile(path, append(text, '\n'), 0o644)
	if got, err := LoadCheckpoint(path); err != nil || got.Position.Offset != 987654321 {
		t.Errorf("LoadCheckpoint(text) = %+v, %v", got, err)
	}
	if err := SaveCheckpoint(filepath.Join(dir, "missing", "cp.json"), &Checkpoint{}); err == nil {
		t.Error("SaveCheckpoint into a missing directory succeeded")
	}
}
