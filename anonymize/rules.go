package anonymize

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Strategy says how a matched value is replaced.
type Strategy uint8

// Strategies. The zero Strategy is not valid: a rule must choose.
const (
	// Partial keeps the first and last characters and replaces the others
	// with '*' (digits with '0' in a number), keeping the length:
	// 13812345678 becomes 138****5678.
	Partial Strategy = iota + 1
	// Redact replaces the value with a fixed text (Rule.Text), 0 for a
	// number.
	Redact
	// Pseudonym replaces the value with a keyed HMAC-SHA256 of it, in hex
	// (a number for a number column): the same input gives the same
	// output under the same key, in every file and run.
	Pseudonym
	// Fake replaces each letter and digit with one of the same class
	// chosen by a keyed HMAC-SHA256 of the value, keeping punctuation,
	// length and, where the detector has one, a valid check digit (resident
	// ID) or Luhn sum (cards). Deterministic under the key like Pseudonym.
	Fake
	// Null replaces the value with SQL NULL.
	Null
	// Keep leaves the value as it is; a column rule with Keep also keeps
	// detectors off the column.
	Keep
)

var strategyNames = [...]string{Partial: "partial", Redact: "redact", Pseudonym: "pseudonym", Fake: "fake", Null: "null", Keep: "keep"}

func (s Strategy) String() string {
	if int(s) < len(strategyNames) && strategyNames[s] != "" {
		return strategyNames[s]
	}
	return fmt.Sprintf("Strategy(%d)", uint8(s))
}

// needsKey reports whether s derives its output from the key.
func (s Strategy) needsKey() bool { return s == Pseudonym || s == Fake }

// Detector finds one kind of personal data inside a value.
type Detector uint8

// Detectors. Each finds its pattern anywhere in a text (not only as the
// whole value), bounded by characters that cannot continue it.
const (
	// Email: local@domain.tld.
	Email Detector = iota + 1
	// MobileCN: a mainland-China mobile number, 1[3-9] and nine digits.
	MobileCN
	// PhoneE164: an E.164 number, '+' and 8 to 15 digits.
	PhoneE164
	// IDCardCN: an 18-character Chinese resident ID number whose ISO 7064
	// MOD 11-2 check character is right.
	IDCardCN
	// Card: a payment card number, 13 to 19 digits (optionally in groups
	// split by single spaces or dashes) with a valid Luhn sum.
	Card
	// IPv4: a dotted-quad address.
	IPv4
	// IPv6: an IPv6 address in any of its text forms.
	IPv6
)

var detectorNames = [...]string{Email: "email", MobileCN: "cn_mobile", PhoneE164: "e164", IDCardCN: "cn_id", Card: "card", IPv4: "ipv4", IPv6: "ipv6"}

func (d Detector) String() string {
	if int(d) < len(detectorNames) && detectorNames[d] != "" {
		return detectorNames[d]
	}
	return fmt.Sprintf("Detector(%d)", uint8(d))
}

// Rule is one rule: what it matches and how it masks. A rule matches a
// column by Columns or Hints, and a value by Detect; see the package
// documentation for the order in which rules apply.
type Rule struct {
	// Name names the rule in errors and in the Report. Zero means the
	// rule is called "rule N", N its 1-based index.
	Name string
	// Columns are patterns "db.table.column" ("table.column" and
	// "column" leave out leading parts, which then match anything); '*'
	// matches any run of characters within a part; names compare in ASCII
	// case-insensitively. Nil means the rule names no column.
	Columns []string
	// Hints match column names that are, or contain as a '_'-separated
	// part, one of these words ("password" matches user_password), in ASCII
	// case-insensitively; they apply to string, bytes and JSON columns
	// only. Nil means no hints.
	Hints []string
	// Detect are the detectors of the rule. With Columns or Hints they
	// run only on those columns, and the strategy replaces only what they
	// find; without, they run on every string, bytes and JSON value and on
	// SQL literals. Nil means the strategy replaces whole values.
	Detect []Detector
	// Strategy is how matches are replaced; it must be set.
	Strategy Strategy
	// Text is the replacement of Redact, cut to fit the column. Zero means
	// "***".
	Text string
	// KeepFirst and KeepLast are the characters Partial keeps at the start
	// and end. Zero means the detector's habit (3 and 4 for phone numbers,
	// 6 and 4 for resident IDs, 0 and 4 for cards, the first character of
	// an email's local part) or 3 and 4 for whole values; negative means
	// none. At least a third of the characters are always masked.
	KeepFirst, KeepLast int
	// Length is the number of hex digits of a Pseudonym. Zero means 16;
	// fewer are written when the column is shorter.
	Length int
	// Line is the line of the rule in its rules file, set by ParseRules.
	// Zero means unknown.
	Line int
}

// Rules is a validated, immutable rule set.
type Rules struct {
	file  string
	rules []Rule
}

