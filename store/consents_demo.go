package store

import (
	"context"
	"io"
	"time"

	"legco.kz/compliance/store/demo"
	"legco.kz/compliance/store/exportfile"
)

// demoConsents feeds the generated consent history of users 0…n-1.
type demoConsents struct {
	g         *demo.Generator
	effective []time.Time
	i, n      int
	buf       []exportfile.Consent
	line      int
}

func (s *demoConsents) Next() (exportfile.Consent, error) {
	for len(s.buf) == 0 {
		if s.i >= s.n {
			return exportfile.Consent{}, io.EOF
		}
		s.buf = s.g.Consents(s.g.User(s.i), s.i, s.effective)
		s.i++
	}
	c := s.buf[0]
	s.buf = s.buf[1:]
	s.line++
	c.Line = s.line
	return c, nil
}

func (s *demoConsents) BytesRead() int64 { return int64(s.i) }

// LoadDemoConsents records the generated consent history (demo.Consents)
// of the first n demo users of seed, whose editions took effect at
// effective (edition k+1 at effective[k]; they must be published). It
// goes through the consent import, so it is idempotent.
func (w *Workspace) LoadDemoConsents(ctx context.Context, n int, seed int64, effective []time.Time, progress func(done, total int)) (*ImportResult, error) {
	if err := w.can(PermConsentsWrite); err != nil {
		return nil, err
	}
	src := &demoConsents{g: demo.New(seed), effective: effective, n: n}
	opts := ImportOptions{}
	if progress != nil {
		opts.Progress = func(p ImportProgress) { progress(int(src.BytesRead()), n) }
	}
	return w.importConsents(ctx, src, "demo", nil, opts)
}
