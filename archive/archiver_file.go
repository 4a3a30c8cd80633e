package archive

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// archiveFile compresses (and encrypts) one closed file to a temporary
// file while scanning its events, checks that it follows last, uploads it,
// reads it back to verify it and only then writes its record.
// errClosing: the file still carries the in-use flag and may still change.
var errClosing = fmt.Errorf("%w: the server is still closing it", ErrNotClosed)

func (a *Archiver) archiveFile(ctx context.Context, path string, seq uint64, last *Record, latest bool) (*Record, error) {
	name := filepath.Base(path)
	start := time.Now()
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	defer f.Close()
	tmp, err := os.CreateTemp(a.o.TempDir, "binlogkit-archive-*")
	if err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()

	stored := newCountingHash()
	raw := newCountingHash()
	var out io.Writer = io.MultiWriter(tmp, stored)
	var enc io.WriteCloser
	if len(a.o.Recipients) > 0 {
		if enc, err = Encrypt(out, a.o.Recipients...); err != nil {
			return nil, fmt.Errorf("archive: %s: encrypt: %w", name, err)
		}
		out = enc
	}
	cw, err := NewWriter(out, a.o.Codec, a.o.CodecOptions)
	if err != nil {
		return nil, fmt.Errorf("archive: %s: compress: %w", name, err)
	}
	// Reading stops soon after ctx is done, however large the file.
	tee := io.TeeReader(&sizeReader{ctx: ctx, r: f, size: -1}, io.MultiWriter(raw, cw))
	sc := newScanner()
	if err := sc.scan(tee, name); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("archive: %w", err)
	}
	// A closed file ends with its last event; anything after it is an
	// incomplete event (binlog.Reader reports it), so this copies nothing
	// in practice but guarantees the digests cover the whole file.
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return nil, fmt.Errorf("archive: read %s: %w", path, err)
	}
	if err := cw.Close(); err != nil {
		return nil, fmt.Errorf("archive: %s: compress: %w", name, err)
	}
	if enc != nil {
		if err := enc.Close(); err != nil {
			return nil, fmt.Errorf("archive: %s: encrypt: %w", name, err)
		}
	}
	fs := &sc.fs
	if fs.inUse && latest {
		return nil, errClosing
	}
	if fs.endPos != raw.n {
		return nil, fmt.Errorf("archive: %s: events end at %d but the file has %d bytes", name, fs.endPos, raw.n)
	}
	rec := &Record{
		Version:         recordVersion,
		Sequence:        seq,
		Name:            name,
		Object:          dataName(name, a.o.Codec, len(a.o.Recipients) > 0),
		ServerID:        fs.serverID,
		ServerUUID:      fs.serverUUID,
		Domain:          fs.domain,
		ServerVersion:   fs.serverVersion,
		MariaDB:         fs.mariaDB,
		RawSize:         raw.n,
		StoredSize:      stored.n,
		RawSHA256:       raw.sum(),
		StoredSHA256:    stored.sum(),
		Codec:           a.o.Codec,
		Events:          fs.events,
		StartPos:        fs.startPos,
		EndPos:          fs.endPos,
		FirstEventTime:  fs.firstTime,
		LastEventTime:   fs.lastTime,
		FirstCommitTime: fs.firstCommit,
		LastCommitTime:  fs.lastCommit,
		Transactions:    fs.transactions,
		PrevGTIDs:       fs.prev.String(),
		AddedGTIDs:      fs.added.String(),
		InUse:           fs.inUse,
	}
	if len(a.o.Recipients) > 0 {
		rec.Encryption = "age"
		for _, r := range a.o.Recipients {
			rec.Recipients = append(rec.Recipients, fingerprint(r))
		}
	}
	if last != nil {
		if err := checkLink(last, rec); err != nil {
			return nil, err
		}
	}
	if fs.inUse {
		a.o.Logger.Warn("binlog still carries the in-use flag: the server did not close it (crash?)", "file", name)
	}

	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	if err := a.o.Store.Put(ctx, rec.Object, tmp, stored.n); err != nil {
		return nil, fmt.Errorf("archive: upload %s: %w", rec.Object, err)
	}
	if err := a.checkUpload(ctx, rec); err != nil {
		return nil, err
	}
	rec.ArchivedAt = a.o.Now().UTC()
	if err := writeRecord(ctx, a.o.Store, rec); err != nil {
		return nil, err
	}
	a.o.Logger.Info("archived", "file", name, "bytes", rec.RawSize, "object", rec.Object,
		"stored_bytes", rec.StoredSize, "codec", rec.Codec, "encryption", rec.Encryption,
		"duration", time.Since(start).Round(time.Millisecond))
	return rec, nil
}

// checkUpload reads an uploaded object back and checks its digests: the
// stored digest always, the raw digest when the object can be decrypted.
func (a *Archiver) checkUpload(ctx context.Context, rec *Record) error {
	if rec.Encryption != "" && len(a.o.Identities) == 0 {
		rc, err := a.o.Store.Get(ctx, rec.Object)
		if err != nil {
			return fmt.Errorf("archive: read back %s: %w", rec.Object, err)
		}
		defer rc.Close()
		h := newCountingHash()
		if _, err := io.Copy(h, &sizeReader{ctx: ctx, r: rc, size: rec.StoredSize, atMost: true, what: "stored object"}); err != nil {
			return fmt.Errorf("archive: read back %s: %w", rec.Object, err)
		}
		if h.n != rec.StoredSize || h.sum() != rec.StoredSHA256 {
			return fmt.Errorf("%w: %s: uploaded object %s reads back as %d bytes, sha256 %s",
				ErrDigest, rec.Name, rec.Object, h.n, h.sum())
		}
		return nil
	}
	o, err := openObject(ctx, a.o.Store, rec, a.o.Identities)
	if err != nil {
		return err
	}
	return o.finish()
}
