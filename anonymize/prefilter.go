package anonymize

// A value is scanned for personal data once per rule set, and nearly all
// values hold none: the pre-check below decides, in one pass over the
// bytes and without decoding or allocating, that no detector can match,
// so that findAll (and the conversion of the value to text before it)
// runs only on the few values that might hold a match.
//
// It looks for what each detector cannot do without, and may say yes
// where findAll then finds nothing, never the reverse:
//
//	Email      an '@'
//	IPv6       two ':' in one run of hex digits, ':' and '.'
//	IPv4       three '.' in one run of digits and '.'
//	MobileCN   11 digits in a row (13 with the 86 country code)
//	PhoneE164  8 digits in a row, after a '+'
//	IDCardCN   17 digits in a row
//	Card       13 digits, in one run or in groups split by a ' ' or '-'
//
// A JSON escape (\u0040 is '@') may hide any of these: "\u" counts as a
// possible match. The check reads ASCII bytes: it holds for the bytes of
// a charset that writes ASCII as single bytes (binlog.ASCIICompatible),
// where text the detectors would read in the decoded value is found as the
// same bytes in the raw one. For UTF-16 and UTF-32 values use mayMatch.

// dull marks the bytes that play no part in a match but to end a run:
// all but digits, '@', ':', '.' and '\\'. (A ' ' or '-' after a digit,
// which may split a card's groups, and a hex letter in an IPv6 run take
// the slow path.)
var dull = func() (t [256]bool) {
	for c := range t {
		t[c] = !isDigit(byte(c)) && c != '@' && c != ':' && c != '.' && c != '\\'
	}
	return
}()

// minRun returns the fewest digits in a row that one of the number
// detectors of set matches (a card's groups aside); 0 when set has none.
func minRun(set detSet) int {
	switch {
	case set.has(PhoneE164):
		return 8
	case set.has(MobileCN):
		return 11
	case set.has(Card):
		return 13
	case set.has(IDCardCN):
		return 17
	}
	return 0
}

// mayMatchText reports whether a detector of set might match in s (see
// above); false means none does.
func mayMatchText[T text](s T, set detSet) bool {
	if set == 0 {
		return false
	}
	email, ip4, ip6 := set.has(Email), set.has(IPv4), set.has(IPv6)
	card, need := set.has(Card), minRun(set)
	run := 0    // digits in the current run
	digits := 0 // digits in the current card groups
	dots := 0   // '.' in the current run of digits and dots
	colons := 0 // ':' in the current run of hex digits, ':' and '.'
	prevDigit := false
	for i := 0; i < len(s); i++ {
		if !prevDigit && colons == 0 && dull[s[i]] {
			// A run of bytes that only end what came before: skip it fast,
			// eight bytes at a time while none of them matters.
			i++
			for i+8 <= len(s) && allDull(load64(s, i)) {
				i += 8
			}
			for i < len(s) && dull[s[i]] {
				i++
			}
			i--
			run, digits, dots = 0, 0, 0
			continue
		}
		c := s[i]
		if isDigit(c) {
			run++
			digits++
			if need > 0 && run >= need || card && digits >= 13 {
				return true
			}
			prevDigit = true
			continue
		}
		switch c {
		case '@':
			if email {
				return true
			}
		case '\\':
			if i+1 < len(s) && s[i+1] == 'u' {
				return true
			}
		case ':':
			colons++
			if ip6 && colons >= 2 {
				return true
			}
		case '.':
			if i > 0 && (isDigit(s[i-1]) || s[i-1] == '.') {
				dots++
			} else {
				dots = 1
			}
			if ip4 && dots >= 3 {
				return true
			}
		}
		run = 0
		if !prevDigit || c != ' ' && c != '-' {
			digits = 0 // a card's groups are split by one ' ' or '-'
		}
		if c != '.' {
			dots = 0
		}
		if c != ':' && c != '.' && !isHex(c) {
			colons = 0
		}
		prevDigit = false
	}
	return false
}

// load64 returns the 8 bytes of s at i, the first in the low byte.
func load64[T text](s T, i int) uint64 {
	b := s[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
	lows  = 0x7f7f7f7f7f7f7f7f
)

// hasZero reports whether a byte of x is 0.
func hasZero(x uint64) bool { return (x-ones)&^x&highs != 0 }

// allDull reports whether the 8 bytes of x are all dull: none in
// '.'..':' (0x2e..0x3a: '.', '/', the digits, ':'), none '@' nor '\\'.
// (Bytes from 0x80 up are dull.)
func allDull(x uint64) bool {
	// A byte between m and n (exclusive), both at most 128: the classic
	// test of Bit Twiddling Hacks ("hasbetween").
	const m, n = 0x2d, 0x3b
	a := x & lows
	if (ones*(127+n)-a)&^x&(a+ones*(127-m))&highs != 0 {
		return false
	}
	return !hasZero(x^(ones*'@')) && !hasZero(x^(ones*'\\'))
}
