package binlog

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"

	"github.com/binlogkit/binlogkit/internal/testbinlog"
	"github.com/google/go-cmp/cmp"
)

// fuzzSeedMax bounds the size of the shared samples used as fuzz seeds.
const fuzzSeedMax = 8 << 10

// fuzzSeeds returns the seed corpus of FuzzReader: the binlogs in
// testdata, small shared samples when present, and synthetic binlogs.
func fuzzSeeds(tb testing.TB) [][]byte {
	var seeds [][]byte
	files, _ := filepath.Glob(filepath.Join("testdata", "*.binlog"))
	if dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "binlogs")); err == nil {
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Ext(p) == ".tsv" || filepath.Ext(p) == ".md" {
				return nil
			}
			if info, err := d.Info(); err == nil && info.Size() <= fuzzSeedMax {
				files = append(files, p)
			}
			return nil
		})
	}
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			seeds = append(seeds, smallSeeds(data)...)
		}
	}
	full := synthBinlog("INSERT INTO t VALUES (1)", "UPDATE t SET a = 2")
	bad := bytes.Clone(full)
	bad[len(bad)-1] ^= 0xff // checksum mismatch in the last event
	seeds = append(seeds, bombSeeds()...)
	return append(seeds,
		nil,
		Magic[:],
		full,
		bad,
		full[:len(full)-3], // cut in the last event
		full[:4+19+10],     // cut in the format description
	)
}

// bombSeeds returns small crafted binlogs that claim or unpack to much
// more than they hold (see TestMemoryBombs), and rows with garbage JSON.
func bombSeeds() [][]byte {
	sid := [16]byte{1}
	innerTx := append(testbinlog.PayloadEvent(testbinlog.QueryEvent, testbinlog.QueryBody("app", "BEGIN")),
		testbinlog.PayloadEvent(testbinlog.XIDEvent, []byte{1, 0, 0, 0, 0, 0, 0, 0})...)
	hugeInner := testbinlog.PayloadEvent(testbinlog.QueryEvent, nil)[:19]
	hugeInner[12] = 0x40 // 1 GiB
	mysql := func() *testbinlog.Builder { return testbinlog.New(testbinlog.MySQL).MySQLGTID(sid, 1) }
	maria := func() *testbinlog.Builder { return testbinlog.New(testbinlog.MariaDB) }
	zeros := testbinlog.ZstdZeros(64 << 20)                 // an 8 MiB window: over the fuzz limit
	small := testbinlog.ZstdZeros(64 << 10)                 // a window within it
	window := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 21 << 3} // 2 GiB window
	h := uint32(len(innerTx))<<3 | 1
	window = append(append(window, byte(h), byte(h>>8), byte(h>>16)), innerTx...)
	cols := make([]testbinlog.Col, 2000)
	for i := range cols {
		cols[i] = testbinlog.Col{Type: 1}
	}
	nulls := make([][]byte, 1000)
	for i := range nulls {
		nulls[i] = []byte{1}
	}
	undecodable, _ := undecodableSeed()
	return [][]byte{
		mysql().CompressedPayload(zeros, 64<<20).Bytes(),
		mysql().CompressedPayload(small, 1<<32).Bytes(),
		mysql().CompressedPayload(append(testbinlog.Zstd(innerTx), small...), uint64(len(innerTx))).Bytes(),
		mysql().CompressedPayload(append(testbinlog.Zstd(innerTx), zeros...), uint64(len(innerTx))).Bytes(),
		mysql().CompressedPayload(append(testbinlog.Zstd(hugeInner), zeros...), 64<<20).Bytes(),
		mysql().CompressedPayload(window, uint64(len(innerTx))).Bytes(),
		mysql().TransactionPayload(innerTx, true, uint64(len(innerTx))).Bytes(),
		append(maria().Header(testbinlog.QueryEvent, 1<<30-1).Bytes(), "garbage"...),
		maria().Event(testbinlog.MariaQueryCompressedEvent, testbinlog.QueryBody("app", string(testbinlog.MariaCompressed(1<<32-1, []byte("SELECT 1"))))).Bytes(),
		maria().Event(testbinlog.MariaQueryCompressedEvent, testbinlog.QueryBody("app", string(testbinlog.MariaCompressed(8, []byte("SELECT 1"))))).Bytes(),
		maria().TableMapCols(7, "app", "wide", cols...).WriteRowsImages(7, 1, nulls...).Bytes(),
		undecodable,
	}
}

