package flashback

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/internal/sqlquote"
	"github.com/binlogkit/binlogkit/rowevent"
)

// Report is the result of Check: the rows changed since the range, the
// foreign keys of its tables, and, with ConflictSkip, which row changes the
// flashback must leave out (Skip, Filter). It keeps the Checker's state
// (see "Memory" above) for Skip. A Report is not safe for concurrent use.
type Report struct {
	// Rows counts the distinct rows checked: keys, and images of rows
	// without a key.
	Rows int
	// Conflicts lists the rows changed since the range, by table in the
	// order the range first touched them, then by key text.
	Conflicts []Conflict
	// ForeignKeys lists the foreign keys from or to the tables of the range.
	// The server does not log what they cascade: a flashback of a parent
	// table does not bring back the child rows its deletes removed.
	ForeignKeys []ForeignKey

	c        *Checker
	skip     bool
	excluded map[int32]bool // lineage roots of the rows in conflict
}

// Skip reports whether the flashback must leave out row, a row change of a
// rows event of the range on table tm: true when CheckOptions.OnConflict is
// ConflictSkip and the row the change touched (by its before or after
// image, following key changes across the range) is in Conflicts. The
// flashback then leaves that row as it is now. A nil Report skips nothing.
func (r *Report) Skip(tm *binlog.TableMap, row binlog.Row) bool {
	if r == nil || !r.skip || len(r.excluded) == 0 || tm == nil {
		return false
	}
	t := r.c.tables[tableKey(tm)]
	if t == nil {
		return false
	}
	for _, img := range [2][]binlog.Value{row.Before, row.After} {
		if img == nil {
			continue
		}
		id, err := r.c.identity(t, img)
		if err != nil {
			continue
		}
		if st := t.rows[string(id)]; st != nil && r.excluded[find(r.c.parent, st.lineage)] {
			return true
		}
	}
	return false
}

// Filter returns rows without the row changes that Skip leaves out: rows
// itself when none is, else a copy of it (sharing the kept rows) whose Rows
// holds the others, possibly none.
func (r *Report) Filter(rows *binlog.Rows) *binlog.Rows {
	if r == nil || !r.skip || len(r.excluded) == 0 || rows == nil {
		return rows
	}
	var kept []binlog.Row
	for i, row := range rows.Rows {
		if r.Skip(rows.Table, row) {
			if kept == nil {
				kept = append(make([]binlog.Row, 0, len(rows.Rows)-1), rows.Rows[:i]...)
			}
			continue
		}
		if kept != nil {
			kept = append(kept, row)
		}
	}
	if kept == nil {
		return rows
	}
	c := *rows
	c.Rows = kept
	return &c
}

func tableKey(tm *binlog.TableMap) string { return tm.Schema + "\x00" + tm.Table }

// table returns the state of the table of tm, asking the server for its
// columns and keys the first time.
func (c *Checker) table(ctx context.Context, tm *binlog.TableMap) (*tableState, error) {
	name := tableKey(tm)
	if t := c.tables[name]; t != nil {
		if len(tm.Columns) != len(t.names) {
			return nil, fmt.Errorf("%s.%s: table map has %d columns, earlier %d", tm.Schema, tm.Table, len(tm.Columns), len(t.names))
		}
		return t, nil
	}
	cols, err := c.serverColumns(ctx, tm.Schema, tm.Table)
	if err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("%s.%s: %w", tm.Schema, tm.Table, ErrNoServerTable)
	}
	t := &tableState{schema: tm.Schema, table: tm.Table, rows: map[string]*rowState{}}
	t.names = make([]string, len(tm.Columns))
	for i, col := range tm.Columns {
		switch {
		case col.Name != "":
			t.names[i] = col.Name
		case len(cols) == len(tm.Columns):
			t.names[i] = cols[i]
		default:
			return nil, fmt.Errorf("%s.%s: %w (the server's table has %d columns, the binlog's %d)",
				tm.Schema, tm.Table, rowevent.ErrNoColumnNames, len(cols), len(tm.Columns))
		}
	}
	if len(tm.PrimaryKey) > 0 {
		t.key = slices.Clone(tm.PrimaryKey)
		for _, k := range t.key {
			if k < 0 || k >= len(t.names) {
				return nil, fmt.Errorf("%s.%s: primary key column %d out of range", tm.Schema, tm.Table, k)
			}
		}
	} else if t.key, err = c.uniqueKey(ctx, t); err != nil {
		return nil, err
	}
	c.tables[name] = t
	c.order = append(c.order, t)
	return t, nil
}

