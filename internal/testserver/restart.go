package testserver

import (
	"context"
	"fmt"
	"syscall"
	"time"
)

// Restart stops mariadbd cleanly (SIGTERM, as a service restart does) and
// starts it again on the same data directory, binary logs, port and socket.
// Exec and Query work again afterwards; connections opened with Connect
// must be opened anew.
func (s *Server) Restart(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.exited == nil {
		return errClosed
	}
	if s.conn != nil {
		s.conn.Close()
		s.conn = nil
	}
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(30 * time.Second):
			s.kill()
		case <-ctx.Done():
			s.kill()
			return ctx.Err()
		}
	}
	if err := s.start(ctx); err != nil {
		return fmt.Errorf("testserver: restart: %w", err)
	}
	return nil
}
