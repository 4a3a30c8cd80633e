package audit

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/binlogkit/binlogkit/binlog/cdc"
	"github.com/binlogkit/binlogkit/internal/testserver"
	"github.com/binlogkit/binlogkit/internal/workload"
)

// flaky fails a Write at random, after writing part of the batch or none.
type flaky struct {
	*Store
	rng  *rand.Rand
	fail int
}

var errInjected = errors.New("injected failure")

func (f *flaky) Write(ctx context.Context, b *cdc.Batch) error {
	if f.rng.IntN(40) == 0 {
		f.fail++
		if f.rng.IntN(2) == 0 {
			// Write the records, then fail before the commit is known.
			f.Store.Write(ctx, b)
		}
		f.Store.Close() // rolls back what is not committed
		return errInjected
	}
	return f.Store.Write(ctx, b)
}

// TestExactlyOnce runs the pipeline over a random workload, canceled and
// failed at random moments and restarted each time on a new Store over the
// same database, and checks that the store holds exactly one record per
// committed row change, in commit order, and an intact chain.
func TestExactlyOnce(t *testing.T) {
	srv := testserver.Start(t, nil)
	w := workload.Record(t, srv, 7, &workload.Options{Transactions: 300})
	want := reference(t, w.Paths)
	if len(want) < 300 {
		t.Fatalf("only %d row changes in the workload", len(want))
	}
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			db, d := be.open(t)
			rng := rand.New(rand.NewPCG(1, uint64(len(be.name))))
			key := []byte("audit test key")
			runs, cancels, fails := 0, 0, 0
			for {
				runs++
				if runs > 500 {
					t.Fatal("no complete run after 500 attempts")
				}
				s, err := Open(context.Background(), db, &Options{Dialect: d, Key: key, GroupCommit: 1 + rng.IntN(8)})
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(rng.IntN(150)+10*runs)*time.Millisecond)
				sink := &flaky{Store: s, rng: rng}
				// Verify meanwhile, on another Store over the same
				// database: a chain being written is not damage.
				verified := make(chan error, 1)
				go func() {
					v, err := Open(context.Background(), db, &Options{Dialect: d, Key: key})
					for err == nil && ctx.Err() == nil {
						var rep *Report
						if rep, err = v.Verify(context.Background()); err == nil && !rep.OK() {
							err = fmt.Errorf("verify while writing: %v", rep.Damage)
						}
					}
					verified <- err
				}()
				err = cdc.Run(ctx, sink, &cdc.Options{Files: w.Paths, MaxTxBytes: int64(4096 + rng.IntN(1<<16))})
				canceled := ctx.Err() != nil
				cancel()
				if verr := <-verified; verr != nil {
					t.Fatal(verr)
				}
				s.Close()
				fails += sink.fail
				switch {
				case err != nil && errors.Is(err, errInjected):
				case err != nil && canceled && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)):
					// Canceled while loading the checkpoint, before the loop.
					cancels++
				case err != nil:
					t.Fatalf("run %d: %v", runs, err)
				case canceled:
					cancels++
				default:
					got := stored(t, s)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Fatalf("after %d runs: mismatch (-want +got):\n%s", runs, diff)
					}
					rep, err := s.Verify(context.Background())
					if err != nil {
						t.Fatal(err)
					}
					if !rep.OK() {
						t.Fatalf("verify: %v", rep.Damage)
					}
					t.Logf("%d records, exactly once after %d runs (%d canceled, %d injected failures)", len(got), runs, cancels, fails)
					return
				}
			}
		})
	}
}
