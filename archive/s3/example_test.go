package s3_test

import (
	"context"
	"log"

	"github.com/binlogkit/binlogkit/archive"
	"github.com/binlogkit/binlogkit/archive/s3"
)

// Example archives a server's closed binlog files in an S3-compatible
// bucket. It needs the server, so it has no output to check.
func Example() {
	store, err := s3.New(&s3.Options{
		Bucket:   "backups",
		Prefix:   "binlogs/db1/",
		Endpoint: "http://127.0.0.1:9000", // zero means AWS
	})
	if err != nil {
		log.Fatal(err)
	}
	a, err := archive.NewArchiver(&archive.Options{Store: store})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := a.ArchiveFiles(context.Background(), []string{"/var/lib/mysql/binlog.000001"}); err != nil {
		log.Fatal(err)
	}
}
