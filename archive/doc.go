// Package archive keeps a verified, encrypted, compressed archive of a
// server's binary logs in a Store and answers point-in-time recovery
// questions from it: which files to replay, from where, and exactly where to
// stop.
//
// Options, PlanOptions, RestoreOptions and VerifyOptions
// work as their zero value, but for the fields they say are required: each
// field's documentation says, in a sentence that starts "Zero means", what
// its zero value does. Limits are counted in bytes, and progress goes to a
// *slog.Logger. Options are checked before any I/O: a bad one is an error
// wrapping ErrBadOptions. Errors are sentinels (ErrNotFound, ErrSize,
// ErrDigest, …) for errors.Is, and *ObjectError for errors.As, carrying
// the object, the binlog file and the operation: every failure on one
// object of the archive, including those of DirStore's and archive/s3's
// methods, is an *ObjectError wrapping a sentinel or the cause.
//
// # Layout in the store
//
// The archive lives entirely in the store; the host keeps no state. For
// every archived binlog file there are two objects:
//
//	binlogs/<name>[.<codec>][.age]   the file's bytes, compressed, maybe encrypted
//	manifest/<name>.json             its Record, written only after the data
//	                                 object has been read back and its SHA-256
//	                                 checked
//
// The manifest is the set of records. A crash between the two writes
// leaves an unreferenced data object that the next run overwrites; a
// record never points at an object that was not verified. There is no
// read-modify-write of a shared file, so two archivers cannot lose each
// other's updates, and a different file under an already archived name is
// refused (ErrSplitBrain) rather than overwritten.
//
// # Stores
//
// A Store is any object store with atomic puts: DirStore keeps the objects
// as files under a directory, and package archive/s3 keeps them in an S3
// bucket or an S3-compatible server. The S3 store is a package of its own
// so that this package does not depend on the AWS SDK. Package
// archive/archivetest holds the conformance suite that every Store passes.
//
// # The chain
//
// Records are ordered by Sequence, the numeric extension of the binlog file
// name. A chain is unbroken when sequences are consecutive, every file was
// written by the same server (server id, and MySQL server UUID / MariaDB
// GTID domain), and each file's previous-GTIDs set (PREVIOUS_GTIDS or
// GTID_LIST at its start) equals the previous file's set plus the GTIDs
// added in it. Manifest.Check reports every break; the Archiver refuses to
// extend a broken chain (ErrGap, ErrFork), Plan refuses to replay across
// one, and Verify re-reads every object to prove the chain can be restored.
//
// # Sources
//
// Archiver.ArchiveIndex reads a server's binlog index file (never SHOW
// BINARY LOGS) and archives every closed file; Archiver.Run does it as a
// polling daemon. Archiver.ArchiveStream takes the binlogs as a replica
// receives them instead, spools each file locally and archives it when the
// stream moves past it: the archived bytes are the server's file, byte for
// byte, whichever way they came. Package archive/remote feeds it the live
// stream of binlog/live (which reconnects), so that archiving files does
// not link the replication client.
//
// # Reading objects back
//
// Verify, Plan and Restore read an object through the same checks: the
// stored bytes are hashed as they arrive, decrypted (age authenticates
// every 64 KiB chunk) and decompressed, and the raw bytes are hashed
// again. Neither may exceed the sizes in the record: a damaged or hostile
// object, such as a decompression bomb, fails at the first byte past them
// (ErrSize), so Restore never writes more than the record promised, and
// a zstd frame may ask for a window of at most the record's raw size or
// 8 MiB, whichever is larger. Records themselves are parsed strictly: one
// JSON object with Record's fields, each given once, naming the object
// that its own file name, codec and encryption give (ErrBadRecord), so
// that no record can make retention delete another file's object.
//
// Every failure on an object is an *ObjectError naming the object and its
// binlog file, wrapping a sentinel: ErrSize, ErrDigest, ErrDecrypt (a
// wrong key, ErrWrongKey, or data that does not authenticate),
// ErrBadRecord, ErrNotFound. Restore refuses to replace files that
// already exist unless RestoreOptions.Overwrite is set. Every long read
// (archiving, hashing, verifying, restoring) stops soon after its context
// is canceled.
//
// # Time targets
//
// Plan with a time target T replays every transaction committed at or
// before T (inclusive) and nothing after: it stops at the end of the last
// transaction before the first one whose commit time is after T. Commit
// times are those of the commit events (XID, COMMIT, a standalone DDL), with
// one-second resolution on MariaDB (a commit logged at 10:30:00 counts as
// 10:30:00.000), and the microsecond immediate_commit_timestamp on MySQL 8.
// Targets must carry an explicit UTC offset (ParseTime).
package archive
