package cliflag

import (
	"context"
	"os"
	"os/signal"
)

// Interruptible returns a context that the first SIGINT (Ctrl-C) cancels.
// After that signal SIGINT has its default effect again, so that a second
// Ctrl-C kills the process. stop releases the signal handler; call it
// before exiting.
func Interruptible(parent context.Context) (ctx context.Context, stop context.CancelFunc) {
	ctx, stop = signal.NotifyContext(parent, os.Interrupt)
	go func() {
		<-ctx.Done()
		stop()
	}()
	return ctx, stop
}
