package auditpack

import (
	"archive/zip"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"legco.kz/compliance/reports/auditpack/verify"
)

// sink receives the pack's files one after the other (a zip can hold one
// open entry at a time) and records each file's size and SHA-256 as it
// is written, so nothing is read back.
type sink interface {
	create(name string) (io.Writer, error)
	// adopt takes the finished file at path, whose size and digest the
	// caller worked out as it wrote it, as the pack's file name (the
	// file is moved or copied; the caller removes what is left).
	adopt(name, path string, f verify.File) error
	// commit finishes the pack and moves it into place; abort removes
	// what was written.
	commit() error
	abort()
}

// recorder is what both sinks share: the open file's digest and the list
// of finished files.
type recorder struct {
	files []verify.File
	cur   *digestWriter
}

type digestWriter struct {
	name string
	w    io.Writer
	h    hash.Hash
	n    int64
}

func (d *digestWriter) Write(p []byte) (int, error) {
	n, err := d.w.Write(p)
	d.h.Write(p[:n])
	d.n += int64(n)
	return n, err
}

func (r *recorder) start(name string, w io.Writer) *digestWriter {
	r.cur = &digestWriter{name: name, w: w, h: sha256.New()}
	return r.cur
}

func (r *recorder) finish() {
	if r.cur != nil {
		r.files = append(r.files, verify.File{Name: r.cur.name, Size: r.cur.n, SHA256: hex.EncodeToString(r.cur.h.Sum(nil))})
		r.cur = nil
	}
}

// sorted returns the finished files by name.
func (r *recorder) sorted() []verify.File {
	out := append([]verify.File(nil), r.files...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func checkName(name string) error {
	if name == "" || path.Clean(name) != name || strings.HasPrefix(name, "/") || strings.HasPrefix(name, "..") || strings.Contains(name, "\\") {
		return fmt.Errorf("audit pack: bad file name %q", name)
	}
	return nil
}

// dirSink writes into OUT.partial and renames it to OUT on commit, so a
// cancelled or failed pack leaves no half folder under the final name.
type dirSink struct {
	recorder
	final, tmp string
	f          *os.File
}

func newDirSink(out string) (*dirSink, error) {
	if _, err := os.Stat(out); err == nil {
		return nil, fmt.Errorf("audit pack: %s already exists; choose a new folder", out)
	}
	tmp := out + ".partial"
	os.RemoveAll(tmp)
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, fmt.Errorf("audit pack: %w", err)
	}
	return &dirSink{final: out, tmp: tmp}, nil
}

func (s *dirSink) closeCur() error {
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	s.finish()
	return err
}

func (s *dirSink) create(name string) (io.Writer, error) {
	if err := s.closeCur(); err != nil {
		return nil, err
	}
	if err := checkName(name); err != nil {
		return nil, err
	}
	p := filepath.Join(s.tmp, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit pack: %w", err)
	}
	s.f = f
	return s.start(name, f), nil
}

func (s *dirSink) adopt(name, path string, f verify.File) error {
	if err := s.closeCur(); err != nil {
		return err
	}
	if err := checkName(name); err != nil {
		return err
	}
	dst := filepath.Join(s.tmp, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	if err := os.Rename(path, dst); err != nil {
		return fmt.Errorf("audit pack: %w", err)
	}
	s.files = append(s.files, f)
	return nil
}

func (s *dirSink) commit() error {
	if err := s.closeCur(); err != nil {
		return err
	}
	if err := os.Rename(s.tmp, s.final); err != nil {
		return fmt.Errorf("audit pack: move the pack into place: %w", err)
	}
	return nil
}

func (s *dirSink) abort() {
	if s.f != nil {
		s.f.Close()
	}
	os.RemoveAll(s.tmp)
}

// zipSink writes one zip file (OUT.partial, renamed on commit). Entries
// carry a fixed time so the same files give the same entries.
type zipSink struct {
	recorder
	final, tmp string
	f          *os.File
	z          *zip.Writer
	modified   time.Time
}

func newZipSink(out string, modified time.Time) (*zipSink, error) {
	if _, err := os.Stat(out); err == nil {
		return nil, fmt.Errorf("audit pack: %s already exists; choose a new file name", out)
	}
	tmp := out + ".partial"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit pack: %w", err)
	}
	z := zip.NewWriter(f)
	// The audit CSV is mostly hex digests, which hardly compress: the
	// fastest level loses little and keeps a million-entry pack quick.
	z.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	return &zipSink{final: out, tmp: tmp, f: f, z: z, modified: modified}, nil
}

func (s *zipSink) create(name string) (io.Writer, error) {
	s.finish()
	if err := checkName(name); err != nil {
		return nil, err
	}
	w, err := s.z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: s.modified})
	if err != nil {
		return nil, fmt.Errorf("audit pack: %w", err)
	}
	return s.start(name, w), nil
}

func (s *zipSink) adopt(name, path string, _ verify.File) error {
	src, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("audit pack: %w", err)
	}
	defer src.Close()
	w, err := s.create(name)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, src); err != nil {
		return fmt.Errorf("audit pack: %s: %w", name, err)
	}
	return nil
}

func (s *zipSink) commit() error {
	s.finish()
	err := errors.Join(s.z.Close(), s.f.Sync(), s.f.Close())
	if err != nil {
		os.Remove(s.tmp)
		return fmt.Errorf("audit pack: %w", err)
	}
	if err := os.Rename(s.tmp, s.final); err != nil {
		return fmt.Errorf("audit pack: %w", err)
	}
	return nil
}

func (s *zipSink) abort() {
	s.f.Close()
	os.Remove(s.tmp)
}
