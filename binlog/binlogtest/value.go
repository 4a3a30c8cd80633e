package binlogtest

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/binlogkit/binlogkit/binlog"
)

// Row is one row of a table for Insert, Update and Delete: one value per
// column, in the order of CreateTable. A binlog.Value is written as it
// is; other Go values are converted by the column's type:
//
//	nil                   NULL, in any column
//	int, int8 ... int64   integer columns (signed or UNSIGNED, if it fits), YEAR,
//	uint ... uint64       BIT, DECIMAL, FLOAT, DOUBLE; the 1-based member index of
//	                      an ENUM, the member bitmask of a SET
//	bool                  1 or 0, for the same columns
//	float32, float64      FLOAT, DOUBLE; DECIMAL, rounded to the scale
//	string                CHAR, VARCHAR, TEXT, ENUM, SET: the text, converted from
//	                      UTF-8 to the column's charset; ENUM: a member name;
//	                      SET: member names separated by commas;
//	                      BINARY, VARBINARY, BLOB: its bytes; DECIMAL: its exact text
//	                      ("-12.30"); JSON: JSON text; integer columns: decimal
//	                      digits; DATE, TIME, DATETIME, TIMESTAMP: MySQL's text
//	                      ("2024-01-31", "-12:00:00.5", "2024-01-31 10:00:00.123456",
//	                      TIMESTAMP text in UTC)
//	[]byte                any string column, GEOMETRY and VECTOR: the bytes as stored
//	                      (already in the column's charset; GEOMETRY: SRID then WKB);
//	                      JSON: text
//	[]string              SET: the member names
//	[]float32             VECTOR
//	time.Time             DATETIME and DATE: its wall clock in its own location;
//	                      TIMESTAMP: the instant
//	time.Duration         TIME
//	binlog.Date, binlog.DateTime, binlog.Time: the matching columns
//
// Fractional seconds must fit the column's precision.
type Row []any

// Change is one row of Update: the row before and after.
type Change struct {
	Before, After Row
}

