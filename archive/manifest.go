package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
)

// Sentinel errors of the archive's chain logic. Errors returned by the
// Archiver, Plan, Verify and Restore wrap them; test with errors.Is.
var (
	// ErrSplitBrain: a file with a name already archived has different
	// contents (two servers writing the same names, or a file rewritten).
	ErrSplitBrain = errors.New("archive: split brain: different file under an archived name")
	// ErrGap: a file is missing from the chain (a sequence number or GTIDs).
	ErrGap = errors.New("archive: gap in the binlog chain")
	// ErrFork: the chain continues on another server or the numbering was
	// reset (a fail-over).
	ErrFork = errors.New("archive: fork in the binlog chain")
	// ErrDigest: a stored object does not match the digest in its record.
	ErrDigest = errors.New("archive: digest mismatch")
	// ErrNotClosed: a file is still being written by the server.
	ErrNotClosed = errors.New("archive: binlog file still open")
	// ErrTarget: a Plan target cannot be reached with the archived chain.
	ErrTarget = errors.New("archive: target not covered by the archive")
	// ErrBadRecord: a manifest record is malformed: not exactly one JSON
	// object (data after it, say), an unknown or repeated field, or
	// fields that contradict each other, such as an object name other
	// than the one its file name, codec and encryption give.
	ErrBadRecord = errors.New("archive: bad manifest record")
)

// Object name prefixes in the store.
const (
	dataPrefix   = "binlogs/"
	recordPrefix = "manifest/"
	recordSuffix = ".json"
)

// recordVersion is the format version of Record written by this package.
const recordVersion = 1

// Record describes one archived binlog file. It is stored as JSON in
// manifest/<Name>.json.
type Record struct {
	Version  int    `json:"version"`
	Sequence uint64 `json:"sequence"` // numeric extension of Name
	Name     string `json:"name"`     // original file name, "binlog.000042"
	Object   string `json:"object"`   // data object in the store

	// Origin of the file. MariaDB has no server UUID: ServerUUID is then
	// empty and Domain is the GTID domain of the server's own transactions.
	ServerID      uint32  `json:"server_id"`
	ServerUUID    string  `json:"server_uuid,omitempty"`
	Domain        *uint32 `json:"domain,omitempty"`
	ServerVersion string  `json:"server_version"`
	MariaDB       bool    `json:"mariadb"`

	RawSize      int64  `json:"raw_size"`
	StoredSize   int64  `json:"stored_size"`
	RawSHA256    string `json:"raw_sha256"`
	StoredSHA256 string `json:"stored_sha256"`
	Codec        Codec  `json:"codec"`
	// Encryption is "age" when the object is encrypted, "" otherwise.
	// Recipients holds fingerprints of the recipients (never keys or
	// passphrases): "sha256:" and the first 16 hex digits of the SHA-256 of
	// the recipient string, "passphrase" for a passphrase.
	Encryption string   `json:"encryption,omitempty"`
	Recipients []string `json:"recipients,omitempty"`

	// Events and positions. StartPos is the offset of the first event (4),
	// EndPos the offset after the last one (RawSize for a whole file).
	Events   int64 `json:"events"`
	StartPos int64 `json:"start_pos"`
	EndPos   int64 `json:"end_pos"`
	// Event and commit times (UTC). LastCommitTime is the latest commit
	// time in the file, which a time target compares with.
	FirstEventTime  time.Time `json:"first_event_time"`
	LastEventTime   time.Time `json:"last_event_time"`
	FirstCommitTime time.Time `json:"first_commit_time,omitzero"`
	LastCommitTime  time.Time `json:"last_commit_time,omitzero"`
	Transactions    int64     `json:"transactions"`

	// PrevGTIDs is the set executed before the file (PREVIOUS_GTIDS or
	// GTID_LIST); AddedGTIDs the GTIDs of its transactions. For MariaDB,
	// sets hold the last GTID of each domain.
	PrevGTIDs  string `json:"prev_gtids"`
	AddedGTIDs string `json:"added_gtids"`
	// InUse is true when the file's format description still carries the
	// in-use flag although a later file exists: the server stopped without
	// closing it (a crash). The file is archived as it is.
	InUse bool `json:"in_use,omitempty"`

	ArchivedAt time.Time `json:"archived_at"`
}

// prev returns PrevGTIDs parsed.
func (r *Record) prev() (*binlog.GTIDSet, error) { return binlog.ParseGTIDSet(r.PrevGTIDs) }

