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

// demoEditionChanges are the small edits that make the demo's later
// editions from the seed: text appended to a clause in both languages.
var demoEditionChanges = []struct {
	clause, ru, kk, reason string
}{
	{"6.1", " Вопросы об обработке персональных данных направляются на адрес privacy@legco.kz.",
		" Дербес деректерді өңдеу туралы сұрақтар privacy@legco.kz мекенжайына жіберіледі.", "demo: contact address for data subjects"},
	{"1.5", " Пользователь вправе отозвать это согласие в личном кабинете.",
		" Пайдаланушы бұл келісімді жеке кабинетте кері қайтарып ала алады.", "demo: withdrawal of the SMS consent"},
}

// PublishDemoEditions makes sure editions 1…len(effective) are published,
// edition k+1 effective at effective[k]: the built-in policy first, then
// copies of it with a sentence added to a clause (demo data only).
func (w *Workspace) PublishDemoEditions(ctx context.Context, effective []time.Time) error {
	cur, err := w.PublishedEdition(ctx)
	if err != nil {
		return err
	}
	for k := cur; k < len(effective); k++ {
		var d *Edition
		if k == 0 {
			d, err = w.ImportBuiltinPolicy(ctx)
		} else {
			d, err = w.NewPolicyDraft(ctx, "demo: new edition")
		}
		if err != nil {
			return err
		}
		reason := "demo: the edition shipped with the program"
		if k > 0 {
			ch := demoEditionChanges[(k-1)%len(demoEditionChanges)]
			if i := d.Doc.Find(ch.clause); i >= 0 {
				d.Doc.Clauses[i].RU.Plain += ch.ru // appended: underlines keep their offsets
				d.Doc.Clauses[i].KK.Plain += ch.kk
			}
			if d, err = w.SavePolicyDraft(ctx, d.Number, d.Doc, ch.reason); err != nil {
				return err
			}
			reason = ch.reason
		}
		if _, err := w.PublishPolicy(ctx, d.Number, effective[k], effective[k], reason); err != nil {
			return err
		}
	}
	return nil
}
