package cliflag

import (
	"fmt"
	"os"

	"github.com/binlogkit/binlogkit/internal/secret"
)

// A Password says where a command's password comes from. Its zero value
// means the environment variable MYSQL_PWD, as for the mysql client.
type Password struct {
	// Flag names the command-line password flag in messages ("-p",
	// "--password"). Zero means "--password".
	Flag string
	// Arg is the value of the password flag; Given reports whether the
	// flag was on the command line. Zero means the flag was not given.
	Arg   string
	Given bool
	// File is the path of --password-file. Zero means none.
	File string
}

// Resolve returns the password: the flag's value, else the first line of
// File, else $MYSQL_PWD. warning is not empty when the password was on
// the command line, where other users of the machine can read it. Giving
// both the flag and File is an error. Nothing returned shows the password.
func (p Password) Resolve() (password, warning string, err error) {
	name := p.Flag
	if name == "" {
		name = "--password"
	}
	switch {
	case p.Given && p.File != "":
		return "", "", fmt.Errorf("give the password with %s or --password-file, not both", name)
	case p.Given:
		return p.Arg, fmt.Sprintf("a password on the command line (%s) is visible to other users; use --password-file or MYSQL_PWD", name), nil
	case p.File != "":
		s, err := secret.ReadFile("--password-file", p.File)
		return s, "", err
	}
	return os.Getenv("MYSQL_PWD"), "", nil
}