// next returns the GTIDs executed after the file: PrevGTIDs plus AddedGTIDs.
func (r *Record) next() (*binlog.GTIDSet, error) {
	p, err := binlog.ParseGTIDSet(r.PrevGTIDs)
	if err != nil {
		return nil, err
	}
	a, err := binlog.ParseGTIDSet(r.AddedGTIDs)
	if err != nil {
		return nil, err
	}
	p.Union(a)
	return p, nil
}

// Manifest is the set of records of an archive, ordered by sequence.
type Manifest struct {
	Records []*Record
}

// recordName returns the object name of the record of a binlog file.
func recordName(file string) string { return recordPrefix + file + recordSuffix }

// dataName returns the object name of a binlog file's data.
func dataName(file string, c Codec, encrypted bool) string {
	n := dataPrefix + file + c.Ext()
	if encrypted {
		n += ".age"
	}
	return n
}

// LoadManifest reads every record from the store. Records are parsed
// strictly: a malformed one (ErrBadRecord, in an *ObjectError naming it)
// fails the whole load, so that nothing (Verify, Plan, retention) acts on
// a record that may name another file's object.
func LoadManifest(ctx context.Context, s Store) (*Manifest, error) {
	infos, err := s.List(ctx, recordPrefix)
	if err != nil {
		return nil, fmt.Errorf("archive: list manifest: %w", err)
	}
	m := &Manifest{}
	for _, in := range infos {
		if !strings.HasSuffix(in.Name, recordSuffix) {
			continue
		}
		r, err := readRecord(ctx, s, in.Name)
		if err != nil {
			return nil, err
		}
		m.Records = append(m.Records, r)
	}
	m.sort()
	return m, nil
}

func (m *Manifest) sort() {
	slices.SortFunc(m.Records, func(a, b *Record) int {
		if a.Sequence != b.Sequence {
			if a.Sequence < b.Sequence {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
}

// maxRecordSize bounds the size of a record object.
const maxRecordSize = 16 << 20

func readRecord(ctx context.Context, s Store, name string) (*Record, error) {
	file := strings.TrimSuffix(strings.TrimPrefix(name, recordPrefix), recordSuffix)
	fail := func(op string, err error) error { return &ObjectError{File: file, Object: name, Op: op, Err: err} }
	rc, err := s.Get(ctx, name)
	if err != nil {
		return nil, fail("read", err)
	}
	defer rc.Close()
	b, err := io.ReadAll(&sizeReader{ctx: ctx, r: rc, size: maxRecordSize, atMost: true})
	if err != nil {
		return nil, fail("read", err)
	}
	r, err := parseRecord(b)
	if err != nil {
		return nil, fail("parse", err)
	}
	if recordName(r.Name) != name {
		return nil, fail("parse", fmt.Errorf("%w: it names file %q", ErrBadRecord, r.Name))
	}
	return r, nil
}

// recordFields are the JSON names of Record's fields.
var recordFields = func() map[string]bool {
	m := make(map[string]bool)
	t := reflect.TypeFor[Record]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		m[name] = true
	}
	return m
}()

// parseRecord parses a record strictly: one JSON object and nothing after
// it but white space, every field known and spelled as Record's JSON names
// (encoding/json would accept any case) and given once, then Record.check.
func parseRecord(b []byte) (*Record, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("%w: not a JSON object", ErrBadRecord)
	}
	seen := make(map[string]bool)
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadRecord, err)
		}
		key, _ := t.(string)
		if !recordFields[key] {
			return nil, fmt.Errorf("%w: unknown field %q", ErrBadRecord, key)
		}
		if seen[key] {
			return nil, fmt.Errorf("%w: field %q given twice", ErrBadRecord, key)
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%w: field %q: %v", ErrBadRecord, key, err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadRecord, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the record at offset %d", ErrBadRecord, dec.InputOffset())
	}
	var r Record
	dec = json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadRecord, err)
	}
	if r.Version != recordVersion {
		return nil, fmt.Errorf("%w: unsupported version %d", ErrBadRecord, r.Version)
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	return &r, nil
}

