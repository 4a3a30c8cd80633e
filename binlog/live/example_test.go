package live_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/binlogkit/binlogkit/binlog"
	"github.com/binlogkit/binlogkit/binlog/live"
)

// Example streams a server's binlog from a position and prints where each
// transaction commits. It needs a server, so it has no output to check.
func Example() {
	ctx := context.Background()
	s, err := live.Open(ctx, &live.Options{
		Host:     "127.0.0.1",
		Port:     3306,
		User:     "repl",
		Password: "secret",
		Position: binlog.Position{File: "binlog.000001", Offset: 4},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	txs := binlog.NewTxReader(s, nil)
	for tx, err := range txs.All() {
		if errors.Is(err, live.ErrPurged) {
			log.Fatal("the server no longer has the binlog: start from a newer position")
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(tx.End)
	}
}
