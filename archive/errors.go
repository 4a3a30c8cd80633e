package archive

import (
	"errors"
	"strconv"
	"strings"
)

// ErrBadOptions is wrapped by the errors of constructors and entry points
// (NewArchiver, ArchiveStream, MakePlan, ApplyRetention, NewDirStore,
// archive/s3's New and archive/remote's Run) that refuse their options,
// before they do any I/O.
var ErrBadOptions = errors.New("archive: bad options")

// An ObjectError reports a failure on one object of the archive: reading,
// decrypting, decompressing, checking or restoring the data object of an
// archived binlog file, or reading its manifest record; or a Store method
// (DirStore's, archive/s3's) failing on an object. It names the object as
// the store knows it ("binlogs/binlog.000042.zst.age") and, when known,
// the binlog file it holds ("binlog.000042").
//
// Err says what went wrong and wraps the package's sentinels, so that
// errors.Is answers: ErrSize (more bytes than the record gives, or than
// Put was told), ErrDigest, ErrDecrypt and ErrWrongKey, ErrBadRecord,
// ErrNotFound, ErrBadName, a codec's error, a *binlog.EventError,
// fs.ErrExist, context.Canceled.
type ObjectError struct {
	File string // binlog file name ("binlog.000042"); "" when unknown
	// Object is the object's name in the store; for the Store method
	// List, the prefix listed.
	Object string
	// Op is what failed: "read" (the store, or more bytes than the
	// record gives), "decrypt", "decompress", "check" (sizes, digests and
	// codec against the record), "scan" (the binlog's events), "restore"
	// (writing the restored file) or "parse" (a manifest record); or,
	// from a Store method, its name: "put", "get", "stat", "list" or
	// "delete".
	Op  string
	Err error
}

func (e *ObjectError) Error() string {
	var b strings.Builder
	b.WriteString("archive: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	b.WriteString(e.Op)
	b.WriteByte(' ')
	if ValidName(e.Object) {
		b.WriteString(e.Object)
	} else {
		// A bad name or a prefix: quoted, so that nothing in it can
		// pass for the rest of the message.
		b.WriteString(strconv.Quote(e.Object))
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *ObjectError) Unwrap() error { return e.Err }

// objErr returns an *ObjectError about rec's data object.
func (r *Record) objErr(op string, err error) *ObjectError {
	return &ObjectError{File: r.Name, Object: r.Object, Op: op, Err: err}
}

// storeErr returns the *ObjectError of the Store method op on name.
func storeErr(op, name string, err error) *ObjectError {
	return &ObjectError{Object: name, Op: op, Err: err}
}
