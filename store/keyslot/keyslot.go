// Package keyslot keeps the workspace key wrapped once per staff member,
// in the manner of LUKS key slots: Argon2id(passphrase, salt) gives a
// key-encryption key, and AES-256-GCM seals the 32-byte workspace key
// under it. The slots live in a sidecar file next to the database
// (<db>.keys) that is always replaced atomically.
//
// The sidecar holds no personal data: staff names, salts, KDF
// parameters and sealed keys only. Losing it loses the workspace.
package keyslot

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"

	"legco.kz/compliance/store/ownerfile"
)

// KeySize is the size of the workspace key: SQLCipher's raw 256-bit key.
const KeySize = 32

const (
	formatName    = "legco-keyslots"
	formatVersion = 1
	saltSize      = 16
)

// ErrBadCredentials is returned for an unknown staff name and for a wrong
// passphrase alike, so that a caller cannot tell which one was wrong.
var ErrBadCredentials = errors.New("wrong staff name or passphrase")

// Params are the Argon2id cost parameters of one slot.
type Params struct {
	Time      uint32 `json:"time"`
	MemoryKiB uint32 `json:"memory_kib"`
	Threads   uint8  `json:"threads"`
}

// DefaultParams cost about 320 ms and 128 MiB per guess on an idle 2-core
// machine (BenchmarkDefaultParams; README, "Key handling"): time 4 at
// 128 MiB measured 257 ms, too close to the 250 ms floor. Slots record
// their own parameters, so these can be raised later without breaking
// older slots.
var DefaultParams = Params{Time: 5, MemoryKiB: 128 * 1024, Threads: 2}

// TestParams are deliberately cheap; only tests may use them.
var TestParams = Params{Time: 1, MemoryKiB: 8 * 1024, Threads: 1}

// Slot is one staff member's sealed copy of the workspace key.
type Slot struct {
	Staff   string    `json:"staff"`
	KDF     string    `json:"kdf"`
	Params  Params    `json:"params"`
	Salt    []byte    `json:"salt"`
	Nonce   []byte    `json:"nonce"`
	Sealed  []byte    `json:"sealed"`
	Created time.Time `json:"created"`
	// Pending seals the next workspace key while a key rotation is under
	// way, so that a crash between PRAGMA rekey and the rewrite of this
	// file never locks the workspace out.
	PendingNonce  []byte `json:"pending_nonce,omitempty"`
	PendingSealed []byte `json:"pending_sealed,omitempty"`
}

// File is the content of a <db>.keys sidecar.
type File struct {
	Format    string `json:"format"`
	Version   int    `json:"version"`
	Workspace string `json:"workspace"`
	Slots     []Slot `json:"slots"`
	// Demo is set only on workspaces of synthetic data made by `demo`: the
	// unlock screen shows a DEMO banner with these credentials. A real
	// workspace never has it.
	Demo *Demo `json:"demo,omitempty"`
}

// Demo holds the published credentials of a demo workspace.
type Demo struct {
	Staff      string `json:"staff"`
	Passphrase string `json:"passphrase"`
}

// Path returns the sidecar path for a database path.
func Path(dbPath string) string { return dbPath + ".keys" }

// New returns an empty file for a new workspace with a random id.
func New() (*File, error) {
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return nil, fmt.Errorf("workspace id: %w", err)
	}
	return &File{Format: formatName, Version: formatVersion, Workspace: fmt.Sprintf("%x", id)}, nil
}

// NewKey returns a fresh random workspace key.
func NewKey() ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		return nil, fmt.Errorf("workspace key: %w", err)
	}
	return k, nil
}

// Load reads and checks a sidecar file.
func Load(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("key slots %s: %w", path, err)
	}
	return Parse(b, path)
}

// maxFileSize bounds a key-slot file (a slot is about 400 bytes).
const maxFileSize = 1 << 20

// Parse checks the content of a key-slot file; name is for messages.
func Parse(b []byte, path string) (*File, error) {
	if len(b) > maxFileSize {
		return nil, fmt.Errorf("key slots %s: %d bytes, more than a key-slot file can be (%d)", path, len(b), maxFileSize)
	}
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("key slots %s: not a key-slot file: %w", path, err)
	}
	if f.Format != formatName {
		return nil, fmt.Errorf("key slots %s: field format is %q, want %q", path, f.Format, formatName)
	}
	if f.Version != formatVersion {
		return nil, fmt.Errorf("key slots %s: field version is %d; this build reads version %d", path, f.Version, formatVersion)
	}
	if err := f.check(); err != nil {
		return nil, fmt.Errorf("key slots %s: %w", path, err)
	}
	return &f, nil
}

