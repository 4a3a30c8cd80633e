package cliflag

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/binlogkit/binlogkit/binlog"
)

// binlogName matches the files a server writes: NAME.000123.
var binlogName = regexp.MustCompile(`^.+\.[0-9]{6,}$`)

// ExpandPaths replaces directory and index arguments by the binlog files
// they stand for (see DirFiles); other arguments are kept as given.
func ExpandPaths(args []string) ([]string, error) {
	var paths []string
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		switch {
		case fi.IsDir():
			p, err := DirFiles(a)
			if err != nil {
				return nil, err
			}
			paths = append(paths, p...)
		case strings.HasSuffix(a, ".index"):
			p, err := ReadIndex(a)
			if err != nil {
				return nil, err
			}
			paths = append(paths, p...)
		default:
			paths = append(paths, a)
		}
	}
	return paths, nil
}

// DirFiles returns the binlogs of a server directory: those of its only
// *.index file, else every NAME.NNNNNN file in name order.
func DirFiles(dir string) ([]string, error) {
	idx, err := filepath.Glob(filepath.Join(dir, "*.index"))
	if err != nil {
		return nil, err
	}
	if len(idx) == 1 {
		return ReadIndex(idx[0])
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, e := range ents {
		if e.Type().IsRegular() && binlogName.MatchString(e.Name()) {
			paths = append(paths, filepath.Join(dir, e.Name()))
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%s: no binlog files (NAME.000001) and no single *.index file", dir)
	}
	slices.SortFunc(paths, func(a, b string) int { return binlog.CompareFileNames(filepath.Base(a), filepath.Base(b)) })
	return paths, nil
}
