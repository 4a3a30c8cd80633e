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
