package natssink

import (
	"errors"
	"testing"
)

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"orders", "orders"},
		{"Order_Lines-2", "Order_Lines-2"},
		{"a.b", "a%2Eb"},
		{"a*b>c", "a%2Ab%3Ec"},
		{"with space", "with%20space"},
		{"50%", "50%25"},
		{"café", "caf%C3%A9"},
		{"", "%"},
	} {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
		if sub := "x." + Escape(c.in); !validSubject(sub) {
			t.Errorf("Escape(%q) gives invalid subject %q", c.in, sub)
		}
	}
	// Distinct names never share a token.
	seen := map[string]string{}
	for _, n := range []string{"a.b", "a%2Eb", "a_b", "%", "", "%25", "A.B"} {
		e := Escape(n)
		if o, ok := seen[e]; ok {
			t.Errorf("Escape(%q) = Escape(%q) = %q", n, o, e)
		}
		seen[e] = n
	}
}

func TestTemplate(t *testing.T) {
	tp, err := parseTemplate("cdc.{db}.{table}.{op}")
	if err != nil {
		t.Fatal(err)
	}
	if got := string(tp.render(nil, "shop", "order.lines", "update")); got != "cdc.shop.order%2Elines.update" {
		t.Errorf("render = %q", got)
	}
	if got := tp.filter(); got != "cdc.*.*.*" {
		t.Errorf("filter = %q", got)
	}
	for _, bad := range []string{"cdc.{db", "cdc.{schema}", "cdc..{db}", "cdc.*", "cdc.>", "cdc {db}", ".{db}", "{db}."} {
		if _, err := parseTemplate(bad); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("parseTemplate(%q) = %v, want ErrInvalidOptions", bad, err)
		}
	}
}

func TestOptions(t *testing.T) {
	for _, o := range []*Options{{MaxPending: -1}, {AckWait: -1}, {Subject: "a.{x}"}, {TxSubject: "a.{table}"}} {
		if _, err := New(nil, o); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("New(%+v) = %v, want ErrInvalidOptions", o, err)
		}
	}
	o, _ := (*Options)(nil).withDefaults()
	if o.backoff(1) != DefaultMinBackoff || o.backoff(100) != DefaultMaxBackoff || o.backoff(2) != 2*DefaultMinBackoff {
		t.Errorf("backoff: %v %v %v", o.backoff(1), o.backoff(2), o.backoff(100))
	}
}