// Bounds on a slot's Argon2id cost: a slot outside them is refused before
// any derivation, so a crafted file cannot exhaust memory or hang the
// program (4 GiB, time 100 and 64 threads are far above any real setting).
const (
	MaxMemoryKiB = 4 * 1024 * 1024
	MaxTime      = 100
	MaxThreads   = 64
)

// sealedSize is the AES-256-GCM seal of a 32-byte key: key and tag.
const sealedSize = KeySize + 16

// check refuses slots whose parameters or sizes are out of bounds,
// naming the slot and the field.
func (f *File) check() error {
	for i, s := range f.Slots {
		bad := func(field, why string) error {
			return fmt.Errorf("slot %d (%q): field %s %s; the file was edited or damaged: restore it from a backup", i+1, s.Staff, field, why)
		}
		switch {
		case s.KDF != "argon2id":
			return bad("kdf", fmt.Sprintf("is %q, want \"argon2id\"", s.KDF))
		case s.Params.Time == 0 || s.Params.Time > MaxTime:
			return bad("params.time", fmt.Sprintf("is %d, must be 1 to %d", s.Params.Time, MaxTime))
		case s.Params.MemoryKiB < 8 || s.Params.MemoryKiB > MaxMemoryKiB:
			return bad("params.memory_kib", fmt.Sprintf("is %d, must be 8 to %d (4 GiB)", s.Params.MemoryKiB, MaxMemoryKiB))
		case s.Params.Threads == 0 || s.Params.Threads > MaxThreads:
			return bad("params.threads", fmt.Sprintf("is %d, must be 1 to %d", s.Params.Threads, MaxThreads))
		case len(s.Salt) != saltSize:
			return bad("salt", fmt.Sprintf("has %d bytes, want %d", len(s.Salt), saltSize))
		case len(s.Nonce) != 12:
			return bad("nonce", fmt.Sprintf("has %d bytes, want 12", len(s.Nonce)))
		case len(s.Sealed) != sealedSize:
			return bad("sealed", fmt.Sprintf("has %d bytes, want %d", len(s.Sealed), sealedSize))
		case len(s.PendingSealed) != 0 && (len(s.PendingSealed) != sealedSize || len(s.PendingNonce) != 12):
			return bad("pending_sealed", fmt.Sprintf("has %d bytes, want %d", len(s.PendingSealed), sealedSize))
		}
	}
	return nil
}

