package cliflag

import (
	"flag"
	"fmt"
	"strconv"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
)

// Filter is the selection flags of the commands that stream row changes
// (cdc, audit): positions, datetimes in a zone, databases and tables,
// kinds, GTID sets and server ids, parsed into binlog.FilterOptions. Its
// zero value registers nothing; call Register.
type Filter struct {
	startPos, stopPos          string
	startTime, stopTime, zone  string
	dbs, xdbs, tables, xtables List
	kinds, incGTIDs, excGTIDs  string
	serverIDs                  List
}

// Register adds the flags to fs: --start-position, --stop-position,
// --start-datetime, --stop-datetime, --time-zone (default UTC), -d and
// --databases, --exclude-databases, -t and --tables, --exclude-tables,
// --kinds, --include-gtids, --exclude-gtids and --server-ids.
func (f *Filter) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.startPos, "start-position", "", "skip transactions before `FILE:POS`")
	fs.StringVar(&f.stopPos, "stop-position", "", "stop before the first transaction at or after `FILE:POS`")
	fs.StringVar(&f.startTime, "start-datetime", "", "skip transactions before `T` (2006-01-02 15:04:05)")
	fs.StringVar(&f.stopTime, "stop-datetime", "", "stop at the first transaction at or after `T`")
	fs.StringVar(&f.zone, "time-zone", "UTC", "time zone of --start/stop-datetime (IANA name, or Local)")
	fs.Var(&f.dbs, "d", "only these databases (globs)")
	fs.Var(&f.dbs, "databases", "only these databases (globs)")
	fs.Var(&f.xdbs, "exclude-databases", "not these databases (globs)")
	fs.Var(&f.tables, "t", "only these tables (db.table or table globs)")
	fs.Var(&f.tables, "tables", "only these tables (db.table or table globs)")
	fs.Var(&f.xtables, "exclude-tables", "not these tables")
	fs.StringVar(&f.kinds, "kinds", "", "only these kinds: insert,update,delete")
	fs.StringVar(&f.incGTIDs, "include-gtids", "", "only the transactions of this GTID `SET`")
	fs.StringVar(&f.excGTIDs, "exclude-gtids", "", "not the transactions of this GTID `SET`")
	fs.Var(&f.serverIDs, "server-ids", "only transactions written by these server ids")
}

// Options returns the binlog.FilterOptions the flags ask for, or the
// first flag that does not parse.
func (f *Filter) Options() (binlog.FilterOptions, error) {
	var o binlog.FilterOptions
	var err error
	for _, p := range []struct {
		flag, s string
		pos     *binlog.Position
	}{{"--start-position", f.startPos, &o.StartPosition}, {"--stop-position", f.stopPos, &o.StopPosition}} {
		if p.s != "" {
			if *p.pos, err = binlog.ParsePosition(p.s); err != nil {
				return o, fmt.Errorf("%s: %w", p.flag, err)
			}
		}
	}
	zone := f.zone
	if zone == "" {
		zone = "UTC"
	}
	loc, err := ParseZone(zone, time.UTC)
	if err != nil {
		return o, err
	}
	if o.StartTime, err = ParseTime(f.startTime, loc); err != nil {
		return o, fmt.Errorf("--start-datetime: %w", err)
	}
	if o.StopTime, err = ParseTime(f.stopTime, loc); err != nil {
		return o, fmt.Errorf("--stop-datetime: %w", err)
	}
	o.IncludeDatabases, o.ExcludeDatabases, o.IncludeTables, o.ExcludeTables = f.dbs, f.xdbs, f.tables, f.xtables
	if f.kinds != "" {
		if o.Kinds, err = binlog.ParseStmtKinds(f.kinds); err != nil {
			return o, fmt.Errorf("--kinds: %w", err)
		}
	}
	for _, p := range []struct {
		flag, s string
		set     **binlog.GTIDSet
	}{{"--include-gtids", f.incGTIDs, &o.IncludeGTIDs}, {"--exclude-gtids", f.excGTIDs, &o.ExcludeGTIDs}} {
		if p.s != "" {
			if *p.set, err = binlog.ParseGTIDSet(p.s); err != nil {
				return o, fmt.Errorf("%s: %w", p.flag, err)
			}
		}
	}
	for _, s := range f.serverIDs {
		id, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return o, fmt.Errorf("--server-ids: %w", err)
		}
		o.ServerIDs = append(o.ServerIDs, uint32(id))
	}
	return o, nil
}
