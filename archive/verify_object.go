package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
)

// countingHash counts and hashes the bytes written to it.
type countingHash struct {
	h hash.Hash
	n int64
}

func newCountingHash() *countingHash { return &countingHash{h: sha256.New()} }

func (c *countingHash) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return c.h.Write(p)
}

func (c *countingHash) sum() string { return hex.EncodeToString(c.h.Sum(nil)) }

// objectReader reads an archived file back: the stored bytes are hashed as
// they are read, decrypted and decompressed, and the raw bytes hashed too.
type objectReader struct {
	rec    *Record
	rc     io.ReadCloser
	stored *countingHash
	raw    *countingHash
	src    io.Reader // the stored bytes, through the stored hash
	r      io.Reader // the raw bytes, through the raw hash
}

// openObject opens the data object of rec. identities decrypt encrypted
// objects.
func openObject(ctx context.Context, s Store, rec *Record, identities []string) (*objectReader, error) {
	rc, err := s.Get(ctx, rec.Object)
	if err != nil {
		return nil, fmt.Errorf("archive: %s: object %s: %w", rec.Name, rec.Object, err)
	}
	o := &objectReader{rec: rec, rc: rc, stored: newCountingHash(), raw: newCountingHash()}
	o.src = io.TeeReader(rc, o.stored)
	var r io.Reader = o.src
	if rec.Encryption != "" {
		if len(identities) == 0 {
			rc.Close()
			return nil, fmt.Errorf("archive: %s: object %s is encrypted: no identity given", rec.Name, rec.Object)
		}
		if r, err = Decrypt(r, identities...); err != nil {
			rc.Close()
			return nil, fmt.Errorf("archive: %s: decrypt %s: %w", rec.Name, rec.Object, err)
		}
	}
	dr, codec, err := NewReader(r)
	if err != nil {
		rc.Close()
		return nil, fmt.Errorf("archive: %s: decompress %s: %w", rec.Name, rec.Object, err)
	}
	if codec != rec.Codec && !(isNone(codec) && isNone(rec.Codec)) {
		rc.Close()
		return nil, fmt.Errorf("archive: %s: object %s is %s, record says %s", rec.Name, rec.Object, codec, rec.Codec)
	}
	o.r = io.TeeReader(dr, o.raw)
	return o, nil
}

func isNone(c Codec) bool { return c == "" || c == "none" }

func (o *objectReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// finish reads what is left, closes the object and checks sizes and
// digests against the record.
func (o *objectReader) finish() error {
	defer o.rc.Close()
	if _, err := io.Copy(io.Discard, o.r); err != nil {
		return fmt.Errorf("archive: %s: read %s: %w", o.rec.Name, o.rec.Object, err)
	}
	if _, err := io.Copy(io.Discard, o.src); err != nil {
		return fmt.Errorf("archive: %s: read %s: %w", o.rec.Name, o.rec.Object, err)
	}
	return o.check()
}

func (o *objectReader) check() error {
	rec := o.rec
	if o.stored.n != rec.StoredSize || o.stored.sum() != rec.StoredSHA256 {
		return fmt.Errorf("%w: %s: object %s: stored bytes %d, sha256 %s; record: %d, %s",
			ErrDigest, rec.Name, rec.Object, o.stored.n, o.stored.sum(), rec.StoredSize, rec.StoredSHA256)
	}
	if o.raw.n != rec.RawSize || o.raw.sum() != rec.RawSHA256 {
		return fmt.Errorf("%w: %s: object %s: raw bytes %d, sha256 %s; record: %d, %s",
			ErrDigest, rec.Name, rec.Object, o.raw.n, o.raw.sum(), rec.RawSize, rec.RawSHA256)
	}
	return nil
}