// value converts x for column i of t.
func (t *table) value(i int, x any) (binlog.Value, error) {
	c := &t.cols[i]
	col := &t.tm.Columns[i]
	if v, ok := x.(binlog.Value); ok {
		return v, nil
	}
	if x == nil {
		return binlog.NullValue(), nil
	}
	bad := func() (binlog.Value, error) {
		return binlog.Value{}, fmt.Errorf("a %T for a %s column", x, c.sqlType)
	}
	fsp := col.Meta
	switch x := x.(type) {
	case bool:
		return t.value(i, int64(boolInt(x)))
	case int:
		return t.intValue(i, int64(x), 0, false)
	case int8:
		return t.intValue(i, int64(x), 0, false)
	case int16:
		return t.intValue(i, int64(x), 0, false)
	case int32:
		return t.intValue(i, int64(x), 0, false)
	case int64:
		return t.intValue(i, x, 0, false)
	case uint:
		return t.intValue(i, 0, uint64(x), true)
	case uint8:
		return t.intValue(i, 0, uint64(x), true)
	case uint16:
		return t.intValue(i, 0, uint64(x), true)
	case uint32:
		return t.intValue(i, 0, uint64(x), true)
	case uint64:
		return t.intValue(i, 0, x, true)
	case float32:
		switch col.Type {
		case binlog.TypeFloat:
			return binlog.FloatValue(x), nil
		}
		return t.value(i, float64(x))
	case float64:
		switch col.Type {
		case binlog.TypeFloat:
			return binlog.FloatValue(float32(x)), nil
		case binlog.TypeDouble:
			return binlog.DoubleValue(x), nil
		case binlog.TypeNewDecimal:
			return binlog.DecimalValue(strconv.FormatFloat(x, 'f', c.scale, 64)), nil
		}
		return bad()
	case string:
		return t.stringValue(i, x)
	case []byte:
		switch {
		case col.Type == binlog.TypeGeometry:
			return binlog.GeometryValue(x), nil
		case col.Type == binlog.TypeVector:
			return binlog.BytesValue(x), nil
		case c.typ == binlog.TypeJSON && col.Type == binlog.TypeJSON:
			return binlog.JSONValue(x), nil
		case t.colls[i] == 63:
			return binlog.BytesValue(x), nil
		case t.charsets[i] != nil && !isEnumSet(col.Type):
			return binlog.StringValue(x, t.colls[i]), nil
		}
		return bad()
	case []float32:
		if col.Type != binlog.TypeVector || len(x) != t.cols[i].length {
			return bad()
		}
		b := make([]byte, 0, 4*len(x))
		for _, f := range x {
			u := math.Float32bits(f)
			b = append(b, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
		}
		return binlog.BytesValue(b), nil
	case []string:
		if col.Type != binlog.TypeSet {
			return bad()
		}
		return t.stringValue(i, strings.Join(x, ","))
	case time.Time:
		switch col.Type {
		case binlog.TypeTimestamp2:
			return binlog.TimestampValue(x, int(fsp)), nil
		case binlog.TypeDateTime2:
			return binlog.DateTimeValue(binlog.DateTime{Year: x.Year(), Month: int(x.Month()), Day: x.Day(),
				Hour: x.Hour(), Minute: x.Minute(), Second: x.Second(), Microsecond: x.Nanosecond() / 1000}, int(fsp)), nil
		case binlog.TypeDate:
			return binlog.DateValue(binlog.Date{Year: x.Year(), Month: int(x.Month()), Day: x.Day()}), nil
		}
		return bad()
	case time.Duration:
		if col.Type != binlog.TypeTime2 {
			return bad()
		}
		var tv binlog.Time
		if x < 0 {
			tv.Negative, x = true, -x
		}
		tv.Hours = int(x / time.Hour)
		tv.Minutes = int(x / time.Minute % 60)
		tv.Seconds = int(x / time.Second % 60)
		tv.Microseconds = int(x / time.Microsecond % 1000000)
		return binlog.TimeValue(tv, int(fsp)), nil
	case binlog.Date:
		if col.Type != binlog.TypeDate && col.Type != binlog.TypeDateTime2 {
			return bad()
		}
		return binlog.DateValue(x), nil
	case binlog.DateTime:
		if col.Type != binlog.TypeDateTime2 && col.Type != binlog.TypeDate {
			return bad()
		}
		return binlog.DateTimeValue(x, int(fsp)), nil
	case binlog.Time:
		if col.Type != binlog.TypeTime2 {
			return bad()
		}
		return binlog.TimeValue(x, int(fsp)), nil
	}
	return bad()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func isEnumSet(t binlog.ColumnType) bool { return t == binlog.TypeEnum || t == binlog.TypeSet }

// intValue converts an integer (i, or u when unsigned) for column i.
func (t *table) intValue(idx int, i int64, u uint64, unsigned bool) (binlog.Value, error) {
	col := &t.tm.Columns[idx]
	neg := !unsigned && i < 0
	if !unsigned && i >= 0 {
		u = uint64(i)
	}
	switch col.Type {
	case binlog.TypeTiny, binlog.TypeShort, binlog.TypeInt24, binlog.TypeLong, binlog.TypeLongLong:
		if neg {
			return binlog.IntValue(i), nil
		}
		if col.Unsigned || u > math.MaxInt64 {
			return binlog.UintValue(u), nil
		}
		return binlog.IntValue(int64(u)), nil
	case binlog.TypeYear:
		if neg {
			break
		}
		return binlog.YearValue(int(u)), nil
	case binlog.TypeBit:
		if neg {
			break
		}
		return binlog.BitValue(u, t.cols[idx].length), nil
	case binlog.TypeNewDecimal:
		if neg {
			return binlog.DecimalValue(strconv.FormatInt(i, 10)), nil
		}
		return binlog.DecimalValue(strconv.FormatUint(u, 10)), nil
	case binlog.TypeFloat:
		if neg {
			return binlog.FloatValue(float32(i)), nil
		}
		return binlog.FloatValue(float32(u)), nil
	case binlog.TypeDouble:
		if neg {
			return binlog.DoubleValue(float64(i)), nil
		}
		return binlog.DoubleValue(float64(u)), nil
	case binlog.TypeEnum:
		if neg || u < 1 || u > uint64(len(col.EnumValues)) {
			return binlog.Value{}, fmt.Errorf("enum index %d of %d members", i, len(col.EnumValues))
		}
		return binlog.EnumValue(int(u), col.EnumValues), nil
	case binlog.TypeSet:
		if neg || len(col.SetValues) < 64 && u>>len(col.SetValues) != 0 {
			return binlog.Value{}, fmt.Errorf("set mask %#x for %d members", u, len(col.SetValues))
		}
		return binlog.SetValue(u, col.SetValues), nil
	default:
		return binlog.Value{}, fmt.Errorf("an integer for a %s column", t.cols[idx].sqlType)
	}
	return binlog.Value{}, fmt.Errorf("%d for a %s column", i, t.cols[idx].sqlType)
}

// stringValue converts text for column i.
func (t *table) stringValue(i int, s string) (binlog.Value, error) {
	c := &t.cols[i]
	col := &t.tm.Columns[i]
	switch col.Type {
	case binlog.TypeEnum:
		for k, m := range col.EnumValues {
			if m == s {
				return binlog.EnumValue(k+1, col.EnumValues), nil
			}
		}
		return binlog.Value{}, fmt.Errorf("%q is not a member of ENUM %s", s, c.name)
	case binlog.TypeSet:
		var mask uint64
		if s != "" {
		next:
			for _, p := range strings.Split(s, ",") {
				for k, m := range col.SetValues {
					if m == p {
						mask |= 1 << k
						continue next
					}
				}
				return binlog.Value{}, fmt.Errorf("%q is not a member of SET %s", p, c.name)
			}
		}
		return binlog.SetValue(mask, col.SetValues), nil
	case binlog.TypeNewDecimal:
		return binlog.DecimalValue(s), nil
	case binlog.TypeJSON:
		return binlog.JSONValue([]byte(s)), nil
	case binlog.TypeTiny, binlog.TypeShort, binlog.TypeInt24, binlog.TypeLong, binlog.TypeLongLong, binlog.TypeYear, binlog.TypeBit:
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return t.intValue(i, n, 0, false)
		}
		if n, err := strconv.ParseUint(s, 10, 64); err == nil {
			return t.intValue(i, 0, n, true)
		}
		return binlog.Value{}, fmt.Errorf("%q is not an integer", s)
	case binlog.TypeFloat, binlog.TypeDouble:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return binlog.Value{}, fmt.Errorf("%q is not a number", s)
		}
		return t.value(i, f)
	case binlog.TypeDate, binlog.TypeDateTime2, binlog.TypeTimestamp2:
		d, err := parseDateTime(s)
		if err != nil {
			return binlog.Value{}, err
		}
		switch col.Type {
		case binlog.TypeDate:
			if d.Hour|d.Minute|d.Second|d.Microsecond != 0 {
				return binlog.Value{}, fmt.Errorf("%q has a time of day for a DATE column", s)
			}
			return binlog.DateValue(binlog.Date{Year: d.Year, Month: d.Month, Day: d.Day}), nil
		case binlog.TypeDateTime2:
			return binlog.DateTimeValue(d, int(col.Meta)), nil
		}
		tm := time.Date(d.Year, time.Month(d.Month), d.Day, d.Hour, d.Minute, d.Second, d.Microsecond*1000, time.UTC)
		return binlog.TimestampValue(tm, int(col.Meta)), nil
	case binlog.TypeTime2:
		tv, err := parseTime(s)
		if err != nil {
			return binlog.Value{}, err
		}
		return binlog.TimeValue(tv, int(col.Meta)), nil
	}
	if t.colls[i] == 63 {
		return binlog.BytesValue([]byte(s)), nil
	}
	if cs := t.charsets[i]; cs != nil {
		b, err := cs.encode(s)
		if err != nil {
			return binlog.Value{}, err
		}
		return binlog.StringValue(b, t.colls[i]), nil
	}
	return binlog.Value{}, fmt.Errorf("a string for a %s column", c.sqlType)
}

