package flashback

import (
	"context"
	"database/sql"
	"fmt"
)

// ForeignKey is a foreign key from or to a table of the range. The server
// applies ON DELETE and ON UPDATE actions itself and does not log the rows
// they change, so a range on the parent table does not hold them, and its
// flashback does not bring them back; nor does a flashback that deletes or
// re-keys parent rows leave the child rows alone (Cascades).
type ForeignKey struct {
	Schema, Table       string // the child table, which holds the key
	Name                string // the constraint name
	RefSchema, RefTable string // the parent table, which the key references
	OnDelete, OnUpdate  string // RESTRICT, CASCADE, SET NULL, NO ACTION, SET DEFAULT
}

// Cascades reports whether an action of the key changes child rows
// (CASCADE, SET NULL, SET DEFAULT).
func (k ForeignKey) Cascades() bool { return changes(k.OnDelete) || changes(k.OnUpdate) }

func changes(rule string) bool {
	return rule == "CASCADE" || rule == "SET NULL" || rule == "SET DEFAULT"
}

// String describes the key as a warning.
func (k ForeignKey) String() string {
	s := fmt.Sprintf("foreign key %s on %s.%s references %s.%s (ON DELETE %s ON UPDATE %s)",
		k.Name, k.Schema, k.Table, k.RefSchema, k.RefTable, k.OnDelete, k.OnUpdate)
	if k.Cascades() {
		s += ": the server does not log the child rows its actions change"
	}
	return s
}

// foreignKeys returns the foreign keys from or to the tables.
func foreignKeys(ctx context.Context, conn *sql.Conn, tables []*tableState) ([]ForeignKey, error) {
	if len(tables) == 0 {
		return nil, nil
	}
	q := []byte("SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, UNIQUE_CONSTRAINT_SCHEMA, REFERENCED_TABLE_NAME, DELETE_RULE, UPDATE_RULE" +
		" FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE ")
	for i, t := range tables {
		if i > 0 {
			q = append(q, " OR "...)
		}
		q = append(q, '(')
		q = append(q, schemaTable("CONSTRAINT_SCHEMA", "TABLE_NAME", t.schema, t.table)...)
		q = append(q, ") OR ("...)
		q = append(q, schemaTable("UNIQUE_CONSTRAINT_SCHEMA", "REFERENCED_TABLE_NAME", t.schema, t.table)...)
		q = append(q, ')')
	}
	q = append(q, " ORDER BY CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME"...)
	var k ForeignKey
	var out []ForeignKey
	dest := []any{&k.Schema, &k.Table, &k.Name, &k.RefSchema, &k.RefTable, &k.OnDelete, &k.OnUpdate}
	err := query(ctx, conn, q, dest, func() error {
		out = append(out, k)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("flashback: foreign keys: %w", err)
	}
	return out, nil
}
