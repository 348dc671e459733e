package keyslot

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func sampleFile(t testing.TB) []byte {
	t.Helper()
	f, err := New()
	if err != nil {
		t.Fatal(err)
	}
	key, _ := NewKey()
	if err := f.Put("admin", []byte("correct horse"), key, TestParams); err != nil {
		t.Fatal(err)
	}
	if err := f.Put("Айгүл", []byte("correct horse"), key, TestParams); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Out-of-bounds parameters are refused when the file is read, before any
// Argon2id work, naming the slot and the field (issue #9: a memory_kib of
// 4,000,000,000 crashed the program, a time of 4,000,000,000 hung it).
func TestSlotBoundsRefusedFast(t *testing.T) {
	cases := []struct {
		field string
		edit  func(s *Slot)
	}{
		{"params.memory_kib", func(s *Slot) { s.Params.MemoryKiB = 4_000_000_000 }},
		{"params.memory_kib", func(s *Slot) { s.Params.MemoryKiB = MaxMemoryKiB + 1 }},
		{"params.time", func(s *Slot) { s.Params.Time = 4_000_000_000 }},
		{"params.time", func(s *Slot) { s.Params.Time = 101 }},
		{"params.threads", func(s *Slot) { s.Params.Threads = 65 }},
		{"params.threads", func(s *Slot) { s.Params.Threads = 0 }},
		{"salt", func(s *Slot) { s.Salt = s.Salt[:8] }},
		{"sealed", func(s *Slot) { s.Sealed = append(s.Sealed, 0) }},
		{"nonce", func(s *Slot) { s.Nonce = nil }},
		{"kdf", func(s *Slot) { s.KDF = "scrypt" }},
	}
	for _, c := range cases {
		var f File
		if err := json.Unmarshal(sampleFile(t), &f); err != nil {
			t.Fatal(err)
		}
		c.edit(&f.Slots[1])
		path := filepath.Join(t.TempDir(), "ws.db.keys")
		b, _ := json.Marshal(&f)
		os.WriteFile(path, b, 0o600)
		start := time.Now()
		_, err := Load(path)
		took := time.Since(start)
		if err == nil || !strings.Contains(err.Error(), "slot 2") || !strings.Contains(err.Error(), `"Айгүл"`) || !strings.Contains(err.Error(), "field "+c.field+" ") {
			t.Errorf("%s: err = %v", c.field, err)
		}
		// Refused before any key derivation: far below one Argon2id run.
		if took > 100*time.Millisecond {
			t.Errorf("%s: refusing took %s", c.field, took)
		}
	}
}

// FuzzParse: no key-slot file, however malformed, panics the loader or
// gets past it with out-of-bounds parameters.
func FuzzParse(f *testing.F) {
	f.Add(sampleFile(f))
	f.Add([]byte(`{"format":"legco-keyslots","version":1,"slots":[{"kdf":"argon2id","params":{"time":4000000000,"memory_kib":4000000000,"threads":255}}]}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := Parse(b, "fuzz.keys")
		if err != nil {
			return
		}
		for _, s := range g.Slots {
			if s.Params.MemoryKiB > MaxMemoryKiB || s.Params.Time > MaxTime || s.Params.Threads > MaxThreads || len(s.Salt) != saltSize {
				t.Fatalf("accepted out-of-bounds slot %+v", s.Params)
			}
		}
		// A slot that parsed can be tried without panicking (cheap params only).
		if len(g.Slots) > 0 && g.Slots[0].Params.MemoryKiB <= 64*1024 && g.Slots[0].Params.Time <= 2 {
			if _, err := g.Unlock(g.Slots[0].Staff, []byte("x")); err != nil && !errors.Is(err, ErrBadCredentials) {
				t.Fatal(err)
			}
		}
	})
}
