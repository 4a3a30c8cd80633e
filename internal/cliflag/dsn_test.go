package cliflag

import (
	"strings"
	"testing"
)

func TestParseDSN(t *testing.T) {
	for _, c := range []struct {
		in   string
		want DSN
	}{
		{"root@db1", DSN{Addr: "db1:3306", User: "root"}},
		{"root:s3cr@t@db1:3307", DSN{Addr: "db1:3307", User: "root", Password: "s3cr@t", HasPassword: true}},
		{"root:@/run/mysqld.sock", DSN{Addr: "/run/mysqld.sock", User: "root", HasPassword: true}},
		{"u@[::1]", DSN{Addr: "[::1]:3306", User: "u"}},
		{"u@[::1]:3310", DSN{Addr: "[::1]:3310", User: "u"}},
	} {
		got, err := ParseDSN(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseDSN(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"root:hunter2", "root:hunter2@"} {
		_, err := ParseDSN(bad)
		if err == nil {
			t.Errorf("ParseDSN(%q): no error", bad)
		} else if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("ParseDSN(%q): the error shows the password: %v", bad, err)
		}
	}
}

func TestHostPort(t *testing.T) {
	for _, c := range []struct {
		host string
		port uint
		want string
	}{
		{"db1", 3306, "db1:3306"}, {"::1", 3307, "[::1]:3307"}, {"/tmp/mysql.sock", 3306, "/tmp/mysql.sock"},
	} {
		if got := HostPort(c.host, c.port); got != c.want {
			t.Errorf("HostPort(%q, %d) = %q, want %q", c.host, c.port, got, c.want)
		}
	}
}
