package binlog

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// sharedBinlogs returns the directory of the shared real-binlog samples
// (../shared/binlogs beside the repository), skipping the test when it is
// absent.
func sharedBinlogs(tb testing.TB) string {
	tb.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "binlogs"))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST.tsv")); err != nil {
		tb.Skipf("shared binlogs not available: %v", err)
	}
	return dir
}

// manifestEntry is one line of MANIFEST.tsv.
type manifestEntry struct {
	Path          string // relative to the shared directory
	ServerVersion string
	ChecksumAlg   string // "CRC32", "NONE", "n/a(pre-checksum)", ...
	EventTypes    string
	Notes         string
}

func readManifest(tb testing.TB, dir string) []manifestEntry {
	tb.Helper()
	f, err := os.Open(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var (
		entries []manifestEntry
		col     = map[string]int{}
	)
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(col) == 0 {
			for i, name := range fields {
				col[name] = i
			}
			for _, name := range []string{"local_path", "server_version", "checksum_alg", "event_types", "notes"} {
				if _, ok := col[name]; !ok {
					tb.Fatalf("MANIFEST.tsv: no column %q", name)
				}
			}
			continue
		}
		get := func(name string) string {
			if i := col[name]; i < len(fields) {
				return fields[i]
			}
			return ""
		}
		entries = append(entries, manifestEntry{
			Path:          get("local_path"),
			ServerVersion: get("server_version"),
			ChecksumAlg:   get("checksum_alg"),
			EventTypes:    get("event_types"),
			Notes:         get("notes"),
		})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return entries
}

// rawWalk is the result of walking a binlog by the event_size field of each
// header alone, independently of the Reader.
type rawWalk struct {
	Offsets []int64 // offset of each complete event
	Sizes   []int64
	End     int64  // offset where the walk stopped
	Stop    string // "" (clean end), "truncated", "encrypted", "magic", "size"
	// BadCRC is the offset of the first event whose CRC32 does not match
	// (checked only when asked), -1 if none.
	BadCRC int64
	// StartVersion is the binlog version in a START_EVENT_V3 first event,
	// 0 if the first event is not one.
	StartVersion uint16
}

// walkRaw walks data: the magic number, then events by the event_size
// field at header offset 9. Every common header, whatever its length, keeps
// event_size there.
func walkRaw(data []byte) rawWalk { return walkRawCRC(data, false) }

// walkRawCRC is walkRaw, also checking the CRC32 at the end of every event
// when crc is set.
func walkRawCRC(data []byte, crc bool) rawWalk {
	w := rawWalk{BadCRC: -1}
	switch {
	case len(data) < 4:
		w.Stop = "truncated"
		return w
	case string(data[:4]) == "\xfdbin":
		w.Stop = "encrypted"
		return w
	case string(data[:4]) != "\xfebin":
		w.Stop = "magic"
		return w
	}
	off := int64(4)
	for {
		w.End = off
		rest := int64(len(data)) - off
		if rest == 0 {
			return w
		}
		if rest < 19 {
			w.Stop = "truncated"
			return w
		}
		size := int64(binary.LittleEndian.Uint32(data[off+9:]))
		if size < 19 {
			w.Stop = "size"
			return w
		}
		if size > rest {
			w.Stop = "truncated"
			return w
		}
		ev := data[off : off+size]
		if crc && w.BadCRC < 0 && size >= 23 {
			sum := crc32.ChecksumIEEE(ev[:size-4])
			if ev[4] == 15 && ev[17]&1 != 0 {
				// A server computes the checksum of a format description
				// with LOG_EVENT_BINLOG_IN_USE_F clear, and sets the flag
				// in place while the file is open.
				c := bytes.Clone(ev[:size-4])
				c[17] &^= 1
				sum = crc32.ChecksumIEEE(c)
			}
			if sum != binary.LittleEndian.Uint32(ev[size-4:]) {
				w.BadCRC = off
			}
		}
		if off == 4 && ev[4] == 1 && size >= 21 { // START_EVENT_V3
			w.StartVersion = binary.LittleEndian.Uint16(ev[19:])
		}
		w.Offsets = append(w.Offsets, off)
		w.Sizes = append(w.Sizes, size)
		off += size
	}
}

// readResult is what reading a whole file with Open gives.
type readResult struct {
	Events  []*Event // top-level events (PayloadIndex 0)
	Inner   int      // events expanded from transaction payloads
	Err     error    // nil at a clean end
	Elapsed time.Duration
}

// readAllFile reads path with Open and opts, giving up after timeout (the
// reading goroutine is then abandoned).
func readAllFile(path string, opts *ReaderOptions, timeout time.Duration) (readResult, bool) {
	done := make(chan readResult, 1)
	go func() {
		start := time.Now()
		var res readResult
		defer func() {
			if p := recover(); p != nil {
				res.Err = fmt.Errorf("PANIC: %v", p)
			}
			res.Elapsed = time.Since(start)
			done <- res
		}()
		fr, err := Open(path, opts)
		if err != nil {
			res.Err = err
			return
		}
		defer fr.Close()
		for ev, err := range fr.All() {
			if err != nil {
				res.Err = err
				return
			}
			if ev.PayloadIndex > 0 {
				res.Inner++
				continue
			}
			res.Events = append(res.Events, ev)
		}
	}()
	select {
	case res := <-done:
		return res, true
	case <-time.After(timeout):
		return readResult{}, false
	}
}

// readerSentinels are the errors a Reader may wrap, for reporting.
var readerSentinels = []error{ErrBadMagic, ErrEncrypted, ErrTruncated, ErrChecksum,
	ErrEventTooLarge, ErrCorrupt, ErrMissingTableMap, ErrNoFormatDescription, ErrUnsupported}

// sentinelOf returns the sentinel err wraps, or nil.
func sentinelOf(err error) error {
	for _, s := range readerSentinels {
		if errors.Is(err, s) {
			return s
		}
	}
	return nil
}

// compatExpectation says how reading a shared sample must end.
type compatExpectation struct {
	Err error // nil: clean io.EOF after every event of the raw walk
	// At is the offset of the error: an event boundary of the walk (the
	// events before it are read), or -1 for any boundary up to End (for
	// events the reader cannot read past, after a few first ones).
	At  int64
	Why string // for the -v table
}

// knownIssues are samples the Reader does not read to the end, with the
// error it gives and why. All four hold pre-GA rows events (types 20-22,
// MySQL 5.1.0-5.1.17 and a 5.2 development tree): their row images start
// with the table's record null bytes and pack fields without table map
// metadata, so their values cannot be decoded from the binlog alone; the
// Reader reports ErrUnsupported at the event (with SkipRowValues the files
// read to the end). An entry that no longer applies fails the test: remove
// it.
var knownIssues = map[string]compatExpectation{
	"mysql-8.0.32/suite/binlog/std_data/ver_5_1-wl2325_s.001": {Err: ErrMissingTableMap, At: -1,
		Why: "pre-GA rows events (types 20-22) of a 5.2.2 wl2325 tree"},
	"mysql-5.6.21/suite/binlog/std_data/bug32407.001": {Err: ErrUnsupported, At: -1,
		Why: "pre-GA rows event values (5.1.15-ndb)"},
	"mysql-5.6.21/suite/binlog/std_data/ver_5_1-telco.001": {Err: ErrUnsupported, At: -1,
		Why: "pre-GA rows event values (5.1.15-ndb telco)"},
	"mysql-5.6.21/suite/binlog/std_data/ver_5_1_17.001": {Err: ErrUnsupported, At: -1,
		Why: "pre-GA rows event values (5.1.17)"},
}

// corruptAt lists samples with a corrupt event the raw walk cannot see
// (the sizes are right, the body is not), by the offset of that event.
var corruptAt = map[string]int64{
	// A relay log whose last Query event holds the tail of another
	// statement: its status-variable length points past the event.
	"mysql-8.0.32/std_data/corrupt-relay-bin.000624": 91204,
}

// expectFor derives the expected outcome of reading a sample from its raw
// walk and its MANIFEST entry.
func expectFor(e manifestEntry, w rawWalk) compatExpectation {
	notes := strings.ToLower(e.Notes)
	// Failures the walk locates, in file order.
	switch {
	case w.Stop == "encrypted":
		return compatExpectation{Err: ErrEncrypted, Why: "MySQL encrypted file"}
	case w.Stop == "magic":
		return compatExpectation{Err: ErrBadMagic, Why: "not a binlog"}
	case strings.Contains(notes, "start_encryption"):
		// Encrypted events follow: their checksums do not match.
		return compatExpectation{Err: ErrEncrypted, At: -1, Why: "MariaDB START_ENCRYPTION"}
	case w.StartVersion != 0 && w.StartVersion != 3:
		return compatExpectation{Err: ErrUnsupported, At: 4, Why: fmt.Sprintf("binlog version %d", w.StartVersion)}
	case w.BadCRC >= 0:
		return compatExpectation{Err: ErrChecksum, At: w.BadCRC, Why: "CRC32 mismatch (raw walk)"}
	}
	if at, ok := corruptAt[e.Path]; ok {
		return compatExpectation{Err: ErrCorrupt, At: at, Why: "corrupt event body"}
	}
	switch {
	case w.Stop == "truncated":
		return compatExpectation{Err: ErrTruncated, At: w.End, Why: "file cut inside an event"}
	case w.Stop == "size":
		return compatExpectation{Err: ErrEventTooLarge, At: w.End, Why: "event size under the header size"}
	case strings.Contains(notes, "no format_description_event"),
		strings.Contains(notes, "no format description"):
		return compatExpectation{Err: ErrNoFormatDescription, At: -1, Why: "no format description"}
	}
	if k, ok := knownIssues[e.Path]; ok {
		k.Why = "unsupported: " + k.Why
		return k
	}
	return compatExpectation{}
}

// TestCompatSharedBinlogs reads every sample in ../shared/binlogs with Open
// and checks the outcome against an independent walk of the event headers:
// the same events at the same offsets, then a clean end or the error the
// file calls for (truncated files: ErrTruncated at the partial event).
func TestCompatSharedBinlogs(t *testing.T) {
	dir := sharedBinlogs(t)
	entries := readManifest(t, dir)
	if len(entries) == 0 {
		t.Fatal("MANIFEST.tsv lists no files")
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%-6s %6s %6s %5s  %-24s %s\n", "result", "walk", "read", "inner", "outcome", "file")
	var clean, typed, failed int
	for _, e := range entries {
		t.Run(e.Path, func(t *testing.T) {
			path := filepath.Join(dir, e.Path)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			w := walkRawCRC(data, e.ChecksumAlg == "CRC32")
			want := expectFor(e, w)
			res, ok := readAllFile(path, nil, 20*time.Second)
			if !ok {
				failed++
				fmt.Fprintf(&table, "%-6s %6d %6s %5s  %-24s %s\n", "HANG", len(w.Offsets), "-", "-", "timeout", e.Path)
				t.Fatalf("reading did not end within 20s")
			}
			outcome := "EOF"
			if res.Err != nil {
				outcome = fmt.Sprint(sentinelOf(res.Err))
				if ee := (*EventError)(nil); errors.As(res.Err, &ee) {
					outcome += fmt.Sprintf(" @%d", ee.Offset)
				}
			}
			bad := checkCompat(t, path, e, w, want, res)
			result := "ok"
			switch {
			case bad:
				failed++
				result = "FAIL"
			case res.Err == nil:
				clean++
			default:
				typed++
			}
			why := ""
			if want.Why != "" {
				why = " (" + want.Why + ")"
			}
			fmt.Fprintf(&table, "%-6s %6d %6d %5d  %-24s %s%s\n", result, len(w.Offsets), len(res.Events), res.Inner,
				strings.TrimPrefix(outcome, "binlog: "), e.Path, why)
		})
	}
	t.Logf("%d files: %d read to a clean end, %d ended with the expected typed error, %d failed\n%s",
		len(entries), clean, typed, failed, table.String())
}

// checkCompat reports every difference between the raw walk of a sample
// and what the Reader gave, and whether there was one.
func checkCompat(t *testing.T, path string, e manifestEntry, w rawWalk, want compatExpectation, res readResult) (bad bool) {
	t.Helper()
	errorf := func(format string, args ...any) {
		t.Helper()
		bad = true
		t.Errorf(format, args...)
	}
	if res.Err != nil && strings.HasPrefix(res.Err.Error(), "PANIC") {
		errorf("%v", res.Err)
		return
	}
	// Events must match the walk, one for one, as far as the reader went.
	for i, ev := range res.Events {
		if i >= len(w.Offsets) {
			errorf("event %d at offset %d: the raw walk has only %d events", i, ev.Offset, len(w.Offsets))
			break
		}
		if ev.Offset != w.Offsets[i] || int64(len(ev.Raw)) != w.Sizes[i] || ev.NextPos != w.Offsets[i]+w.Sizes[i] {
			errorf("event %d: offset %d, %d raw bytes, next %d; raw walk: offset %d, size %d",
				i, ev.Offset, len(ev.Raw), ev.NextPos, w.Offsets[i], w.Sizes[i])
			break
		}
		if ev.File != filepath.Base(e.Path) {
			errorf("event %d: File = %q, want %q", i, ev.File, filepath.Base(e.Path))
			break
		}
	}
	var ee *EventError
	if res.Err != nil && !errors.As(res.Err, &ee) {
		errorf("error is not an *EventError: %T %v", res.Err, res.Err)
		return
	}
	switch {
	case want.Err == nil && res.Err == nil:
		if len(res.Events) != len(w.Offsets) {
			errorf("read %d events to a clean end; raw walk: %d", len(res.Events), len(w.Offsets))
		}
	case want.Err == nil:
		errorf("after %d of %d events: %v", len(res.Events), len(w.Offsets), res.Err)
		if len(res.Events) < len(w.Offsets) {
			// Tell a framing bug from a decoding one.
			if skip, ok := readAllFile(path, &ReaderOptions{SkipRowValues: true}, 20*time.Second); ok && skip.Err == nil {
				t.Logf("with SkipRowValues the file reads to a clean end")
			}
		}
	case res.Err == nil:
		if _, known := knownIssues[e.Path]; known {
			errorf("known issue fixed: the file reads to a clean end; remove it from knownIssues")
			break
		}
		errorf("read %d events to a clean end; want an error wrapping %v (%s)", len(res.Events), want.Err, want.Why)
	case !errors.Is(res.Err, want.Err):
		errorf("error %v; want one wrapping %v (%s)", res.Err, want.Err, want.Why)
	case want.At < 0:
		if ee.Offset > w.End || len(res.Events) > len(w.Offsets) || len(res.Events) < len(w.Offsets) && ee.Offset != w.Offsets[len(res.Events)] {
			errorf("error at offset %d after %d events; want it at the boundary after the last event read (raw walk: %d events to %d)",
				ee.Offset, len(res.Events), len(w.Offsets), w.End)
		}
	default:
		n := 0 // events before want.At
		for n < len(w.Offsets) && w.Offsets[n] < want.At {
			n++
		}
		if ee.Offset != want.At || len(res.Events) != n {
			errorf("error at offset %d after %d events; want offset %d after %d events (%v)",
				ee.Offset, len(res.Events), want.At, n, res.Err)
		}
	}
	return bad
}

// TestCompatHeaderLengths reads the MariaDB MDEV-4645 samples, whose
// format descriptions announce common headers longer than 19 bytes.
func TestCompatHeaderLengths(t *testing.T) {
	dir := sharedBinlogs(t)
	for name, hlen := range map[string]uint8{
		"mdev-4645-binlog_none.binlog":              19,
		"mdev-4645-binlog_checksum.binlog":          23,
		"mdev-4645-binlog_group_id.binlog":          27,
		"mdev-4645-binlog_group_id_checksum.binlog": 31,
	} {
		t.Run(name, func(t *testing.T) {
			fr, err := Open(filepath.Join(dir, "mariadb-11.8.6", "std_data", name), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer fr.Close()
			var (
				types   []EventType
				queries []string
			)
			for ev, err := range fr.All() {
				if err != nil {
					t.Fatal(err)
				}
				types = append(types, ev.Type())
				if q, ok := ev.Payload.(*Query); ok {
					queries = append(queries, q.Query)
				}
			}
			wantQ := []string{"create table test.t1 (id int not null)", "insert into test.t1 (id) values (1)", "drop table test.t1"}
			if diff := cmp.Diff(wantQ, queries); diff != "" {
				t.Errorf("queries: mismatch (-want +got):\n%s", diff)
			}
			fd := fr.FormatDescription()
			if fd == nil || fd.HeaderLength != hlen {
				t.Fatalf("format description %+v; want header length %d", fd, hlen)
			}
			want := []EventType{FormatDescriptionEvent, QueryEvent, QueryEvent, QueryEvent}
			if diff := cmp.Diff(want, types); diff != "" {
				t.Errorf("event types: mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