var errTemporal = errors.New("not MySQL's temporal text")

// parseDateTime parses "YYYY-MM-DD[ hh:mm:ss[.ffffff]]".
func parseDateTime(s string) (binlog.DateTime, error) {
	var d binlog.DateTime
	date, tod, hasTime := strings.Cut(s, " ")
	if !hasTime {
		date, tod, hasTime = strings.Cut(s, "T")
	}
	p := strings.Split(date, "-")
	if len(p) != 3 {
		return d, fmt.Errorf("%q: %w", s, errTemporal)
	}
	var err error
	for k, dst := range []*int{&d.Year, &d.Month, &d.Day} {
		if *dst, err = strconv.Atoi(p[k]); err != nil {
			return d, fmt.Errorf("%q: %w", s, errTemporal)
		}
	}
	if hasTime {
		tv, err := parseTime(tod)
		if err != nil || tv.Negative || tv.Hours > 23 {
			return d, fmt.Errorf("%q: %w", s, errTemporal)
		}
		d.Hour, d.Minute, d.Second, d.Microsecond = tv.Hours, tv.Minutes, tv.Seconds, tv.Microseconds
	}
	return d, nil
}

// parseTime parses "[-]hh:mm:ss[.ffffff]".
func parseTime(s string) (binlog.Time, error) {
	var t binlog.Time
	orig := s
	if strings.HasPrefix(s, "-") {
		t.Negative, s = true, s[1:]
	}
	s, frac, hasFrac := strings.Cut(s, ".")
	p := strings.Split(s, ":")
	if len(p) != 3 {
		return t, fmt.Errorf("%q: %w", orig, errTemporal)
	}
	var err error
	for k, dst := range []*int{&t.Hours, &t.Minutes, &t.Seconds} {
		if *dst, err = strconv.Atoi(p[k]); err != nil || *dst < 0 {
			return t, fmt.Errorf("%q: %w", orig, errTemporal)
		}
	}
	if hasFrac {
		if len(frac) == 0 || len(frac) > 6 {
			return t, fmt.Errorf("%q: %w", orig, errTemporal)
		}
		us, err := strconv.Atoi((frac + "00000")[:6])
		if err != nil || us < 0 {
			return t, fmt.Errorf("%q: %w", orig, errTemporal)
		}
		t.Microseconds = us
	}
	return t, nil
}
