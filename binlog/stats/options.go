package stats

import "fmt"

// Options bounds what a Collector keeps. The zero value (or nil) gives the
// defaults each field states.
type Options struct {
	// TopN is the length of each top list (biggest and longest
	// transactions, largest rows events). Zero means 10.
	TopN int
	// MaxDDL is the number of DDL statements listed; later ones are only
	// counted (Stats.DDLOmitted). Zero means 100.
	MaxDDL int
	// MaxStatement bounds, in bytes, the statement text kept for each listed
	// DDL; longer text is cut and ends with "…". Zero means 1024.
	MaxStatement int
	// MaxBuckets is the most time buckets kept: when the time span needs
	// more, buckets are merged into the next wider size. Zero means 120.
	MaxBuckets int
	// MaxTables is the most database/table/kind entries kept; later tables
	// are counted under the table "(other)" of database "". Zero means
	// 10000.
	MaxTables int
	// OnTx, when set, is called with each transaction as it ends, with
	// Tables filled: to list every transaction over a threshold, not only
	// the top ones. The Tx may be kept. Zero (nil) means no call.
	OnTx func(*Tx)
}

const (
	defaultTopN         = 10
	defaultMaxDDL       = 100
	defaultMaxStatement = 1024
	defaultMaxBuckets   = 120
	defaultMaxTables    = 10000
	// maxTxTables is how many distinct tables of one transaction are named.
	maxTxTables = 64
)

// withDefaults checks o and returns a copy with zero fields set.
func (o *Options) withDefaults() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	for _, f := range []struct {
		name string
		v    *int
		def  int
	}{
		{"TopN", &r.TopN, defaultTopN},
		{"MaxDDL", &r.MaxDDL, defaultMaxDDL},
		{"MaxStatement", &r.MaxStatement, defaultMaxStatement},
		{"MaxBuckets", &r.MaxBuckets, defaultMaxBuckets},
		{"MaxTables", &r.MaxTables, defaultMaxTables},
	} {
		if *f.v < 0 {
			return r, fmt.Errorf("%w: %s is %d", ErrBadOptions, f.name, *f.v)
		}
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	if r.MaxBuckets < 2 {
		return r, fmt.Errorf("%w: MaxBuckets is %d, need at least 2", ErrBadOptions, r.MaxBuckets)
	}
	return r, nil
}
