package audit_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite"

	"github.com/binlogkit/binlogkit/binlog/cdc"
	"github.com/binlogkit/binlogkit/binlog/cdc/audit"
)

// Example keeps the audit trail of a binlog file in a SQLite file, resumes
// (nothing is written twice), lists the changes of one row and verifies
// the chain.
func Example() {
	dir, err := os.MkdirTemp("", "audit-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "audit.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	store, err := audit.Open(ctx, db, &audit.Options{Dialect: audit.SQLite, Key: []byte("keep me elsewhere")})
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	for range 2 { // the second run resumes from the checkpoint in the store
		if err := cdc.Run(ctx, store, &cdc.Options{Files: []string{"../../testdata/dml.full.binlog"}}); err != nil {
			log.Fatal(err)
		}
	}
	history, err := store.History(ctx, "dml", "accounts", "1")
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range history {
		fmt.Println(e.Seq, e.Kind, e.Database+"."+e.Table, e.PK)
	}
	rep, err := store.Verify(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("records:", rep.Records, "intact:", rep.OK())
	// Output:
	// 1 insert dml.accounts 1
	// 5 update dml.accounts 1
	// 11 update dml.accounts 1
	// records: 1048 intact: true
}
