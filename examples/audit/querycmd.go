package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/binlog/cdc/audit"
	"github.com/binlogkit/binlogkit/internal/cliflag"
)

// errDamaged is returned by verify when the chain is damaged: exit status 1.
var errDamaged = errors.New("the audit trail is damaged")

// common are the flags every reading subcommand takes.
type common struct {
	store, keyFile string
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.store, "store", "", "the audit store: sqlite:FILE or postgres://...")
	fs.StringVar(&c.keyFile, "key-file", "", "HMAC key on the first line of `FILE`")
}

func (c *common) open(ctx context.Context) (*audit.Store, func(), error) {
	if c.store == "" {
		return nil, nil, errors.New("--store is required")
	}
	s, db, err := openStore(ctx, c.store, c.keyFile, audit.Options{})
	if err != nil {
		return nil, nil, err
	}
	return s, func() { s.Close(); db.Close() }, nil
}

// formatFlags registers --json and --csv.
func formatFlags(fs *flag.FlagSet, asJSON, asCSV *bool) {
	fs.BoolVar(asJSON, "json", false, "one JSON object per record, per line")
	fs.BoolVar(asCSV, "csv", false, "CSV with a header line")
}

// splitTable reads "db.table" or "table".
func splitTable(s string) (db, table string) {
	if d, t, ok := strings.Cut(s, "."); ok {
		return d, t
	}
	return "", s
}

// historyCmd is "audit history TABLE KEY".
func historyCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("audit history", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	var asJSON, asCSV bool
	c.register(fs)
	formatFlags(fs, &asJSON, &asCSV)
	pos, err := cliflag.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return errors.New("history: want TABLE KEY")
	}
	s, done, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer done()
	db, table := splitTable(pos[0])
	return printEntries(stdout, s.Query(ctx, &audit.Filter{Database: db, Table: table, Key: pos[1]}), asJSON, asCSV)
}

// queryCmd is "audit query".
func queryCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("audit query", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		c                    common
		asJSON, asCSV, count bool
		table, since, until  string
		zone                 string
		f                    audit.Filter
	)
	c.register(fs)
	formatFlags(fs, &asJSON, &asCSV)
	fs.StringVar(&table, "table", "", "only this table: db.table or table")
	fs.StringVar(&f.Key, "key", "", "only the row with this primary key text")
	fs.StringVar(&f.Kind, "kind", "", "only this kind: insert, update or delete")
	fs.StringVar(&since, "since", "", "only changes committed at or after `T` (2006-01-02 15:04:05, RFC 3339, or a duration such as 24h: that long ago)")
	fs.StringVar(&until, "until", "", "only changes committed before `T`")
	fs.StringVar(&zone, "time-zone", "UTC", "time zone of --since and --until")
	fs.IntVar(&f.Limit, "limit", 0, "at most N records (0: all)")
	fs.BoolVar(&count, "count-by-table", false, "print the number of changes per table instead of the records")
	pos, err := cliflag.ParseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return fmt.Errorf("query: unexpected argument %q", pos[0])
	}
	loc, err := cliflag.ParseZone(zone, time.UTC)
	if err != nil {
		return err
	}
	if f.Since, err = parseWhen(since, loc); err != nil {
		return fmt.Errorf("--since: %w", err)
	}
	if f.Until, err = parseWhen(until, loc); err != nil {
		return fmt.Errorf("--until: %w", err)
	}
	f.Database, f.Table = splitTable(table)
	s, done, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer done()
	if count {
		counts, err := s.CountByTable(ctx, f.Since, f.Until)
		if err != nil {
			return err
		}
		for _, c := range counts {
			fmt.Fprintf(stdout, "%s.%s\t%d\n", c.Database, c.Table, c.Changes)
		}
		return nil
	}
	return printEntries(stdout, s.Query(ctx, &f), asJSON, asCSV)
}

// parseWhen reads a time flag: a datetime, or a duration meaning that long
// before now.
func parseWhen(s string, loc *time.Location) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil && s != "" {
		return time.Now().Add(-d), nil
	}
	return cliflag.ParseTime(s, loc)
}

