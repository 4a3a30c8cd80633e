package cliflag

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// DefaultPort is the port of a DSN or host without one: 3306.
const DefaultPort = 3306

// A DSN is a server given as USER[:PASSWORD]@HOST[:PORT] or
// USER[:PASSWORD]@/path/to/socket.
type DSN struct {
	// Addr is HOST:PORT (the port defaulting to DefaultPort) or the socket
	// path: the address go-mysql dials.
	Addr     string
	User     string
	Password string
	// HasPassword reports whether a ":" gave a password, maybe empty
	// (USER:@HOST asks for none).
	HasPassword bool
}

// ParseDSN reads USER[:PASSWORD]@HOST[:PORT] or USER[:PASSWORD]@/socket.
// The last "@" ends the user part, so a password may hold one. Its errors
// never show the password.
func ParseDSN(s string) (DSN, error) {
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return DSN{}, errors.New("no @: want USER[:PASSWORD]@HOST[:PORT] or USER[:PASSWORD]@/path/to/socket (the value is not shown: it may hold a password)")
	}
	var d DSN
	d.User, d.Password, d.HasPassword = strings.Cut(s[:at], ":")
	addr := s[at+1:]
	switch {
	case addr == "":
		return DSN{}, fmt.Errorf("no host after the @ (user %q)", d.User)
	case strings.HasPrefix(addr, "/"):
	case !strings.Contains(addr, ":") || strings.HasSuffix(addr, "]"):
		addr = net.JoinHostPort(strings.Trim(addr, "[]"), strconv.Itoa(DefaultPort))
	}
	d.Addr = addr
	return d, nil
}

// HostPort returns the go-mysql address of -h HOST and -P PORT: HOST:PORT,
// or HOST itself when it is a Unix socket path (it starts with "/").
func HostPort(host string, port uint) string {
	if strings.HasPrefix(host, "/") {
		return host
	}
	return net.JoinHostPort(host, strconv.FormatUint(uint64(port), 10))
}
