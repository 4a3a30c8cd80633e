//go:build linux

package binlog

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/binlogkit/binlogkit/internal/testbinlog"
)

// Crafted inputs that claim or unpack to far more memory than they hold:
// compression bombs, lying sizes, hostile table maps. Each is read by a
// child process (TestBombChild), so that its peak memory can be measured:
// the peak resident set (VmHWM of /proc/self/status, read by the child: the
// rusage of a child started by vfork also counts its parent's memory before
// exec) and the memory the Go runtime obtained from the system
// (MemStats.Sys, which counts what was allocated even where it was never
// touched). Every case must end quickly, with the expected error
// (or none), within bombMaxBytes.

const (
	bombMaxBytes = 300_000_000 // the budget of every case, base included
	bombMaxTime  = 10 * time.Second
	giB          = 1 << 30
	miB          = 1 << 20
)

type bombCase struct {
	name string
	file func() []byte // the crafted binlog
	tail int64         // pseudo-random bytes read after the file (garbage that need not be stored)
	max  int64         // ReaderOptions.MaxEventSize; 0 for the default
	want error         // sentinel the reading ends with; nil for io.EOF
	// events is how many events are read before the end, -1 for any.
	events int
}

var mysqlSID = [16]byte{0x3e, 0x11, 0xfa, 0x47, 0x71, 0xca, 0x11, 0xe1, 0x9e, 0x33, 0xc8, 0x0a, 0xa9, 0x42, 0x95, 0x61}

