package txtar

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseFormat(t *testing.T) {
	text := "comment line\n\n-- a.txt --\nhello\n-- b/c --\n-- d --\nno newline at end"
	want := &Archive{
		Comment: []byte("comment line\n\n"),
		Files: []File{
			{Name: "a.txt", Data: []byte("hello\n")},
			{Name: "b/c", Data: []byte{}},
			{Name: "d", Data: []byte("no newline at end\n")},
		},
	}
	got := Parse([]byte(text))
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b []byte) bool { return string(a) == string(b) })); diff != "" {
		t.Fatalf("Parse mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(text+"\n", string(Format(got))); diff != "" {
		t.Errorf("Format mismatch (-want +got):\n%s", diff)
	}
	if d, ok := got.Get("a.txt"); !ok || string(d) != "hello\n" {
		t.Errorf("Get(a.txt) = %q, %v", d, ok)
	}
	if _, ok := got.Get("zz"); ok {
		t.Error("Get(zz) found")
	}
}

func TestParseNoFiles(t *testing.T) {
	for _, in := range []string{"", "just text", "-- not a marker\n--  --\n"} {
		a := Parse([]byte(in))
		if len(a.Files) != 0 {
			t.Errorf("Parse(%q): files %v", in, a.Files)
		}
	}
}
