package cliflag

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestSelectFiles(t *testing.T) {
	paths := []string{"/d/b.000009", "/d/b.000010.zst", "/d/b.000011.LZ4", "/d/b.000012"}
	for _, c := range []struct {
		start, stop string
		want        []string
	}{
		{"", "", paths},
		{"b.000010", "b.000011", paths[1:3]},
		{"b.000010.zst", "/d/b.000011.LZ4", paths[1:3]},
		{"b.000011", "", paths[2:]},
		{"", "b.000009", paths[:1]},
	} {
		got, err := SelectFiles(paths, c.start, c.stop)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("SelectFiles(%q, %q) = %q, %v; want %q", c.start, c.stop, got, err, c.want)
		}
	}
	for _, c := range [][2]string{{"b.000013", ""}, {"b.000010", "b.000009"}} {
		if _, err := SelectFiles(paths, c[0], c[1]); err == nil {
			t.Errorf("SelectFiles(%q, %q): no error", c[0], c[1])
		}
	}
}

func TestReadIndex(t *testing.T) {
	dir := t.TempDir()
	idx := filepath.Join(dir, "b.index")
	if err := os.WriteFile(idx, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadIndex(idx); err == nil {
		t.Error("an empty index: no error")
	}
}