func bombCases() []bombCase {
	innerTx := append(testbinlog.PayloadEvent(testbinlog.QueryEvent, testbinlog.QueryBody("app", "BEGIN")),
		testbinlog.PayloadEvent(testbinlog.XIDEvent, []byte{1, 0, 0, 0, 0, 0, 0, 0})...)
	// innerHeader is the header of an event inside a payload that declares
	// size bytes.
	innerHeader := func(size uint32) []byte {
		h := testbinlog.PayloadEvent(testbinlog.QueryEvent, nil)[:19]
		binary.LittleEndian.PutUint32(h[9:], size)
		return h
	}
	mysql := func() *testbinlog.Builder {
		return testbinlog.New(testbinlog.MySQL).MySQLGTID(mysqlSID, 1)
	}
	concat := func(parts ...[]byte) []byte {
		var out []byte
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	return []bombCase{
		{
			// 167 bytes of zstd for 4 GiB of zeros; the payload says so. The
			// first inner event header is all zeros: size 0.
			name: "payload zstd of 4 GiB of zeros",
			file: func() []byte {
				return mysql().CompressedPayload(testbinlog.ZstdZeros(4*giB), 4*giB).Bytes()
			},
			want: ErrCorrupt, events: 3,
		},
		{
			// A true transaction, then 4 GiB of zeros the header does not
			// declare.
			name: "payload uncompresses to more than declared",
			file: func() []byte {
				z := concat(testbinlog.Zstd(innerTx), testbinlog.ZstdZeros(4*giB))
				return mysql().CompressedPayload(z, uint64(len(innerTx))).Bytes()
			},
			want: ErrCorrupt, events: 5,
		},
		{
			// An inner event of 1 GiB, held by the 4 GiB of zeros behind it.
			name: "payload inner event of 1 GiB",
			file: func() []byte {
				z := concat(testbinlog.Zstd(innerHeader(giB)), testbinlog.ZstdZeros(4*giB-19))
				return mysql().CompressedPayload(z, 4*giB).Bytes()
			},
			want: ErrEventTooLarge, events: 3,
		},
		{
			// An inner event (and a payload) that claim 200 MiB and hold 1 KiB.
			name: "payload inner event claims 200 MiB",
			file: func() []byte {
				z := testbinlog.Zstd(concat(innerHeader(200*miB), make([]byte, 1000)))
				return mysql().CompressedPayload(z, 200*miB+1000).Bytes()
			},
			want: ErrCorrupt, events: 3,
		},
		{
			// A zstd frame that asks for a 2 GiB window.
			name: "payload zstd window of 2 GiB",
			file: func() []byte {
				return mysql().CompressedPayload(zstdRawFrame(31, innerTx), uint64(len(innerTx))).Bytes()
			},
			want: ErrEventTooLarge, events: 3,
		},
		{
			// The largest window allowed, 128 MiB, for a small transaction.
			name: "payload zstd window of 128 MiB",
			file: func() []byte {
				return mysql().CompressedPayload(zstdRawFrame(27, innerTx), uint64(len(innerTx))).Bytes()
			},
			want: nil, events: 5,
		},
		{
			name: "event of 1 GiB - 1 of garbage",
			file: func() []byte {
				return testbinlog.New(testbinlog.MariaDB).Header(testbinlog.QueryEvent, giB-1).Bytes()
			},
			tail: giB - 1 - 19,
			want: ErrEventTooLarge, events: 1,
		},
		{
			name: "event of 1 GiB - 1 cut short, limit 1 GiB",
			file: func() []byte {
				return append(testbinlog.New(testbinlog.MariaDB).Header(testbinlog.QueryEvent, giB-1).Bytes(), "garbage"...)
			},
			max:  giB,
			want: ErrTruncated, events: 1,
		},
		{
			// A true size: the event is read whole, in about 5/3 of its
			// size at the peak.
			name: "event of 150 MiB of garbage",
			file: func() []byte {
				return testbinlog.New(testbinlog.MariaDB).Header(testbinlog.QueryEvent, 150*miB).Bytes()
			},
			tail: 150*miB - 19,
			want: ErrChecksum, events: 1,
		},
		{
			// 1 MB of zlib for 1 GiB - 1 of zeros, as the header says.
			name: "mariadb compressed query of 1 GiB - 1",
			file: func() []byte {
				part := testbinlog.MariaCompressedZeros(giB-1, giB-1)
				return testbinlog.New(testbinlog.MariaDB).Event(testbinlog.MariaQueryCompressedEvent, testbinlog.QueryBody("app", string(part))).Bytes()
			},
			want: ErrEventTooLarge, events: 1,
		},
		{
			name: "mariadb compressed query claims 4 GiB",
			file: func() []byte {
				part := testbinlog.MariaCompressed(1<<32-1, []byte("SELECT 1"))
				return testbinlog.New(testbinlog.MariaDB).Event(testbinlog.MariaQueryCompressedEvent, testbinlog.QueryBody("app", string(part))).Bytes()
			},
			want: ErrEventTooLarge, events: 1,
		},
		{
			name: "mariadb compressed query claims 200 MiB",
			file: func() []byte {
				part := testbinlog.MariaCompressed(200*miB, []byte("SELECT 1"))
				return testbinlog.New(testbinlog.MariaDB).Event(testbinlog.MariaQueryCompressedEvent, testbinlog.QueryBody("app", string(part))).Bytes()
			},
			want: ErrCorrupt, events: 1,
		},
		{
			// A table of 4,096 columns (the most a server allows) and a
			// rows event of 1-byte rows: each row image holds 4,096
			// Values (229 KB), 10,000 rows 2.3 GB.
			name: "rows of a 4,096-column table",
			file: func() []byte {
				cols := make([]testbinlog.Col, 4096)
				for i := range cols {
					cols[i] = testbinlog.Col{Type: 1} // TINYINT
				}
				rows := make([][]byte, 10000)
				for i := range rows {
					rows[i] = []byte{1} // NULL
				}
				return testbinlog.New(testbinlog.MariaDB).TableMapCols(7, "app", "wide", cols...).
					WriteRowsImages(7, 1, rows...).Bytes()
			},
			max:  64 * miB,
			want: ErrEventTooLarge, events: 2,
		},
		{
			// More columns than any server allows: refused at the
			// table map, which would cost about 90 bytes a column.
			name: "table map of 100,000 columns",
			file: func() []byte {
				cols := make([]testbinlog.Col, 100000)
				for i := range cols {
					cols[i] = testbinlog.Col{Type: 1} // TINYINT
				}
				return testbinlog.New(testbinlog.MariaDB).TableMapCols(7, "app", "wide", cols...).Bytes()
			},
			want: ErrCorrupt, events: 1,
		},
	}
}

// zstdRawFrame returns a zstd frame with a window of 1<<windowLog bytes
// holding data in one raw block.
func zstdRawFrame(windowLog int, data []byte) []byte {
	f := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, byte(windowLog-10) << 3}
	h := uint32(len(data))<<3 | 1 // raw, last block
	f = append(f, byte(h), byte(h>>8), byte(h>>16))
	return append(f, data...)
}

