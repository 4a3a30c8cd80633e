package cliflag

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func TestFilter(t *testing.T) {
	parse := func(args ...string) (*Filter, error) {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		var f Filter
		f.Register(fs)
		return &f, fs.Parse(args)
	}
	f, err := parse("--start-position", "mysql-bin.000002:4", "--stop-datetime", "2024-05-01 12:00:00",
		"--time-zone", "+05:30", "-d", "shop,app", "--tables", "shop.orders", "--kinds", "insert,delete",
		"--include-gtids", "0-1-5", "--server-ids", "1,2")
	if err != nil {
		t.Fatal(err)
	}
	o, err := f.Options()
	if err != nil {
		t.Fatal(err)
	}
	if o.StartPosition.String() != "mysql-bin.000002:4" || len(o.IncludeDatabases) != 2 || o.IncludeTables[0] != "shop.orders" ||
		o.IncludeGTIDs == nil || len(o.ServerIDs) != 2 || o.ServerIDs[1] != 2 {
		t.Errorf("options %+v", o)
	}
	if want := time.Date(2024, 5, 1, 6, 30, 0, 0, time.UTC); !o.StopTime.Equal(want) {
		t.Errorf("stop time %v, want %v", o.StopTime, want)
	}
	for _, bad := range [][]string{{"--stop-position", "x:y"}, {"--kinds", "merge"}, {"--exclude-gtids", "nonsense"}, {"--server-ids", "-1"}, {"--start-datetime", "yesterday"}} {
		f, err := parse(bad...)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Options(); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%v: %v, want an error naming %s", bad, err, bad[0])
		}
	}
}
