package binlog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"
)

// Checkpoint errors. LoadCheckpoint, UnmarshalJSON, MarshalJSON and
// SaveCheckpoint return errors wrapping ErrBadCheckpoint; a ServerTracker
// returns an *EventError wrapping ErrCheckpointMismatch.
var (
	// ErrBadCheckpoint: a checkpoint that is not the one documented format
	// (see Checkpoint): empty, not a JSON object, no or another "version",
	// a field unknown, repeated, null, of the wrong type or out of range,
	// or no place to resume from. MarshalJSON and SaveCheckpoint return it
	// for a checkpoint they could not load back unchanged (a file name
	// with a newline, a GTID set whose text does not parse, ...), so that
	// nothing is ever saved that cannot be loaded.
	ErrBadCheckpoint = errors.New("binlog: bad checkpoint")
	// ErrCheckpointMismatch: the log being read is not the one the
	// checkpoint was taken from: another server wrote it, it does not
	// hold the checkpoint's file, or no event boundary lies at the
	// checkpoint's offset (see TrackServer).
	ErrCheckpointMismatch = errors.New("binlog: checkpoint does not belong to this log")
)

// CheckpointVersion is the format version of the JSON form of a
// Checkpoint written by MarshalJSON and SaveCheckpoint, and the only one
// UnmarshalJSON and LoadCheckpoint accept.
const CheckpointVersion = 1

// Checkpoint records how far a consumer has processed a binlog: always at a
// commit boundary, right after the last transaction it has fully handled,
// so that resuming from it delivers every later committed transaction
// exactly once (see TxReader).
//
// Resume with either form: Position (live.Options.Position,
// FilterOptions.StartPosition, or opening the file and skipping to the
// offset) or GTIDs (live.Options.GTIDs), which also survives a fail-over
// to another server. Read the log through TrackServer to check that it is
// the one the checkpoint was taken from, and to learn the Server to record
// in the next checkpoint.
//
// The stored form (MarshalJSON, SaveCheckpoint) is one JSON object, format
// version 1:
//
//	{"version":1,"server":{"flavor":"mariadb","server_id":1},
//	 "file":"binlog.000003","offset":1234,"gtids":"0-1-100",
//	 "time":"2024-05-01T10:00:00Z","extra":{...}}
//
// "version" is required and must be 1. "file" (a binlog file name: no
// path separator, no control character, valid UTF-8) and "offset" (at
// least 4) come together; at least one of them or "gtids" is required.
// "gtids" is omitted when GTIDs is nil and "" for an empty set; "time" is
// RFC 3339 in UTC, omitted when zero; "server" is omitted when unknown;
// "extra" is any JSON value but null. Reading is strict: anything else (an
// unknown or repeated field, a null, trailing data, an empty file) is
// ErrBadCheckpoint, never a checkpoint that starts from the beginning.
type Checkpoint struct {
	// Position is where reading resumes: the position right after the
	// commit (XID, COMMIT query or standalone DDL) of the last transaction
	// processed.
	Position Position
	// GTIDs is the set of transactions executed up to and including that
	// transaction, nil when unknown (a log without GTIDs, or a reader that
	// did not start at a known set; see TxOptions.GTIDs).
	GTIDs *GTIDSet
	// Time is the commit time of that transaction (zero when unknown).
	Time time.Time
	// Server identifies the server that wrote Position.File; the zero
	// value means unknown. TxReader.Checkpoint fills it from the format
	// description of the file (as ServerTracker.Server does). A
	// ServerTracker refuses to resume by Position from a checkpoint
	// without it.
	Server ServerIdentity
	// Extra is opaque caller state saved and loaded with the checkpoint, in
	// the same atomic write: for example the JSON of a schemahistory.History, so
	// that the schema and the position can never disagree. It must be valid
	// JSON, not null, when set; it is loaded back compacted.
	Extra json.RawMessage
}