// TestMemoryBombs reads each crafted input in a child process and checks
// how it ends, how long it takes and its peak memory.
func TestMemoryBombs(t *testing.T) {
	if testing.Short() {
		t.Skip("reads gigabytes of compressed zeros")
	}
	dir := t.TempDir()
	for i, c := range bombCases() {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, fmt.Sprintf("bomb%d.binlog", i))
			if err := os.WriteFile(path, c.file(), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestBombChild$", "-test.v")
			cmd.Env = append(os.Environ(),
				"BINLOGKIT_BOMB_FILE="+path,
				"BINLOGKIT_BOMB_TAIL="+strconv.FormatInt(c.tail, 10),
				"BINLOGKIT_BOMB_MAX="+strconv.FormatInt(c.max, 10),
				"GOGC=100", "GOMEMLIMIT=off")
			start := time.Now()
			out, err := cmd.CombinedOutput()
			elapsed := time.Since(start)
			if err != nil {
				t.Fatalf("child: %v\n%s", err, tail(out))
			}
			res := parseBombResult(t, out)
			rss := res.rss
			t.Logf("%s: %d events, end %s (%s); peak RSS %.1f MB, runtime Sys %.1f MB, %v",
				c.name, res.events, res.sentinel, res.msg, float64(rss)/1e6, float64(res.sys)/1e6, elapsed.Round(time.Millisecond))
			want := "EOF"
			if c.want != nil {
				want = c.want.Error()
			}
			if res.sentinel != want {
				t.Errorf("reading ends with %s (%s), want %s", res.sentinel, res.msg, want)
			}
			if c.events >= 0 && res.events != c.events {
				t.Errorf("%d events before the end, want %d", res.events, c.events)
			}
			if rss > bombMaxBytes {
				t.Errorf("peak RSS %d bytes, over %d", rss, bombMaxBytes)
			}
			if res.sys > bombMaxBytes {
				t.Errorf("runtime Sys %d bytes, over %d", res.sys, bombMaxBytes)
			}
			if elapsed > bombMaxTime {
				t.Errorf("took %v, over %v", elapsed, bombMaxTime)
			}
		})
	}
}

type bombResult struct {
	events        int
	sentinel, msg string
	sys, rss      uint64
}

func parseBombResult(t *testing.T, out []byte) bombResult {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "BOMB ")
		if !ok {
			continue
		}
		var r bombResult
		f := strings.SplitN(line, "\t", 5)
		if len(f) != 5 {
			break
		}
		r.events, _ = strconv.Atoi(f[0])
		r.sys, _ = strconv.ParseUint(f[1], 10, 64)
		r.rss, _ = strconv.ParseUint(f[2], 10, 64)
		r.sentinel, r.msg = f[3], f[4]
		return r
	}
	t.Fatalf("no result from the child:\n%s", tail(out))
	return bombResult{}
}

// tail shortens the output of a child (a crash's goroutine dump, say).
func tail(b []byte) []byte {
	if len(b) > 4000 {
		return append(append(b[:2000:2000], "\n...\n"...), b[len(b)-2000:]...)
	}
	return b
}

// TestBombChild is the child of TestMemoryBombs: it reads the file named
// by $BINLOGKIT_BOMB_FILE followed by $BINLOGKIT_BOMB_TAIL pseudo-random
// bytes, and prints how the reading ended.
func TestBombChild(t *testing.T) {
	path := os.Getenv("BINLOGKIT_BOMB_FILE")
	if path == "" {
		t.Skip("run by TestMemoryBombs")
	}
	n, _ := strconv.ParseInt(os.Getenv("BINLOGKIT_BOMB_TAIL"), 10, 64)
	max, _ := strconv.ParseInt(os.Getenv("BINLOGKIT_BOMB_MAX"), 10, 64)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	src := io.MultiReader(bufio.NewReader(f), io.LimitReader(&garbage{x: 0x9e3779b97f4a7c15}, n))
	r := NewReader(src, &ReaderOptions{Name: filepath.Base(path), MaxEventSize: max})
	events := 0
	for {
		ev, err := r.Next()
		if err != nil {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			s := "EOF"
			if err != io.EOF {
				s = "not a sentinel"
				for _, e := range readerSentinels {
					if errors.Is(err, e) {
						s = e.Error()
					}
				}
			}
			fmt.Printf("BOMB %d\t%d\t%d\t%s\t%s\n", events, ms.Sys, peakRSS(t), s, strings.ReplaceAll(err.Error(), "\n", " "))
			return
		}
		events++
		ev.Release()
	}
}

// peakRSS returns the peak resident set size of the process (VmHWM).
func peakRSS(t *testing.T) uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}

// garbage is an endless source of pseudo-random bytes (xorshift).
type garbage struct{ x uint64 }

func (g *garbage) Read(p []byte) (int, error) {
	for i := range p {
		if i%8 == 0 {
			g.x ^= g.x << 13
			g.x ^= g.x >> 7
			g.x ^= g.x << 17
		}
		p[i] = byte(g.x >> (8 * (i % 8)))
	}
	return len(p), nil
}
