package archive

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"
)

// Encryption uses the age format (https://age-encryption.org/v1): streaming,
// authenticated in 64 KiB chunks, and readable without this package:
//
//	age -d -i key.txt mysql-bin.000042.zst.age | zstd -d > mysql-bin.000042
//
// Keys are given as strings, in age's own syntax:
//
//   - a recipient is an X25519 public key "age1…" (age-keygen -y); a string
//     with several lines is read as an age recipients file ("#" comments);
//   - an identity is an X25519 secret key "AGE-SECRET-KEY-1…" (age-keygen),
//     or the content of an age identity file;
//   - PassphrasePrefix followed by a passphrase stands for a passphrase
//     (age -p), as a recipient or as an identity. A passphrase must be the
//     only recipient, as in age.

// PassphrasePrefix marks a recipient or identity string as a passphrase:
// "passphrase:correct horse battery staple".
const PassphrasePrefix = "passphrase:"

// ErrDecrypt is wrapped by every failure to decrypt: no identity opens the
// file (ErrWrongKey), or the file does not authenticate (it was modified,
// truncated or is not a well-formed age file).
var ErrDecrypt = errors.New("archive: decryption failed")

// ErrWrongKey is returned by Decrypt when no identity opens the file: a
// wrong key or passphrase. It wraps ErrDecrypt.
var ErrWrongKey = fmt.Errorf("%w: no identity matches the encrypted file", ErrDecrypt)

// ErrNotEncrypted is returned by Decrypt for input that is not age data.
var ErrNotEncrypted = errors.New("archive: not an age encrypted file")

// ageMagic starts every binary age file; armored files start with
// ageArmorMagic.
const (
	ageMagic      = "age-encryption.org/v1\n"
	ageArmorMagic = "-----BEGIN AGE ENCRYPTED FILE-----"
)

// IsEncrypted reports whether head, the first bytes of a file, starts like
// an age encrypted file (binary or armored). 34 bytes are enough.
func IsEncrypted(head []byte) bool {
	return bytes.HasPrefix(head, []byte(ageMagic)) || bytes.HasPrefix(head, []byte(ageArmorMagic))
}

// scryptWorkFactor is the log2 of the scrypt cost for passphrases; age's
// default. Tests lower it.
var scryptWorkFactor = 18

// Encrypt returns a writer that encrypts what is written to it for every
// recipient and writes the age file to w. Close writes the last chunk; it
// does not close w. Without a Close the output is truncated and Decrypt
// refuses it.
func Encrypt(w io.Writer, recipients ...string) (io.WriteCloser, error) {
	rs, err := parseRecipients(recipients)
	if err != nil {
		return nil, err
	}
	ew, err := age.Encrypt(w, rs...)
	if err != nil {
		return nil, fmt.Errorf("archive: age: %w", err)
	}
	return ew, nil
}

func parseRecipients(recipients []string) ([]age.Recipient, error) {
	if len(recipients) == 0 {
		return nil, errors.New("archive: Encrypt: no recipients")
	}
	var rs []age.Recipient
	for _, s := range recipients {
		if pass, ok := strings.CutPrefix(s, PassphrasePrefix); ok {
			if len(recipients) > 1 {
				return nil, errors.New("archive: Encrypt: a passphrase must be the only recipient")
			}
			r, err := age.NewScryptRecipient(pass)
			if err != nil {
				return nil, fmt.Errorf("archive: age: %w", err)
			}
			r.SetWorkFactor(scryptWorkFactor)
			rs = append(rs, r)
			continue
		}
		parsed, err := age.ParseRecipients(strings.NewReader(s))
		if err != nil {
			return nil, fmt.Errorf("archive: bad age recipient: %w", err)
		}
		rs = append(rs, parsed...)
	}
	return rs, nil
}

// Decrypt returns a reader of the plaintext of the age file r, opened with
// one of identities. It reads the header at once: ErrWrongKey when no
// identity opens it, ErrNotEncrypted when r is not age data, ErrDecrypt
// when the header does not authenticate. Armored (PEM-like, "age -a")
// files are read too. The plaintext is authenticated chunk by chunk as it
// is read: a modified or truncated file gives a read error wrapping
// ErrDecrypt, never wrong or short data followed by io.EOF. Errors of r
// itself are returned as they are.
func Decrypt(r io.Reader, identities ...string) (io.Reader, error) {
	ids, err := parseIdentities(identities)
	if err != nil {
		return nil, err
	}
	src := &errReader{r: r}
	br := bufio.NewReader(src)
	head, _ := br.Peek(len(ageArmorMagic))
	var in io.Reader = br
	switch {
	case bytes.HasPrefix(head, []byte(ageArmorMagic)):
		in = armor.NewReader(br)
	case bytes.HasPrefix(head, []byte(ageMagic)):
	default:
		if src.err != nil {
			return nil, src.err
		}
		return nil, ErrNotEncrypted
	}
	dr, err := age.Decrypt(in, ids...)
	if err != nil {
		var nm *age.NoIdentityMatchError
		switch {
		case errors.As(err, &nm):
			return nil, fmt.Errorf("%w: %v", ErrWrongKey, err)
		case src.err != nil:
			return nil, fmt.Errorf("archive: age: %w", err)
		}
		return nil, fmt.Errorf("%w: %w", ErrDecrypt, err)
	}
	return &authReader{r: dr, src: src}, nil
}

// errReader keeps the first error of r other than io.EOF.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// authReader reads age's plaintext: its errors are authentication
// failures (ErrDecrypt), unless they are src's own.
type authReader struct {
	r   io.Reader
	src *errReader
}

func (a *authReader) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if err != nil && err != io.EOF && (a.src.err == nil || !errors.Is(err, a.src.err)) {
		err = fmt.Errorf("%w: %w", ErrDecrypt, err)
	}
	return n, err
}

// parseIdentities parses identity strings. Its errors never quote them:
// a malformed line may be a secret.
func parseIdentities(identities []string) ([]age.Identity, error) {
	if len(identities) == 0 {
		return nil, fmt.Errorf("%w: no identities given", ErrWrongKey)
	}
	var ids []age.Identity
	for i, s := range identities {
		if pass, ok := strings.CutPrefix(s, PassphrasePrefix); ok {
			id, err := age.NewScryptIdentity(pass)
			if err != nil {
				return nil, fmt.Errorf("archive: age: %w", err)
			}
			ids = append(ids, id)
			continue
		}
		line, found := 0, false
		for l := range strings.Lines(s) {
			line++
			l = strings.TrimSpace(l)
			if l == "" || strings.HasPrefix(l, "#") {
				continue
			}
			id, err := age.ParseX25519Identity(l)
			if err != nil {
				return nil, fmt.Errorf("archive: bad age identity %d, line %d: neither an age secret key (AGE-SECRET-KEY-1...) nor a passphrase (%s...)",
					i+1, line, PassphrasePrefix)
			}
			ids = append(ids, id)
			found = true
		}
		if !found {
			return nil, fmt.Errorf("archive: bad age identity %d: no secret key in it", i+1)
		}
	}
	return ids, nil
}

// GenerateKey returns a new X25519 key pair in age's syntax: the secret
// identity "AGE-SECRET-KEY-1…" for Decrypt and the recipient "age1…" for
// Encrypt, as age-keygen prints them.
func GenerateKey() (identity, recipient string, err error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", "", fmt.Errorf("archive: age: %w", err)
	}
	return id.String(), id.Recipient().String(), nil
}
