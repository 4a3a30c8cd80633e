package cliflag

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/binlogkit/binlogkit/binlog"
)

// ReadIndex returns the files an index file (NAME.index) lists, as
// binlog.ReadIndex does; an index that lists none is an error.
func ReadIndex(path string) ([]string, error) {
	paths, err := binlog.ReadIndex(path)
	if err == nil && len(paths) == 0 {
		err = fmt.Errorf("index %s lists no files", path)
	}
	return paths, err
}

// NamesFile reports whether name (a --start-file or --stop-file value)
// names the binlog at path: the path itself, its base name, or the name
// its events carry (binlog.LogName: without a compression extension).
func NamesFile(path, name string) bool {
	return path == name || filepath.Base(path) == name || binlog.LogName(path) == name
}

// SelectFiles keeps the files of a chain from the one start names to the
// one stop names (see NamesFile), searched from start on; "" means the
// first or the last file. The errors name the flags --start-file and
// --stop-file.
func SelectFiles(paths []string, start, stop string) ([]string, error) {
	from, to := 0, len(paths)-1
	if start != "" {
		from = slices.IndexFunc(paths, func(p string) bool { return NamesFile(p, start) })
		if from < 0 {
			return nil, fmt.Errorf("--start-file %s: not among the files given", start)
		}
	}
	if stop != "" {
		to = slices.IndexFunc(paths[from:], func(p string) bool { return NamesFile(p, stop) })
		if to < 0 {
			return nil, fmt.Errorf("--stop-file %s: not among the files from the start file on", stop)
		}
		to += from
	}
	return paths[from : to+1], nil
}
