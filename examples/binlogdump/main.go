// Command binlogdump lists the events of MySQL/MariaDB binary logs, like
// mysqlbinlog -vv --base64-output=decode-rows, or as JSON lines.
//
// Usage:
//
//	binlogdump [--json] [--names] [--start-position N] [--stop-position N] [--no-verify] FILE...
//
// Several files are read in order, as one chain; compressed files (lz4, xz,
// gzip, zstd) are read as they are. --start-position skips the events of
// the first file that start before N; --stop-position stops at the first
// event of the last file that starts at or after N (mysqlbinlog's rules).
// On a read error binlogdump prints the events read so far, then the error
// (which names the file and the offset of the bad event), and exits with
// status 1.
//
// The text listing is also a script, like mysqlbinlog's: it starts with
// "DELIMITER /*!*/;" and ends with "DELIMITER ;", its statements end with
// "/*!*/;", and "binlogdump FILE | mariadb" runs the statements the log
// holds and nothing else, whatever the events hold: names, GTIDs and
// statement texts cannot end a comment or a statement early or run a
// client command (see internal/eventfmt).
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/eventfmt"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole command: it parses args, prints to stdout and stderr,
// and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("binlogdump", flag.ContinueOnError)
	fs.SetOutput(stderr)
	jsonOut := fs.Bool("json", false, "print one JSON object per event")
	names := fs.Bool("names", false, "print `name`=value instead of @N=value where column names are known")
	start := fs.Int64("start-position", 0, "skip events of the first file that start before `N`")
	stop := fs.Int64("stop-position", 0, "stop at the first event of the last file that starts at or after `N` (0: no limit)")
	noVerify := fs.Bool("no-verify", false, "do not verify event checksums")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: binlogdump [--json] [--names] [--start-position N] [--stop-position N] [--no-verify] FILE...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	paths := fs.Args()
	if len(paths) == 0 {
		fs.Usage()
		return 2
	}

	cr, err := binlog.OpenChain(paths, &binlog.ReaderOptions{IgnoreChecksums: *noVerify})
	if err != nil {
		fmt.Fprintln(stderr, "binlogdump:", err)
		return 1
	}
	defer cr.Close()

	w := bufio.NewWriterSize(stdout, 64<<10)
	topts := &eventfmt.TextOptions{ColumnNames: *names}
	var buf []byte
	if !*jsonOut {
		buf = append(buf, eventfmt.TextHeader...)
	}
	fileIdx, curFile := 0, ""
	var readErr error
	for {
		ev, err := cr.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				readErr = err
			}
			break
		}
		// The chain gives no file boundaries; a change of Event.File marks one.
		if curFile != "" && ev.File != curFile {
			fileIdx++
		}
		curFile = ev.File
		if fileIdx == 0 && ev.Offset < *start {
			continue
		}
		if *stop > 0 && fileIdx == len(paths)-1 && ev.Offset >= *stop {
			break
		}
		if *jsonOut {
			buf = eventfmt.AppendJSON(buf, ev)
			buf = append(buf, '\n')
		} else {
			buf = eventfmt.AppendText(buf, ev, topts)
		}
		if _, err := w.Write(buf); err != nil {
			fmt.Fprintln(stderr, "binlogdump:", err)
			return 1
		}
		buf = buf[:0]
	}
	if !*jsonOut {
		buf = append(buf, eventfmt.TextFooter...)
	}
	if _, err := w.Write(buf); err != nil {
		fmt.Fprintln(stderr, "binlogdump:", err)
		return 1
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(stderr, "binlogdump:", err)
		return 1
	}
	if readErr != nil {
		fmt.Fprintln(stderr, "binlogdump:", readErr)
		return 1
	}
	return 0
}
