package keyslot

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestPutUnlockRoundTrip(t *testing.T) {
	f, err := New()
	if err != nil {
		t.Fatal(err)
	}
	key, _ := NewKey()
	if err := f.Put("Айгүл Сәрсенова", []byte("пароль-1"), key, TestParams); err != nil {
		t.Fatal(err)
	}
	if err := f.Put("bob", []byte("secret-2"), key, TestParams); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ws.db.keys")
	if err := f.Save(path); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("sidecar mode %v, want 0600", st.Mode().Perm())
	}
	g, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, staff, pass string
		ok                bool
	}{
		{"right", "Айгүл Сәрсенова", "пароль-1", true},
		{"second slot", "bob", "secret-2", true},
		{"wrong passphrase", "bob", "secret-3", false},
		{"other's passphrase", "bob", "пароль-1", false},
		{"unknown name", "carol", "secret-2", false},
		{"empty passphrase", "bob", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := g.Unlock(tc.staff, []byte(tc.pass))
			if tc.ok {
				if err != nil {
					t.Fatalf("unlock: %v", err)
				}
				if !bytes.Equal(u.Key, key) {
					t.Fatal("unwrapped key differs")
				}
				return
			}
			if !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("err = %v, want ErrBadCredentials", err)
			}
		})
	}
}

func TestSlotsAreBoundToNameAndWorkspace(t *testing.T) {
	f, _ := New()
	key, _ := NewKey()
	f.Put("alice", []byte("pw"), key, TestParams)
	// Renaming a slot (editing the sidecar) must not let it open.
	f.Slots[0].Staff = "mallory"
	if _, err := f.Unlock("mallory", []byte("pw")); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("renamed slot opened: %v", err)
	}
	f.Slots[0].Staff = "alice"
	f.Workspace = "0000"
	if _, err := f.Unlock("alice", []byte("pw")); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("slot moved to another workspace opened: %v", err)
	}
}

func TestPendingKey(t *testing.T) {
	f, _ := New()
	key, _ := NewKey()
	next, _ := NewKey()
	f.Put("alice", []byte("pw"), key, TestParams)
	if err := f.SetPending("alice", []byte("bad"), next); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("SetPending with wrong passphrase: %v", err)
	}
	if err := f.SetPending("alice", []byte("pw"), next); err != nil {
		t.Fatal(err)
	}
	u, err := f.Unlock("alice", []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(u.Key, key) || !bytes.Equal(u.Pending, next) {
		t.Fatal("pending rotation keys not both recovered")
	}
}

func TestLoadRejectsDamage(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]string{
		"garbage":     "not json",
		"wrong magic": `{"format":"luks","version":1}`,
		"future":      `{"format":"legco-keyslots","version":9}`,
		"bad slot":    `{"format":"legco-keyslots","version":1,"slots":[{"staff":"a","kdf":"scrypt"}]}`,
	}
	for name, body := range cases {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o600)
		if _, err := Load(p); err == nil {
			t.Errorf("%s: Load accepted it", name)
		}
	}
}

func TestSaveLeavesNoTempFiles(t *testing.T) {
	dir := t.TempDir()
	f, _ := New()
	key, _ := NewKey()
	f.Put("a", []byte("pw"), key, TestParams)
	for i := 0; i < 3; i++ {
		if err := f.Save(filepath.Join(dir, "x.keys")); err != nil {
			t.Fatal(err)
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("folder holds %d entries, want only the sidecar", len(ents))
	}
}

// BenchmarkDefaultParams is the cost of one passphrase guess.
func BenchmarkDefaultParams(b *testing.B) {
	salt := make([]byte, saltSize)
	for i := 0; i < b.N; i++ {
		kek([]byte("correct horse battery staple"), salt, DefaultParams)
	}
}
