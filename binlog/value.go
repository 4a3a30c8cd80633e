package binlog

import (
	"math"
	"strconv"
	"time"
)

// Kind is the kind of a Value. Each kind has one Go representation, read
// with the accessor named in its comment.
type Kind uint8

const (
	// KindAbsent: the column is not in this row image (binlog_row_image
	// MINIMAL or NOBLOB). The zero Value.
	KindAbsent Kind = iota
	// KindNull: SQL NULL.
	KindNull
	// KindInt: a signed TINYINT..BIGINT. Int.
	KindInt
	// KindUint: an UNSIGNED TINYINT..BIGINT. Uint; never negative.
	KindUint
	// KindFloat: FLOAT (single precision). Float64 returns it widened;
	// String prints the shortest text that reads back as the same float32.
	KindFloat
	// KindDouble: DOUBLE. Float64; String prints the shortest round-trip
	// text.
	KindDouble
	// KindDecimal: DECIMAL/NUMERIC, exact. Text returns the decimal string
	// with exactly the column's scale ("-12.340", "0.000000").
	KindDecimal
	// KindBit: BIT(n), n <= 64. Uint returns the bits; Precision returns n.
	KindBit
	// KindYear: YEAR. Int returns 0 (the zero year) or 1901..2155.
	KindYear
	// KindDate: DATE, a civil date; zero dates ("0000-00-00") and partial
	// zero dates are kept. Date.
	KindDate
	// KindDateTime: DATETIME, a civil date and time with no time zone.
	// DateTime; Precision gives the fractional digits.
	KindDateTime
	// KindTime: TIME, a signed duration up to ±838:59:59.999999. Time.
	KindTime
	// KindTimestamp: TIMESTAMP, an instant. Timestamp returns it in UTC;
	// the zero TIMESTAMP (0000-00-00 00:00:00) is the Unix epoch second 0
	// and IsZeroTimestamp reports it.
	KindTimestamp
	// KindString: CHAR, VARCHAR, TEXT in a non-binary character set. Bytes
	// returns the bytes in the column's charset; Text decodes them to UTF-8;
	// Collation returns the collation id.
	KindString
	// KindBytes: BINARY, VARBINARY, BLOB and strings of unknown or binary
	// collation. Bytes. BINARY(n) values are re-padded with the trailing zero
	// bytes the server strips when logging.
	KindBytes
	// KindEnum: ENUM. Int returns the 1-based index (0 = the '' error
	// value); Text returns the name when known, else the index in decimal.
	KindEnum
	// KindSet: SET. Uint returns the member bitmask; Text returns the
	// comma-separated names when known, else the bitmask in decimal.
	KindSet
	// KindJSON: JSON. Text returns canonical JSON text (MySQL's binary JSON
	// decoded; MariaDB logs JSON as text and it is returned as logged).
	KindJSON
	// KindJSONDiff: a JSON column in the after image of a
	// PARTIAL_UPDATE_ROWS event. JSONDiffs returns every diff, in order.
	KindJSONDiff
	// KindGeometry: GEOMETRY and subtypes. Bytes returns the stored form (a
	// 4-byte little-endian SRID then WKB); WKB and SRID split it.
	KindGeometry
	// KindVector: MySQL 9 VECTOR, little-endian float32s. Bytes.
	KindVector
	// KindUndecodable: a value whose stored bytes do not decode, kept
	// only with ReaderOptions.KeepUndecodable (see there for the column
	// types it applies to). Bytes returns the stored bytes (without the
	// length prefix of JSON); the column's type is in the table map. It
	// has no text, SQL or JSON form: Text is empty, String prints a
	// comment with the bytes in hex, MarshalJSON fails with
	// ErrUndecodable; consumers must refuse it.
	KindUndecodable
)

var kindNames = [...]string{"absent", "null", "int", "uint", "float", "double", "decimal", "bit",
	"year", "date", "datetime", "time", "timestamp", "string", "bytes", "enum", "set", "json",
	"jsondiff", "geometry", "vector", "undecodable"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind" + strconv.Itoa(int(k))
}

// Value is one column value of a row image. It is small and is passed by
// value; byte slices inside refer to the event's memory (see Event).
type Value struct {
	kind Kind
	prec uint8  // fractional second digits, BIT width
	coll uint16 // collation of KindString
	num  uint64 // integers, float bits, packed temporal values, enum index, set mask
	b    []byte // string/bytes/decimal/json/geometry payload
	// names points at the ENUM/SET member list of the column (in the
	// TableMap, shared by every value of the column); diffs at the diffs
	// of a KindJSONDiff. Pointers keep Value at 56 bytes.
	names *[]string
	diffs *[]JSONDiff
}

