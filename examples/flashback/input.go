package main

import (
	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/flashback"
	"github.com/binlogkit/binlogkit/internal/cliflag"
)

// inputPaths expands directories and index files into the binlogs they
// hold (cliflag.ExpandPaths) and keeps those
// from --start-file to --stop-file.
func inputPaths(cfg *config) ([]string, error) {
	paths, err := cliflag.ExpandPaths(cfg.files)
	if err != nil {
		return nil, err
	}
	return cliflag.SelectFiles(paths, cfg.startFile, cfg.stopFile)
}

// selection is the flashback.Selection of the flags: --start-position in
// the first file, --stop-position in the last.
func (cfg *config) selection(paths []string) *flashback.Selection {
	sel := &flashback.Selection{
		StartTime:    cfg.startTime,
		StopTime:     cfg.stopTime,
		IncludeGTIDs: cfg.include,
		ExcludeGTIDs: cfg.exclude,
		Databases:    cfg.databases,
		Tables:       cfg.tables,
		Kinds:        cfg.kinds,
	}
	if cfg.startPos > 0 {
		sel.Start = binlog.Position{File: binlog.LogName(paths[0]), Offset: cfg.startPos}
	}
	if cfg.stopPos > 0 {
		sel.Stop = binlog.Position{File: binlog.LogName(paths[len(paths)-1]), Offset: cfg.stopPos}
	}
	return sel
}
