package main

import (
	"errors"
	"fmt"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/schemahistory"
	"github.com/binlogkit/binlogkit/flashback"
)

// readerSchema is the binlog.Schema of the input (see "Column names" in
// the command doc): the DDL of the input first, then the server's current
// definitions. The Reader uses it only for what a table map lacks, so the
// names of a binlog_row_metadata=FULL binlog win.
//
// Its mismatch policy (binlog.MismatchPolicy) is to skip: the Reader
// leaves a table map whose column count differs from the definition as the
// binlog wrote it, instead of failing. A FULL binlog then keeps its own
// names for a table altered since; a MINIMAL or NO_LOG one has no names
// for it, and run says why (namesError). No event is dropped: Observe
// (binlog.SchemaTracker) only applies the input's DDL statements to the
// history, as the Reader (or the live stream) decodes them, in the
// prefetch goroutine: the table map after an ALTER TABLE is resolved with
// the altered definition.
type readerSchema struct {
	history    *schemahistory.History
	server     binlog.StaticSchema // nil without a server
	serverAddr string
}

var (
	_ binlog.SchemaTracker  = (*readerSchema)(nil)
	_ binlog.MismatchPolicy = (*readerSchema)(nil)
)

func newReaderSchema(server binlog.StaticSchema, addr string) *readerSchema {
	return &readerSchema{history: schemahistory.New(nil), server: server, serverAddr: addr}
}

// SkipSchemaMismatch implements binlog.MismatchPolicy: a definition that
// disagrees with the table map is left unmerged, never an error.
func (s *readerSchema) SkipSchemaMismatch() bool { return true }

// Table implements binlog.Schema: the history's definition, else the
// server's.
func (s *readerSchema) Table(db, table string) (*binlog.TableInfo, error) {
	if ti, err := s.history.Table(db, table); ti != nil || err != nil {
		return ti, err
	}
	return s.server.Table(db, table)
}

// Observe implements binlog.SchemaTracker: it applies the DDL statements
// of the input to the history, and never drops an event.
func (s *readerSchema) Observe(ev *binlog.Event) error { return s.history.Apply(ev) }

// namesError explains an error of rowevent.ErrNoColumnNames for the rows
// event ev of tm: why the names are unknown and what to pass.
func namesError(cfg *config, s *readerSchema, ev *binlog.Event, tm *binlog.TableMap, err error) error {
	var fe *flashback.EventError
	if errors.As(err, &fe) {
		err = fe.Err // the rowevent error, without flashback's position
	}
	name := tm.Schema + "." + tm.Table
	const positional = "--positional-names writes @1, @2, ... instead"
	var why string
	hist, _ := s.history.Table(tm.Schema, tm.Table)
	srv, _ := s.server.Table(tm.Schema, tm.Table)
	switch {
	case hist != nil:
		why = fmt.Sprintf("the binlog has no column names (binlog_row_metadata=MINIMAL or NO_LOG), and the DDL read for %s defines %d columns where its table map has %d; %s",
			name, len(hist.Columns), len(tm.Columns), positional)
	case srv != nil:
		why = fmt.Sprintf("the binlog has no column names (binlog_row_metadata=MINIMAL or NO_LOG), and the current definition of %s on %s has %d columns where its table map has %d (the table was altered since); give the binlogs from its CREATE TABLE on, or %s",
			name, s.serverAddr, len(srv.Columns), len(tm.Columns), positional)
	case s.server != nil:
		why = fmt.Sprintf("the binlog has no column names (binlog_row_metadata=MINIMAL or NO_LOG), and %s has no table %s (dropped or renamed since?); give the binlogs from its CREATE TABLE on, or %s",
			s.serverAddr, name, positional)
	case cfg.noSchema:
		why = "the binlog has no column names (binlog_row_metadata=MINIMAL or NO_LOG) and the log read holds no CREATE TABLE for it; drop --no-schema and give the server the binlog comes from (-h HOST -P PORT -u USER -p PASSWORD, or --schema-dsn USER:PASSWORD@HOST:PORT) to take the names from its current definition, or pass --positional-names to write @1, @2, ..."
	default:
		why = "the binlog has no column names (binlog_row_metadata=MINIMAL or NO_LOG) and the log read holds no CREATE TABLE for it; give the server the binlog comes from (-h HOST -P PORT -u USER -p PASSWORD, or --schema-dsn USER:PASSWORD@HOST:PORT) to take the names from its current definition, or pass --positional-names to write @1, @2, ..."
	}
	return fmt.Errorf("%s@%d: %w: %s", ev.File, ev.Offset, err, why)
}
