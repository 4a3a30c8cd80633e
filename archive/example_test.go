package archive_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/binlogkit/binlogkit/archive"
)

// Archive a server's closed binlogs into a directory store, verify the
// archive, and ask what to replay to reach a point in time.
func Example() {
	ctx := context.Background()
	// A binlog directory as a server leaves it: binlog.000001 is closed,
	// binlog.000002 is being written.
	dir, _ := os.MkdirTemp("", "binlogs")
	defer os.RemoveAll(dir)
	sample, _ := os.ReadFile("../binlog/testdata/sample.full.binlog")
	os.WriteFile(filepath.Join(dir, "binlog.000001"), sample, 0o600)
	os.WriteFile(filepath.Join(dir, "binlog.000002"), []byte{0xfe, 'b', 'i', 'n'}, 0o600)
	os.WriteFile(filepath.Join(dir, "binlog.index"), []byte("./binlog.000001\n./binlog.000002\n"), 0o600)

	storeDir, _ := os.MkdirTemp("", "archive")
	defer os.RemoveAll(storeDir)
	store, err := archive.NewDirStore(storeDir)
	if err != nil {
		fmt.Println(err)
		return
	}
	a, err := archive.NewArchiver(&archive.Options{Store: store, Codec: archive.LZ4})
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := a.ArchiveIndex(ctx, filepath.Join(dir, "binlog.index"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rep.Archived {
		fmt.Println("archived", r.Name)
	}
	fmt.Println("still open", filepath.Base(rep.Open))

	v, err := archive.Verify(ctx, store, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("verify:", v.Err())

	plan, err := archive.MakePlan(ctx, store, &archive.PlanOptions{
		Target: archive.Target{Time: time.Date(2024, 6, 1, 0, 30, 0, 0, time.UTC)},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// The transaction committed at 00:20 ends at 4909; the next one
	// committed at 00:50.
	fmt.Printf("replay %s from %d to %d\n", plan.Stop.File, plan.Start.Offset, plan.Stop.Offset)
	// Output:
	// archived binlog.000001
	// still open binlog.000002
	// verify: <nil>
	// replay binlog.000001 from 4 to 4909
}
