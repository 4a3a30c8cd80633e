package anonymize

import (
	"testing"
)

// checkPrefilter fails when a detector matches in s although
// mayMatchText said none could, for every detector alone and all of them.
func checkPrefilter(t *testing.T, s string) {
	t.Helper()
	sets := []detSet{setOf([]Detector{Email, MobileCN, PhoneE164, IDCardCN, Card, IPv4, IPv6})}
	for d := Email; d <= IPv6; d++ {
		sets = append(sets, setOf([]Detector{d}))
	}
	for _, set := range sets {
		if ms := findAll(nil, s, set); len(ms) > 0 && !mayMatchText(s, set) || len(ms) > 0 && !mayMatchText([]byte(s), set) {
			t.Errorf("mayMatchText(%q, %b) = false, but findAll finds %q", s, set, s[ms[0].start:ms[0].end])
		}
	}
}

func TestPrefilter(t *testing.T) {
	for _, s := range []string{
		"call 13812345678 now", "tel:+8613812345678.", "+12025550123", "id 11010519491231002X ok",
		"card 4111 1111 1111 1111 end", "card 5500-0000-0000-0004", "4 1 1 1 1 1 1 1 1 1 1 1 1",
		"mail alice.b+x@example.co.uk, bob@x.io", "from 192.168.1.20 to 10.0.0.1",
		"ip fe80::1ff:fe23:4567:890a and ::1.", "2001:db8::8a2e:370:7334", "::ffff:1.2.3.4",
		"手机13912345678谢谢", `{"a": "\u0031\u0033812345678"}`,
	} {
		checkPrefilter(t, s)
	}
	all := setOf([]Detector{Email, MobileCN, PhoneE164, IDCardCN, Card, IPv4, IPv6})
	for _, s := range []string{
		"note 123 é 😀 nnnn", "customer-42", `{"n": 5, "tags": ["a", "b", 5], "nested": {"x": 1.6667}}`,
		"12:30", "1.5", "2024-01-02", "1234567",
	} {
		if mayMatchText(s, all) {
			t.Errorf("mayMatchText(%q) = true, want false", s)
		}
	}
}

func FuzzPrefilter(f *testing.F) {
	for _, s := range []string{"13812345678", "4111-1111-1111-1111", "a@b.cd", "1.2.3.4", "::1", "11010519491231002x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkPrefilter(t, s) })
}

func TestAllDull(t *testing.T) {
	check := func(b []byte) {
		want, slash := true, false
		for _, c := range b {
			want = want && dull[c]
			slash = slash || c == '/'
		}
		// '/' is dull but allDull may say otherwise: it is tested with
		// the digits in one range.
		if got := allDull(load64(b, 0)); got != want && !(slash && !got) {
			t.Fatalf("allDull(%q) = %v, want %v", b, got, want)
		}
	}
	b := []byte("abcdefgh")
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 8; pos++ {
			for fill := 0; fill < 256; fill += 15 {
				for k := range b {
					b[k] = byte(fill)
				}
				b[pos] = byte(c)
				check(b)
			}
		}
	}
}
