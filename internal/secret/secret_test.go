package secret

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct{ content, want string }{
		{"s3cr3t\n", "s3cr3t"}, {"s3cr3t", "s3cr3t"}, {"s3cr3t\r\nsecond\n", "s3cr3t"}, {" spaced \n", " spaced "},
	} {
		got, err := ReadFile("--password-file", write("ok", c.content))
		if err != nil || got != c.want {
			t.Errorf("%q: %q, %v; want %q", c.content, got, err, c.want)
		}
	}
	for _, content := range []string{"", "\nhunter2\n"} {
		_, err := ReadFile("--password-file", write("empty", content))
		if err == nil || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%q: %v, want an error that does not show the file", content, err)
		}
	}
	if _, err := ReadFile("--password-file", filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "--password-file") {
		t.Errorf("missing file: %v", err)
	}
}
