package cliflag

import "strings"

// A List is a flag.Value that collects the comma-separated values of a
// repeatable flag, in order, leaving out blanks around and between them.
// Its zero value is an empty list.
type List []string

func (l *List) String() string { return strings.Join(*l, ",") }

// Set adds the comma-separated values of s.
func (l *List) Set(s string) error {
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}