// All returns a copy of the rules, in the order they apply.
func (r *Rules) All() []Rule {
	out := make([]Rule, len(r.rules))
	for i, ru := range r.rules {
		ru.Columns = append([]string(nil), ru.Columns...)
		ru.Hints = append([]string(nil), ru.Hints...)
		ru.Detect = append([]Detector(nil), ru.Detect...)
		out[i] = ru
	}
	return out
}

// Len returns the number of rules.
func (r *Rules) Len() int { return len(r.rules) }

// NewRules validates hand-made rules. Errors are *RuleError values
// wrapping ErrRules.
func NewRules(rules []Rule) (*Rules, error) {
	return newRules("", rules)
}

func newRules(file string, rules []Rule) (*Rules, error) {
	rs := &Rules{file: file}
	for i, ru := range rules {
		if err := ru.validate(); err != nil {
			return nil, &RuleError{File: file, Line: ru.Line, Rule: i + 1, Name: ru.Name, Err: err}
		}
		ru.Columns = append([]string(nil), ru.Columns...)
		ru.Hints = append([]string(nil), ru.Hints...)
		ru.Detect = append([]Detector(nil), ru.Detect...)
		rs.rules = append(rs.rules, ru)
	}
	return rs, nil
}

func (ru *Rule) validate() error {
	if len(ru.Columns) == 0 && len(ru.Hints) == 0 && len(ru.Detect) == 0 {
		return fmt.Errorf("%w: no columns, hints or detect", ErrRules)
	}
	if ru.Strategy < Partial || ru.Strategy > Keep {
		return fmt.Errorf("%w: no strategy", ErrRules)
	}
	for _, p := range ru.Columns {
		if err := checkPattern(p); err != nil {
			return err
		}
	}
	for _, h := range ru.Hints {
		if h == "" || strings.ContainsAny(h, ".*` ") {
			return fmt.Errorf("%w: bad hint %q (a column-name word)", ErrRules, h)
		}
	}
	for _, d := range ru.Detect {
		if d < Email || d > IPv6 {
			return fmt.Errorf("%w: unknown detector %v", ErrRules, d)
		}
	}
	if ru.Text != "" && ru.Strategy != Redact {
		return fmt.Errorf("%w: text is for the redact strategy", ErrRules)
	}
	if (ru.KeepFirst != 0 || ru.KeepLast != 0) && ru.Strategy != Partial {
		return fmt.Errorf("%w: keep_first and keep_last are for the partial strategy", ErrRules)
	}
	if ru.Length != 0 && ru.Strategy != Pseudonym {
		return fmt.Errorf("%w: length is for the pseudonym strategy", ErrRules)
	}
	if ru.Length < 0 || ru.Length > 64 {
		return fmt.Errorf("%w: length %d out of 1..64", ErrRules, ru.Length)
	}
	return nil
}

func checkPattern(p string) error {
	parts := strings.Split(p, ".")
	if len(parts) > 3 {
		return fmt.Errorf("%w: pattern %q has more than three parts (db.table.column)", ErrRules, p)
	}
	for _, s := range parts {
		if s == "" {
			return fmt.Errorf("%w: pattern %q has an empty part", ErrRules, p)
		}
	}
	return nil
}

// matchPattern reports whether pattern p matches db.table.column.
func matchPattern(p, db, table, column string) bool {
	parts := strings.Split(p, ".")
	names := []string{db, table, column}[3-len(parts):]
	for i, part := range parts {
		if !wildMatch(strings.ToLower(part), strings.ToLower(names[i])) {
			return false
		}
	}
	return true
}