// serverColumns returns the column names of db.table on the server, in
// order; none when it has no such table.
func (c *Checker) serverColumns(ctx context.Context, db, table string) ([]string, error) {
	q := "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE " + schemaTable("TABLE_SCHEMA", "TABLE_NAME", db, table) + " ORDER BY ORDINAL_POSITION"
	return c.strings(ctx, q, 1)
}

// uniqueKey returns the columns of a UNIQUE key of t on the server (the
// primary key first, then by index name), nil when there is none whose
// columns are all in t.
func (c *Checker) uniqueKey(ctx context.Context, t *tableState) ([]int, error) {
	q := "SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE " +
		schemaTable("TABLE_SCHEMA", "TABLE_NAME", t.schema, t.table) +
		" AND NON_UNIQUE=0 ORDER BY INDEX_NAME<>'PRIMARY', INDEX_NAME, SEQ_IN_INDEX"
	rows, err := c.strings(ctx, q, 2)
	if err != nil {
		return nil, err
	}
	for i := 0; i < len(rows); {
		var key []int
		ok := true
		j := i
		for ; j < len(rows) && rows[j] == rows[i]; j += 2 {
			k := slices.Index(t.names, rows[j+1])
			ok = ok && k >= 0
			key = append(key, k)
		}
		if ok && len(key) > 0 {
			return key, nil
		}
		i = j
	}
	return nil, nil
}

// strings runs q and returns its n-column rows flattened.
func (c *Checker) strings(ctx context.Context, q string, n int) ([]string, error) {
	rows, err := c.db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("flashback: %w", err)
	}
	defer rows.Close()
	var out []string
	vals := make([]sql.NullString, n)
	dest := make([]any, n)
	for i := range vals {
		dest[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("flashback: %w", err)
		}
		for _, v := range vals {
			out = append(out, v.String)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("flashback: %w", err)
	}
	return out, nil
}

// schemaTable writes sc=db AND tc=table.
func schemaTable(sc, tc, db, table string) string {
	b := append([]byte(sc), '=')
	b = sqlquote.AppendString(b, db)
	b = append(b, " AND "...)
	b = append(b, tc...)
	b = append(b, '=')
	return string(sqlquote.AppendString(b, table))
}

// Check asks the server, on one connection of the Checker's *sql.DB, whether
// every row the range touched is still in the state the range left it in,
// and lists the foreign keys of the tables of the range. It sets that
// connection's session as rowevent.Header does (the literals need it) and
// closes the connection at the end rather than return it to the pool.
//
// When rows changed and CheckOptions.OnConflict is ConflictStop, the error
// wraps ErrConflict and the Report lists them; other errors are the
// server's. Call Check once, after the last Add.
func (c *Checker) Check(ctx context.Context) (*Report, error) {
	r := &Report{c: c, skip: c.opts.OnConflict == ConflictSkip, excluded: map[int32]bool{}}
	conn, err := c.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("flashback: %w", err)
	}
	defer func() {
		// The session is ours: discard the connection.
		conn.Raw(func(any) error { return driver.ErrBadConn })
		conn.Close()
	}()
	for _, stmt := range strings.Split(strings.TrimSpace(rowevent.Header), "\n") {
		if _, err := conn.ExecContext(ctx, strings.TrimSuffix(stmt, ";")); err != nil {
			return nil, fmt.Errorf("flashback: %w", err)
		}
	}
	for _, t := range c.order {
		if err := c.checkTable(ctx, conn, t, r); err != nil {
			return nil, fmt.Errorf("flashback: %s.%s: %w", t.schema, t.table, err)
		}
	}
	if r.ForeignKeys, err = foreignKeys(ctx, conn, c.order); err != nil {
		return nil, err
	}
	if len(r.Conflicts) == 0 {
		return r, nil
	}
	if c.opts.OnConflict == ConflictStop {
		var b strings.Builder
		for i, cf := range r.Conflicts {
			if i == 10 {
				fmt.Fprintf(&b, "; and %d more", len(r.Conflicts)-i)
				break
			}
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(cf.String())
		}
		return r, fmt.Errorf("%w: %d rows: %s", ErrConflict, len(r.Conflicts), b.String())
	}
	return r, nil
}

