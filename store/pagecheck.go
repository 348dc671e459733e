package store

import (
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// SQLCipher 4's page format, as the workspace uses it (the defaults: no
// cipher_* pragma changes them): 4,096-byte pages whose last 80 bytes are
// the page's IV (16) and HMAC-SHA512 (64); page 1 starts with the 16-byte
// salt in clear. The HMAC covers the encrypted bytes and the IV, then the
// page number (4 bytes, little-endian), under a key PBKDF2-HMAC-SHA512
// derives from the raw key, the salt XOR 0x3a and 2 iterations.
const (
	cipherPageSize = 4096
	cipherSaltSize = 16
	cipherIVSize   = 16
	cipherHMACSize = 64
	cipherReserve  = cipherIVSize + cipherHMACSize
	cipherSaltMask = 0x3a
	cipherFastIter = 2
	pageCheckChunk = 1024 // pages a worker reads at once (4 MiB)
	// lockBytePage holds SQLite's lock bytes (offset 0x40000000, 1 GiB):
	// SQLite never uses it, so SQLCipher never encrypts it, and a file
	// past 1 GiB has whatever bytes the file system gave it there.
	lockBytePage    = 0x40000000/cipherPageSize + 1
	maxPageFindings = 100
)

// checkPages authenticates every page of the database file as SQLCipher
// does when it reads one, without decrypting: what `PRAGMA
// cipher_integrity_check` does. That pragma, in the SQLCipher that
// go-sqlcipher v4.4.2 bundles, computes file offsets in 32 bits and
// crashes the process on a file over 2 GiB (a workspace of a million
// users with their access log); this reads with 64-bit offsets, on every
// core. Pages still in the WAL are authenticated when SQLite reads them.
func (w *Workspace) checkPages(ctx context.Context, progress func(done, total int64)) ([]IntegrityFinding, error) {
	w.mu.Lock()
	key := append([]byte(nil), w.key...)
	w.mu.Unlock()
	if len(key) != 32 {
		return nil, fmt.Errorf("page check: the workspace is locked")
	}
	return checkPageFile(ctx, w.path, key, progress)
}

func checkPageFile(ctx context.Context, path string, key []byte, progress func(done, total int64)) ([]IntegrityFinding, error) {
	const check = "cipher_integrity_check"
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("page check: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("page check: %w", err)
	}
	size := st.Size()
	var found []IntegrityFinding
	if size%cipherPageSize != 0 {
		found = append(found, IntegrityFinding{check, fmt.Sprintf("the file is %d bytes, not a whole number of %d-byte pages: it was cut short or appended to", size, cipherPageSize)})
	}
	pages := size / cipherPageSize
	if pages == 0 {
		return found, nil
	}
	salt := make([]byte, cipherSaltSize)
	if _, err := f.ReadAt(salt, 0); err != nil {
		return nil, fmt.Errorf("page check: %w", err)
	}
	for i := range salt {
		salt[i] ^= cipherSaltMask
	}
	macKey, err := pbkdf2.Key(sha512.New, string(key), salt, cipherFastIter, len(key))
	if err != nil {
		return nil, fmt.Errorf("page check: %w", err)
	}

	var (
		next   atomic.Int64 // the next chunk's first page index (0-based)
		done   atomic.Int64
		mu     sync.Mutex
		bad    []int64
		nbad   int64
		ioErr  error
		wg     sync.WaitGroup
		report = func(pgno int64) {
			mu.Lock()
			nbad++
			if len(bad) < maxPageFindings {
				bad = append(bad, pgno)
			}
			mu.Unlock()
		}
	)
	workers := min(runtime.NumCPU(), 4)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mac := hmac.New(sha512.New, macKey)
			buf := make([]byte, pageCheckChunk*cipherPageSize)
			sum := make([]byte, 0, cipherHMACSize)
			var pgno [4]byte
			for ctx.Err() == nil {
				first := next.Add(pageCheckChunk) - pageCheckChunk
				if first >= pages {
					return
				}
				n := min(int64(pageCheckChunk), pages-first)
				chunk := buf[:n*cipherPageSize]
				if _, err := f.ReadAt(chunk, first*cipherPageSize); err != nil && err != io.EOF {
					mu.Lock()
					ioErr = err
					mu.Unlock()
					return
				}
				for i := int64(0); i < n; i++ {
					page := chunk[i*cipherPageSize : (i+1)*cipherPageSize]
					p := first + i + 1
					if p == lockBytePage {
						continue // SQLite never writes the page of its lock bytes
					}
					if p == 1 {
						page = page[cipherSaltSize:]
					}
					data := len(page) - cipherReserve
					mac.Reset()
					mac.Write(page[:data+cipherIVSize])
					binary.LittleEndian.PutUint32(pgno[:], uint32(p))
					mac.Write(pgno[:])
					sum = mac.Sum(sum[:0])
					if !hmac.Equal(sum, page[data+cipherIVSize:data+cipherIVSize+cipherHMACSize]) {
						report(p)
					}
				}
				if d := done.Add(n); progress != nil {
					progress(d, pages)
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if ioErr != nil {
		return nil, fmt.Errorf("page check: %w", ioErr)
	}
	slices.Sort(bad)
	for _, p := range bad {
		found = append(found, IntegrityFinding{check, fmt.Sprintf("page %d: HMAC check failed (the page was changed or damaged outside SQLCipher)", p)})
	}
	if nbad > int64(len(bad)) {
		found = append(found, IntegrityFinding{check, fmt.Sprintf("%d more pages fail the HMAC check", nbad-int64(len(bad)))})
	}
	return found, nil
}
