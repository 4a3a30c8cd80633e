package cliflag

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPassword(t *testing.T) {
	t.Setenv("MYSQL_PWD", "fromenv")
	file := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(file, []byte("fromfile\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		p           Password
		want        string
		warn, fails bool
	}{
		{Password{}, "fromenv", false, false},
		{Password{File: file}, "fromfile", false, false},
		{Password{Arg: "fromarg", Given: true}, "fromarg", true, false},
		{Password{Arg: "", Given: true}, "", true, false},
		{Password{Arg: "fromarg", Given: true, File: file}, "", false, true},
	} {
		got, warning, err := c.p.Resolve()
		if (err != nil) != c.fails || got != c.want || (warning != "") != c.warn {
			t.Errorf("%+v: got %q, warning %q, error %v", c.p, got, warning, err)
		}
		if strings.Contains(warning, "fromarg") || (err != nil && strings.Contains(err.Error(), "fromarg")) {
			t.Errorf("%+v: a message shows the password", c.p)
		}
	}
	if _, _, err := (Password{Flag: "-p", Given: true, File: file}).Resolve(); err == nil || !strings.Contains(err.Error(), "-p or --password-file") {
		t.Errorf("both: %v, want it to name -p", err)
	}
}
