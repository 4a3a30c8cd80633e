package anonymize

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"strings"
	"unicode"
	"unicode/utf8"
)

// keyed derives deterministic bytes from a value under the caller's key:
// HMAC-SHA256(key, domain || value), extended by HMAC-SHA256(key, seed ||
// counter) when more bytes are needed. It never reveals the key.
type keyed struct {
	mac hash.Hash
	buf []byte
}

func newKeyed(key []byte) *keyed {
	if len(key) == 0 {
		return nil
	}
	return &keyed{mac: hmac.New(sha256.New, key)}
}

// sum returns the HMAC of domain||s.
func (k *keyed) sum(domain byte, s string) [32]byte {
	k.mac.Reset()
	k.buf = append(k.buf[:0], domain)
	k.buf = append(k.buf, s...)
	k.mac.Write(k.buf)
	var out [32]byte
	k.mac.Sum(out[:0])
	return out
}

// stream returns n keyed bytes for s.
func (k *keyed) stream(domain byte, s string, n int) []byte {
	seed := k.sum(domain, s)
	out := make([]byte, 0, n+32)
	out = append(out, seed[:]...)
	for ctr := uint32(1); len(out) < n; ctr++ {
		k.mac.Reset()
		k.mac.Write(seed[:])
		var c [4]byte
		binary.BigEndian.PutUint32(c[:], ctr)
		k.mac.Write(c[:])
		out = k.mac.Sum(out)
	}
	return out[:n]
}

// uint64Of returns a keyed 64-bit number for s.
func (k *keyed) uint64Of(domain byte, s string) uint64 {
	h := k.sum(domain, s)
	return binary.BigEndian.Uint64(h[:8])
}

// Domains separate the uses of the key, so that a pseudonym and a fake of
// the same value are unrelated.
const (
	domPseudonym byte = 'p'
	domFake      byte = 'f'
	domNumber    byte = 'n'
)

// pseudonymText returns the hex pseudonym of s.
func (k *keyed) pseudonymText(s string, n int) string {
	if n <= 0 {
		n = 16
	}
	h := k.sum(domPseudonym, s)
	x := hex.EncodeToString(h[:])
	return x[:n]
}

// keepCounts returns how many characters a partial mask of n characters
// keeps at each end, for rule ru and detector det.
func keepCounts(ru *Rule, det Detector, n int) (int, int) {
	first, last := 3, 4
	switch det {
	case IDCardCN:
		first, last = 6, 4
	case Card:
		first, last = 0, 4
	case IPv4, IPv6:
		first, last = 0, 0
	}
	if ru.KeepFirst != 0 {
		first = max(ru.KeepFirst, 0)
	}
	if ru.KeepLast != 0 {
		last = max(ru.KeepLast, 0)
	}
	// At least a third of the characters (one at least) are masked.
	minMasked := max((n+2)/3, 1)
	for first+last > n-minMasked && (first > 0 || last > 0) {
		if last >= first && last > 0 {
			last--
		} else {
			first--
		}
	}
	return first, last
}

// partialText masks s keeping its length in characters. Digits become
// '*' unless digitsOnly (a number), then '0'. Separators of structured
// values (the '@' and domain of an email, the dots of an address) are
// kept.
func partialText(ru *Rule, det Detector, s string, digitsOnly bool) string {
	if det == Email {
		at := strings.LastIndexByte(s, '@')
		if at > 0 {
			local := s[:at]
			first := 1
			if ru.KeepFirst != 0 {
				first = max(ru.KeepFirst, 0)
			}
			n := utf8.RuneCountInString(local)
			if first >= n {
				first = n - 1
			}
			return maskRunes(local, first, 0, false, "") + s[at:]
		}
	}
	keepSet := ""
	switch det {
	case IPv4:
		keepSet = "."
	case IPv6:
		keepSet = ":."
	case PhoneE164:
		keepSet = "+"
	case Card:
		keepSet = " -"
	}
	n := utf8.RuneCountInString(s)
	first, last := keepCounts(ru, det, n)
	return maskRunes(s, first, last, digitsOnly, keepSet)
}

