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

// ErrWrongKey is returned by Decrypt when no identity opens the file.
var ErrWrongKey = errors.New("archive: no identity matches the encrypted file")

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
// identity opens it, ErrNotEncrypted when r is not age data. Armored
// (PEM-like, "age -a") files are read too. The plaintext is authenticated
// chunk by chunk as it is read: a modified or truncated file gives a read
// error, never wrong or short data followed by io.EOF.
func Decrypt(r io.Reader, identities ...string) (io.Reader, error) {
	ids, err := parseIdentities(identities)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReader(r)
	head, _ := br.Peek(len(ageArmorMagic))
	var src io.Reader = br
	switch {
	case bytes.HasPrefix(head, []byte(ageArmorMagic)):
		src = armor.NewReader(br)
	case bytes.HasPrefix(head, []byte(ageMagic)):
	default:
		return nil, ErrNotEncrypted
	}
	dr, err := age.Decrypt(src, ids...)
	if err != nil {
		var nm *age.NoIdentityMatchError
		if errors.As(err, &nm) {
			return nil, fmt.Errorf("%w: %v", ErrWrongKey, err)
		}
		return nil, fmt.Errorf("archive: age: %w", err)
	}
	return dr, nil
}

func parseIdentities(identities []string) ([]age.Identity, error) {
	if len(identities) == 0 {
		return nil, errors.New("archive: Decrypt: no identities")
	}
	var ids []age.Identity
	for _, s := range identities {
		if pass, ok := strings.CutPrefix(s, PassphrasePrefix); ok {
			id, err := age.NewScryptIdentity(pass)
			if err != nil {
				return nil, fmt.Errorf("archive: age: %w", err)
			}
			ids = append(ids, id)
			continue
		}
		parsed, err := age.ParseIdentities(strings.NewReader(s))
		if err != nil {
			return nil, fmt.Errorf("archive: bad age identity: %w", err)
		}
		ids = append(ids, parsed...)
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
