package stats

import "time"

// widths are the bucket sizes in seconds, each a multiple of the one before,
// so that buckets merge exactly. Past the last, widths double.
var widths = []int64{1, 5, 15, 60, 300, 900, 3600, 6 * 3600, 86400, 7 * 86400, 28 * 86400}

// buckets counts per time bucket, at most max buckets from the first to the
// last key.
type buckets struct {
	max    int
	wi     int   // index in widths (past the end: doublings of the last)
	width  int64 // seconds
	m      map[int64]*Bucket
	lo, hi int64 // keys (unix seconds / width) of the first and last buckets
}

func newBuckets(max int) *buckets {
	return &buckets{max: max, width: 1, m: make(map[int64]*Bucket)}
}

// at returns the bucket of unix time sec, coarsening the buckets when the
// span would need more than max.
func (b *buckets) at(sec int64) *Bucket {
	k := floorDiv(sec, b.width)
	for len(b.m) > 0 && (max(b.hi, k)-min(b.lo, k)+1) > int64(b.max) {
		b.coarsen()
		k = floorDiv(sec, b.width)
	}
	bk := b.m[k]
	if bk == nil {
		bk = &Bucket{Start: time.Unix(k*b.width, 0).UTC()}
		if len(b.m) == 0 {
			b.lo, b.hi = k, k
		}
		b.lo, b.hi = min(b.lo, k), max(b.hi, k)
		b.m[k] = bk
	}
	return bk
}

// coarsen moves to the next width and merges the buckets.
func (b *buckets) coarsen() {
	b.wi++
	next := b.width * 2
	if b.wi < len(widths) {
		next = widths[b.wi]
	}
	f := next / b.width
	m := make(map[int64]*Bucket, len(b.m))
	for k, v := range b.m {
		nk := floorDiv(k, f)
		t := m[nk]
		if t == nil {
			t = &Bucket{Start: time.Unix(nk*next, 0).UTC()}
			m[nk] = t
		}
		t.add(v)
	}
	b.m, b.width = m, next
	b.lo, b.hi = floorDiv(b.lo, f), floorDiv(b.hi, f)
}

// list returns the buckets from the first to the last, gaps filled.
func (b *buckets) list() []Bucket {
	if len(b.m) == 0 {
		return nil
	}
	out := make([]Bucket, 0, b.hi-b.lo+1)
	for k := b.lo; k <= b.hi; k++ {
		if v := b.m[k]; v != nil {
			out = append(out, *v)
		} else {
			out = append(out, Bucket{Start: time.Unix(k*b.width, 0).UTC()})
		}
	}
	return out
}

func (t *Bucket) add(v *Bucket) {
	t.Events += v.Events
	t.Bytes += v.Bytes
	t.Rows += v.Rows
	t.Inserts += v.Inserts
	t.Updates += v.Updates
	t.Deletes += v.Deletes
	t.DDL += v.DDL
	t.Transactions += v.Transactions
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
