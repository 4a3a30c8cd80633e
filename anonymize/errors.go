package anonymize

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors. Errors of ParseRules and New are *RuleError values
// wrapping one of them; errors.Is answers which.
var (
	// ErrRules: a rules file that does not parse or a rule that is not
	// valid (unknown strategy or detector, a bad pattern, no target).
	ErrRules = errors.New("anonymize: bad rules")
	// ErrNoKey: a pseudonym or fake strategy without Options.Key.
	ErrNoKey = errors.New("anonymize: pseudonym and fake strategies need a key")
	// ErrCannotFit: a rule whose output cannot fit a column it applies to
	// (NULL for a NOT NULL column, a partial mask of a date, ...), found
	// at New from Options.Tables.
	ErrCannotFit = errors.New("anonymize: rule output cannot fit the column")
	// ErrUndecodable: a value a rule applies to that has no decoded form
	// (binlog.KindUndecodable), so it cannot be masked.
	ErrUndecodable = errors.New("anonymize: undecodable value")
)

// RuleError is the error of a rule: where it was written and, for errors
// found against a table, the column it could not fit. It never holds the
// masking key nor a value being masked.
type RuleError struct {
	File   string // rules file name as given to ParseRules; "" for built-in or hand-made rules
	Line   int    // 1-based line in File; 0 when unknown
	Rule   int    // 1-based index of the rule in its set; 0 for the file as a whole
	Name   string // the rule's name; "" when it has none
	Column string // db.table.column the rule could not fit; "" otherwise
	Err    error  // a sentinel, possibly wrapped with details
}

func (e *RuleError) Error() string {
	s := "anonymize: "
	if e.File != "" {
		s += e.File
		if e.Line > 0 {
			s += ":" + strconv.Itoa(e.Line)
		}
		s += ": "
	} else if e.Line > 0 {
		s += "line " + strconv.Itoa(e.Line) + ": "
	}
	if e.Rule > 0 {
		s += "rule " + strconv.Itoa(e.Rule)
		if e.Name != "" {
			s += fmt.Sprintf(" (%q)", e.Name)
		}
		s += ": "
	}
	if e.Column != "" {
		s += "column " + e.Column + ": "
	}
	return s + strings.TrimPrefix(e.Err.Error(), "anonymize: ")
}

func (e *RuleError) Unwrap() error { return e.Err }