// wildMatch matches s against p, where '*' matches any run of bytes.
func wildMatch(p, s string) bool {
	// Iterative matching with one backtrack point.
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && p[pi] == s[si]:
			pi++
			si++
		case star >= 0:
			pi, mark = star+1, mark+1
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// matchHint reports whether the column name contains hint as a whole
// '_'-separated part (or run of parts).
func matchHint(hint, column string) bool {
	c, h := strings.ToLower(column), strings.ToLower(hint)
	for i := 0; ; {
		j := strings.Index(c[i:], h)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(h)
		if (j == 0 || c[j-1] == '_') && (end == len(c) || c[end] == '_') {
			return true
		}
		i = j + 1
	}
}

// The JSON form of a rules file.
type fileJSON struct {
	Defaults bool              `json:"defaults"`
	Rules    []json.RawMessage `json:"rules"`
}

type ruleJSON struct {
	Name      string   `json:"name"`
	Columns   []string `json:"columns"`
	Hints     []string `json:"hints"`
	Detect    []string `json:"detect"`
	Strategy  string   `json:"strategy"`
	Text      string   `json:"text"`
	KeepFirst int      `json:"keep_first"`
	KeepLast  int      `json:"keep_last"`
	Length    int      `json:"length"`
}

// ParseRules parses a rules file in JSON (see the package documentation
// for its schema). name is the file's name, used in errors. Errors are
// *RuleError values wrapping ErrRules that give the line and, for an error
// in a rule, its index and name.
func ParseRules(data []byte, name string) (*Rules, error) {
	fail := func(off int64, rule int, rname string, err error) error {
		return &RuleError{File: name, Line: lineAt(data, off), Rule: rule, Name: rname, Err: err}
	}
	// A first pass for the shape of the file, with offsets of errors.
	var f fileJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fail(jsonErrOffset(err, dec), 0, "", fmt.Errorf("%w: %v", ErrRules, jsonMsg(err)))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fail(dec.InputOffset(), 0, "", fmt.Errorf("%w: data after the top-level object", ErrRules))
	}
	offs := ruleOffsets(data)
	var rules []Rule
	for i, raw := range f.Rules {
		var off int64
		if i < len(offs) {
			off = offs[i]
		}
		var rj ruleJSON
		rd := json.NewDecoder(bytes.NewReader(raw))
		rd.DisallowUnknownFields()
		if err := rd.Decode(&rj); err != nil {
			return nil, fail(off+jsonErrOffset(err, rd), i+1, "", fmt.Errorf("%w: %v", ErrRules, jsonMsg(err)))
		}
		ru := Rule{Name: rj.Name, Columns: rj.Columns, Hints: rj.Hints, Text: rj.Text,
			KeepFirst: rj.KeepFirst, KeepLast: rj.KeepLast, Length: rj.Length, Line: lineAt(data, off)}
		var err error
		if ru.Strategy, err = parseStrategy(rj.Strategy); err != nil {
			return nil, fail(off, i+1, rj.Name, err)
		}
		for _, d := range rj.Detect {
			det, err := parseDetector(d)
			if err != nil {
				return nil, fail(off, i+1, rj.Name, err)
			}
			ru.Detect = append(ru.Detect, det)
		}
		rules = append(rules, ru)
	}
	if f.Defaults {
		rules = append(rules, defaultRules...)
	}
	return newRules(name, rules)
}

func parseStrategy(s string) (Strategy, error) {
	for i, n := range strategyNames {
		if n != "" && n == s {
			return Strategy(i), nil
		}
	}
	if s == "" {
		return 0, fmt.Errorf("%w: no strategy", ErrRules)
	}
	return 0, fmt.Errorf("%w: unknown strategy %q (partial, redact, pseudonym, fake, null, keep)", ErrRules, s)
}

func parseDetector(s string) (Detector, error) {
	for i, n := range detectorNames {
		if n != "" && n == s {
			return Detector(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown detector %q (email, cn_mobile, e164, cn_id, card, ipv4, ipv6)", ErrRules, s)
}

// jsonErrOffset returns the input offset a JSON error refers to.
func jsonErrOffset(err error, dec *json.Decoder) int64 {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return se.Offset
	case errors.As(err, &te):
		return te.Offset
	}
	return dec.InputOffset()
}

func jsonMsg(err error) string {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return "unexpected end of file"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// lineAt returns the 1-based line of offset off in data.
func lineAt(data []byte, off int64) int {
	if off < 0 {
		off = 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}

// ruleOffsets returns the offsets of the elements of the top-level
// "rules" array of a file that decoded without error.
func ruleOffsets(data []byte) []int64 {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil
		}
		if key, _ := t.(string); key != "rules" {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return nil
		}
		var offs []int64
		for dec.More() {
			off := skipSpace(data, dec.InputOffset())
			offs = append(offs, off)
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return offs
			}
		}
		return offs
	}
	return nil
}

// skipSpace skips blanks and a comma from off.
func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ',':
			off++
			continue
		}
		break
	}
	return off
}

// defaultRules are the rules of DefaultRules; they need no key.
var defaultRules = []Rule{
	{Name: "secrets", Hints: []string{"password", "passwd", "pwd", "secret", "token"}, Strategy: Redact},
	{Name: "id-card-columns", Hints: []string{"id_card", "idcard"}, Strategy: Partial, KeepFirst: -1, KeepLast: 4},
	{Name: "phone-columns", Hints: []string{"phone", "mobile", "tel"}, Strategy: Partial},
	{Name: "email-columns", Hints: []string{"email"}, Strategy: Partial},
	{Name: "detect", Detect: []Detector{Email, MobileCN, PhoneE164, IDCardCN, Card, IPv4, IPv6}, Strategy: Partial},
}

// DefaultRules returns the built-in rule set: column-name hints (password,
// passwd, pwd, secret, token: redacted; id_card, idcard: partial mask
// keeping the last 4; phone, mobile, tel, email: partial mask) and every detector
// with a partial mask on every other string. It needs no key.
func DefaultRules() *Rules {
	rs, err := newRules("", defaultRules)
	if err != nil {
		panic("anonymize: bad default rules: " + err.Error())
	}
	return rs
}
