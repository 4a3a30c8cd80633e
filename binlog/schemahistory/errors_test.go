package schemahistory

import (
	"errors"
	"testing"
)

// TestErrors checks that the History's own failures are *Error values
// that name the method and the table, wrapping a sentinel.
func TestErrors(t *testing.T) {
	h := New(nil)
	if err := h.SeedDDL("d", "CREATE TABLE t (a INT)"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		err  error
		want error
		e    Error // Err not compared
	}{
		{"parse", h.SeedDDL("d", "CREATE TABLE bad ("), ErrBadDDL, Error{Op: "SeedDDL", Schema: "d", Table: "bad"}},
		{"alter", h.SeedDDL("d", "ALTER TABLE x.t ADD COLUMN b INT AFTER nope; ALTER TABLE t DROP COLUMN nope"), ErrBadDDL, Error{Op: "SeedDDL", Schema: "d", Table: "t"}},
		{"not JSON", h.UnmarshalJSON([]byte("{")), ErrBadJSON, Error{Op: "UnmarshalJSON"}},
		{"version", h.UnmarshalJSON([]byte(`{"version":2}`)), ErrBadJSON, Error{Op: "UnmarshalJSON"}},
		{"nil Apply", h.Apply(nil), ErrNilEvent, Error{Op: "Apply"}},
		{"nil Observe", h.Observe(nil), ErrNilEvent, Error{Op: "Observe"}},
	} {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, tc.err, tc.want)
			continue
		}
		var e *Error
		if !errors.As(tc.err, &e) {
			t.Errorf("%s: error %T, want *Error", tc.name, tc.err)
			continue
		}
		if got := (Error{Op: e.Op, Schema: e.Schema, Table: e.Table}); got != tc.e {
			t.Errorf("%s: %+v, want %+v (%v)", tc.name, got, tc.e, tc.err)
		}
	}
	// A failed ALTER in SeedDDL leaves the table as it was.
	if ti, _ := h.Table("d", "t"); ti == nil || len(ti.Columns) != 1 {
		t.Errorf("after a failed seed: %+v", ti)
	}
	err := h.SeedDDL("d", "ALTER TABLE t DROP COLUMN nope")
	if want := "SeedDDL d.t: schemahistory: DDL not understood: ALTER TABLE: unknown column nope"; err == nil || err.Error() != want {
		t.Errorf("message %v, want %q", err, want)
	}
}
