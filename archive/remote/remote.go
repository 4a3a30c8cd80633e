// Package remote archives a server's binary logs as it writes them, over
// the replication protocol, like mysqlbinlog --read-from-remote-server
// --raw --stop-never: the live stream of binlog/live feeds
// archive.Archiver.ArchiveStream. It is a package of its own so that a
// user of package archive who archives files does not link the
// replication client.
//
// Errors are those of archive (archive.ErrBadOptions for options that
// cannot work) and of binlog/live, with the password never shown.
package remote

import (
	"context"
	"fmt"
	"strings"

	"github.com/binlogkit/binlogkit/archive"
	"github.com/binlogkit/binlogkit/binlog/live"
)

// Options configures Run. SpoolDir is required; the zero value of Stream
// gives the defaults of live.Options. Run checks the options before it
// connects.
type Options struct {
	// Stream says how to connect: Host, Port, User, Password, Flavor
	// ("mariadb" for MariaDB servers), ServerID, TLS, backoff. Run sets
	// Position (and clears GTIDs) itself, and reads events undecoded. Zero
	// means the defaults of live.Options.
	Stream live.Options
	// SpoolDir holds the file being received until it is closed and
	// archived (see archive.Archiver.ArchiveStream). Zero ("") is an error.
	SpoolDir string
}

// Run archives the server's binlogs with a until ctx is done, starting
// with the file after the last archived one (the server's first file for
// an empty archive). The stream reconnects by itself after network
// failures and server restarts (live.Stream); a file the server never
// closed (a crash) is archived when the stream moves on to the next file.
// It returns ctx.Err() when ctx is done, and the first archiving error (a
// gap, a fork, a split brain) or stream error otherwise. Its errors never
// show Stream.Password, and a Stream.Host with user information
// ("user:password@host") is refused.
func Run(ctx context.Context, a *archive.Archiver, o *Options) error {
	if o == nil || o.SpoolDir == "" {
		return fmt.Errorf("%w: remote.Run needs Options.SpoolDir", archive.ErrBadOptions)
	}
	if strings.Contains(o.Stream.Host, "@") {
		// "user:password@host": say so without repeating it.
		return fmt.Errorf("%w: remote.Run: Options.Stream.Host holds an \"@\": give the user and password in User and Password, not in the host", archive.ErrBadOptions)
	}
	err := run(ctx, a, o)
	if pw := o.Stream.Password; err != nil && pw != "" && strings.Contains(err.Error(), pw) {
		err = &redacted{err: err, secret: pw}
	}
	return err
}

func run(ctx context.Context, a *archive.Archiver, o *Options) error {
	pos, err := a.ResumePosition(ctx)
	if err != nil {
		return err
	}
	so := o.Stream
	so.GTIDs = nil
	so.Position = pos
	so.Decode.SkipRowValues = true
	so.Decode.KeepPayloads = true
	st, err := live.Open(ctx, &so)
	if err != nil {
		return fmt.Errorf("archive/remote: %w", err)
	}
	defer st.Close()
	return a.ArchiveStream(ctx, st, o.SpoolDir)
}

// redacted is err with every occurrence of a secret masked in its text.
type redacted struct {
	err    error
	secret string
}

func (r *redacted) Error() string { return strings.ReplaceAll(r.err.Error(), r.secret, "***") }
func (r *redacted) Unwrap() error { return r.err }
