package archive

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

func init() {
	scryptWorkFactor = 10 // fast tests; age's default is 18
}

func encrypt(t *testing.T, data []byte, recipients ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := Encrypt(&buf, recipients...)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decrypt(t *testing.T, enc []byte, identities ...string) ([]byte, error) {
	t.Helper()
	r, err := Decrypt(bytes.NewReader(enc), identities...)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

func TestEncryptRoundTrip(t *testing.T) {
	id1, rcp1, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	id2, rcp2, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	idOther, _, _ := GenerateKey()
	for _, data := range [][]byte{nil, []byte("x"), binlogLike(200_000, 21)} {
		enc := encrypt(t, data, rcp1, rcp2)
		if !IsEncrypted(enc) {
			t.Errorf("IsEncrypted(% x...) = false", enc[:8])
		}
		for _, id := range []string{id1, id2, "# key file\n" + id2 + "\n"} {
			got, err := decrypt(t, enc, id)
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("decrypt with %.20s: %d bytes, %v; want %d", id, len(got), err, len(data))
			}
		}
		if _, err := decrypt(t, enc, idOther); !errors.Is(err, ErrWrongKey) {
			t.Errorf("decrypt with another key: %v, want ErrWrongKey", err)
		}
		pass := encrypt(t, data, PassphrasePrefix+"correct horse")
		if got, err := decrypt(t, pass, PassphrasePrefix+"correct horse"); err != nil || !bytes.Equal(got, data) {
			t.Errorf("passphrase: %d bytes, %v; want %d", len(got), err, len(data))
		}
		if _, err := decrypt(t, pass, PassphrasePrefix+"wrong"); !errors.Is(err, ErrWrongKey) {
			t.Errorf("wrong passphrase: %v, want ErrWrongKey", err)
		}
	}
	if _, err := Decrypt(strings.NewReader("\xfebin plain"), id1); !errors.Is(err, ErrNotEncrypted) {
		t.Errorf("Decrypt(plain) = %v, want ErrNotEncrypted", err)
	}
	for _, bad := range [][]string{nil, {"age1bogus"}, {rcp1, PassphrasePrefix + "x"}} {
		if _, err := Encrypt(io.Discard, bad...); err == nil {
			t.Errorf("Encrypt(%q) succeeded", bad)
		}
	}
}

// TestDecryptTamper checks that truncated or modified ciphertext gives an
// error, never short or wrong plaintext.
func TestDecryptTamper(t *testing.T) {
	id, rcp, _ := GenerateKey()
	data := binlogLike(300_000, 22)
	enc := encrypt(t, data, rcp)
	for _, cut := range []int{len(enc) - 1, len(enc) - 17, len(enc) / 2, 200} {
		if got, err := decrypt(t, enc[:cut], id); err == nil {
			t.Errorf("truncated to %d: no error, %d bytes", cut, len(got))
		}
	}
	bad := bytes.Clone(enc)
	bad[len(bad)/2] ^= 1
	if _, err := decrypt(t, bad, id); err == nil {
		t.Error("flipped bit: no error")
	}
}

// TestEncryptCompressed is the archive's layering: compress, then encrypt.
func TestEncryptCompressed(t *testing.T) {
	id, rcp, _ := GenerateKey()
	data := binlogLike(500_000, 23)
	var buf bytes.Buffer
	ew, err := Encrypt(&buf, rcp)
	if err != nil {
		t.Fatal(err)
	}
	zw, err := NewWriter(ew, Zstd, nil)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ew.Close(); err != nil {
		t.Fatal(err)
	}
	dr, err := Decrypt(&buf, id)
	if err != nil {
		t.Fatal(err)
	}
	zr, c, err := NewReader(dr)
	if err != nil || c != Zstd {
		t.Fatalf("NewReader: %q, %v", c, err)
	}
	defer zr.Close()
	got, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(got, data) {
		t.Errorf("got %d bytes, %v; want %d", len(got), err, len(data))
	}
}

func needAge(t *testing.T) {
	t.Helper()
	for _, bin := range []string{"age", "age-keygen"} {
		if _, err := exec.LookPath(bin); err != nil {
			if os.Getenv("BINLOGKIT_REQUIRE_TOOLS") == "1" {
				t.Fatalf("%s missing (apt-get install age)", bin)
			}
			t.Skipf("%s not installed (apt-get install age)", bin)
		}
	}
}

// TestAgeCLI checks both directions against the age command line tool:
// it decrypts what we encrypt, and we decrypt what it encrypts, with
// X25519 keys from age-keygen and in armored form.
func TestAgeCLI(t *testing.T) {
	needAge(t)
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key.txt")
	if out, err := exec.Command("age-keygen", "-o", keyFile).CombinedOutput(); err != nil {
		t.Fatalf("age-keygen: %v: %s", err, out)
	}
	keyText, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	rcp := strings.TrimSpace(string(runTool(t, "age-keygen", []string{"-y", keyFile}, nil)))
	data := binlogLike(1_000_000, 24)

	// We encrypt (to the CLI's key and one of ours), age -d decrypts.
	_, ourRcp, _ := GenerateKey()
	enc := encrypt(t, data, ourRcp, rcp)
	if got := runTool(t, "age", []string{"-d", "-i", keyFile}, enc); !bytes.Equal(got, data) {
		t.Errorf("age -d of our file: %d bytes, want %d", len(got), len(data))
	}
	// age encrypts, we decrypt with the key file's text.
	for _, args := range [][]string{{"-r", rcp}, {"-a", "-r", rcp}} {
		enc := runTool(t, "age", args, data)
		got, err := decrypt(t, enc, string(keyText))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("decrypting age %v output: %d bytes, %v; want %d", args, len(got), err, len(data))
		}
	}
}