// maskRunes replaces all characters of s but the first and last ones (and
// those in keep) with '*' ('0' for a number).
func maskRunes(s string, first, last int, digitsOnly bool, keep string) string {
	n := utf8.RuneCountInString(s)
	var b strings.Builder
	b.Grow(len(s))
	i := 0
	for k := 0; k < len(s); i++ {
		r, size := utf8.DecodeRuneInString(s[k:])
		switch {
		case i < first || i >= n-last || keep != "" && strings.ContainsRune(keep, r):
			b.WriteString(s[k : k+size]) // as it was, even if not UTF-8
		case digitsOnly:
			if r >= '0' && r <= '9' {
				b.WriteByte('0')
			} else {
				b.WriteString(s[k : k+size])
			}
		default:
			b.WriteByte('*')
		}
		k += size
	}
	return b.String()
}

// hanzi are common characters that GBK, GB18030, Big5 (all but the first
// two rows' simplified forms are shared) and Unicode hold; fakes of CJK
// text choose from them.
const hanzi = "王李张刘陈杨赵吴周徐孙朱胡郭何林罗高梁宋郑谢唐韩曹许邓冯曾程蔡彭潘袁于董余苏叶吕魏蒋田杜丁沈姜范江傅钟卢汪戴崔任陆廖姚方金邱夏谭石贾邹熊孟秦白毛江郝龚邵万钱严覃武戴莫孔向汤"

var hanziRunes = []rune(hanzi)

