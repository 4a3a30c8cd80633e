package archive

import "strings"

// An ObjectError reports a failure on one object of the archive: reading,
// decrypting, decompressing, checking or restoring the data object of an
// archived binlog file, or reading its manifest record. It names the
// object as the store knows it ("binlogs/binlog.000042.zst.age") and the
// binlog file it holds ("binlog.000042").
//
// Err says what went wrong and wraps the package's sentinels, so that
// errors.Is answers: ErrSize (more bytes than the record gives),
// ErrDigest, ErrDecrypt and ErrWrongKey, ErrBadRecord, ErrNotFound, a
// codec's error, a *binlog.EventError, fs.ErrExist, context.Canceled.
type ObjectError struct {
	File   string // binlog file name ("binlog.000042"); "" when unknown
	Object string // object name in the store
	// Op is what failed: "read" (the store, or more bytes than the
	// record gives), "decrypt", "decompress", "check" (sizes, digests and
	// codec against the record), "scan" (the binlog's events), "restore"
	// (writing the restored file) or "parse" (a manifest record).
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
	b.WriteString(e.Object)
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