// checkTable checks the rows of t and adds the conflicts to r.
func (c *Checker) checkTable(ctx context.Context, conn *sql.Conn, t *tableState, r *Report) error {
	ids := make([]string, 0, len(t.rows))
	for id, st := range t.rows {
		if id[0] == 'f' && st.count <= 0 {
			continue // the flashback only adds copies: nothing to find
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	r.Rows += len(ids)
	table := string(sqlquote.AppendQualified(nil, t.schema, t.table))
	// Sorted, the 'f' identities come first, then 'k'.
	split, _ := slices.BinarySearch(ids, "k")
	full, keyed := ids[:split], ids[split:]
	var present, absent []string
	for _, id := range keyed {
		if t.rows[id].img == nil {
			absent = append(absent, id)
		} else {
			present = append(present, id)
		}
	}
	// The absent keys go first: a row found under one of them may be a row
	// the range left present under a key equal to it in the collation,
	// which the present lookups then tell (see resolveFound).
	var found []foundRow
	for b := range slices.Chunk(absent, c.opts.BatchRows) {
		var err error
		if found, err = c.checkAbsent(ctx, conn, t, table, b, found); err != nil {
			return err
		}
	}
	var exact map[string]presentRow
	if len(found) > 0 {
		exact = make(map[string]presentRow, len(found))
		for _, f := range found {
			exact[f.rkey] = presentRow{}
		}
	}
	for b := range slices.Chunk(present, c.opts.BatchRows) {
		if err := c.checkPresent(ctx, conn, t, table, b, exact, r); err != nil {
			return err
		}
	}
	c.resolveFound(t, found, exact, r)
	for b := range slices.Chunk(full, c.opts.BatchRows) {
		if err := c.checkFull(ctx, conn, t, table, b, r); err != nil {
			return err
		}
	}
	return nil
}

// A foundRow is a row of the server found under the key of a row that the
// range left absent: id is that row's identity, rkey the found row's key
// in bytes (see appendRowKey).
type foundRow struct{ id, rkey string }

// A presentRow is what the present lookups tell of a row of the server
// whose key, in bytes, is that of a foundRow: id is the identity of the
// row the range left present with those very key bytes, empty when there
// is none; ok reports whether the row holds that row's final image.
type presentRow struct {
	id string
	ok bool
}

// appendRowKey appends an expression giving the key of a row of t in
// bytes, as text: CONCAT_WS(',',HEX(CAST(`k1` AS BINARY)),…). Two rows
// share it only when their key columns hold the same bytes, where the
// key conditions (which compare strings in the column's collation) may
// find 'K' under `k`='k'.
func appendRowKey(q []byte, t *tableState) []byte {
	q = append(q, "CONCAT_WS(','"...)
	for _, k := range t.key {
		q = append(q, ",HEX(CAST("...)
		q = sqlquote.AppendIdent(q, t.names[k])
		q = append(q, " AS BINARY))"...)
	}
	return append(q, ')')
}

// resolveFound adds to r the rows found under absent keys that are
// conflicts. The server keeps a key unique in its collation, so a range
// that changed `k`='k' into `k`='K' leaves the 'K' row where the 'k' one
// was, and the lookup of 'k' finds it. Such a row is no conflict when it
// is, byte for byte in its key, a row the range left present, and either
// it holds the final image the range left, or it belongs to the same
// lineage as the absent row (a change to it is then reported, and
// skipped, as that row's). Any other row found is a row the range did
// not leave there: the flashback could not put the absent row back.
func (c *Checker) resolveFound(t *tableState, found []foundRow, exact map[string]presentRow, r *Report) {
	for _, f := range found {
		p := exact[f.rkey]
		if p.id != "" && (p.ok || find(c.parent, t.rows[p.id].lineage) == find(c.parent, t.rows[f.id].lineage)) {
			continue
		}
		r.add(t, f.id, Conflict{Kind: RowReinserted})
	}
}

// eachCondition calls fn with each column's condition of a rendered image
// (empty for a column the image lacks).
func eachCondition(img []byte, fn func(i int, cond []byte)) {
	for i := 0; len(img) > 0; i++ {
		l, k := binary.Uvarint(img)
		if k <= 0 || uint64(len(img)-k) < l {
			return
		}
		fn(i, img[k:k+int(l)])
		img = img[k+int(l):]
	}
}

// checkPresent looks up rows that must hold their image, in one query
// that the key conditions serve by index:
//
//	SELECT CASE WHEN key1 THEN CONCAT('0:',(cond1) IS TRUE,…) WHEN key2 …
//	END FROM t WHERE key1 OR key2 …
//
// each row answering with its number and one digit per column, 1 where the
// column holds the image's value. (One SELECT per row joined by UNION ALL
// costs the server several times more.) When exact is not nil, the query
// also gives each row's key in bytes (appendRowKey), and a row whose key
// is in exact, and holds byte for byte the key of the row that found it,
// is recorded there.
func (c *Checker) checkPresent(ctx context.Context, conn *sql.Conn, t *tableState, table string, ids []string, exact map[string]presentRow, r *Report) error {
	q := []byte("SELECT CASE")
	for j, id := range ids {
		q = append(q, " WHEN "...)
		q = append(q, id[1:]...)
		q = append(q, " THEN CONCAT('"...)
		q = strconv.AppendInt(q, int64(j), 10)
		q = append(q, ":'"...)
		eachCondition(t.rows[id].img, func(_ int, cond []byte) {
			if len(cond) == 0 {
				q = append(q, ",1"...)
				return
			}
			q = append(q, ",("...)
			q = append(q, cond...)
			q = append(q, ") IS TRUE"...)
		})
		q = append(q, ')')
	}
	q = append(q, " END"...)
	var res, rkey []byte
	dest := []any{&res}
	if exact != nil {
		q = appendRowKey(append(q, ','), t)
		dest = append(dest, &rkey)
	}
	q = appendWhereAny(append(q, " FROM "...), table, ids)
	found := make([]bool, len(ids))
	err := query(ctx, conn, q, dest, func() error {
		n, flags, ok := bytes.Cut(res, []byte{':'})
		j, err := strconv.Atoi(string(n))
		if !ok || err != nil || j < 0 || j >= len(ids) || found[j] || len(flags) != len(t.names) {
			return fmt.Errorf("lookup returned %q", res)
		}
		found[j] = true
		var cols []string
		for i, f := range flags {
			if f != '1' {
				cols = append(cols, t.names[i])
			}
		}
		if cols != nil {
			r.add(t, ids[j], Conflict{Kind: RowChanged, Columns: cols})
		}
		if _, ok := exact[string(rkey)]; ok && keyExact(t, flags) {
			exact[string(rkey)] = presentRow{id: ids[j], ok: cols == nil}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for j, ok := range found {
		if !ok {
			r.add(t, ids[j], Conflict{Kind: RowDeleted})
		}
	}
	return nil
}

// keyExact reports whether the flags of a present lookup say that the key
// columns of the row found hold the bytes of the image's key.
func keyExact(t *tableState, flags []byte) bool {
	for _, k := range t.key {
		if flags[k] != '1' {
			return false
		}
	}
	return true
}

// appendWhereAny appends "table WHERE key1 OR key2 …".
func appendWhereAny(q []byte, table string, ids []string) []byte {
	q = append(q, table...)
	q = append(q, " WHERE "...)
	for j, id := range ids {
		if j > 0 {
			q = append(q, " OR "...)
		}
		q = append(q, '(')
		q = append(q, id[1:]...)
		q = append(q, ')')
	}
	return q
}

// checkAbsent looks up keys that must be free, and appends to found the
// rows it finds there, with their key in bytes (see resolveFound):
// SELECT CASE WHEN key1 THEN 0 WHEN key2 THEN 1 … END, rowkey FROM t
// WHERE key1 OR key2 ….
func (c *Checker) checkAbsent(ctx context.Context, conn *sql.Conn, t *tableState, table string, ids []string, found []foundRow) ([]foundRow, error) {
	q := []byte("SELECT CASE")
	for j, id := range ids {
		q = append(q, " WHEN "...)
		q = append(q, id[1:]...)
		q = append(q, " THEN "...)
		q = strconv.AppendInt(q, int64(j), 10)
	}
	q = appendRowKey(append(q, " END,"...), t)
	q = appendWhereAny(append(q, " FROM "...), table, ids)
	var j int64
	var rkey []byte
	seen := make([]bool, len(ids))
	err := query(ctx, conn, q, []any{&j, &rkey}, func() error {
		if j < 0 || j >= int64(len(ids)) {
			return fmt.Errorf("lookup returned row %d", j)
		}
		if !seen[j] {
			seen[j] = true
			found = append(found, foundRow{id: ids[j], rkey: string(rkey)})
		}
		return nil
	})
	return found, err
}

// checkFull counts, in one scan of t, the rows identical to each image:
// SELECT COUNT(CASE WHEN (cond1) AND (cond2) … THEN 1 END), … FROM t.
func (c *Checker) checkFull(ctx context.Context, conn *sql.Conn, t *tableState, table string, ids []string, r *Report) error {
	q := []byte("SELECT ")
	for j, id := range ids {
		if j > 0 {
			q = append(q, ',')
		}
		q = append(q, "COUNT(CASE WHEN "...)
		n := 0
		eachCondition([]byte(id[1:]), func(_ int, cond []byte) {
			if len(cond) == 0 {
				return
			}
			if n > 0 {
				q = append(q, " AND "...)
			}
			q = append(q, '(')
			q = append(q, cond...)
			q = append(q, ')')
			n++
		})
		if n == 0 {
			q = append(q, '1')
		}
		q = append(q, " THEN 1 END)"...)
	}
	q = append(q, " FROM "...)
	q = append(q, table...)
	counts := make([]int64, len(ids))
	dest := make([]any, len(ids))
	for i := range counts {
		dest[i] = &counts[i]
	}
	err := query(ctx, conn, q, dest, func() error { return nil })
	if err != nil {
		return err
	}
	for j, id := range ids {
		if want := int64(t.rows[id].count); counts[j] < want {
			r.add(t, id, Conflict{Kind: RowMissing, Want: int(want), Have: int(counts[j])})
		}
	}
	return nil
}

// query runs q on conn, scanning each result row into dest and calling fn.
func query(ctx context.Context, conn *sql.Conn, q []byte, dest []any, fn func() error) error {
	rows, err := conn.QueryContext(ctx, string(q))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := fn(); err != nil {
			return err
		}
	}
	return rows.Err()
}

// add records cf, the conflict of the row with identity id of t.
func (r *Report) add(t *tableState, id string, cf Conflict) {
	cf.Schema, cf.Table = t.schema, t.table
	if id[0] == 'k' {
		cf.Key = id[1:]
	} else {
		var conds []string
		eachCondition([]byte(id[1:]), func(_ int, cond []byte) {
			if len(cond) > 0 {
				conds = append(conds, string(cond))
			}
		})
		cf.Key = strings.Join(conds, " AND ")
	}
	r.Conflicts = append(r.Conflicts, cf)
	r.excluded[find(r.c.parent, t.rows[id].lineage)] = true
}