// check reports fields of a parsed record that contradict each other.
func (r *Record) check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrBadRecord}, args...)...)
	}
	if strings.ContainsAny(r.Name, "/\\") || !ValidName(recordName(r.Name)) {
		return bad("unsafe file name %q", r.Name)
	}
	if _, seq, _, ok := splitName(r.Name); !ok || seq != r.Sequence {
		return bad("sequence %d does not match the file name %q", r.Sequence, r.Name)
	}
	switch r.Codec {
	case None, LZ4, XZ, Zstd:
	default:
		return bad("unknown codec %q", r.Codec)
	}
	switch r.Encryption {
	case "", "age":
	default:
		return bad("unknown encryption %q", r.Encryption)
	}
	if want := dataName(r.Name, r.Codec, r.Encryption != ""); r.Object != want {
		return bad("object %q: the object of %s (codec %s, encryption %q) is %q",
			r.Object, r.Name, r.Codec, r.Encryption, want)
	}
	if r.RawSize < 0 || r.StoredSize < 0 || r.Events < 0 || r.Transactions < 0 {
		return bad("negative size or count")
	}
	if r.StartPos < 0 || r.StartPos > r.EndPos || r.EndPos > r.RawSize {
		return bad("positions %d-%d outside the file's %d bytes", r.StartPos, r.EndPos, r.RawSize)
	}
	for _, d := range []string{r.RawSHA256, r.StoredSHA256} {
		if len(d) != sha256.Size*2 || strings.Trim(d, "0123456789abcdef") != "" {
			return bad("malformed sha256 %q", d)
		}
	}
	if _, err := r.next(); err != nil {
		return bad("GTIDs: %v", err)
	}
	return nil
}

func writeRecord(ctx context.Context, s Store, r *Record) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if err := s.Put(ctx, recordName(r.Name), bytes.NewReader(b), int64(len(b))); err != nil {
		return fmt.Errorf("archive: write record of %s: %w", r.Name, err)
	}
	return nil
}

// Find returns the record of the named file, or nil.
func (m *Manifest) Find(name string) *Record {
	for _, r := range m.Records {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// Last returns the record with the highest sequence, or nil.
func (m *Manifest) Last() *Record {
	if len(m.Records) == 0 {
		return nil
	}
	return m.Records[len(m.Records)-1]
}

// Check returns every break in the chain: gaps in the sequence, GTID
// discontinuities, changes of server and duplicate sequences. nil means the
// records form one unbroken chain.
func (m *Manifest) Check() []error {
	var errs []error
	for i := 1; i < len(m.Records); i++ {
		if err := checkLink(m.Records[i-1], m.Records[i]); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// checkLink reports whether b directly follows a in one chain.
func checkLink(a, b *Record) error {
	switch {
	case b.Sequence == a.Sequence:
		return fmt.Errorf("%w: %s and %s have the same sequence %d", ErrFork, a.Name, b.Name, a.Sequence)
	case baseName(a.Name) != baseName(b.Name):
		return fmt.Errorf("%w: %s follows %s: different base names", ErrFork, b.Name, a.Name)
	case b.Sequence < a.Sequence:
		return fmt.Errorf("%w: %s follows %s: numbering reset", ErrFork, b.Name, a.Name)
	case b.Sequence > a.Sequence+1:
		return fmt.Errorf("%w: %s missing between %s and %s", ErrGap, missingNames(a, b), a.Name, b.Name)
	}
	if a.ServerID != b.ServerID || a.ServerUUID != b.ServerUUID || a.MariaDB != b.MariaDB {
		return fmt.Errorf("%w: %s written by server %s, %s by server %s", ErrFork,
			a.Name, a.origin(), b.Name, b.origin())
	}
	want, err := a.next()
	if err != nil {
		return fmt.Errorf("archive: record %s: %w", a.Name, err)
	}
	got, err := b.prev()
	if err != nil {
		return fmt.Errorf("archive: record %s: %w", b.Name, err)
	}
	if !want.Equal(got) {
		return fmt.Errorf("%w: GTIDs: %s starts after %q, but %s ends at %q", ErrGap, b.Name, got, a.Name, want)
	}
	return nil
}

func (r *Record) origin() string {
	s := "id " + strconv.FormatUint(uint64(r.ServerID), 10)
	if r.ServerUUID != "" {
		s += " uuid " + r.ServerUUID
	}
	return s
}

// missingNames names the files between a and b ("binlog.000007" or
// "binlog.000007..binlog.000009").
func missingNames(a, b *Record) string {
	first := seqName(a.Name, a.Sequence+1)
	if b.Sequence-a.Sequence == 2 {
		return first
	}
	return first + ".." + seqName(a.Name, b.Sequence-1)
}

// splitName splits "binlog.000042" into "binlog", 42 and the width of the
// number (6).
func splitName(name string) (base string, seq uint64, width int, ok bool) {
	base, seq, ok = binlog.SplitFileName(name)
	if !ok {
		return name, 0, 0, false
	}
	return base, seq, len(name) - len(base) - 1, true
}

func baseName(name string) string {
	b, _, _, _ := splitName(name)
	return b
}

// seqName returns the name of file number seq in the series of like.
func seqName(like string, seq uint64) string {
	base, _, width, ok := splitName(like)
	if !ok {
		width = 6
	}
	return fmt.Sprintf("%s.%0*d", base, width, seq)
}