// The typed getters (Int, Uint, Float64, Float32, Date, DateTime, Time,
// Timestamp, Names, JSONDiffs, SRID, WKB) panic when called on a value of a
// kind they do not list, like reflect.Value's: a wrong-kind value has no
// meaningful answer, and a zero would pass for data. Check Kind first.
// Bytes, Collation and Precision describe any kind and never panic.

// kindPanic panics for getter method called on a value of kind k.
func kindPanic(method string, k Kind) {
	panic("binlog: Value." + method + " called on a " + k.String() + " value")
}

// Kind returns the value's kind.
func (v Value) Kind() Kind { return v.kind }

// IsNull reports whether v is SQL NULL.
func (v Value) IsNull() bool { return v.kind == KindNull }

// Int returns a KindInt value, the year of a KindYear value, or the index
// of a KindEnum value. It panics on any other kind.
func (v Value) Int() int64 {
	switch v.kind {
	case KindInt, KindYear, KindEnum:
		return int64(v.num)
	}
	kindPanic("Int", v.kind)
	return 0
}

// Uint returns a KindUint value, the bits of a KindBit value, or the member
// bitmask of a KindSet value. It panics on any other kind.
func (v Value) Uint() uint64 {
	switch v.kind {
	case KindUint, KindBit, KindSet:
		return v.num
	}
	kindPanic("Uint", v.kind)
	return 0
}

// Float64 returns a KindDouble value, or a KindFloat value widened. It
// panics on any other kind.
func (v Value) Float64() float64 {
	switch v.kind {
	case KindFloat:
		return float64(math.Float32frombits(uint32(v.num)))
	case KindDouble:
		return math.Float64frombits(v.num)
	}
	kindPanic("Float64", v.kind)
	return 0
}

// Float32 returns a KindFloat value exactly. It panics on any other kind,
// KindDouble included (narrowing would lose the value).
func (v Value) Float32() float32 {
	if v.kind != KindFloat {
		kindPanic("Float32", v.kind)
	}
	return math.Float32frombits(uint32(v.num))
}

// Bytes returns the bytes of a string, bytes, decimal, JSON, geometry,
// vector or undecodable value, nil for other kinds. The slice must not be
// modified.
func (v Value) Bytes() []byte { return v.b }

// Collation returns the collation id of a KindString value, 0 for other
// kinds.
func (v Value) Collation() uint16 { return v.coll }

// Precision returns the fractional-second digits of a temporal value, or the
// width of a BIT value; 0 for other kinds.
func (v Value) Precision() int { return int(v.prec) }

// Names returns the member names of the column of a KindEnum or KindSet
// value, nil when unknown. It panics on any other kind.
func (v Value) Names() []string {
	if v.kind != KindEnum && v.kind != KindSet {
		kindPanic("Names", v.kind)
	}
	if v.names == nil {
		return nil
	}
	return *v.names
}

// JSONDiffs returns the diffs of a KindJSONDiff value. It panics on any
// other kind.
func (v Value) JSONDiffs() []JSONDiff {
	if v.kind != KindJSONDiff {
		kindPanic("JSONDiffs", v.kind)
	}
	if v.diffs == nil {
		return nil
	}
	return *v.diffs
}

// Date is a civil date. Zero fields are allowed (MySQL zero dates).
type Date struct{ Year, Month, Day int }

func (d Date) String() string { return string(d.AppendFormat(nil)) }

// AppendFormat appends "YYYY-MM-DD" to dst.
func (d Date) AppendFormat(dst []byte) []byte {
	dst = appendPadded(dst, uint32(d.Year), 4)
	dst = append(dst, '-')
	dst = appendPadded(dst, uint32(d.Month), 2)
	dst = append(dst, '-')
	return appendPadded(dst, uint32(d.Day), 2)
}

// DateTime is a civil date and time with microseconds. Zero fields are
// allowed.
type DateTime struct {
	Year, Month, Day, Hour, Minute, Second, Microsecond int
}

// Format returns "YYYY-MM-DD hh:mm:ss" with prec fractional digits.
func (d DateTime) Format(prec int) string { return string(d.AppendFormat(nil, prec)) }

// AppendFormat appends "YYYY-MM-DD hh:mm:ss" with prec fractional digits to
// dst, as the server prints the value.
func (d DateTime) AppendFormat(dst []byte, prec int) []byte {
	dst = Date{d.Year, d.Month, d.Day}.AppendFormat(dst)
	dst = append(dst, ' ')
	dst = appendPadded(dst, uint32(d.Hour), 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, uint32(d.Minute), 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, uint32(d.Second), 2)
	return appendFrac(dst, d.Microsecond, prec)
}

// Time is a MySQL TIME: a signed duration, hours up to 838.
type Time struct {
	Negative                              bool
	Hours, Minutes, Seconds, Microseconds int
}

