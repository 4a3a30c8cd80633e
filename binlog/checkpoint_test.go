package binlog

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// cpComparer compares GTID sets by their text and nil-ness (GTIDSet has
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
			Time: time.Date(2024, 5, 1, 10, 0, 0, 123000000, time.UTC), Extra: json.RawMessage(`{"schema":{"t":[1,2]}}`),
			Server: ServerIdentity{Flavor: "mysql", ServerID: 3}},
		{Position: Position{File: "b.000002", Offset: 400}, GTIDs: &GTIDSet{}, Server: ServerIdentity{Flavor: "mariadb", ServerID: 1}},
		{GTIDs: g},
	}
}

func TestCheckpointJSON(t *testing.T) {
	for _, cp := range sampleCheckpoints(t) {
		js, err := json.Marshal(cp)
		if err != nil {
			t.Fatal(err)
		}
		var got Checkpoint
		if err := json.Unmarshal(js, &got); err != nil {
			t.Fatalf("Unmarshal(%s): %v", js, err)
		}
		// An empty GTID set stays an empty set, not "unknown".
		if diff := cmp.Diff(cp, &got, cpComparer); diff != "" {
			t.Errorf("json %s: mismatch (-want +got):\n%s", js, diff)
		}
	}
	want := `{"version":1,"server":{"flavor":"mysql","server_id":3},"file":"mysql-bin.000123","offset":987654321,"gtids":"` +
		testUUID1 + `:1-100,0-1-42","time":"2024-05-01T10:00:00.123Z","extra":{"schema":{"t":[1,2]}}}`
	js, _ := json.Marshal(sampleCheckpoints(t)[1])
	if string(js) != want {
		t.Errorf("JSON = %s\nwant   %s", js, want)
	}
}

// TestSaveCheckpointRoundTrip saves and loads the samples.
func TestSaveCheckpointRoundTrip(t *testing.T) {
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
		if diff := cmp.Diff(cp, got, cpComparer); diff != "" {
			t.Errorf("mismatch (-want +got):\n%s", diff)
		}
	}
	// A flavor the stored form does not know is refused.
	bad := &Checkpoint{Position: Position{File: "binlog.000001", Offset: 4}, Server: ServerIdentity{Flavor: "percona", ServerID: 1}}
	if err := SaveCheckpoint(path, bad); !errors.Is(err, ErrBadCheckpoint) {
		t.Errorf("SaveCheckpoint(server %v): %v, want ErrBadCheckpoint", bad.Server, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("directory holds %d entries, want only the checkpoint (temp files left behind?)", len(ents))
	}
	if err := SaveCheckpoint(filepath.Join(dir, "missing", "cp.json"), sampleCheckpoints(t)[0]); err == nil {
		t.Error("SaveCheckpoint into a missing directory succeeded")
	}
}

// readTxs reads the transactions of src through a TxReader, returning their
// ends.
func readTxs(src Source) ([]Position, error) {
	var ends []Position
	for tx, err := range NewTxReader(src, nil).All() {
		if err != nil {
			return ends, err
		}
		ends = append(ends, tx.End)
	}
	return ends, nil
}

