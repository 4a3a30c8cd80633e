package archive

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// RetentionPolicy says which archived files may be deleted. A file is
// deleted only when it is older than the latest base backup's file (the
// chain from the base backup onward is always kept), and every limit set
// allows it: it is not among the KeepLast newest files, and it was archived
// more than MaxAge ago. At least one limit must be set. Only a prefix of
// the chain is deleted, oldest first, so that retention never opens a gap.
type RetentionPolicy struct {
	// Base is where the latest base backup's replay starts (required).
	Base Base
	// KeepLast keeps at least this many newest files (0: no count limit).
	KeepLast int
	// MaxAge keeps files archived less than MaxAge ago (0: no age limit).
	MaxAge time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// DryRun reports what would be deleted without deleting.
	DryRun bool
}

// ApplyRetention deletes the files the policy allows and returns their
// records, oldest first. Each file's record is deleted before its data
// object, so an interruption leaves at worst an orphan object (which
// Verify lists), never a record without data. It deletes only the object
// of the record's own file: a record naming another object is malformed,
// and the manifest, parsed strictly, is refused whole (ErrBadRecord)
// before anything is deleted.
func ApplyRetention(ctx context.Context, s Store, pol *RetentionPolicy) ([]*Record, error) {
	if pol == nil || pol.KeepLast <= 0 && pol.MaxAge <= 0 {
		return nil, fmt.Errorf("%w: retention needs KeepLast or MaxAge", ErrBadOptions)
	}
	if pol.Base.Position.IsZero() && pol.Base.GTIDs == nil {
		return nil, fmt.Errorf("%w: retention needs the latest base backup position", ErrBadOptions)
	}
	m, err := LoadManifest(ctx, s)
	if err != nil {
		return nil, err
	}
	if len(m.Records) == 0 {
		return nil, nil
	}
	p := &planner{ctx: ctx, s: s, m: m, o: &PlanOptions{Base: pol.Base}}
	baseIdx, _, err := p.start()
	if err != nil {
		return nil, fmt.Errorf("archive: retention: %w", err)
	}
	// The chain from the base onward must be unbroken; refuse to touch an
	// archive whose needed part is already broken.
	for i := baseIdx + 1; i < len(m.Records); i++ {
		if err := checkLink(m.Records[i-1], m.Records[i]); err != nil {
			return nil, fmt.Errorf("archive: retention: the chain after the base is broken: %w", err)
		}
	}
	now := time.Now
	if pol.Now != nil {
		now = pol.Now
	}
	t := now()
	var deleted []*Record
	for i := 0; i < baseIdx; i++ {
		rec := m.Records[i]
		if pol.KeepLast > 0 && len(m.Records)-i <= pol.KeepLast {
			break
		}
		if pol.MaxAge > 0 && t.Sub(rec.ArchivedAt) <= pol.MaxAge {
			break
		}
		if !pol.DryRun {
			if err := s.Delete(ctx, recordName(rec.Name)); err != nil {
				return deleted, fmt.Errorf("archive: retention: delete %s: %w", recordName(rec.Name), err)
			}
			if err := s.Delete(ctx, rec.Object); err != nil && !errors.Is(err, ErrNotFound) {
				return deleted, fmt.Errorf("archive: retention: delete %s: %w", rec.Object, err)
			}
		}
		deleted = append(deleted, rec)
	}
	return deleted, nil
}