// Format returns "[-]hh:mm:ss" with prec fractional digits.
func (t Time) Format(prec int) string { return string(t.AppendFormat(nil, prec)) }

// AppendFormat appends "[-]hh:mm:ss" (three hour digits past 99) with prec
// fractional digits to dst, as the server prints the value.
func (t Time) AppendFormat(dst []byte, prec int) []byte {
	if t.Negative {
		dst = append(dst, '-')
	}
	dst = appendPadded(dst, uint32(t.Hours), max(2, digits(t.Hours)))
	dst = append(dst, ':')
	dst = appendPadded(dst, uint32(t.Minutes), 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, uint32(t.Seconds), 2)
	return appendFrac(dst, t.Microseconds, prec)
}

// Duration returns t as a time.Duration.
func (t Time) Duration() time.Duration {
	d := time.Duration(t.Hours)*time.Hour + time.Duration(t.Minutes)*time.Minute +
		time.Duration(t.Seconds)*time.Second + time.Duration(t.Microseconds)*time.Microsecond
	if t.Negative {
		d = -d
	}
	return d
}

// Packed layouts of temporal values in Value.num.
//
//	date/datetime: year<<46 | month<<42 | day<<37 | hour<<32 | minute<<26 | second<<20 | microsecond
//	time:          negative<<63 | hours<<40 | minutes<<32 | seconds<<24 | microseconds
//	timestamp:     seconds<<20 | microseconds

// Date returns the date of a KindDate or KindDateTime value, or of a
// KindTimestamp value's instant in UTC (see DateTime). It panics on any
// other kind.
func (v Value) Date() Date {
	if v.kind != KindDate && v.kind != KindDateTime && v.kind != KindTimestamp {
		kindPanic("Date", v.kind)
	}
	dt := v.DateTime()
	return Date{dt.Year, dt.Month, dt.Day}
}

// DateTime returns a KindDateTime value, or a KindDate value at midnight;
// for a KindTimestamp value, the instant as a UTC civil time (the zero
// TIMESTAMP gives the zero DateTime). It panics on any other kind.
func (v Value) DateTime() DateTime {
	switch v.kind {
	case KindTimestamp:
		return v.timestampCivil()
	case KindDate, KindDateTime:
	default:
		kindPanic("DateTime", v.kind)
	}
	n := v.num
	return DateTime{
		Year: int(n >> 46), Month: int(n>>42) & 15, Day: int(n>>37) & 31,
		Hour: int(n>>32) & 31, Minute: int(n>>26) & 63, Second: int(n>>20) & 63,
		Microsecond: int(n) & (1<<20 - 1),
	}
}

// Time returns a KindTime value. It panics on any other kind.
func (v Value) Time() Time {
	if v.kind != KindTime {
		kindPanic("Time", v.kind)
	}
	n := v.num
	return Time{Negative: n>>63 != 0, Hours: int(n>>40) & (1<<23 - 1), Minutes: int(n>>32) & 255,
		Seconds: int(n>>24) & 255, Microseconds: int(n) & (1<<24 - 1)}
}

// Timestamp returns a KindTimestamp value as a UTC instant. It panics on
// any other kind (a DATETIME has no time zone: see DateTime).
func (v Value) Timestamp() time.Time {
	if v.kind != KindTimestamp {
		kindPanic("Timestamp", v.kind)
	}
	return time.Unix(int64(v.num>>20), int64(v.num&(1<<20-1))*1000).UTC()
}

// IsZeroTimestamp reports whether a KindTimestamp value is the zero
// TIMESTAMP '0000-00-00 00:00:00'.
func (v Value) IsZeroTimestamp() bool { return v.kind == KindTimestamp && v.num == 0 }

// SRID returns the spatial reference id of a KindGeometry value, 0 when
// the stored form is shorter than 4 bytes. It panics on any other kind.
func (v Value) SRID() uint32 {
	if v.kind != KindGeometry {
		kindPanic("SRID", v.kind)
	}
	if len(v.b) < 4 {
		return 0
	}
	return uint32(v.b[0]) | uint32(v.b[1])<<8 | uint32(v.b[2])<<16 | uint32(v.b[3])<<24
}

// WKB returns the well-known-binary part of a KindGeometry value, nil when
// the stored form is shorter than 4 bytes. It panics on any other kind.
func (v Value) WKB() []byte {
	if v.kind != KindGeometry {
		kindPanic("WKB", v.kind)
	}
	if len(v.b) < 4 {
		return nil
	}
	return v.b[4:]
}

// Value constructors, for tests and for packages that build rows (the
// anonymizer, for one).

// NullValue returns SQL NULL.
func NullValue() Value { return Value{kind: KindNull} }

