package archive

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
)

// VerifyOptions configures Verify. The zero value (or nil) verifies
// unencrypted archives silently.
type VerifyOptions struct {
	// Identities decrypt encrypted objects. Zero (an empty list) means an
	// encrypted object fails with ErrDecrypt.
	Identities []string
	// Logger receives one record per file verified (level Error when it
	// fails). Zero (nil) means the records are discarded.
	Logger *slog.Logger
}

// FileResult is the verification of one archived file.
type FileResult struct {
	Name   string // binlog file name
	Object string // data object
	Events int64  // events read
	Err    error  // nil when the object passed every check
}

// VerifyReport is the result of Verify.
type VerifyReport struct {
	// Files has one result per record, in chain order.
	Files []FileResult
	// Chain lists the breaks in the chain (Manifest.Check).
	Chain []error
	// Orphans are data objects no record points to: leftovers of an
	// interrupted upload (harmless; the next upload of that file replaces
	// them) or of a deleted record.
	Orphans []string
}

// Err returns nil when every file passed and the chain is unbroken, or an
// error naming every failure.
func (r *VerifyReport) Err() error {
	var errs []error
	for _, f := range r.Files {
		if f.Err != nil {
			errs = append(errs, f.Err)
		}
	}
	errs = append(errs, r.Chain...)
	return errors.Join(errs...)
}

// Verify re-reads every archived object: it checks the stored digest,
// decrypts and decompresses it, checks the raw digest and size, reads every
// event to the end (framing and checksums) and compares positions and GTIDs
// with the record; then it checks the chain's continuity. An object is
// never read past the sizes its record gives (ErrSize). The returned error
// is for a manifest that cannot be read (a missing or malformed record,
// ErrBadRecord) or a canceled ctx; the report says what failed, each
// file's error an *ObjectError.
func Verify(ctx context.Context, s Store, opts *VerifyOptions) (*VerifyReport, error) {
	var o VerifyOptions
	if opts != nil {
		o = *opts
	}
	log := loggerOrDiscard(o.Logger)
	m, err := LoadManifest(ctx, s)
	if err != nil {
		return nil, err
	}
	rep := &VerifyReport{Chain: m.Check()}
	objects := make(map[string]bool)
	for i, rec := range m.Records {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		objects[rec.Object] = true
		fr := FileResult{Name: rec.Name, Object: rec.Object}
		fr.Events, fr.Err = verifyFile(ctx, s, rec, o.Identities)
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if fr.Err != nil {
			log.Error("verify failed", "n", i+1, "of", len(m.Records), "file", rec.Name, "object", rec.Object, "err", fr.Err)
		} else {
			log.Info("verified", "n", i+1, "of", len(m.Records), "file", rec.Name, "object", rec.Object, "events", fr.Events)
		}
		rep.Files = append(rep.Files, fr)
	}
	infos, err := s.List(ctx, dataPrefix)
	if err != nil {
		return rep, fmt.Errorf("archive: list %s: %w", dataPrefix, err)
	}
	for _, in := range infos {
		if !objects[in.Name] {
			rep.Orphans = append(rep.Orphans, in.Name)
		}
	}
	return rep, nil
}

// verifyFile reads one object back completely.
func verifyFile(ctx context.Context, s Store, rec *Record, identities []string) (int64, error) {
	obj, err := openObject(ctx, s, rec, identities)
	if err != nil {
		return 0, err
	}
	sc := newScanner()
	scanErr := sc.scan(obj, rec.Name)
	finErr := obj.finish()
	// A digest mismatch explains a framing error: report it first.
	if finErr != nil {
		return sc.fs.events, finErr
	}
	if scanErr != nil {
		return sc.fs.events, rec.objErr("scan", scanErr)
	}
	fs := &sc.fs
	var diffs []string
	if fs.events != rec.Events {
		diffs = append(diffs, fmt.Sprintf("events %d, record %d", fs.events, rec.Events))
	}
	if fs.endPos != rec.EndPos || fs.startPos != rec.StartPos {
		diffs = append(diffs, fmt.Sprintf("positions %d-%d, record %d-%d", fs.startPos, fs.endPos, rec.StartPos, rec.EndPos))
	}
	if p := fs.prev.String(); p != rec.PrevGTIDs {
		diffs = append(diffs, fmt.Sprintf("previous GTIDs %q, record %q", p, rec.PrevGTIDs))
	}
	if a := fs.added.String(); a != rec.AddedGTIDs {
		diffs = append(diffs, fmt.Sprintf("added GTIDs %q, record %q", a, rec.AddedGTIDs))
	}
	if fs.serverID != rec.ServerID {
		diffs = append(diffs, fmt.Sprintf("server id %d, record %d", fs.serverID, rec.ServerID))
	}
	if len(diffs) > 0 {
		return fs.events, rec.objErr("check", fmt.Errorf("%w: the events do not match the record: %s",
			ErrDigest, strings.Join(diffs, "; ")))
	}
	return fs.events, nil
}