// fakeText returns a fake of s: every letter and digit replaced by one of
// the same class chosen from the keyed stream, other characters kept,
// then fixed up so that the detector's checks hold.
func (k *keyed) fakeText(det Detector, s string) string {
	n := utf8.RuneCountInString(s)
	ks := k.stream(domFake, s, 2*n+8)
	out := make([]rune, 0, n)
	i := 0
	for _, r := range s {
		x := int(ks[i])<<8 | int(ks[i+1])
		i += 2
		switch {
		case r >= '0' && r <= '9':
			out = append(out, rune('0'+x%10))
		case det == IPv6 && (r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F'):
			base := 'a'
			if r < 'a' {
				base = 'A'
			}
			out = append(out, base+rune(x%6))
		case r >= 'a' && r <= 'z':
			out = append(out, rune('a'+x%26))
		case r >= 'A' && r <= 'Z':
			out = append(out, rune('A'+x%26))
		case r >= 0x4e00 && r <= 0x9fff:
			out = append(out, hanziRunes[x%len(hanziRunes)])
		case unicode.IsUpper(r):
			out = append(out, rune('A'+x%26))
		case unicode.IsLetter(r):
			out = append(out, rune('a'+x%26))
		case unicode.IsDigit(r):
			out = append(out, rune('0'+x%10))
		case r == utf8.RuneError:
			// A byte that is not UTF-8 (a bytes value): a letter.
			out = append(out, rune('a'+x%26))
		default:
			out = append(out, r)
		}
	}
	tail := ks[2*n:]
	switch det {
	case MobileCN:
		if len(out) == 11 {
			out[0], out[1] = '1', rune('3'+tail[0]%7)
		}
	case PhoneE164:
		if len(out) > 1 && out[1] == '0' {
			out[1] = rune('1' + tail[0]%9)
		}
	case IDCardCN:
		if len(out) == 18 {
			if out[0] == '0' {
				out[0] = rune('1' + tail[0]%9)
			}
			y := 1950 + int(binary.BigEndian.Uint16(tail[1:3]))%55
			m := 1 + int(tail[3])%12
			d := 1 + int(tail[4])%28
			date := []rune(itoaPad(y, 4) + itoaPad(m, 2) + itoaPad(d, 2))
			copy(out[6:14], date)
			out[17] = rune(idCheck(string(out[:17])))
		}
	case Card:
		fixLuhn(out)
	case IPv4:
		fakeIPv4(out, s, tail)
	}
	return string(out)
}

func itoaPad(v, width int) string {
	b := make([]byte, width)
	for k := width - 1; k >= 0; k-- {
		b[k] = byte('0' + v%10)
		v /= 10
	}
	return string(b)
}

// fixLuhn sets the last digit of out so that the digits have a valid
// Luhn sum; a first digit 0 becomes 4.
func fixLuhn(out []rune) {
	last := -1
	for k := len(out) - 1; k >= 0; k-- {
		if out[k] >= '0' && out[k] <= '9' {
			last = k
			break
		}
	}
	if last < 0 {
		return
	}
	for k := range out {
		if out[k] >= '0' && out[k] <= '9' {
			if out[k] == '0' {
				out[k] = '4'
			}
			break
		}
	}
	for d := '0'; d <= '9'; d++ {
		out[last] = d
		if luhnValid(string(out)) {
			return
		}
	}
}

// fakeIPv4 makes each octet of out a number of the same digit count in
// 0..255.
func fakeIPv4(out []rune, s string, tail []byte) {
	start := 0
	for oct := 0; start <= len(out); oct++ {
		end := start
		for end < len(out) && out[end] != '.' {
			end++
		}
		w := end - start
		x := int(tail[(oct+5)%len(tail)])
		var v int
		switch w {
		case 1:
			v = x % 10
		case 2:
			v = 10 + x%90
		case 3:
			v = 100 + x%156
		}
		if w >= 1 && w <= 3 {
			copy(out[start:end], []rune(itoaPad(v, w)))
		}
		start = end + 1
	}
	_ = s
}

// textMask returns the replacement of s (a whole value or a detector
// match) by rule ru; Null and Keep return s (the callers handle them).
func (m *Masker) textMask(ru *Rule, det Detector, s string) string {
	if det == 0 && (ru.Strategy == Partial || ru.Strategy == Fake) {
		det = wholeDetector(s)
	}
	switch ru.Strategy {
	case Partial:
		return partialText(ru, det, s, false)
	case Redact:
		if ru.Text != "" {
			return ru.Text
		}
		return "***"
	case Pseudonym:
		return m.k.pseudonymText(s, ru.Length)
	case Fake:
		return m.k.fakeText(det, s)
	}
	return s
}

// numberMask returns the replacement of the number text s: digits are
// replaced, signs, points and exponents kept, so that the result is a
// number of the same shape (and so in the range of the column for the
// strategies that keep the digit count). A leading digit that was not 0
// stays not 0.
func (m *Masker) numberMask(ru *Rule, det Detector, s string) string {
	switch ru.Strategy {
	case Partial:
		return partialText(ru, det, s, true)
	case Redact:
		return "0"
	case Pseudonym, Fake:
		dom := domPseudonym
		if ru.Strategy == Fake {
			dom = domFake
		}
		ks := m.k.stream(dom, s, len(s)+1)
		out := []byte(s)
		first := true
		for i, c := range out {
			if !isDigit(c) {
				if c == 'e' || c == 'E' {
					break // keep the exponent as it is
				}
				continue
			}
			if first && c == '0' {
				first = false // a zero integer part stays zero: DECIMAL(5,5)
				continue
			}
			d := ks[i] % 10
			if first && d == 0 {
				d = 1 + ks[i+1]%9
			}
			first = false
			out[i] = '0' + d
		}
		if ru.Strategy == Fake && det == Card {
			r := []rune(string(out))
			fixLuhn(r)
			return string(r)
		}
		if ru.Strategy == Fake && det == MobileCN && len(out) == 11 {
			out[0], out[1] = '1', '3'+ks[len(s)]%7
		}
		return string(out)
	}
	return s
}

// wholeDetector returns the detector whose pattern is the whole of s (an
// email in an email column, say), so that a whole-value mask keeps its
// form; 0 when none is.
func wholeDetector(s string) Detector {
	if len(s) < 3 || len(s) > 64 {
		return 0
	}
	var buf [2]match
	ms := findAll(buf[:0], s, allDetectors)
	if len(ms) == 1 && ms[0].start == 0 && ms[0].end == len(s) {
		return ms[0].det
	}
	return 0
}

var allDetectors = setOf([]Detector{Email, MobileCN, PhoneE164, IDCardCN, Card, IPv4, IPv6})