// openNamed opens testdata/file as a binlog named name.
func openNamed(t *testing.T, file, name string) *FileReader {
	t.Helper()
	r, err := Open(filepath.Join("testdata", file), &ReaderOptions{Name: name, SkipRowValues: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// TestTrackServer checks that a checkpoint is resumed only on its own log:
// the server that wrote the checkpoint's file, an event boundary at its
// offset (issue 9, item 5: a checkpoint from another server, or naming a
// file not among the inputs, was accepted and gave no records).
func TestTrackServer(t *testing.T) {
	const file = "dml.full.binlog"
	// Take a checkpoint in the middle, as a consumer would.
	tr := TrackServer(openNamed(t, file, "binlog.000001"), nil)
	txr := NewTxReader(tr, nil)
	var all []Position
	var cp *Checkpoint
	for tx, err := range txr.All() {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, tx.End)
		if len(all) == 20 {
			cp = txr.Checkpoint()
			cp.Server = tr.Server(cp.Position.File)
		}
	}
	if cp == nil {
		t.Fatalf("%s: %d transactions, want > 20", file, len(all))
	}
	if want := (ServerIdentity{"mariadb", 1}); cp.Server != want {
		t.Fatalf("Server = %v, want %v", cp.Server, want)
	}
	if got := tr.Server("binlog.000002"); !got.IsZero() {
		t.Errorf("Server of a file not read = %v, want zero", got)
	}

	resume := func(cp *Checkpoint, name string) ([]Position, error) {
		src := TrackServer(openNamed(t, file, name), cp)
		f, err := NewFilter(src, &FilterOptions{StartPosition: cp.Position})
		if err != nil {
			t.Fatal(err)
		}
		return readTxs(f)
	}
	// Its own log: the rest of the transactions.
	got, err := resume(cp, "binlog.000001")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(all[20:], got); diff != "" {
		t.Errorf("resumed transactions (-want +got):\n%s", diff)
	}
	// By GTID set only: the flavor is checked, the server may differ.
	byGTID := &Checkpoint{GTIDs: &GTIDSet{}, Server: ServerIdentity{"mariadb", 9}}
	if _, err := readTxs(TrackServer(openNamed(t, file, "binlog.000001"), byGTID)); err != nil {
		t.Errorf("by GTID set, another server of the same flavor: %v", err)
	}

	with := func(f func(c *Checkpoint)) *Checkpoint {
		c := *cp
		f(&c)
		return &c
	}
	for _, tc := range []struct {
		name string
		cp   *Checkpoint
		log  string // the name the file is read as
		want string // in the error
	}{
		{"another server id", with(func(c *Checkpoint) { c.Server.ServerID = 2 }), "binlog.000001", "taken on mariadb server 2, this log was written by mariadb server 1"},
		{"another flavor", with(func(c *Checkpoint) { c.Server.Flavor = "mysql" }), "binlog.000001", "taken on mysql server 1"},
		{"no server", with(func(c *Checkpoint) { c.Server = ServerIdentity{} }), "binlog.000001", "records no server"},
		{"inside an event", with(func(c *Checkpoint) { c.Position.Offset++ }), "binlog.000001", "falls inside this event"},
		{"past the end", with(func(c *Checkpoint) { c.Position.Offset = 1 << 40 }), "binlog.000001", "binlog.000001 ends before offset"},
		{"file not given (earlier)", cp, "binlog.000002", "the log has no file binlog.000001"},
		{"file not given (later)", with(func(c *Checkpoint) { c.Position.File = "binlog.000007" }), "binlog.000001", "the log ends before binlog.000007"},
		{"GTIDs, another flavor", &Checkpoint{GTIDs: &GTIDSet{}, Server: ServerIdentity{"mysql", 1}}, "binlog.000001", "taken on mysql server 1"},
	} {
		src := TrackServer(openNamed(t, file, tc.log), tc.cp)
		_, err := readTxs(src)
		var ee *EventError
		if !errors.Is(err, ErrCheckpointMismatch) || !errors.As(err, &ee) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an *EventError wrapping ErrCheckpointMismatch saying %q", tc.name, err, tc.want)
			continue
		}
		// Sticky.
		if _, err2 := src.Next(); err2 != err {
			t.Errorf("%s: Next after the error: %v", tc.name, err2)
		}
	}
	// A checkpoint's position past the transactions it names is never
	// reached: nothing after the mismatch is returned.
	src := TrackServer(openNamed(t, file, "binlog.000001"), with(func(c *Checkpoint) { c.Position.Offset++ }))
	n := 0
	for {
		ev, err := src.Next()
		if err != nil {
			if err == io.EOF {
				t.Error("io.EOF, want the mismatch")
			}
			break
		}
		if ev.Offset > cp.Position.Offset {
			t.Errorf("event at %d returned, past the checkpoint %d", ev.Offset, cp.Position.Offset)
		}
		n++
	}
}
