package mysqlesc

import "testing"

func TestAppendQuoted(t *testing.T) {
	for _, tc := range []struct {
		in     string
		utf8OK bool
		want   string
	}{
		{"", true, `''`},
		{`it's \ "q"`, true, `'it\'s \\ "q"'`},
		{"\x00\n\r\t\x1a\x01\x7f", true, `'\0\n\r\t\Z\x01\x7f'`},
		{"é中", true, `'é中'`},
		{"é中", false, `'\xc3\xa9\xe4\xb8\xad'`},
		{"bad\xff", true, `'bad\xff'`},
	} {
		if got := string(AppendQuoted(nil, []byte(tc.in), tc.utf8OK)); got != tc.want {
			t.Errorf("AppendQuoted(%q, %v) = %s, want %s", tc.in, tc.utf8OK, got, tc.want)
		}
	}
}
