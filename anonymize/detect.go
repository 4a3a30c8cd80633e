package anonymize

import (
	"net/netip"
)

// text is what the detectors read: a string, or bytes read in place.
type text interface{ ~string | ~[]byte }

// match is one detector match in a text: bytes [start, end).
type match struct {
	start, end int
	det        Detector
}

// detSet is a set of detectors, bit d for Detector d.
type detSet uint16

func (s detSet) has(d Detector) bool { return s&(1<<d) != 0 }

func setOf(ds []Detector) detSet {
	var s detSet
	for _, d := range ds {
		s |= 1 << d
	}
	return s
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isHex(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
func isAlnum(c byte) bool { return isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'z' }

// findAll appends to ms the non-overlapping matches of the detectors in
// set found in s, in order.
func findAll[T text](ms []match, s T, set detSet) []match {
	if set == 0 {
		return ms
	}
	for i := 0; i < len(s); {
		c := s[i]
		if set.has(Email) && c == '@' {
			if st, en, ok := emailAt(s, i); ok {
				// An email's local part may hold a number found before
				// reaching the '@': drop matches it covers.
				for len(ms) > 0 && ms[len(ms)-1].end > st {
					ms = ms[:len(ms)-1]
				}
				if len(ms) > 0 && ms[len(ms)-1].end > st {
					st = ms[len(ms)-1].end
				}
				ms = append(ms, match{st, en, Email})
				i = en
				continue
			}
		}
		if isHex(c) || c == ':' {
			wordStart := i == 0 || !isAlnum(s[i-1]) && s[i-1] != ':' && s[i-1] != '.'
			digitStart := isDigit(c) && (i == 0 || !isDigit(s[i-1]) && s[i-1] != '.')
			if wordStart || digitStart {
				if m, ok := numberAt(s, i, set, wordStart); ok {
					ms = append(ms, m)
					i = m.end
					continue
				}
			}
		}
		i++
	}
	return ms
}

// numberAt looks for a digit-based match starting at i; IPv6 addresses
// only at the start of a word.
func numberAt[T text](s T, i int, set detSet, wordStart bool) (match, bool) {
	if wordStart && set.has(IPv6) {
		if en, ok := ipv6At(s, i); ok {
			return match{i, en, IPv6}, true
		}
	}
	if !isDigit(s[i]) {
		return match{}, false
	}
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	n := j - i
	if set.has(IPv4) && n <= 3 && j < len(s) && s[j] == '.' {
		if en, ok := ipv4At(s, i); ok {
			return match{i, en, IPv4}, true
		}
	}
	if j < len(s) && isAlnum(s[j]) && !(n == 17 && (s[j] == 'X' || s[j] == 'x')) {
		return match{}, false // part of a longer word
	}
	if set.has(IDCardCN) {
		if n == 18 && validIDCard(s[i:j]) {
			return match{i, j, IDCardCN}, true
		}
		if n == 17 && j < len(s) && (s[j] == 'X' || s[j] == 'x') && validIDCard(s[i:j+1]) &&
			(j+1 == len(s) || !isAlnum(s[j+1])) {
			return match{i, j + 1, IDCardCN}, true
		}
	}
	if set.has(PhoneE164) && i > 0 && s[i-1] == '+' && n >= 8 && n <= 15 && s[i] != '0' {
		return match{i - 1, j, PhoneE164}, true
	}
	if set.has(Card) {
		if en, ok := cardAt(s, i); ok {
			return match{i, en, Card}, true
		}
	}
	if set.has(MobileCN) && n == 11 && s[i] == '1' && s[i+1] >= '3' && s[i+1] <= '9' {
		return match{i, j, MobileCN}, true
	}
	// With the country code and no '+' (a number in SQL or JSON).
	if set.has(MobileCN) && n == 13 && s[i] == '8' && s[i+1] == '6' && s[i+2] == '1' && s[i+3] >= '3' && s[i+3] <= '9' {
		return match{i, j, MobileCN}, true
	}
	return match{}, false
}

// idWeights are the ISO 7064 MOD 11-2 weights of the first 17 characters
// of a resident ID number.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// idCheck returns the check character of the 17 digits d.
func idCheck[T text](d T) byte {
	sum := 0
	for k := 0; k < 17; k++ {
		sum += int(d[k]-'0') * idWeights[k]
	}
	return idCheckChars[sum%11]
}

// validIDCard reports whether s is 17 digits and a right check character.
func validIDCard[T text](s T) bool {
	if len(s) != 18 {
		return false
	}
	for k := 0; k < 17; k++ {
		if !isDigit(s[k]) {
			return false
		}
	}
	c := s[17]
	if c == 'x' {
		c = 'X'
	}
	return idCheck(s) == c
}

// luhnValid reports whether the digits of s (other bytes ignored) have a
// valid Luhn sum.
func luhnValid[T text](s T) bool {
	sum, double := 0, false
	for k := len(s) - 1; k >= 0; k-- {
		if !isDigit(s[k]) {
			continue
		}
		d := int(s[k] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// cardAt finds a card number at i: 13 to 19 digits, in one run or in
// groups split by single spaces or dashes (one kind of separator), with a
// valid Luhn sum.
func cardAt[T text](s T, i int) (int, bool) {
	digits, j, sep, end := 0, i, byte(0), 0
	for j < len(s) {
		if isDigit(s[j]) {
			digits++
			j++
			if digits >= 13 && digits <= 19 && (j == len(s) || !isAlnum(s[j])) {
				if luhnValid(s[i:j]) {
					end = j // the longest valid one wins
				}
			}
			continue
		}
		if (s[j] == ' ' || s[j] == '-') && (sep == 0 || sep == s[j]) && j+1 < len(s) && isDigit(s[j+1]) && digits > 0 {
			sep = s[j]
			j++
			continue
		}
		break
	}
	if digits > 19 && sep == 0 {
		return 0, false
	}
	return end, end > 0
}

// ipv4At finds a dotted-quad at i.
func ipv4At[T text](s T, i int) (int, bool) {
	j := i
	for part := 0; part < 4; part++ {
		if part > 0 {
			if j >= len(s) || s[j] != '.' {
				return 0, false
			}
			j++
		}
		k := j
		v := 0
		for k < len(s) && isDigit(s[k]) && k-j < 3 {
			v = v*10 + int(s[k]-'0')
			k++
		}
		if k == j || v > 255 || k-j > 1 && s[j] == '0' {
			return 0, false
		}
		j = k
	}
	if j < len(s) && (isAlnum(s[j]) || s[j] == '.' && j+1 < len(s) && isDigit(s[j+1])) {
		return 0, false
	}
	return j, true
}

// ipv6At finds an IPv6 address at i: the longest run of hex digits,
// colons and dots that parses.
func ipv6At[T text](s T, i int) (int, bool) {
	j, colons := i, 0
	for j < len(s) && (isHex(s[j]) || s[j] == ':' || s[j] == '.') {
		if s[j] == ':' {
			colons++
		}
		j++
	}
	if colons < 2 || j-i < 3 {
		return 0, false
	}
	if j < len(s) && isAlnum(s[j]) {
		return 0, false
	}
	for e := j; e > i+2; e-- {
		if a, err := netip.ParseAddr(string(s[i:e])); err == nil && a.Is6() {
			return e, true
		}
		if s[e-1] != '.' && s[e-1] != ':' {
			// Trailing punctuation may end a sentence; anything else
			// must parse whole.
			if e == j {
				continue
			}
			return 0, false
		}
	}
	return 0, false
}

func isLocalByte(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

// emailAt finds an email around the '@' at at.
func emailAt[T text](s T, at int) (int, int, bool) {
	st := at
	for st > 0 && isLocalByte(s[st-1]) {
		st--
	}
	for st < at && s[st] == '.' {
		st++
	}
	if st == at {
		return 0, 0, false
	}
	en, lastDot := at+1, -1
	for en < len(s) && (isAlnum(s[en]) || s[en] == '-' || s[en] == '.') {
		if s[en] == '.' {
			lastDot = en
		}
		en++
	}
	for en > at+1 && (s[en-1] == '.' || s[en-1] == '-') {
		en--
	}
	if lastDot >= en-1 {
		lastDot = -1
		for k := en - 1; k > at; k-- {
			if s[k] == '.' {
				lastDot = k
				break
			}
		}
	}
	if lastDot <= at+1 || en-lastDot-1 < 2 {
		return 0, 0, false
	}
	return st, en, true
}
