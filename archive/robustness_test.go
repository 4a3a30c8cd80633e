package archive

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/binlogkit/binlogkit/binlog"
)

// archivedChains archives the closed binlogs of a small chain (four files)
// twice, into directory stores: plainly (zstd) and encrypted for a new
// key. It returns the directories, to be copied by each test with
// copyStore, and the identity of the key.
func archivedChains(t *testing.T) (plain, encrypted, identity string) {
	t.Helper()
	_, paths := smallChain(t, 8, 2)
	identity, recipient := mustKey(t)
	plain, encrypted = t.TempDir(), t.TempDir()
	for _, c := range []struct {
		dir string
		o   Options
	}{
		{plain, Options{Codec: Zstd}},
		{encrypted, Options{Codec: Zstd, Recipients: []string{recipient}, Identities: []string{identity}}},
	} {
		s, err := NewDirStore(c.dir)
		if err != nil {
			t.Fatal(err)
		}
		c.o.Store = s
		a, err := NewArchiver(&c.o)
		if err != nil {
			t.Fatal(err)
		}
		if rep, err := a.ArchiveFiles(context.Background(), paths); err != nil || len(rep.Archived) != 4 {
			t.Fatalf("ArchiveFiles: %+v, %v", rep, err)
		}
	}
	return plain, encrypted, identity
}

// copyStore returns a directory store holding a copy of the store in dir,
// and its manifest.
func copyStore(t *testing.T, dir string) (*DirStore, *Manifest) {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "store")
	if err := os.CopyFS(dst, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	s, err := NewDirStore(dst)
	if err != nil {
		t.Fatal(err)
	}
	m, err := LoadManifest(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return s, m
}

// editObject changes the file of an object of a directory store.
func editObject(t *testing.T, s *DirStore, name string, f func([]byte) []byte) {
	t.Helper()
	p := filepath.Join(s.Dir(), filepath.FromSlash(name))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, f(b), 0o644); err != nil {
		t.Fatal(err)
	}
}

// wantObjectError fails unless err is an *ObjectError about rec's data
// object, for op, wrapping want.
func wantObjectError(t *testing.T, err error, rec *Record, op string, want error) {
	t.Helper()
	t.Logf("%s: %v", op, err)
	var oe *ObjectError
	if !errors.As(err, &oe) || oe.Object != rec.Object || oe.File != rec.Name || oe.Op != op ||
		(want != nil && !errors.Is(err, want)) || !strings.Contains(err.Error(), rec.Object) {
		t.Errorf("error %v (%T), want an *ObjectError about %s %s wrapping %v", err, err, op, rec.Object, want)
	}
}

