package cliflag

import (
	"fmt"
	"strings"
	"time"
)

// ParseZone reads a time zone flag: "Local", "UTC" (in any case), an IANA
// name ("Europe/Paris") or a fixed offset ("+08:00", "-0330", "+05").
// The empty string gives empty, the command's default zone.
func ParseZone(s string, empty *time.Location) (*time.Location, error) {
	switch {
	case s == "":
		return empty, nil
	case strings.EqualFold(s, "Local"):
		return time.Local, nil
	case strings.EqualFold(s, "UTC"):
		return time.UTC, nil
	case s[0] == '+' || s[0] == '-':
		for _, layout := range []string{"-07:00", "-0700", "-07"} {
			if t, err := time.Parse(layout, s); err == nil {
				_, off := t.Zone()
				return time.FixedZone(s, off), nil
			}
		}
		return nil, fmt.Errorf("bad offset %q (want +hh:mm)", s)
	}
	return time.LoadLocation(s)
}

// ParseTime reads a datetime flag: RFC 3339 with an offset, or
// "2006-01-02 15:04:05" (fractional seconds allowed, "T" for the space
// too) or "2006-01-02" in loc. The empty string gives the zero time.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05.999999", "2006-01-02T15:04:05.999999", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad time %q (want \"2006-01-02 15:04:05\" or RFC 3339)", s)
}
