package stats

import "slices"

// top keeps the n largest values by less, as a min-heap: the root is the
// smallest kept, replaced when a larger one comes.
type top[T any] struct {
	n    int
	less func(a, b T) bool
	h    []T
}

// push offers v.
func (t *top[T]) push(v T) {
	if len(t.h) < t.n {
		t.h = append(t.h, v)
		t.up(len(t.h) - 1)
		return
	}
	if t.n == 0 || !t.less(t.h[0], v) {
		return
	}
	t.h[0] = v
	t.down(0)
}

// wants reports whether a value with this key would be kept, to skip
// building values that would not be.
func (t *top[T]) wants(v T) bool { return len(t.h) < t.n || t.less(t.h[0], v) }

func (t *top[T]) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !t.less(t.h[i], t.h[p]) {
			return
		}
		t.h[i], t.h[p] = t.h[p], t.h[i]
		i = p
	}
}

func (t *top[T]) down(i int) {
	for {
		l, m := 2*i+1, i
		if l < len(t.h) && t.less(t.h[l], t.h[m]) {
			m = l
		}
		if r := l + 1; r < len(t.h) && t.less(t.h[r], t.h[m]) {
			m = r
		}
		if m == i {
			return
		}
		t.h[i], t.h[m] = t.h[m], t.h[i]
		i = m
	}
}

// sorted returns a copy of the kept values, largest first.
func (t *top[T]) sorted() []T {
	s := slices.Clone(t.h)
	slices.SortStableFunc(s, func(a, b T) int {
		switch {
		case t.less(b, a):
			return -1
		case t.less(a, b):
			return 1
		}
		return 0
	})
	return s
}
