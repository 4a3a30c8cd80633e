package audit

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

// TestOpenConcurrently: processes that open a new SQLite store at the same
// moment (a "run" and a "stats") all get it, none SQLITE_BUSY.
func TestOpenConcurrently(t *testing.T) {
	for round := range 10 {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("audit%d.db", round))
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// One *sql.DB each, as separate processes have.
				db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
				if err != nil {
					errs <- err
					return
				}
				defer db.Close()
				if _, err := Open(context.Background(), db, &Options{Dialect: SQLite}); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("round %d: %v", round, err)
		}
	}
}