// record is the --json form of an entry.
type record struct {
	Seq        int64           `json:"seq"`
	CommitTime *string         `json:"commit_time"`
	GTID       string          `json:"gtid,omitempty"`
	ServerID   uint32          `json:"server_id"`
	File       string          `json:"file"`
	Pos        int64           `json:"pos"`
	Database   string          `json:"database"`
	Table      string          `json:"table"`
	Kind       string          `json:"kind"`
	PK         string          `json:"pk"`
	PKJSON     json.RawMessage `json:"pk_json"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
	TxID       string          `json:"tx_id"`
	TxIndex    int             `json:"tx_index"`
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
	MAC        string          `json:"mac,omitempty"`
}

func rawOrNull(m json.RawMessage) json.RawMessage {
	if m == nil {
		return json.RawMessage("null")
	}
	return m
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.999999Z07:00")
}

// printEntries writes the entries as text lines, JSON lines or CSV.
func printEntries(w io.Writer, seq func(func(*audit.Entry, error) bool), asJSON, asCSV bool) error {
	if asJSON && asCSV {
		return errors.New("give --json or --csv, not both")
	}
	var cw *csv.Writer
	if asCSV {
		cw = csv.NewWriter(w)
		cw.Write([]string{"seq", "commit_time", "gtid", "server_id", "file", "pos", "database", "table", "kind", "pk", "pk_json", "before", "after", "tx_id", "tx_index", "prev_hash", "hash", "mac"})
	}
	enc := json.NewEncoder(w)
	var err error
	seq(func(e *audit.Entry, qerr error) bool {
		if qerr != nil {
			err = qerr
			return false
		}
		switch {
		case asJSON:
			r := record{Seq: e.Seq, GTID: e.GTID, ServerID: e.ServerID, File: e.File, Pos: e.Pos,
				Database: e.Database, Table: e.Table, Kind: e.Kind, PK: e.PK, PKJSON: rawOrNull(e.PKJSON),
				Before: rawOrNull(e.Before), After: rawOrNull(e.After), TxID: e.TxID, TxIndex: e.TxIndex,
				PrevHash: e.PrevHash, Hash: e.Hash, MAC: e.MAC}
			if t := timeText(e.CommitTime); t != "" {
				r.CommitTime = &t
			}
			err = enc.Encode(&r)
		case asCSV:
			err = cw.Write([]string{strconv.FormatInt(e.Seq, 10), timeText(e.CommitTime), e.GTID,
				strconv.FormatUint(uint64(e.ServerID), 10), e.File, strconv.FormatInt(e.Pos, 10),
				e.Database, e.Table, e.Kind, e.PK, string(e.PKJSON), string(e.Before), string(e.After),
				e.TxID, strconv.Itoa(e.TxIndex), e.PrevHash, e.Hash, e.MAC})
		default:
			_, err = fmt.Fprintf(w, "%d\t%s\t%s\t%s.%s\t%s\tbefore=%s\tafter=%s\n", e.Seq, timeText(e.CommitTime),
				e.Kind, e.Database, e.Table, e.PK, rawOrNull(e.Before), rawOrNull(e.After))
		}
		return err == nil
	})
	if cw != nil {
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
	}
	return err
}

// openArgs parses the common flags of a subcommand that takes no other
// (verify, stats) and opens the store they name.
func openArgs(ctx context.Context, name string, args []string, stderr io.Writer) (*audit.Store, func(), error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	c.register(fs)
	if _, err := cliflag.ParseInterspersed(fs, args); err != nil {
		return nil, nil, err
	}
	return c.open(ctx)
}

// verifyCmd is "audit verify".
func verifyCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	s, done, err := openArgs(ctx, "audit verify", args, stderr)
	if err != nil {
		return err
	}
	defer done()
	rep, err := s.Verify(ctx)
	if err != nil {
		return err
	}
	mode := "hash chain only (no --key-file)"
	if rep.Keyed {
		mode = "hash chain and HMAC"
	}
	if rep.OK() {
		fmt.Fprintf(stdout, "ok: %d records, head %d, %s\n", rep.Records, rep.LastSeq, mode)
		return nil
	}
	fmt.Fprintf(stdout, "DAMAGED: %d records, head %d, %s; first bad record: %s\n", rep.Records, rep.LastSeq, mode, rep.Damage[0])
	for _, d := range rep.Damage {
		fmt.Fprintln(stdout, d)
	}
	return errDamaged
}

// statsCmd is "audit stats".
func statsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	s, done, err := openArgs(ctx, "audit stats", args, stderr)
	if err != nil {
		return err
	}
	defer done()
	st, err := s.Stats(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "records\t%d\nhead\t%d\nfirst\t%s\nlast\t%s\nkeyed\t%v\n", st.Records, st.LastSeq, timeText(st.First), timeText(st.Last), st.Keyed)
	for _, k := range []string{"insert", "update", "delete"} {
		fmt.Fprintf(stdout, "%s\t%d\n", k, st.Kinds[k])
	}
	for _, t := range st.Tables {
		fmt.Fprintf(stdout, "table %s.%s\t%d\n", t.Database, t.Table, t.Changes)
	}
	if st.Checkpoint != "" {
		fmt.Fprintf(stdout, "checkpoint\t%s\n", st.Checkpoint)
	}
	return nil
}
