package anonymize

import (
	"testing"
)

func TestDetectors(t *testing.T) {
	all := setOf([]Detector{Email, MobileCN, PhoneE164, IDCardCN, Card, IPv4, IPv6})
	tests := []struct {
		in   string
		want []string // matched texts, in order
		det  []Detector
	}{
		{"call 13812345678 now", []string{"13812345678"}, []Detector{MobileCN}},
		{"12812345678", nil, nil},   // second digit 2: not a mobile
		{"138123456789", nil, nil},  // 12 digits
		{"x13812345678y", nil, nil}, // inside a word
		{"tel:+8613812345678.", []string{"+8613812345678"}, []Detector{PhoneE164}},
		{"+1 is not", nil, nil},
		{"id 11010519491231002X ok", []string{"11010519491231002X"}, []Detector{IDCardCN}},
		{"id 110105194912310021 ok", nil, nil}, // wrong check character
		{"id 11010519491231002x", []string{"11010519491231002x"}, []Detector{IDCardCN}},
		{"card 4111111111111111.", []string{"4111111111111111"}, []Detector{Card}},
		{"card 4111111111111112", nil, nil}, // bad Luhn
		{"card 4111 1111 1111 1111 end", []string{"4111 1111 1111 1111"}, []Detector{Card}},
		{"card 5500-0000-0000-0004", []string{"5500-0000-0000-0004"}, []Detector{Card}},
		{"mail alice.b+x@example.co.uk, bob@x.io", []string{"alice.b+x@example.co.uk", "bob@x.io"}, []Detector{Email, Email}},
		{"not@mail", nil, nil},
		{"@foo.com", nil, nil},
		{"from 192.168.1.20 to 10.0.0.1", []string{"192.168.1.20", "10.0.0.1"}, []Detector{IPv4, IPv4}},
		{"version 1.2.3.4.5", nil, nil},
		{"999.1.1.1", nil, nil},
		{"ip fe80::1ff:fe23:4567:890a and ::1.", []string{"fe80::1ff:fe23:4567:890a", "::1"}, []Detector{IPv6, IPv6}},
		{"12:30:45", nil, nil},
		{"aa:bb:cc:dd:ee:ff", nil, nil},
		{"2001:db8::8a2e:370:7334", []string{"2001:db8::8a2e:370:7334"}, []Detector{IPv6}},
		{"手机13912345678谢谢", []string{"13912345678"}, []Detector{MobileCN}},
	}
	for _, tt := range tests {
		ms := findAll(nil, tt.in, all)
		var got []string
		for i, m := range ms {
			got = append(got, tt.in[m.start:m.end])
			if i < len(tt.det) && m.det != tt.det[i] {
				t.Errorf("%q: match %d is %v, want %v", tt.in, i, m.det, tt.det[i])
			}
		}
		if len(got) != len(tt.want) {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
			}
		}
	}
}

func TestCheckDigits(t *testing.T) {
	if !validIDCard("11010519491231002X") || validIDCard("110105194912310020") {
		t.Error("resident ID check character")
	}
	if !validIDCard("440524188001010014") {
		t.Error("valid ID rejected")
	}
	for _, c := range []string{"4111111111111111", "5500000000000004", "378282246310005", "6011111111111117"} {
		if !luhnValid(c) {
			t.Errorf("%s: Luhn should be valid", c)
		}
	}
	if luhnValid("4111111111111121") {
		t.Error("bad Luhn accepted")
	}
}
