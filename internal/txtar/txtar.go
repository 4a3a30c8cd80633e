// Package txtar reads and writes the txtar archive format: a comment
// followed by files, each introduced by a line "-- NAME --".
//
// It follows golang.org/x/tools/txtar: file data runs up to the next
// marker line, and Format adds a final newline to comment and data that
// lack one. Data holding a line that looks like a marker cannot be stored.
package txtar

import (
	"bytes"
	"strings"
)

// Archive is a txtar archive.
type Archive struct {
	Comment []byte
	Files   []File
}

// File is one file in an archive.
type File struct {
	Name string
	Data []byte
}

// Get returns the data of the first file called name and whether it exists.
func (a *Archive) Get(name string) ([]byte, bool) {
	for _, f := range a.Files {
		if f.Name == name {
			return f.Data, true
		}
	}
	return nil, false
}

// Format returns the archive's serialized form.
func Format(a *Archive) []byte {
	var buf bytes.Buffer
	buf.Write(fixNL(a.Comment))
	for _, f := range a.Files {
		buf.WriteString("-- " + f.Name + " --\n")
		buf.Write(fixNL(f.Data))
	}
	return buf.Bytes()
}

// Parse parses data as an archive. It never fails: text before the first
// marker is the comment.
func Parse(data []byte) *Archive {
	a := new(Archive)
	var name string
	a.Comment, name, data = findFileMarker(data)
	for name != "" {
		f := File{Name: name}
		f.Data, name, data = findFileMarker(data)
		a.Files = append(a.Files, f)
	}
	return a
}

// findFileMarker returns the text before the next marker line, the marker's
// file name ("" if none) and the text after the marker line.
func findFileMarker(data []byte) (before []byte, name string, after []byte) {
	var i int
	for {
		if name, after = isMarker(data[i:]); name != "" {
			return data[:i], name, after
		}
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			return fixNL(data), "", nil
		}
		i += j + 1
	}
}

// isMarker reports whether data begins with a marker line and returns the
// name and the text after the line.
func isMarker(data []byte) (name string, after []byte) {
	if !bytes.HasPrefix(data, []byte("-- ")) {
		return "", nil
	}
	line := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		line, after = data[:i], data[i+1:]
	}
	if !bytes.HasSuffix(line, []byte(" --")) || len(line) < len("-- x --") {
		return "", nil
	}
	return strings.TrimSpace(string(line[3 : len(line)-3])), after
}

// fixNL returns data with a final newline added when missing (and data is
// not empty).
func fixNL(data []byte) []byte {
	if len(data) == 0 || data[len(data)-1] == '\n' {
		return data
	}
	d := make([]byte, len(data)+1)
	copy(d, data)
	d[len(data)] = '\n'
	return d
}
