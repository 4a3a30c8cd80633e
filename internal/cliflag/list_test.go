package cliflag

import (
	"flag"
	"slices"
	"testing"
)

func TestList(t *testing.T) {
	var l List
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.Var(&l, "d", "")
	if err := fs.Parse([]string{"-d", "a, b,,", "-d=c"}); err != nil {
		t.Fatal(err)
	}
	if want := (List{"a", "b", "c"}); !slices.Equal(l, want) {
		t.Errorf("List = %q, want %q", l, want)
	}
	if s := l.String(); s != "a,b,c" {
		t.Errorf("String() = %q", s)
	}
}
