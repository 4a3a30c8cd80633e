// Command gentestdata records the binlog testdata from a real MariaDB server.
//
// For every workload DIR/workloads/NAME.sql and every mode named in its
// header line
//
//	-- modes: FULL NO_LOG FULL:MINIMAL
//
// (binlog_row_metadata, optionally ":" and binlog_row_image; the default
// is FULL) it starts a fresh private mariadbd (internal/testserver), runs
// the workload through the mariadb client, flushes the binary log and
// writes
//
//	DIR/NAME.MODE.binlog        the binary log the workload wrote
//	DIR/NAME.MODE.server.txtar  the server's view of the final data
//
// where MODE is the lower-cased mode without "_" and with ":" turned into
// "-" (full, nolog, full-minimal). The txtar format is described in its
// leading comment (see dump.go).
//
// A fresh server's first binary log holds nothing before the workload, so
// GTIDs and positions are stable from run to run; event timestamps are
// stable where the workload fixes them with SET TIMESTAMP (the format
// description event always carries the server's start time).
//
// Outputs whose info section records the SHA-256 of the workload's
// current text are left alone unless -force is given: re-recording always
// changes some bytes (the format description's timestamp, the exec_time of
// Query events), which would churn golden files made from the binlogs.
//
// Usage (from the binlog directory, as go generate runs it):
//
//	go run ../internal/cmd/gentestdata -dir testdata [-only NAME] [-force]
package main

import (
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/binlogkit/binlogkit/internal/txtar"
)

func main() {
	dir := flag.String("dir", "testdata", "testdata directory; workloads are read from DIR/workloads")
	only := flag.String("only", "", "run only the workload with this name (file name without .sql)")
	force := flag.Bool("force", false, "re-record even when the outputs match the workload's current text")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("gentestdata: ")

	if err := testserver.Available(); err != nil {
		log.Fatalf("%v (install mariadb-server)", err)
	}
	files, err := filepath.Glob(filepath.Join(*dir, "workloads", "*.sql"))
	if err != nil {
		log.Fatal(err)
	}
	sort.Strings(files)
	ran := 0
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".sql")
		if *only != "" && name != *only {
			continue
		}
		script, err := os.ReadFile(f)
		if err != nil {
			log.Fatal(err)
		}
		modes, err := parseModes(string(script))
		if err != nil {
			log.Fatalf("%s: %v", f, err)
		}
		sum := fmt.Sprintf("%x", sha256.Sum256(script))
		for _, m := range modes {
			if !*force && upToDate(*dir, name, m, sum) {
				log.Printf("%s.%s up to date (-force to re-record)", name, m.suffix())
				ran++
				continue
			}
			start := time.Now()
			if err := record(*dir, name, m, string(script), sum); err != nil {
				log.Fatalf("%s (%s): %v", name, m.suffix(), err)
			}
			log.Printf("%s.%s done in %v", name, m.suffix(), time.Since(start).Round(time.Millisecond))
			ran++
		}
	}
	if ran == 0 {
		log.Fatalf("no workload matched in %s", filepath.Join(*dir, "workloads"))
	}
}

// mode is one server configuration a workload runs under.
type mode struct {
	meta  string // binlog_row_metadata
	image string // binlog_row_image
}

// suffix is the mode's part of the output file names.
func (m mode) suffix() string {
	s := strings.ToLower(strings.ReplaceAll(m.meta, "_", ""))
	if m.image != "FULL" {
		s += "-" + strings.ToLower(m.image)
	}
	return s
}

// parseModes reads the "-- modes:" header line; no such line means FULL.
func parseModes(script string) ([]mode, error) {
	for _, line := range strings.Split(script, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "-- modes:")
		if !ok {
			continue
		}
		var modes []mode
		for _, f := range strings.Fields(rest) {
			meta, image, _ := strings.Cut(strings.ToUpper(f), ":")
			if image == "" {
				image = "FULL"
			}
			switch meta {
			case "FULL", "MINIMAL", "NO_LOG":
			default:
				return nil, fmt.Errorf("bad row metadata %q in modes line", meta)
			}
			switch image {
			case "FULL", "MINIMAL", "NOBLOB":
			default:
				return nil, fmt.Errorf("bad row image %q in modes line", image)
			}
			modes = append(modes, mode{meta, image})
		}
		if len(modes) == 0 {
			return nil, fmt.Errorf("empty modes line")
		}
		return modes, nil
	}
	return []mode{{"FULL", "FULL"}}, nil
}

// record runs one workload in one mode and writes its two output files.
func record(dir, name string, m mode, script, sum string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := testserver.StartServer(ctx, &testserver.Options{RowMetadata: m.meta, RowImage: m.image})
	if err != nil {
		return err
	}
	defer s.Close()

	if err := s.ExecScriptContext(ctx, script); err != nil {
		return err
	}
	gtidPos, err := s.QueryValue("SELECT @@gtid_binlog_pos")
	if err != nil {
		return err
	}
	if err := s.FlushBinaryLogs(); err != nil {
		return err
	}
	paths, err := s.BinlogPaths()
	if err != nil {
		return err
	}
	if len(paths) != 2 {
		return fmt.Errorf("workload left %d binary logs, want exactly one (plus the one FLUSH opened): %q", len(paths)-1, paths)
	}
	base := filepath.Join(dir, name+"."+m.suffix())
	size, err := copyFile(base+".binlog", paths[0])
	if err != nil {
		return err
	}
	version, err := s.QueryValue("SELECT VERSION()")
	if err != nil {
		return err
	}
	a := &txtar.Archive{Comment: []byte(archiveComment)}
	a.Files = append(a.Files, txtar.File{Name: "info", Data: []byte(fmt.Sprintf(
		"workload\t%s\nworkload_sha256\t%s\nbinlog\t%s\nbinlog_size\t%d\nbinlog_row_metadata\t%s\nbinlog_row_image\t%s\ngtid_binlog_pos\t%s\nserver_version\t%s\n",
		name, sum, filepath.Base(base+".binlog"), size, m.meta, m.image, gtidPos, version))})
	files, err := dump(s)
	if err != nil {
		return err
	}
	a.Files = append(a.Files, files...)
	return writeFile(base+".server.txtar", txtar.Format(a))
}

// upToDate reports whether the outputs of workload name in mode m exist and
// were recorded from a workload whose SHA-256 is sum. Re-recording changes
// bytes even for the same workload (the format description's timestamp,
// Query events' exec_time), so unchanged workloads are not re-recorded.
func upToDate(dir, name string, m mode, sum string) bool {
	base := filepath.Join(dir, name+"."+m.suffix())
	if _, err := os.Stat(base + ".binlog"); err != nil {
		return false
	}
	data, err := os.ReadFile(base + ".server.txtar")
	if err != nil {
		return false
	}
	info, ok := txtar.Parse(data).Get("info")
	return ok && strings.Contains("\n"+string(info), "\nworkload_sha256\t"+sum+"\n")
}

// copyFile copies src to dst (through a temporary file) and returns the size.
func copyFile(dst, src string) (int64, error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	tmp := dst + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, dst)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return n, err
}

func writeFile(name string, data []byte) error {
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}
