package archive

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckLink(t *testing.T) {
	rec := func(name string, seq uint64, server uint32, prev, added string) *Record {
		return &Record{Name: name, Sequence: seq, ServerID: server, MariaDB: true, PrevGTIDs: prev, AddedGTIDs: added}
	}
	a := rec("binlog.000007", 7, 1, "0-1-10", "0-1-15")
	tests := []struct {
		name string
		b    *Record
		want error
		msg  string
	}{
		{"follows", rec("binlog.000008", 8, 1, "0-1-15", "0-1-20"), nil, ""},
		{"missing file", rec("binlog.000009", 9, 1, "0-1-15", ""), ErrGap, "binlog.000008 missing"},
		{"missing files", rec("binlog.000011", 11, 1, "0-1-15", ""), ErrGap, "binlog.000008..binlog.000010 missing"},
		{"missing GTIDs", rec("binlog.000008", 8, 1, "0-1-16", ""), ErrGap, "GTIDs"},
		{"other domain appears", rec("binlog.000008", 8, 1, "0-1-15,1-2-3", ""), ErrGap, "GTIDs"},
		{"other server", rec("binlog.000008", 8, 2, "0-1-15", ""), ErrFork, "server id 2"},
		{"numbering reset", rec("binlog.000001", 1, 1, "0-1-15", ""), ErrFork, "numbering reset"},
		{"same sequence", rec("binlog.000007", 7, 1, "0-1-10", "0-1-15"), ErrFork, "same sequence"},
		{"other base name", rec("mysql-bin.000008", 8, 1, "0-1-15", ""), ErrFork, "base names"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkLink(a, tt.b)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("checkLink: %v", err)
				}
				return
			}
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("checkLink: %v, want %v containing %q", err, tt.want, tt.msg)
			}
		})
	}
}

func TestQueryVerb(t *testing.T) {
	for q, want := range map[string]string{
		"BEGIN":                  "BEGIN",
		"  commit;":              "COMMIT",
		"XA START 'x'":           "XA START",
		"xa commit 'x'":          "XA COMMIT",
		"CREATE TABLE t (a INT)": "CREATE",
		"":                       "",
	} {
		if got := queryVerb(q); got != want {
			t.Errorf("queryVerb(%q) = %q, want %q", q, got, want)
		}
	}
}
