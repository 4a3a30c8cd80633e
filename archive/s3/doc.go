// Package s3 is an archive.Store in an S3 bucket, or in a server that
// speaks the S3 API (MinIO, versitygw, Ceph...). It is a package of its
// own so that a user of package archive with a directory store does not
// pull in the AWS SDK. Region and credentials default to the AWS_*
// environment variables; Options.Endpoint names an S3-compatible server.
//
//	store, err := s3.New(&s3.Options{Bucket: "backups", Prefix: "binlogs/db1/"})
//	if err != nil { ... }
//	a, err := archive.NewArchiver(&archive.Options{Store: store, ...})
//
// Options works as its zero value, but for Bucket, which is required:
// each field's documentation says, in a sentence that starts "Zero means",
// what its zero value does. Sizes are counted in bytes.
//
// Object names map to keys as Options.Prefix + name. Puts are atomic: an
// object larger than Options.PartSize goes up as a multipart upload that
// S3 shows only once complete (a failed one is aborted), and the size
// stored is checked against the bytes sent. Reads that break off resume
// with a ranged GET of the same object version (by ETag). Requests are
// retried, with capped exponential backoff and full jitter, after 5xx
// responses, throttling, connection resets and truncated responses.
//
// Only the checksums an operation requires are sent or checked, since
// many S3-compatible servers do not implement the newer ones.
//
// Every error of a Store method is an *archive.ObjectError naming the
// operation and the object (for List, the prefix), wrapping
// archive.ErrNotFound for a missing object, archive.ErrBadName for a name
// that is not archive.ValidName, archive.ErrSize for a Put whose reader
// holds fewer or more bytes than the size given, or the SDK's error.
package s3