// TestAgeCLIPassphrase does the same with a passphrase. age reads it from
// a terminal only, so the test runs it under script(1), which gives it one.
func TestAgeCLIPassphrase(t *testing.T) {
	needAge(t)
	if _, err := exec.LookPath("script"); err != nil {
		t.Skip("script (util-linux) not installed: age -p needs a terminal")
	}
	dir := t.TempDir()
	const pass = "correct horse battery staple"
	data := binlogLike(100_000, 25)
	in, ours, theirs := filepath.Join(dir, "in"), filepath.Join(dir, "ours.age"), filepath.Join(dir, "theirs.age")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ours, encrypt(t, data, PassphrasePrefix+pass), 0o600); err != nil {
		t.Fatal(err)
	}
	ageTTY := func(args string, answers string) {
		t.Helper()
		cmd := exec.Command("script", "-qec", "age "+args, "/dev/null")
		cmd.Stdin = strings.NewReader(answers)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("script age %s: %v: %s", args, err, out)
		}
	}
	out := filepath.Join(dir, "out")
	ageTTY("-d -o "+out+" "+ours, pass+"\n")
	if got, _ := os.ReadFile(out); !bytes.Equal(got, data) {
		t.Errorf("age -d of our passphrase file: %d bytes, want %d", len(got), len(data))
	}
	ageTTY("-p -o "+theirs+" "+in, pass+"\n"+pass+"\n")
	enc, err := os.ReadFile(theirs)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := decrypt(t, enc, PassphrasePrefix+pass); err != nil || !bytes.Equal(got, data) {
		t.Errorf("decrypting age -p output: %d bytes, %v; want %d", len(got), err, len(data))
	}
}

// TestDecryptErrors checks that every failure to decrypt is an ErrDecrypt:
// a payload that does not authenticate was once a bare age error, which
// the archive reported as a decompression error. Errors of the source
// are kept as they are.
func TestDecryptErrors(t *testing.T) {
	id, rcp, _ := GenerateKey()
	other, _, _ := GenerateKey()
	enc := encrypt(t, binlogLike(200_000, 24), rcp)
	flip := func(i int) []byte { b := bytes.Clone(enc); b[i] ^= 1; return b }
	for what, in := range map[string][]byte{
		"payload":   flip(len(enc) / 2),
		"last tag":  flip(len(enc) - 1),
		"truncated": enc[:len(enc)-100],
		"header":    flip(40),
	} {
		if _, err := decrypt(t, in, id); !errors.Is(err, ErrDecrypt) {
			t.Errorf("%s: %v, want ErrDecrypt", what, err)
		}
	}
	if _, err := decrypt(t, enc, other); !errors.Is(err, ErrWrongKey) || !errors.Is(err, ErrDecrypt) {
		t.Errorf("wrong key: %v, want ErrWrongKey and ErrDecrypt", err)
	}
	boom := errors.New("store failed")
	r, err := Decrypt(io.MultiReader(bytes.NewReader(enc[:len(enc)/2]), iotest.ErrReader(boom)), id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(r); err != boom {
		t.Errorf("source error: %v, want it unchanged", err)
	}
}

// bech32 encodes 5-bit values with a checksum (BIP 173), as age keys are.
func bech32(hrp string, data []byte) string {
	const charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
	gen := [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
	var values []byte
	for _, c := range hrp {
		values = append(values, byte(c>>5))
	}
	values = append(values, 0)
	for _, c := range hrp {
		values = append(values, byte(c&31))
	}
	values = append(append(values, data...), 0, 0, 0, 0, 0, 0)
	chk := uint32(1)
	for _, v := range values {
		b := chk >> 25
		chk = (chk&0x1ffffff)<<5 ^ uint32(v)
		for i := range 5 {
			if (b>>i)&1 == 1 {
				chk ^= gen[i]
			}
		}
	}
	chk ^= 1
	s := []byte(hrp + "1")
	for _, d := range data {
		s = append(s, charset[d])
	}
	for i := range 6 {
		s = append(s, charset[(chk>>(5*(5-i)))&31])
	}
	return string(s)
}

// TestIdentityErrorsQuoteNothing: a malformed identity may be a secret (a
// passphrase without its prefix, a damaged key): errors never quote it.
// age's parser quotes the part before the last "1" of a well-formed
// bech32 string ("unknown type").
func TestIdentityErrorsQuoteNothing(t *testing.T) {
	id, rcp, _ := GenerateKey()
	enc := encrypt(t, []byte("x"), rcp)
	for _, bad := range []string{
		bech32("hunter2secret", make([]byte, 10)),
		"hunter2secret1qpzry9x8gf2tvdw0s3jn54khce6mua7l",
		"correct-horse-battery-staple",
		id[:len(id)-3] + "qqq",
		"# a comment\n" + strings.ToLower(id[:20]) + "hunter2secret",
	} {
		_, err := Decrypt(bytes.NewReader(enc), bad)
		if err == nil {
			t.Fatalf("Decrypt with %q succeeded", bad)
		}
		for _, part := range []string{"hunter2", "horse", id[15:30], strings.ToLower(id[15:20])} {
			if strings.Contains(strings.ToLower(err.Error()), strings.ToLower(part)) {
				t.Errorf("error %q quotes the identity (%q)", err, part)
			}
		}
	}
}
