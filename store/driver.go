package store

// This file is the only place that knows which SQLCipher build the
// workspace uses. go-sqlcipher is mattn/go-sqlite3 with SQLCipher 4
// compiled in; swapping it for another SQLCipher 4 driver means changing
// this file alone.

import (
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"sync"

	sqlcipher "github.com/mutecomm/go-sqlcipher/v4"
)

const driverName = "legco-sqlcipher"

// defaultCacheKiB is the page cache per connection. SQLCipher decrypts every page
// it reads, so a cache that holds the working set decides read speed: with
// the default cache a 200k-row scan was ten times slower than plain SQLite.
const defaultCacheKiB = 131072

var (
	registerMu sync.Mutex
	registered = map[int]string{}
)

// driverFor registers, once per cache size, a driver whose connections
// all get the same per-connection pragmas.
func driverFor(cacheKiB int) string {
	registerMu.Lock()
	defer registerMu.Unlock()
	if name, ok := registered[cacheKiB]; ok {
		return name
	}
	name := fmt.Sprintf("%s-%d", driverName, cacheKiB)
	sql.Register(name, &sqlcipher.SQLiteDriver{
		ConnectHook: func(c *sqlcipher.SQLiteConn) error {
			// temp_store=MEMORY: sorts and temporary tables never reach
			// disk, so no plaintext temp file can appear.
			// cipher_memory_security=OFF: SQLCipher 4.4 otherwise mlocks
			// every allocation and wipes it on free, two system calls per
			// malloc; that halved import and search speed here. It guards
			// only SQLite's own heap — the same personal data sits in Go's
			// heap, which nothing locks — and mlock stops at the 8 MiB
			// RLIMIT_MEMLOCK anyway, so it bought no real protection
			// (SQLCipher 4.5 turned it off by default for these reasons).
			// Swap is covered by the workstation's encrypted disk (README).
			for _, p := range []string{
				fmt.Sprintf("PRAGMA cache_size=-%d", cacheKiB),
				"PRAGMA temp_store=MEMORY",
				"PRAGMA cipher_memory_security=OFF",
			} {
				if _, err := c.Exec(p, nil); err != nil {
					return fmt.Errorf("%s: %w", p, err)
				}
			}
			// Search filters names with this Go function (see
			// nameMatches); pure, so SQLite may cache its results.
			if err := c.RegisterFunc("legco_name_has", nameHasPrefixes, true); err != nil {
				return err
			}
			if err := c.RegisterFunc("legco_name_has_skeleton", nameSkeletonHasPrefixes, true); err != nil {
				return err
			}
			// The records list's sort key (namekey.go): migration 0011
			// fills users.name_key with it.
			if err := c.RegisterFunc("legco_name_key", nameKeySQL, true); err != nil {
				return err
			}
			return c.RegisterFunc("legco_name_key_version", nameKeyVersion, true)
		},
	})
	registered[cacheKiB] = name
	return name
}

// openDB opens path with the raw 256-bit key (nil key: plain SQLite with
// the same engine, used only as the benchmarks' baseline and by tests).
func openDB(path string, key []byte) (*sql.DB, error) { return openDBWith(path, key, 0) }

func openDBWith(path string, key []byte, cacheKiB int) (*sql.DB, error) {
	if cacheKiB <= 0 {
		cacheKiB = defaultCacheKiB
	}
	q := url.Values{}
	if key != nil {
		// A raw key skips SQLCipher's own PBKDF2: the key already comes
		// from Argon2id in the key slot.
		q.Set("_pragma_key", "x'"+hex.EncodeToString(key)+"'")
	}
	// Short: a change waiting for another program's write retries and
	// then says who holds the workspace (busy.go).
	q.Set("_busy_timeout", "1000")
	q.Set("_foreign_keys", "1")
	q.Set("_secure_delete", "on")
	q.Set("_txlock", "immediate")
	// WAL with synchronous=NORMAL survives a crash or kill of the process
	// without corruption; the -wal file is encrypted page by page too.
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "NORMAL")
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	db, err := sql.Open(driverFor(cacheKiB), dsn)
	if err != nil {
		return nil, err
	}
	return db, nil
}
