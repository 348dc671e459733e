package demo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"legco.kz/compliance/store/exportfile"
)

// chunkSize is the number of users generated per unit of parallel work.
const chunkSize = 1024

type chunk struct {
	users  []exportfile.User
	access [][]exportfile.Access
}

func (g *Generator) chunk(start, end int) chunk {
	c := chunk{users: make([]exportfile.User, 0, end-start), access: make([][]exportfile.Access, 0, end-start)}
	for i := start; i < end; i++ {
		u := g.User(i)
		c.users = append(c.users, u)
		c.access = append(c.access, g.AccessLog(u, i))
	}
	return c
}

// WriteExports writes the users and access-log export files for users
// 0..n-1 into dir, as "users" and "access" with the format's extension
// (.csv or .jsonl), and returns their paths. Generation runs on all CPUs
// while the files are written in index order, so the output depends only
// on the seed, n and format. Files are written under temporary names and
// renamed when complete (without fsync: demo data is cheap to regenerate). progress, if not nil, is called from the calling
// goroutine with the number of users written so far (after every 1024
// users and at the end).
func (g *Generator) WriteExports(dir string, n int, format exportfile.Format, progress func(done int)) (usersPath, accessPath string, err error) {
	if format != exportfile.CSV && format != exportfile.JSONL {
		return "", "", exportfile.ErrUnknownFormat
	}
	if n < 0 {
		return "", "", errors.New("demo: negative number of users")
	}
	usersPath = filepath.Join(dir, "users"+format.Ext())
	accessPath = filepath.Join(dir, "access"+format.Ext())
	uf, err := os.CreateTemp(dir, ".users-*.tmp")
	if err != nil {
		return "", "", err
	}
	defer func() {
		if uf != nil {
			uf.Close()
			os.Remove(uf.Name())
		}
	}()
	af, err := os.CreateTemp(dir, ".access-*.tmp")
	if err != nil {
		return "", "", err
	}
	defer func() {
		if af != nil {
			af.Close()
			os.Remove(af.Name())
		}
	}()
	uw := exportfile.NewUserWriter(uf, format, ExtraColumns...)
	aw := exportfile.NewAccessWriter(af, format)

	// Futures are queued in order; each is filled by its own goroutine.
	// The queue's capacity bounds the work in flight.
	workers := max(1, runtime.GOMAXPROCS(0))
	futures := make(chan chan chunk, 2*workers)
	done := make(chan struct{})
	defer close(done)
	go func() {
		defer close(futures)
		for start := 0; start < n; start += chunkSize {
			f := make(chan chunk, 1)
			select {
			case futures <- f:
			case <-done:
				return
			}
			go func(start int) { f <- g.chunk(start, min(start+chunkSize, n)) }(start)
		}
	}()
	written := 0
	for f := range futures {
		c := <-f
		for k, u := range c.users {
			if err := uw.Write(u); err != nil {
				return "", "", fmt.Errorf("demo: writing users: %w", err)
			}
			for _, a := range c.access[k] {
				if err := aw.Write(a); err != nil {
					return "", "", fmt.Errorf("demo: writing access log: %w", err)
				}
			}
		}
		written += len(c.users)
		if progress != nil {
			progress(written)
		}
	}
	if err := uw.Flush(); err != nil {
		return "", "", err
	}
	if err := aw.Flush(); err != nil {
		return "", "", err
	}
	if progress != nil && n == 0 {
		progress(0)
	}
	for _, f := range []struct {
		file **os.File
		path string
	}{{&uf, usersPath}, {&af, accessPath}} {
		if err := (*f.file).Close(); err != nil {
			return "", "", err
		}
		if err := os.Rename((*f.file).Name(), f.path); err != nil {
			return "", "", err
		}
		*f.file = nil
	}
	return usersPath, accessPath, nil
}
