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

// minZstdWindow is the zstd window an object may use whatever its size:
// the largest this package's writer and the zstd tool below --ultra use.
const minZstdWindow = 8 << 20

// objectReader reads an archived file back: the stored bytes are hashed as
// they are read, decrypted and decompressed, and the raw bytes hashed too.
// Neither the stored nor the raw bytes may exceed the record's sizes: the
// read fails at the first byte past them (ErrSize), so that an object that
// decompresses to far more than its record says (a decompression bomb)
// costs no more than the record promised. Reads stop when ctx is done.
// Every error is an *ObjectError, and sticky.
type objectReader struct {
	rec    *Record
	rc     io.ReadCloser
	stored *countingHash
	raw    *countingHash
	// The layers, each keeping its first error so that a failure is
	// blamed on the layer where it started.
	src   *errReader // the stored bytes (at most StoredSize), through the stored hash
	dec   *errReader // the decrypted bytes; nil when the object is not encrypted
	codec *errReader // the decompressed bytes
	dc    io.Closer  // the decompressor, freed by close and finish
	r     io.Reader  // the raw bytes (at most RawSize), through the raw hash
	err   error
}

// openObject opens the data object of rec. identities decrypt encrypted
// objects.
func openObject(ctx context.Context, s Store, rec *Record, identities []string) (*objectReader, error) {
	rc, err := s.Get(ctx, rec.Object)
	if err != nil {
		return nil, rec.objErr("read", err)
	}
	o := &objectReader{rec: rec, rc: rc, stored: newCountingHash(), raw: newCountingHash()}
	o.src = &errReader{r: io.TeeReader(
		&sizeReader{ctx: ctx, r: rc, size: rec.StoredSize, atMost: true, what: "stored object"}, o.stored)}
	var r io.Reader = o.src
	if rec.Encryption != "" {
		if len(identities) == 0 {
			rc.Close()
			return nil, rec.objErr("decrypt", fmt.Errorf("%w: the object is encrypted and no identity was given", ErrWrongKey))
		}
		dr, err := Decrypt(r, identities...)
		if err != nil {
			rc.Close()
			return nil, o.fail("decrypt", err)
		}
		o.dec = &errReader{r: dr}
		r = o.dec
	}
	window := uint64(min(max(rec.RawSize, minZstdWindow), maxZstdWindow))
	dr, codec, err := newReader(r, window)
	if err != nil {
		rc.Close()
		return nil, o.fail("decompress", err)
	}
	if codec != rec.Codec && !(isNone(codec) && isNone(rec.Codec)) {
		rc.Close()
		return nil, rec.objErr("check", fmt.Errorf("%w: the object is %s, its record says %s", ErrDigest, codec, rec.Codec))
	}
	o.codec = &errReader{r: dr}
	o.dc = dr
	o.r = io.TeeReader(&sizeReader{ctx: ctx, r: o.codec, size: rec.RawSize, atMost: true, what: "raw content"}, o.raw)
	return o, nil
}

func isNone(c Codec) bool { return c == "" || c == "none" }

func (o *objectReader) Read(p []byte) (int, error) {
	if o.err != nil {
		return 0, o.err
	}
	n, err := o.r.Read(p)
	if err != nil && err != io.EOF {
		return n, o.fail("read", err)
	}
	return n, err
}

// fail records and returns the first error, as an *ObjectError that
// blames the layer where the failure started: the store (or the stored
// size), decryption, decompression, or else op with err.
func (o *objectReader) fail(op string, err error) error {
	if o.err != nil {
		return o.err
	}
	switch {
	case o.src.err != nil:
		op, err = "read", o.src.err
	case o.dec != nil && o.dec.err != nil:
		op, err = "decrypt", o.dec.err
	case o.codec != nil && o.codec.err != nil:
		op, err = "decompress", o.codec.err
	}
	o.err = o.rec.objErr(op, err)
	return o.err
}

// close releases the object without checking it.
func (o *objectReader) close() {
	o.dc.Close()
	o.rc.Close()
}

// finish reads what is left, closes the object and checks sizes and
// digests against the record.
func (o *objectReader) finish() error {
	defer o.close()
	if _, err := io.Copy(io.Discard, o); err != nil {
		return err
	}
	// Stored bytes after the end of the compressed or encrypted stream.
	if _, err := io.Copy(io.Discard, o.src); err != nil {
		return o.fail("read", err)
	}
	return o.check()
}

func (o *objectReader) check() error {
	rec := o.rec
	if o.stored.n != rec.StoredSize || o.stored.sum() != rec.StoredSHA256 {
		return rec.objErr("check", fmt.Errorf("%w: stored bytes %d, sha256 %s; record: %d, %s",
			ErrDigest, o.stored.n, o.stored.sum(), rec.StoredSize, rec.StoredSHA256))
	}
	if o.raw.n != rec.RawSize || o.raw.sum() != rec.RawSHA256 {
		return rec.objErr("check", fmt.Errorf("%w: raw bytes %d, sha256 %s; record: %d, %s",
			ErrDigest, o.raw.n, o.raw.sum(), rec.RawSize, rec.RawSHA256))
	}
	return nil
}
