package testserver

import "fmt"

// Record flushes the binary logs, runs fn, flushes them again and returns
// the paths of the binlog files that hold exactly what fn logged, in order
// (several when fn itself rotates the log).
func (s *Server) Record(fn func() error) ([]string, error) {
	if err := s.FlushBinaryLogs(); err != nil {
		return nil, err
	}
	before, err := s.BinlogPaths()
	if err != nil {
		return nil, err
	}
	if len(before) == 0 {
		return nil, fmt.Errorf("testserver: no binary log after FLUSH BINARY LOGS")
	}
	if err := fn(); err != nil {
		return nil, err
	}
	if err := s.FlushBinaryLogs(); err != nil {
		return nil, err
	}
	after, err := s.BinlogPaths()
	if err != nil {
		return nil, err
	}
	return after[len(before)-1 : len(after)-1], nil
}