// ServerIdentity names the server that wrote a binlog file, as the file
// itself says: every binlog file starts with a format description event,
// which a live stream also sends first, whose header carries the server_id
// of the server that wrote the file and whose server version names the
// flavor. Files and streams thus give the same identity, with no query to
// the server.
//
// Nothing else in a log names its writer reliably. MySQL writes no
// server_uuid into its binlogs: the UUID of a GTID is that of the server
// where the transaction originated, which on a replica is its source, and
// a PREVIOUS_GTIDS set lists every server that ever wrote in the topology.
// The server id of a MariaDB GTID (and of most events) is likewise the
// originating server's.
//
// Server ids are unique within a replication topology only, and a server
// left unconfigured has id 1: two unrelated servers of one flavor can
// share an identity. A ServerTracker therefore also checks that an event
// of the checkpoint's file ends exactly at its offset.
type ServerIdentity struct {
	// Flavor is "mysql" or "mariadb" ("" when unknown).
	Flavor string
	// ServerID is the server_id of the server that wrote the file.
	ServerID uint32
}

// IsZero reports whether s is the zero (unknown) identity.
func (s ServerIdentity) IsZero() bool { return s == ServerIdentity{} }

// String returns "mariadb server 1", or "unknown server" for the zero value.
func (s ServerIdentity) String() string {
	if s.IsZero() {
		return "unknown server"
	}
	return fmt.Sprintf("%s server %d", s.Flavor, s.ServerID)
}

// ServerIdentityOf returns the identity of the server that wrote the log
// of ev when ev is a format description event (the first event of every
// binlog file); ok is false for other events.
func ServerIdentityOf(ev *Event) (id ServerIdentity, ok bool) {
	fd, ok := ev.Payload.(*FormatDescription)
	if !ok {
		return ServerIdentity{}, false
	}
	id = ServerIdentity{Flavor: "mysql", ServerID: ev.Header.ServerID}
	if fd.MariaDB() {
		id.Flavor = "mariadb"
	}
	return id, true
}

// checkpointJSON is the JSON form of a Checkpoint, fields in their order.
type checkpointJSON struct {
	Version int             `json:"version"`
	Server  *serverJSON     `json:"server,omitempty"`
	File    string          `json:"file,omitempty"`
	Offset  int64           `json:"offset,omitempty"`
	GTIDs   *string         `json:"gtids,omitempty"`
	Time    *time.Time      `json:"time,omitempty"`
	Extra   json.RawMessage `json:"extra,omitempty"`
}

type serverJSON struct {
	Flavor   string `json:"flavor"`
	ServerID uint32 `json:"server_id"`
}

// MarshalJSON returns the stored form of c (see Checkpoint). It fails with
// ErrBadCheckpoint for a checkpoint UnmarshalJSON would refuse or read back
// differently.
func (c *Checkpoint) MarshalJSON() ([]byte, error) {
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadCheckpoint, err)
	}
	j := checkpointJSON{Version: CheckpointVersion, File: c.Position.File, Offset: c.Position.Offset, Extra: c.Extra}
	if !c.Server.IsZero() {
		j.Server = &serverJSON{Flavor: c.Server.Flavor, ServerID: c.Server.ServerID}
	}
	if c.GTIDs != nil {
		s := c.GTIDs.String()
		j.GTIDs = &s
	}
	if !c.Time.IsZero() {
		t := c.Time.UTC()
		j.Time = &t
	}
	b, err := json.Marshal(j)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadCheckpoint, err)
	}
	// Never write what would not load back as it is.
	back, err := parseCheckpoint(b)
	if err != nil {
		return nil, fmt.Errorf("%w: would not load back: %v", ErrBadCheckpoint, err)
	}
	if what := c.differs(back); what != "" {
		return nil, fmt.Errorf("%w: %s would not load back unchanged", ErrBadCheckpoint, what)
	}
	return b, nil
}

// validate checks the fields MarshalJSON cannot encode faithfully, for a
// clearer error than the round trip would give.
func (c *Checkpoint) validate() error {
	if c.Position.IsZero() {
		if c.GTIDs == nil {
			return errors.New("no position and no GTID set: nothing to resume from")
		}
	} else {
		if err := checkLogName(c.Position.File); err != nil {
			return err
		}
		if c.Position.Offset < 4 {
			return fmt.Errorf("offset %d: a binlog position is at least 4", c.Position.Offset)
		}
	}
	if !c.Server.IsZero() && c.Server.Flavor != "mysql" && c.Server.Flavor != "mariadb" {
		return fmt.Errorf("server flavor %q: want mysql or mariadb", c.Server.Flavor)
	}
	if len(c.Extra) > 0 && (!json.Valid(c.Extra) || string(bytes.TrimSpace(c.Extra)) == "null") {
		return errors.New("extra is not a JSON value other than null")
	}
	return nil
}

