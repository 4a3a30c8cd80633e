package binlog

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Checkpoint records how far a consumer has processed a binlog: always at a
// commit boundary, right after the last transaction it has fully handled,
// so that resuming from it delivers every later committed transaction
// exactly once (see TxReader).
//
// Resume with either form: Position (StreamOptions.Position,
// FilterOptions.StartPosition, or opening the file and skipping to the
// offset) or GTIDs (StreamOptions.GTIDs), which also survives a fail-over
// to another server.
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
	// Extra is opaque caller state saved and loaded with the checkpoint, in
	// the same atomic write: for example the JSON of a SchemaHistory, so
	// that the schema and the position can never disagree. It must be valid
	// JSON when set.
	Extra json.RawMessage
}

// checkpointJSON is the JSON form of a Checkpoint.
type checkpointJSON struct {
	File   string          `json:"file"`
	Offset int64           `json:"offset"`
	GTIDs  string          `json:"gtids,omitempty"`
	Time   *time.Time      `json:"time,omitempty"`
	Extra  json.RawMessage `json:"extra,omitempty"`
}

// MarshalJSON returns
// {"file":"binlog.000003","offset":1234,"gtids":"0-1-100","time":"...","extra":...}
// with empty fields omitted.
func (c *Checkpoint) MarshalJSON() ([]byte, error) {
	j := checkpointJSON{File: c.Position.File, Offset: c.Position.Offset, Extra: c.Extra}
	if c.GTIDs != nil {
		j.GTIDs = c.GTIDs.String()
	}
	if !c.Time.IsZero() {
		t := c.Time.UTC()
		j.Time = &t
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes. A checkpoint whose "gtids"
// is absent has a nil GTIDs.
func (c *Checkpoint) UnmarshalJSON(b []byte) error {
	var j checkpointJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("binlog: checkpoint: %w", err)
	}
	n := Checkpoint{Position: Position{File: j.File, Offset: j.Offset}, Extra: j.Extra}
	if j.Offset < 0 {
		return fmt.Errorf("binlog: checkpoint: negative offset %d", j.Offset)
	}
	if j.GTIDs != "" {
		s, err := ParseGTIDSet(j.GTIDs)
		if err != nil {
			return fmt.Errorf("binlog: checkpoint: %w", err)
		}
		n.GTIDs = s
	}
	if j.Time != nil {
		n.Time = j.Time.UTC()
	}
	*c = n
	return nil
}

// MarshalText returns a one-line form: "file:offset" followed by
// space-separated "gtids=SET", "time=RFC3339" and "extra=BASE64" fields
// when set (extra is the base64url of the JSON). For example:
//
//	binlog.000003:1234 gtids=0-1-100 time=2024-05-01T10:00:00Z
func (c *Checkpoint) MarshalText() ([]byte, error) {
	if strings.ContainsAny(c.Position.File, " \t\r\n") {
		return nil, fmt.Errorf("binlog: checkpoint: file name %q contains blanks; use JSON", c.Position.File)
	}
	var b bytes.Buffer
	b.WriteString(c.Position.String())
	if c.GTIDs != nil {
		b.WriteString(" gtids=")
		b.WriteString(c.GTIDs.String())
	}
	if !c.Time.IsZero() {
		b.WriteString(" time=")
		b.WriteString(c.Time.UTC().Format(time.RFC3339Nano))
	}
	if len(c.Extra) > 0 {
		b.WriteString(" extra=")
		b.WriteString(base64.RawURLEncoding.EncodeToString(c.Extra))
	}
	return b.Bytes(), nil
}

// UnmarshalText reads what MarshalText writes.
func (c *Checkpoint) UnmarshalText(text []byte) error {
	fields := strings.Fields(string(text))
	if len(fields) == 0 {
		return errors.New("binlog: checkpoint: empty")
	}
	pos, err := ParsePosition(fields[0])
	if err != nil {
		return fmt.Errorf("binlog: checkpoint: %w", err)
	}
	n := Checkpoint{Position: pos}
	for _, f := range fields[1:] {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "gtids":
			s, err := ParseGTIDSet(v)
			if err != nil {
				return fmt.Errorf("binlog: checkpoint: %w", err)
			}
			n.GTIDs = s
		case "time":
			t, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				return fmt.Errorf("binlog: checkpoint: %w", err)
			}
			n.Time = t.UTC()
		case "extra":
			x, err := base64.RawURLEncoding.DecodeString(v)
			if err != nil {
				return fmt.Errorf("binlog: checkpoint: extra: %w", err)
			}
			n.Extra = x
		default:
			return fmt.Errorf("binlog: checkpoint: unknown field %q", k)
		}
	}
	*c = n
	return nil
}

// SaveCheckpoint writes cp as JSON to path atomically: it writes a
// temporary file in the same directory, syncs it, renames it over path and
// syncs the directory, so after a crash path holds either the old or the
// new checkpoint, never a mix.
func SaveCheckpoint(path string, cp *Checkpoint) (err error) {
	data, err := json.Marshal(cp)
	if err != nil {
		return err
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

// LoadCheckpoint reads a checkpoint written by SaveCheckpoint. A missing
// file returns an error satisfying errors.Is(err, fs.ErrNotExist), so a
// caller can start from the beginning.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("binlog: load checkpoint: %w", err)
	}
	cp := &Checkpoint{}
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] != '{' {
		err = cp.UnmarshalText(t)
	} else {
		err = json.Unmarshal(data, cp)
	}
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return cp, nil
}
