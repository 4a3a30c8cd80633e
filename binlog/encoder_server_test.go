package binlog_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/binlogkit/binlogkit/internal/workload"
)

// TestEncodeServerBinlog re-encodes the binlogs of a real mariadbd after a
// workload over every column type (internal/workload), event by event
// through an Encoder, with a plain and a compressing server: without
// compression the new files must be the server's byte for byte; either
// way mariadb-binlog must read them without error and print the same
// listing (-vv, rows decoded) for the new file as for the original, but
// for the compressed bytes it may print in base64.
func TestEncodeServerBinlog(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	if err := testserver.Available(); err != nil {
		t.Skip(err)
	}
	mdb, err := exec.LookPath("mariadb-binlog")
	if err != nil {
		t.Skip("mariadb-binlog not in $PATH")
	}
	for _, tc := range []struct {
		name     string
		args     []string
		sameByte bool
	}{
		{"plain", nil, true},
		{"compressed", []string{"--log-bin-compress", "--log-bin-compress-min-len=10"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := testserver.Start(t, &testserver.Options{ExtraArgs: tc.args})
			run := workload.Record(t, srv, 7, &workload.Options{Transactions: 150, Restart: true})
			dir := t.TempDir()
			nevents, ncompressed, nsame := 0, 0, 0
			for _, orig := range run.Paths {
				newPath := filepath.Join(dir, filepath.Base(orig))
				n, c := reencodeFile(t, orig, newPath)
				nevents, ncompressed = nevents+n, ncompressed+c
				a, _ := os.ReadFile(orig)
				b, _ := os.ReadFile(newPath)
				if bytes.Equal(a, b) {
					nsame++
				}
				if tc.sameByte {
					if !bytes.Equal(a, b) {
						t.Errorf("%s: re-encoded file differs (%d bytes, want %d)", orig, len(b), len(a))
					}
				}
				want := listing(t, mdb, orig, !tc.sameByte)
				got := listing(t, mdb, newPath, !tc.sameByte)
				if !bytes.Equal(got, want) {
					t.Errorf("%s: mariadb-binlog prints another listing for the re-encoded file (%d bytes, want %d)", orig, len(got), len(want))
				}
			}
			if !tc.sameByte && ncompressed == 0 {
				t.Error("the server wrote no compressed event")
			}
			t.Logf("%d files (%d byte for byte), %d events re-encoded, %d of them compressed", len(run.Paths), nsame, nevents, ncompressed)
		})
	}
}

// reencodeFile writes every event of orig to newPath through an Encoder.
func reencodeFile(t *testing.T, orig, newPath string) (n, compressed int) {
	t.Helper()
	f, err := os.Create(newPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := binlog.Open(orig, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	enc := binlog.NewEncoder(f, nil)
	for ev, err := range r.All() {
		if err != nil {
			t.Fatalf("%s: %v", orig, err)
		}
		if err := enc.WriteEvent(ev); err != nil {
			t.Fatalf("%s: %v", orig, err)
		}
		n++
		if ev.Type() >= binlog.MariaQueryCompressedEvent && ev.Type() <= binlog.MariaDeleteRowsCompressedEvent {
			compressed++
		}
	}
	if err := enc.Flush(); err != nil {
		t.Fatal(err)
	}
	return n, compressed
}

// listing runs mariadb-binlog -vv on path. With positionFree, it drops
// the lines that hold positions, sizes and checksums, and the base64
// blocks of the rows events, which differ when events are re-compressed.
func listing(t *testing.T, mdb, path string, positionFree bool) []byte {
	t.Helper()
	cmd := exec.Command(mdb, "-vv", path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("mariadb-binlog %s: %v\n%s", path, err, stderr.Bytes())
	}
	if !positionFree {
		return out
	}
	var keep [][]byte
	inBase64 := false
	for _, line := range bytes.Split(out, []byte("\n")) {
		switch {
		case bytes.HasPrefix(line, []byte("BINLOG '")):
			inBase64 = true
			continue
		case inBase64 && bytes.HasPrefix(line, []byte("'/*!*/;")):
			inBase64 = false
			continue
		case inBase64, bytes.HasPrefix(line, []byte("# at ")), bytes.HasPrefix(line, []byte("#")) && bytes.Contains(line, []byte("end_log_pos")):
			continue
		}
		keep = append(keep, line)
	}
	return bytes.Join(keep, []byte("\n"))
}