// undecodableSeed returns a MySQL binlog whose rows event holds garbage
// binary JSON, and the offset of that event.
func undecodableSeed() ([]byte, int64) {
	b := testbinlog.New(testbinlog.MySQL).TableMapCols(9, "app", "docs",
		testbinlog.Col{Type: testbinlog.TypeLong, Name: "id"},
		testbinlog.Col{Type: testbinlog.TypeJSON, Meta: []byte{4}, Name: "doc"})
	at := int64(b.Len())
	img := []byte{0, 1, 0, 0, 0, 3, 0, 0, 0, 0xff, 0x00, 0x13}
	b.WriteRowsImages(9, 2, img).XID(1)
	return b.Bytes(), at
}

// smallSeeds returns data when it is small, else binlogs of at most
// fuzzSeedMax bytes made of its events (large inputs make fuzzing slow): its
// first events, and its format description followed by runs of events from
// further on.
func smallSeeds(data []byte) [][]byte {
	if len(data) <= fuzzSeedMax {
		return [][]byte{data}
	}
	w := walkRaw(data)
	if len(w.Offsets) == 0 {
		return [][]byte{data[:fuzzSeedMax]}
	}
	fde := data[:w.Offsets[0]+w.Sizes[0]]
	var seeds [][]byte
	const runs = 4
	for k := 0; k < runs; k++ {
		seed := bytes.Clone(fde)
		for i := 1 + k*len(w.Offsets)/runs; i < len(w.Offsets); i++ {
			if len(seed)+int(w.Sizes[i]) > fuzzSeedMax {
				break
			}
			seed = append(seed, data[w.Offsets[i]:w.Offsets[i]+w.Sizes[i]]...)
		}
		seeds = append(seeds, seed)
	}
	return seeds
}

// fuzzEvent is what must not depend on how the input is split into reads.
type fuzzEvent struct {
	Offset, NextPos int64
	PayloadIndex    int
	Type            EventType
	Raw             []byte
}

// fuzzOutcome is every event a Reader gives and how it ends.
type fuzzOutcome struct {
	Events []fuzzEvent
	End    string // "EOF", or the sentinel, offset and event type of the error
}

// fuzzRead reads all of src with a Reader.
func fuzzRead(t *testing.T, src io.Reader) fuzzOutcome {
	t.Helper()
	r := NewReader(src, &ReaderOptions{Name: "fuzz", MaxEventSize: 1 << 20})
	var out fuzzOutcome
	var next int64 = 4
	for {
		ev, err := r.Next()
		if err == io.EOF {
			out.End = "EOF"
			return out
		}
		if err != nil {
			var ee *EventError
			if !errors.As(err, &ee) {
				t.Fatalf("error %T %v is not an *EventError", err, err)
			}
			if ee.File != "fuzz" {
				t.Fatalf("EventError.File = %q, want fuzz", ee.File)
			}
			s := sentinelOf(err)
			if s == nil {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			out.End = fmt.Sprintf("%v at %d (type %d)", s, ee.Offset, ee.Type)
			if _, err2 := r.Next(); err2 != err {
				t.Fatalf("error not sticky: %v, then %v", err, err2)
			}
			return out
		}
		if ev == nil || ev.Payload == nil {
			t.Fatalf("Next returned event %v with no payload and no error", ev)
		}
		if ev.PayloadIndex == 0 {
			if ev.Offset != next || ev.NextPos != ev.Offset+int64(len(ev.Raw)) {
				t.Fatalf("event at %d, next %d, %d raw bytes; previous event ended at %d", ev.Offset, ev.NextPos, len(ev.Raw), next)
			}
			next = ev.NextPos
		}
		out.Events = append(out.Events, fuzzEvent{ev.Offset, ev.NextPos, ev.PayloadIndex, ev.Type(), ev.Raw})
	}
}

// chunkReader returns the bytes of r in reads of random small sizes,
// sometimes (0, nil).
type chunkReader struct {
	r   io.Reader
	rnd *rand.Rand
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n := c.rnd.IntN(17)
	if n == 0 {
		return 0, nil
	}
	return c.r.Read(p[:min(n, len(p))])
}

// FuzzReader checks the Reader never panics and gives the same events and
// the same error whether its input arrives in one read or in small pieces,
// as when tailing a binlog a server is writing.
func FuzzReader(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want := fuzzRead(t, bytes.NewReader(data))
		h := fnv.New64a()
		h.Write(data)
		seed := h.Sum64()
		for name, src := range map[string]io.Reader{
			"OneByteReader": iotest.OneByteReader(bytes.NewReader(data)),
			"DataErrReader": iotest.DataErrReader(bytes.NewReader(data)),
			"chunks":        &chunkReader{bytes.NewReader(data), rand.New(rand.NewPCG(seed, 1))},
		} {
			got := fuzzRead(t, src)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%s: mismatch (-whole read +%s):\n%s", name, name, diff)
			}
		}
	})
}