// Save writes the file atomically: a temporary file in the same folder,
// fsync, rename over the old one, fsync of the folder.
func (f *File) Save(path string) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("key slots %s: %w", path, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // no-op after a successful rename
	// Owner-only: 0600, or an owner-only ACL on Windows (the rename keeps it).
	if err := ownerfile.Restrict(tmpName); err != nil {
		tmp.Close()
		return fmt.Errorf("key slots %s: %w", path, err)
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("key slots %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("key slots %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("key slots %s: %w", path, err)
	}
	if err := os.Rename(tmpName, path); err != nil {
		return fmt.Errorf("key slots %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// NormalizeName is how staff names are compared: NFC, as typed otherwise.
func NormalizeName(name string) string { return norm.NFC.String(name) }

func (f *File) index(staff string) int {
	staff = NormalizeName(staff)
	for i, s := range f.Slots {
		if s.Staff == staff {
			return i
		}
	}
	return -1
}

// Has reports whether staff has a slot.
func (f *File) Has(staff string) bool { return f.index(staff) >= 0 }

// Names lists the staff that have slots.
func (f *File) Names() []string {
	out := make([]string, len(f.Slots))
	for i, s := range f.Slots {
		out[i] = s.Staff
	}
	return out
}

func (f *File) aad(staff string) []byte {
	return []byte("legco-keyslot/v1\x00" + f.Workspace + "\x00" + staff)
}

func kek(passphrase []byte, salt []byte, p Params) []byte {
	warmKDFMemory(int(p.MemoryKiB) << 10)
	return argon2.IDKey(passphrase, salt, p.Time, p.MemoryKiB, p.Threads, 32)
}

// warmKDFMemory maps the memory Argon2id is about to use. A derivation
// with DefaultParams took 2.1 s in a fresh process on the 2-core VM and
// 0.29 s in one that had used that much memory before: most of a cold
// derivation is the kernel handing over 128 MiB of new pages while
// Argon2 fills its blocks. Touching the same amount first, a page at a
// time on two goroutines, and freeing it takes 0.26 s; Argon2's blocks
// then come from those pages. Every CLI command and the app's unlock
// derive a key once, cold: `settings show` on a million-user workspace
// went from 2.1 s to 0.65 s, the app's unlock from 3.1 s to 1.4 s
// (make rss), its peak memory unchanged.
// The pages hold nothing secret; Argon2 overwrites them.
func warmKDFMemory(n int) {
	if n < 16<<20 {
		return // test parameters: nothing to gain
	}
	b := make([]byte, n+1<<20)
	var wg sync.WaitGroup
	half := len(b) / 2
	for k := range 2 {
		wg.Add(1)
		go func(p []byte) {
			defer wg.Done()
			for i := 0; i < len(p); i += 4096 {
				p[i] = 1
			}
		}(b[k*half : (k+1)*half])
	}
	wg.Wait()
	runtime.KeepAlive(b)
	b = nil
	runtime.GC() // so that Argon2's allocation reuses the pages just touched
}

func seal(kekey, plain, aad []byte) (nonce, sealed []byte, err error) {
	block, err := aes.NewCipher(kekey)
	if err != nil {
		return nil, nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, nil, err
	}
	nonce = make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, nil, err
	}
	return nonce, gcm.Seal(nil, nonce, plain, aad), nil
}

func open(kekey, nonce, sealed, aad []byte) ([]byte, error) {
	block, err := aes.NewCipher(kekey)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	if len(nonce) != gcm.NonceSize() {
		return nil, ErrBadCredentials
	}
	return gcm.Open(nil, nonce, sealed, aad)
}

// Put adds or replaces the slot of staff, sealing key under passphrase.
func (f *File) Put(staff string, passphrase, key []byte, p Params) error {
	staff = NormalizeName(staff)
	if staff == "" {
		return errors.New("key slot: empty staff name")
	}
	if len(key) != KeySize {
		return fmt.Errorf("key slot: workspace key must be %d bytes", KeySize)
	}
	if len(passphrase) == 0 {
		return errors.New("key slot: empty passphrase")
	}
	salt := make([]byte, saltSize)
	if _, err := rand.Read(salt); err != nil {
		return err
	}
	k := kek(passphrase, salt, p)
	defer wipe(k)
	nonce, sealed, err := seal(k, key, f.aad(staff))
	if err != nil {
		return err
	}
	s := Slot{Staff: staff, KDF: "argon2id", Params: p, Salt: salt, Nonce: nonce, Sealed: sealed, Created: time.Now().UTC().Truncate(time.Second)}
	if i := f.index(staff); i >= 0 {
		f.Slots[i] = s
	} else {
		f.Slots = append(f.Slots, s)
	}
	return nil
}

// SetPending seals next (the key a rotation is about to switch to) into
// staff's slot beside the current key. The passphrase must open the slot.
func (f *File) SetPending(staff string, passphrase, next []byte) error {
	i := f.index(staff)
	if i < 0 {
		return ErrBadCredentials
	}
	s := &f.Slots[i]
	k := kek(passphrase, s.Salt, s.Params)
	defer wipe(k)
	cur, err := open(k, s.Nonce, s.Sealed, f.aad(s.Staff))
	if err != nil {
		return ErrBadCredentials
	}
	wipe(cur)
	nonce, sealed, err := seal(k, next, f.aad(s.Staff))
	if err != nil {
		return err
	}
	s.PendingNonce, s.PendingSealed = nonce, sealed
	return nil
}

// Remove deletes the slot of staff; it reports whether there was one.
func (f *File) Remove(staff string) bool {
	i := f.index(staff)
	if i < 0 {
		return false
	}
	f.Slots = append(f.Slots[:i], f.Slots[i+1:]...)
	return true
}

// Unlocked is what a correct passphrase opens: the current key and, while
// a rotation is under way, the pending one.
type Unlocked struct {
	Staff   string
	Key     []byte
	Pending []byte
}

// Unlock opens staff's slot. An unknown name costs the same Argon2id work
// as a known one and gives the same error as a wrong passphrase.
func (f *File) Unlock(staff string, passphrase []byte) (*Unlocked, error) {
	i := f.index(staff)
	if i < 0 {
		// Equalise timing with a real derivation against a throwaway salt.
		dummy := make([]byte, saltSize)
		wipe(kek(passphrase, dummy, DefaultParams))
		return nil, ErrBadCredentials
	}
	s := f.Slots[i]
	k := kek(passphrase, s.Salt, s.Params)
	defer wipe(k)
	key, err := open(k, s.Nonce, s.Sealed, f.aad(s.Staff))
	if err != nil || len(key) != KeySize {
		return nil, ErrBadCredentials
	}
	u := &Unlocked{Staff: s.Staff, Key: key}
	if len(s.PendingSealed) > 0 {
		if p, err := open(k, s.PendingNonce, s.PendingSealed, f.aad(s.Staff)); err == nil {
			u.Pending = p
		}
	}
	return u, nil
}

// Equal compares two keys in constant time.
func Equal(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }

// Wipe overwrites a secret in memory; Go may have copied it elsewhere,
// so this narrows exposure rather than guaranteeing it.
func Wipe(b []byte) { wipe(b) }

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}