// TestArchiveRobustness feeds the archive what an attacker or an accident
// leaves in a store or a restore directory.
func TestArchiveRobustness(t *testing.T) {
	ctx := context.Background()
	plainDir, encDir, identity := archivedChains(t)
	wholePlan := func(m *Manifest) *Plan {
		p := &Plan{}
		for _, r := range m.Records {
			p.Files = append(p.Files, PlanFile{Record: r, Start: r.StartPos, Stop: r.EndPos})
		}
		return p
	}

	// prune deleted the object a record names even when it is another
	// file's: a record must name its own file's object.
	t.Run("PruneOtherFilesObject", func(t *testing.T) {
		s, m := copyStore(t, plainDir)
		victim, other := m.Records[0], m.Records[3]
		rec := *victim
		rec.Object = other.Object
		if err := writeRecord(ctx, s, &rec); err != nil {
			t.Fatal(err)
		}
		base := Base{Position: binlog.Position{File: m.Records[2].Name, Offset: 4}}
		del, err := ApplyRetention(ctx, s, &RetentionPolicy{Base: base, KeepLast: 1})
		if _, serr := s.Stat(ctx, other.Object); serr != nil {
			t.Fatalf("retention deleted %s, the object of %s: %v (deleted %v, %v)", other.Object, other.Name, serr, names(del), err)
		}
		var oe *ObjectError
		if !errors.Is(err, ErrBadRecord) || !errors.As(err, &oe) || oe.Object != recordName(victim.Name) {
			t.Errorf("ApplyRetention: %v, want ErrBadRecord naming %s", err, recordName(victim.Name))
		}
		if len(del) != 0 {
			t.Errorf("deleted %v", names(del))
		}
	})

	// A record must be one JSON object, with Record's fields, each once.
	t.Run("StrictRecords", func(t *testing.T) {
		_, m := copyStore(t, plainDir)
		name := recordName(m.Records[1].Name)
		edits := map[string]func([]byte) []byte{
			"trailing garbage": func(b []byte) []byte { return append(b, "garbage\n"...) },
			"second object":    func(b []byte) []byte { return append(b, "{}"...) },
			"unknown field":    func(b []byte) []byte { return bytes.Replace(b, []byte("{"), []byte(`{"extra": 1,`), 1) },
			"field twice": func(b []byte) []byte {
				return bytes.Replace(b, []byte("{"), []byte(`{"object": "binlogs/x.000001",`), 1)
			},
			"field in another case": func(b []byte) []byte {
				return bytes.Replace(b, []byte(`"object":`), []byte(`"OBJECT":`), 1)
			},
			"object of another name": func(b []byte) []byte {
				return bytes.Replace(b, []byte(`.zst"`), []byte(`.xz"`), 1)
			},
		}
		for what, edit := range edits {
			t.Run(what, func(t *testing.T) {
				s, _ := copyStore(t, plainDir)
				editObject(t, s, name, edit)
				rep, err := Verify(ctx, s, nil)
				var oe *ObjectError
				if !errors.Is(err, ErrBadRecord) || !errors.As(err, &oe) || oe.Object != name {
					t.Errorf("Verify: %v (report %v), want ErrBadRecord naming %s", err, rep != nil && rep.Err() == nil, name)
				}
			})
		}
	})

	// restore replaced files that already exist in the target.
	t.Run("RestoreExisting", func(t *testing.T) {
		s, m := copyStore(t, plainDir)
		dir := t.TempDir()
		existing := filepath.Join(dir, m.Records[2].Name)
		if err := os.WriteFile(existing, []byte("precious"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Restore(ctx, s, wholePlan(m), dir, nil)
		if !errors.Is(err, fs.ErrExist) || !strings.Contains(err.Error(), existing) {
			t.Errorf("Restore over %s: %v, want fs.ErrExist naming it", existing, err)
		}
		if b, _ := os.ReadFile(existing); string(b) != "precious" {
			t.Errorf("Restore replaced %s", existing)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 1 {
			t.Errorf("the refused restore wrote %d files", len(ents)-1)
		}
		paths, err := Restore(ctx, s, wholePlan(m), dir, &RestoreOptions{Overwrite: true})
		if err != nil || len(paths) != 4 {
			t.Fatalf("Restore with Overwrite: %v, %v", paths, err)
		}
		if b, _ := os.ReadFile(existing); int64(len(b)) != m.Records[2].RawSize {
			t.Errorf("Restore with Overwrite: %s has %d bytes, want %d", existing, len(b), m.Records[2].RawSize)
		}
	})

	// An age authentication failure was reported as "decompress".
	t.Run("DecryptFailure", func(t *testing.T) {
		s, m := copyStore(t, encDir)
		rec := m.Records[1]
		editObject(t, s, rec.Object, func(b []byte) []byte { b[len(b)-1] ^= 1; return b })
		rep, err := Verify(ctx, s, &VerifyOptions{Identities: []string{identity}})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range rep.Files {
			if f.Name == rec.Name {
				wantObjectError(t, f.Err, rec, "decrypt", ErrDecrypt)
			} else if f.Err != nil {
				t.Errorf("%s: %v", f.Name, f.Err)
			}
		}
		_, err = Restore(ctx, s, &Plan{Files: []PlanFile{{Record: rec}}}, t.TempDir(), &RestoreOptions{Identities: []string{identity}})
		wantObjectError(t, err, rec, "decrypt", ErrDecrypt)

		// A wrong key: ErrWrongKey, which is an ErrDecrypt too.
		other, _ := mustKey(t)
		for _, ids := range [][]string{{other}, {PassphrasePrefix + "wrong"}, nil} {
			_, err = Restore(ctx, s, &Plan{Files: []PlanFile{{Record: m.Records[0]}}}, t.TempDir(), &RestoreOptions{Identities: ids})
			wantObjectError(t, err, m.Records[0], "decrypt", ErrWrongKey)
			if !errors.Is(err, ErrDecrypt) {
				t.Errorf("wrong key: %v is not ErrDecrypt", err)
			}
		}
	})

	// Errors about binlog.000002.zst named binlog.000002 only.
	t.Run("ErrorsNameTheObject", func(t *testing.T) {
		s, m := copyStore(t, plainDir)
		rec := m.Records[1]
		editObject(t, s, rec.Object, func(b []byte) []byte { return b[:len(b)/2] })
		_, err := Restore(ctx, s, &Plan{Files: []PlanFile{{Record: rec}}}, t.TempDir(), nil)
		wantObjectError(t, err, rec, "decompress", nil)
		rep, err := Verify(ctx, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		wantObjectError(t, rep.Files[1].Err, rec, "decompress", nil)
	})
}