// differs names the first field of c that back does not hold the same, or
// returns "".
func (c *Checkpoint) differs(back *Checkpoint) string {
	switch {
	case c.Position != back.Position:
		return "position " + c.Position.String()
	case (c.GTIDs == nil) != (back.GTIDs == nil) || c.GTIDs != nil && c.GTIDs.String() != back.GTIDs.String():
		return "GTID set"
	case !c.Time.Equal(back.Time):
		return "time"
	case c.Server != back.Server:
		return "server"
	}
	var want bytes.Buffer
	if len(c.Extra) > 0 {
		if err := json.Compact(&want, c.Extra); err != nil {
			return "extra"
		}
	}
	if !bytes.Equal(want.Bytes(), back.Extra) {
		return "extra"
	}
	return ""
}

// checkLogName checks a binlog file name for the stored form: a server's
// base name, without path separators or control characters.
func checkLogName(name string) error {
	switch {
	case name == "":
		return errors.New("no file name (a log read without ReaderOptions.Name?)")
	case len(name) > 512:
		return fmt.Errorf("file name of %d bytes", len(name))
	case !utf8.ValidString(name):
		return fmt.Errorf("file name %q is not UTF-8", name)
	case name == "." || name == ".." || strings.ContainsAny(name, `/\`):
		return fmt.Errorf("file name %q is not a binlog file's base name", name)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("file name %q holds a control character", name)
		}
	}
	return nil
}

// UnmarshalJSON reads the stored form of a checkpoint (see Checkpoint),
// strictly: anything else fails with ErrBadCheckpoint and leaves c
// unchanged.
func (c *Checkpoint) UnmarshalJSON(b []byte) error {
	n, err := parseCheckpoint(b)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadCheckpoint, err)
	}
	*c = *n
	return nil
}

// parseCheckpoint reads the stored form. Its errors carry no sentinel.
func parseCheckpoint(b []byte) (*Checkpoint, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, errors.New("empty")
	}
	if !utf8.Valid(b) {
		return nil, errors.New("not UTF-8")
	}
	fields, err := jsonObject(b)
	if err != nil {
		return nil, err
	}
	var (
		c            Checkpoint
		version      int
		file, offset bool
		hasVersion   bool
		server       []jsonField
		hasServer    bool
		tm, str      string
	)
	field := func(f jsonField, v any) error {
		if err := json.Unmarshal(f.val, v); err != nil {
			return fmt.Errorf("%q: %v", f.key, err)
		}
		return nil
	}
	for _, f := range fields {
		if string(f.val) == "null" {
			return nil, fmt.Errorf("%q is null", f.key)
		}
		switch f.key {
		case "version":
			err, hasVersion = field(f, &version), true
		case "server":
			hasServer = true
			server, err = jsonObject(f.val)
			if err != nil {
				err = fmt.Errorf("%q: %v", f.key, err)
			}
		case "file":
			err, file = field(f, &c.Position.File), true
		case "offset":
			err, offset = field(f, &c.Position.Offset), true
		case "gtids":
			if err = field(f, &str); err == nil {
				c.GTIDs, err = ParseGTIDSet(str)
			}
		case "time":
			if err = field(f, &tm); err == nil {
				c.Time, err = time.Parse(time.RFC3339Nano, tm)
				c.Time = c.Time.UTC()
			}
		case "extra":
			c.Extra = append(json.RawMessage(nil), f.val...)
		default:
			err = fmt.Errorf("unknown field %q", f.key)
		}
		if err != nil {
			return nil, err
		}
	}
	switch {
	case !hasVersion:
		return nil, errors.New(`no "version" field (not a checkpoint, or one written before format version 1)`)
	case version != CheckpointVersion:
		return nil, fmt.Errorf("format version %d; this program reads version %d", version, CheckpointVersion)
	case file != offset:
		return nil, errors.New(`"file" and "offset" must come together`)
	case !file && c.GTIDs == nil:
		return nil, errors.New(`no "file" and "offset" and no "gtids": nothing to resume from`)
	}
	if file {
		if err := checkLogName(c.Position.File); err != nil {
			return nil, err
		}
		if c.Position.Offset < 4 {
			return nil, fmt.Errorf("offset %d: a binlog position is at least 4", c.Position.Offset)
		}
	}
	if hasServer {
		var hasFlavor, hasID bool
		for _, f := range server {
			var err error
			switch {
			case string(f.val) == "null":
				err = fmt.Errorf("%q is null", f.key)
			case f.key == "flavor":
				err, hasFlavor = field(f, &c.Server.Flavor), true
			case f.key == "server_id":
				err, hasID = field(f, &c.Server.ServerID), true
			default:
				err = fmt.Errorf("unknown field %q", f.key)
			}
			if err != nil {
				return nil, fmt.Errorf(`"server": %v`, err)
			}
		}
		switch {
		case !hasFlavor || !hasID:
			return nil, errors.New(`"server" needs "flavor" and "server_id"`)
		case c.Server.Flavor != "mysql" && c.Server.Flavor != "mariadb":
			return nil, fmt.Errorf(`"server": flavor %q: want mysql or mariadb`, c.Server.Flavor)
		}
	}
	return &c, nil
}

// jsonField is a member of a JSON object.
type jsonField struct {
	key string
	val json.RawMessage
}

// jsonObject returns the members of the JSON object b, in order. It fails
// unless b is exactly one object (white space around it aside) with no
// repeated member name.
func jsonObject(b []byte) ([]jsonField, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	var fields []jsonField
	seen := map[string]bool{}
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return nil, err
		}
		key, ok := t.(string)
		if !ok {
			return nil, errors.New("not a JSON object")
		}
		if seen[key] {
			return nil, fmt.Errorf("field %q repeated", key)
		}
		seen[key] = true
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return nil, fmt.Errorf("%q: %v", key, err)
		}
		fields = append(fields, jsonField{key, v})
	}
	if _, err := d.Token(); err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	return fields, nil
}

// SaveCheckpoint writes cp in its stored form (see Checkpoint) to path
// atomically: it writes a temporary file in the same directory, syncs it,
// renames it over path and syncs the directory, so after a crash path holds
// either the old or the new checkpoint, never a mix. A checkpoint that
// would not load back unchanged is not written (ErrBadCheckpoint).
func SaveCheckpoint(path string, cp *Checkpoint) (err error) {
	data, err := cp.MarshalJSON()
	if err != nil {
		return fmt.Errorf("binlog: save checkpoint %s: %w", path, err)
	}
	data = append(data, '\n')
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("binlog: save checkpoint: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
			err = fmt.Errorf("binlog: save checkpoint: %w", err)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err = d.Sync(); err != nil {
		return err
	}
	return nil
}

// LoadCheckpoint reads a checkpoint written by SaveCheckpoint.
//
// A missing file returns an error satisfying errors.Is(err,
// fs.ErrNotExist): the caller decides whether that is a first run (start
// where its configuration says) or an error. Any other file that is not a
// checkpoint in the stored form, an empty one included, fails with
// ErrBadCheckpoint: it is never taken for "start from the beginning".
func LoadCheckpoint(path string) (*Checkpoint, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("binlog: load checkpoint: %w", err)
	}
	cp, err := parseCheckpoint(data)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrBadCheckpoint, path, err)
	}
	return cp, nil
}

// TrackServer returns a Source that passes src's events through, noting
// from each format description event which server wrote the file being
// read (ServerTracker.Server, to record in Checkpoint.Server), and, when cp
// is not nil, checking that src reads the log cp was taken from:
//
//   - when cp.Position is set (resuming by position, which only means
//     something in the log of the server that wrote it): cp.Server must be
//     known and equal to the identity in the format description of
//     cp.Position.File; the log must reach that file (not end before it,
//     nor go from an earlier file to a later one); and an event of it must
//     begin or end exactly at cp.Position.Offset, reached before any event
//     past it is returned;
//   - when cp.Position is zero (resuming by GTID set, which names
//     transactions and may continue on another server of the topology
//     after a fail-over): only the flavor of the first format description
//     is checked, when cp.Server knows it. To resume by GTID set on another
//     server with a checkpoint that also holds a position, pass a copy
//     with a zero Position.
//
// src may start before the checkpoint (the files before it, or its file
// from the start): those events pass unchecked. A failed check is an
// *EventError wrapping ErrCheckpointMismatch naming the event where the
// log and the checkpoint part (at the end of the log, the checkpoint's
// position). Errors are sticky.
func TrackServer(src Source, cp *Checkpoint) *ServerTracker {
	t := &ServerTracker{src: src, checked: cp == nil}
	if cp != nil {
		t.resume, t.want = cp.Position, cp.Server
	}
	return t
}

// ServerTracker is the Source returned by TrackServer.
type ServerTracker struct {
	src     Source
	resume  Position       // the checkpoint's position (zero: by GTID set)
	want    ServerIdentity // the checkpoint's server
	sawFile bool           // the format description of resume.File matched
	checked bool           // every check passed (or none to make)
	started bool
	files   [2]fileServer // the last two files' writers, latest first
	err     error
}

type fileServer struct {
	file string
	id   ServerIdentity
}

var _ Source = (*ServerTracker)(nil)

// Server returns the identity of the server that wrote file, from its
// format description event, or the zero identity when the tracker has not
// read that (the tracker remembers the last two files read).
func (t *ServerTracker) Server(file string) ServerIdentity {
	for _, f := range t.files {
		if f.file == file {
			return f.id
		}
	}
	return ServerIdentity{}
}

// Next returns the next event of the underlying source, after checking it.
func (t *ServerTracker) Next() (*Event, error) {
	if t.err != nil {
		return nil, t.err
	}
	if !t.started {
		t.started = true
		if !t.checked && !t.resume.IsZero() && t.want.IsZero() {
			t.err = &EventError{File: t.resume.File, Offset: t.resume.Offset,
				Err: fmt.Errorf("%w: the checkpoint records no server, so nothing shows that this log is its", ErrCheckpointMismatch)}
			return nil, t.err
		}
	}
	ev, err := t.src.Next()
	if err != nil {
		if err == io.EOF && !t.checked && !t.resume.IsZero() {
			what := "the log ends before " + t.resume.File
			if t.sawFile {
				what = fmt.Sprintf("%s ends before offset %d", t.resume.File, t.resume.Offset)
			}
			err = &EventError{File: t.resume.File, Offset: t.resume.Offset, Err: fmt.Errorf("%w: %s", ErrCheckpointMismatch, what)}
		}
		if err != io.EOF {
			t.err = err
		}
		return nil, err
	}
	if err := t.check(ev); err != nil {
		t.err = err
		return nil, err
	}
	return ev, nil
}

// check notes ev's writer when ev is a format description and checks it
// against the checkpoint.
func (t *ServerTracker) check(ev *Event) error {
	mismatch := func(format string, args ...any) error {
		return &EventError{File: ev.File, Offset: ev.Offset, Type: ev.Header.Type,
			Err: fmt.Errorf("%w: %s", ErrCheckpointMismatch, fmt.Sprintf(format, args...))}
	}
	id, isFD := ServerIdentityOf(ev)
	if isFD && ev.PayloadIndex == 0 {
		if t.files[0].file != ev.File {
			t.files[1] = t.files[0]
		}
		t.files[0] = fileServer{ev.File, id}
	}
	if t.checked {
		return nil
	}
	if t.resume.IsZero() { // by GTID set: the first format description
		if !isFD {
			return nil
		}
		t.checked = true
		if t.want.Flavor != "" && id.Flavor != t.want.Flavor {
			return mismatch("the checkpoint was taken on %s, this log was written by %s", t.want, id)
		}
		return nil
	}
	if _, hb := ev.Payload.(*Heartbeat); hb || ev.PayloadIndex > 0 {
		return nil
	}
	if c := CompareFileNames(ev.File, t.resume.File); c < 0 {
		return nil
	} else if c > 0 {
		if t.sawFile {
			return mismatch("%s ends before the checkpoint's offset %d", t.resume.File, t.resume.Offset)
		}
		return mismatch("the log has no file %s (the checkpoint's)", t.resume.File)
	}
	if isFD && !t.sawFile {
		if id != t.want {
			return mismatch("the checkpoint was taken on %s, this log was written by %s", t.want, id)
		}
		t.sawFile = true
	}
	if !t.sawFile {
		return mismatch("no format description event before the checkpoint's offset %d", t.resume.Offset)
	}
	switch r := t.resume.Offset; {
	case ev.Offset == r || ev.NextPos == r:
		t.checked = true
	case ev.Offset > r:
		return mismatch("no event begins or ends at the checkpoint's offset %d", r)
	case ev.NextPos > r:
		return mismatch("the checkpoint's offset %d falls inside this event", r)
	}
	return nil
}
