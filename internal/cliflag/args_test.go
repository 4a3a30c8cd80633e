package cliflag

import (
	"flag"
	"slices"
	"testing"
)

func TestParseInterspersed(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	b := fs.Bool("B", false, "")
	d := fs.String("d", "", "")
	got, err := ParseInterspersed(fs, []string{"f1", "-B", "f2", "-d", "x", "--", "-f3"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"f1", "f2", "-f3"}; !slices.Equal(got, want) || !*b || *d != "x" {
		t.Errorf("got %q, -B %v, -d %q; want %q, true, x", got, *b, *d, want)
	}
}