// IntValue returns a KindInt value.
func IntValue(i int64) Value { return Value{kind: KindInt, num: uint64(i)} }

// UintValue returns a KindUint value.
func UintValue(u uint64) Value { return Value{kind: KindUint, num: u} }

// DoubleValue returns a KindDouble value.
func DoubleValue(f float64) Value { return Value{kind: KindDouble, num: math.Float64bits(f)} }

// FloatValue returns a KindFloat value.
func FloatValue(f float32) Value { return Value{kind: KindFloat, num: uint64(math.Float32bits(f))} }

// DecimalValue returns a KindDecimal value from its exact decimal text.
func DecimalValue(s string) Value { return Value{kind: KindDecimal, b: []byte(s)} }

// StringValue returns a KindString value: b in the charset of collation.
func StringValue(b []byte, collation uint16) Value {
	return Value{kind: KindString, b: b, coll: collation}
}

// BytesValue returns a KindBytes value.
func BytesValue(b []byte) Value { return Value{kind: KindBytes, b: b} }

// JSONValue returns a KindJSON value from JSON text.
func JSONValue(text []byte) Value { return Value{kind: KindJSON, b: text} }

// BitValue returns a KindBit value of width bits.
func BitValue(bits uint64, width int) Value {
	return Value{kind: KindBit, num: bits, prec: uint8(width)}
}

// YearValue returns a KindYear value.
func YearValue(y int) Value { return Value{kind: KindYear, num: uint64(y)} }

// EnumValue returns a KindEnum value: 1-based index and the member names.
func EnumValue(index int, names []string) Value {
	return Value{kind: KindEnum, num: uint64(index), names: &names}
}

// SetValue returns a KindSet value: member bitmask and the member names.
func SetValue(mask uint64, names []string) Value {
	return Value{kind: KindSet, num: mask, names: &names}
}

// DateValue returns a KindDate value.
func DateValue(d Date) Value {
	return Value{kind: KindDate, num: packDateTime(DateTime{Year: d.Year, Month: d.Month, Day: d.Day})}
}

// DateTimeValue returns a KindDateTime value with prec fractional digits.
func DateTimeValue(d DateTime, prec int) Value {
	return Value{kind: KindDateTime, num: packDateTime(d), prec: uint8(prec)}
}

// TimeValue returns a KindTime value with prec fractional digits.
func TimeValue(t Time, prec int) Value {
	return Value{kind: KindTime, num: packTime(t), prec: uint8(prec)}
}

// TimestampValue returns a KindTimestamp value with prec fractional digits.
// Times before the epoch are clamped to the zero timestamp.
func TimestampValue(t time.Time, prec int) Value {
	sec := t.Unix()
	if sec < 0 {
		sec = 0
	}
	return Value{kind: KindTimestamp, num: uint64(sec)<<20 | uint64(t.Nanosecond()/1000), prec: uint8(prec)}
}

// JSONDiffValue returns a KindJSONDiff value: the diffs of a partial JSON
// update, in the order they apply.
func JSONDiffValue(diffs []JSONDiff) Value { return Value{kind: KindJSONDiff, diffs: &diffs} }

// GeometryValue returns a KindGeometry value from its stored form (SRID +
// WKB).
func GeometryValue(b []byte) Value { return Value{kind: KindGeometry, b: b} }

func packDateTime(d DateTime) uint64 {
	return uint64(d.Year)<<46 | uint64(d.Month&15)<<42 | uint64(d.Day&31)<<37 |
		uint64(d.Hour&31)<<32 | uint64(d.Minute&63)<<26 | uint64(d.Second&63)<<20 | uint64(d.Microsecond&(1<<20-1))
}

func packTime(t Time) uint64 {
	n := uint64(t.Hours&(1<<23-1))<<40 | uint64(t.Minutes&255)<<32 | uint64(t.Seconds&255)<<24 |
		uint64(t.Microseconds&(1<<24-1))
	if t.Negative {
		n |= 1 << 63
	}
	return n
}

// JSONDiffOp is the operation of a JSONDiff.
type JSONDiffOp uint8

const (
	JSONReplace JSONDiffOp = 0
	JSONInsert  JSONDiffOp = 1
	JSONRemove  JSONDiffOp = 2
)

func (op JSONDiffOp) String() string {
	switch op {
	case JSONReplace:
		return "JSON_REPLACE"
	case JSONInsert:
		return "JSON_INSERT"
	case JSONRemove:
		return "JSON_REMOVE"
	}
	return "JSON_OP_" + strconv.Itoa(int(op))
}

// JSONDiff is one change of a partial JSON update: Op at Path, with Value
// (canonical JSON text; nil for JSONRemove).
type JSONDiff struct {
	Op    JSONDiffOp
	Path  string
	Value []byte
}
