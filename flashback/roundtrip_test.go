package flashback

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/binlogkit/binlogkit/rowevent"
)

// TestServerRoundTrip runs DML on a real server, flashes the range back
// with a Writer, applies the SQL through the mariadb client and checks with
// CHECKSUM TABLE that the table is as before.
func TestServerRoundTrip(t *testing.T) {
	srv := testserver.Start(t, nil)
	if err := srv.Exec("CREATE DATABASE rt", "USE rt",
		"CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(30), n DECIMAL(10,2), b BLOB)",
		"INSERT INTO t SELECT seq, CONCAT('row', seq), seq / 7, NULL FROM seq_1_to_200",
	); err != nil {
		t.Fatal(err)
	}
	before, err := srv.Checksum("rt.t")
	if err != nil {
		t.Fatal(err)
	}
	files, err := srv.Record(func() error {
		return srv.Exec("USE rt",
			"BEGIN", "UPDATE t SET v = CONCAT(v, '!'), n = n + 1 WHERE id % 3 = 0", "DELETE FROM t WHERE id > 150", "COMMIT",
			"CREATE TABLE other (id INT)", // DDL: skipped
			"INSERT INTO t SELECT seq, 'new', NULL, X'00FF' FROM seq_201_to_260",
			"FLUSH BINARY LOGS",
			"UPDATE t SET id = id + 1000 ORDER BY id DESC",
			"DELETE FROM t WHERE id % 5 = 0",
			"UPDATE t SET b = REPEAT('x', 3000) WHERE id < 1100",
		)
	})
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := srv.Checksum("rt.t"); after == before {
		t.Fatal("the DML changed nothing")
	}
	cr, err := binlog.OpenChain(files, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cr.Close()
	var out bytes.Buffer
	w := NewWriter(&out, &Options{Header: true, TempDir: t.TempDir(), SQL: rowevent.Options{InsertBatch: 10}})
	defer w.Discard()
	for {
		ev, err := cr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteEvent(ev, &rowevent.Origin{Start: ev.Offset, End: ev.NextPos}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if st := w.Stats(); st.Skipped != 1 || st.Events < 4 {
		t.Errorf("stats %+v: want 1 skipped, several events", st)
	}
	if err := srv.ExecScript(out.String()); err != nil {
		t.Fatalf("%v\n%.3000s", err, out.String())
	}
	if got, _ := srv.Checksum("rt.t"); got != before {
		t.Errorf("after flashback: checksum %s, want %s", got, before)
	}
}
