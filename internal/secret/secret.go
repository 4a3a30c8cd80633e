// Package secret reads the passwords and passphrases of the example tools
// from a file: the first line, so that a file written by an editor or by
// "echo" works. The tools take secrets from a file or the environment
// rather than the command line, where ps shows them to every user of the
// machine.
package secret

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// maxFile bounds how much of a secret file is read.
const maxFile = 64 << 10

// ReadFile returns the first line of the file at path, without its line
// end. flag names the option in errors ("--password-file"); errors name
// the file, never its contents. An empty first line is an error: a file
// meant to hold a secret that holds none is a mistake, not "no password".
func ReadFile(flag, path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", flag, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFile))
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", flag, path, err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		return "", fmt.Errorf("%s %s: the first line is empty", flag, path)
	}
	return line, nil
}
