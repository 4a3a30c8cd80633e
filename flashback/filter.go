package flashback

import "github.com/binlogkit/binlogkit/binlog"

// FilterSource returns a Source that reads src and leaves out the row
// changes that r.Skip leaves out (see Filter): with ConflictSkip, give it
// to WriteSQL or WriteBinlog, in place of src, to write a flashback that
// leaves the rows changed since the range as they are now. A rows event
// left with no row is dropped (the statement it ended then ends with the
// next one, which the inverse of a transaction does not tell apart), and so
// is a transaction left with none. A nil Report, or one that skips nothing,
// gives the events of src unchanged.
func (r *Report) FilterSource(src binlog.Source) binlog.Source {
	return &filterSource{src: src, r: r}
}

type filterSource struct {
	src binlog.Source
	r   *Report
}

func (f *filterSource) Next() (*binlog.Event, error) {
	for {
		ev, err := f.src.Next()
		if err != nil {
			return ev, err
		}
		rows, ok := ev.Payload.(*binlog.Rows)
		if !ok {
			return ev, nil
		}
		kept := f.r.Filter(rows)
		if kept == rows {
			return ev, nil
		}
		if len(kept.Rows) == 0 {
			continue
		}
		ev.Payload = kept
		return ev, nil
	}
}
