package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"legco.kz/compliance/assets"
	"legco.kz/compliance/store/policydoc"
)

// ShippedGlossary returns the terminology glossary shipped with the
// program (Law No. 94-V's defined terms and the policy's own).
func ShippedGlossary() (*policydoc.Glossary, error) {
	b, err := assets.FS.ReadFile(assets.GlossaryPath)
	if err != nil {
		return nil, err
	}
	return policydoc.ParseGlossary(b, assets.GlossaryPath)
}

// ShippedWordList returns the Kazakh word list of the language lints.
func ShippedWordList() (*policydoc.WordList, error) {
	b, err := assets.FS.ReadFile(assets.WordsKKPath)
	if err != nil {
		return nil, err
	}
	return policydoc.ParseWordList(bytes.NewReader(b), assets.WordsKKPath)
}

// PolicyGlossary returns the glossary in force: the legal team's once they
// changed it, the shipped one until then.
func (w *Workspace) PolicyGlossary(ctx context.Context) (*policydoc.Glossary, error) {
	return w.policyGlossary(ctx, w.db)
}

func (w *Workspace) policyGlossary(ctx context.Context, q querier) (*policydoc.Glossary, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM policy_glossary_state`).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return ShippedGlossary()
	}
	rows, err := q.QueryContext(ctx, `SELECT id, kind, ru, kk, source, oneway FROM policy_glossary ORDER BY position, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	g := &policydoc.Glossary{Format: policydoc.GlossaryFormat}
	for rows.Next() {
		var e policydoc.GlossaryEntry
		var kind, ru, kk string
		if err := rows.Scan(&e.ID, &kind, &ru, &kk, &e.Source, &e.OneWay); err != nil {
			return nil, err
		}
		e.Kind = policydoc.GlossaryKind(kind)
		if err := json.Unmarshal([]byte(ru), &e.RU); err != nil {
			return nil, fmt.Errorf("glossary entry %s: field ru: %w", e.ID, err)
		}
		if err := json.Unmarshal([]byte(kk), &e.KK); err != nil {
			return nil, fmt.Errorf("glossary entry %s: field kk: %w", e.ID, err)
		}
		g.Entries = append(g.Entries, e)
	}
	return g, rows.Err()
}

// lexicons caches compiled glossaries by content: the editor checks on
// every keystroke, the glossary changes rarely.
var lexicons sync.Map // sha256 of the glossary JSON -> *policydoc.Lexicon

// PolicyLexicon returns the glossary in force with the shipped word list,
// compiled for policydoc.CheckAll.
func (w *Workspace) PolicyLexicon(ctx context.Context) (*policydoc.Lexicon, error) {
	g, err := w.PolicyGlossary(ctx)
	if err != nil {
		return nil, err
	}
	return LexiconFor(g)
}

// LexiconFor compiles g with the shipped word list (cached).
func LexiconFor(g *policydoc.Glossary) (*policydoc.Lexicon, error) {
	b, _ := json.Marshal(g)
	sum := sha256.Sum256(b)
	key := hex.EncodeToString(sum[:])
	if lx, ok := lexicons.Load(key); ok {
		return lx.(*policydoc.Lexicon), nil
	}
	wl, err := ShippedWordList()
	if err != nil {
		return nil, err
	}
	lx := policydoc.NewLexicon(g, wl)
	lexicons.Store(key, lx)
	return lx, nil
}

// writeGlossary replaces the stored glossary with g inside tx.
func (w *Workspace) writeGlossary(ctx context.Context, tx *sql.Tx, g *policydoc.Glossary) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM policy_glossary`); err != nil {
		return err
	}
	for i, e := range g.Entries {
		ru, _ := json.Marshal(e.RU)
		kk, _ := json.Marshal(e.KK)
		if _, err := tx.ExecContext(ctx, `INSERT INTO policy_glossary(id, position, kind, ru, kk, source, oneway) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			e.ID, i, string(e.Kind), string(ru), string(kk), e.Source, e.OneWay); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO policy_glossary_state(id, changed_at, changed_by) VALUES (1, ?, ?)
		ON CONFLICT(id) DO UPDATE SET changed_at = excluded.changed_at, changed_by = excluded.changed_by`, w.stamp(), w.me.Name)
	return err
}

// PutGlossaryEntry adds a glossary entry or replaces the one with its id
// (legal team or admin). The audit entry keeps the old and new forms.
func (w *Workspace) PutGlossaryEntry(ctx context.Context, e policydoc.GlossaryEntry, reason string) error {
	ne, err := policydoc.ValidateEntry(e)
	if err != nil {
		return &ValidationError{Field: "glossary", Reason: err.Error()}
	}
	return w.change(ctx, Change{Perm: PermPolicyEdit, Action: "policy.glossary.put", Object: "glossary:" + ne.ID, Reason: reason},
		func(tx *sql.Tx, c *Change) error {
			g, err := w.policyGlossary(ctx, tx)
			if err != nil {
				return err
			}
			details := map[string]any{"kind": string(ne.Kind), "ru": ne.RU, "kk": ne.KK}
			replaced := false
			for i, old := range g.Entries {
				if old.ID == ne.ID {
					details["old_ru"], details["old_kk"], details["old_kind"] = old.RU, old.KK, string(old.Kind)
					g.Entries[i] = ne
					replaced = true
				}
			}
			if !replaced {
				g.Entries = append(g.Entries, ne)
			}
			c.Details = details
			return w.writeGlossary(ctx, tx, g)
		})
}

// RemoveGlossaryEntry removes an entry (legal team or admin).
func (w *Workspace) RemoveGlossaryEntry(ctx context.Context, id, reason string) error {
	return w.change(ctx, Change{Perm: PermPolicyEdit, Action: "policy.glossary.remove", Object: "glossary:" + id, Reason: reason},
		func(tx *sql.Tx, c *Change) error {
			g, err := w.policyGlossary(ctx, tx)
			if err != nil {
				return err
			}
			out := g.Entries[:0:0]
			for _, e := range g.Entries {
				if e.ID == id {
					c.Details = map[string]any{"kind": string(e.Kind), "ru": e.RU, "kk": e.KK}
					continue
				}
				out = append(out, e)
			}
			if c.Details == nil {
				return fmt.Errorf("glossary entry %q: %w", id, ErrNotFound)
			}
			g.Entries = out
			return w.writeGlossary(ctx, tx, g)
		})
}

// AcceptedFinding is a finding the legal team accepted as intended wording.
type AcceptedFinding struct {
	Key, Code, Lang, Clause, Found, Message, Reason string
	Edition                                         int
	AcceptedBy                                      string
	AcceptedAt                                      time.Time
}

// AcceptedFindings lists the accepted-wording marks, by key.
func (w *Workspace) AcceptedFindings(ctx context.Context) (map[string]AcceptedFinding, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT key, code, lang, clause, found, message, reason, edition, accepted_by, accepted_at FROM policy_accepted`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]AcceptedFinding{}
	for rows.Next() {
		var a AcceptedFinding
		var at string
		if err := rows.Scan(&a.Key, &a.Code, &a.Lang, &a.Clause, &a.Found, &a.Message, &a.Reason, &a.Edition, &a.AcceptedBy, &at); err != nil {
			return nil, err
		}
		a.AcceptedAt, _ = time.Parse(time.RFC3339Nano, at)
		out[a.Key] = a
	}
	return out, rows.Err()
}

// AcceptPolicyFinding marks a finding of the check of edition as accepted
// wording, with the reason (legal team or admin). The mark holds in later
// drafts as long as the clause's text is unchanged.
func (w *Workspace) AcceptPolicyFinding(ctx context.Context, edition int, p policydoc.Problem, reason string) error {
	if reason == "" {
		return &ValidationError{Field: "reason", Reason: "say why the wording is right"}
	}
	return w.change(ctx, Change{Perm: PermPolicyEdit, Action: "policy.finding.accept", Object: fmt.Sprintf("policy:%d", edition), Reason: reason},
		func(tx *sql.Tx, c *Change) error {
			ed, err := w.policyEdition(ctx, tx, edition)
			if err != nil {
				return err
			}
			key := policydoc.AcceptKey(ed.Doc, p)
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO policy_accepted(key, code, lang, clause, found, message, reason, edition, accepted_by, accepted_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, key, p.Code, string(p.Lang), p.Clause, p.Found, p.Message, reason, edition, w.me.Name, w.stamp()); err != nil {
				return err
			}
			c.Details = map[string]any{"key": key, "code": p.Code, "clause": p.Clause, "lang": string(p.Lang), "found": p.Found}
			return nil
		})
}

// RevokeAcceptedFinding removes an accepted-wording mark.
func (w *Workspace) RevokeAcceptedFinding(ctx context.Context, key, reason string) error {
	return w.change(ctx, Change{Perm: PermPolicyEdit, Action: "policy.finding.revoke", Object: "finding:" + key, Reason: reason},
		func(tx *sql.Tx, c *Change) error {
			res, err := tx.ExecContext(ctx, `DELETE FROM policy_accepted WHERE key = ?`, key)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return fmt.Errorf("accepted finding %s: %w", key, ErrNotFound)
			}
			return nil
		})
}

// PolicyFindings runs the full check (structure, glossary, lints) on doc
// with the glossary in force; accepted findings are returned apart.
func (w *Workspace) PolicyFindings(ctx context.Context, doc *policydoc.Document) (open, accepted []policydoc.Problem, err error) {
	lx, err := w.PolicyLexicon(ctx)
	if err != nil {
		return nil, nil, err
	}
	marks, err := w.AcceptedFindings(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range policydoc.CheckAll(doc, lx) {
		if _, ok := marks[policydoc.AcceptKey(doc, p)]; ok {
			accepted = append(accepted, p)
		} else {
			open = append(open, p)
		}
	}
	return open, accepted, nil
}

// ApplyPolicyFix applies a finding's suggested correction to a draft; the
// change is the draft's, audited like any edit.
func (w *Workspace) ApplyPolicyFix(ctx context.Context, number int, p policydoc.Problem) (*Edition, error) {
	if p.Fix == nil {
		return nil, &ValidationError{Field: "fix", Reason: "this finding has no suggested correction"}
	}
	err := w.change(ctx, Change{Perm: PermPolicyEdit, Action: "policy.fix", Object: fmt.Sprintf("policy:%d", number), Reason: "suggested correction: " + p.Code},
		func(tx *sql.Tx, c *Change) error {
			cur, err := w.draft(ctx, tx, number)
			if err != nil {
				return err
			}
			doc := cur.Doc.Clone()
			if err := policydoc.ApplyFix(doc, p); err != nil {
				return err
			}
			content, err := json.Marshal(doc)
			if err != nil {
				return err
			}
			sum := policydoc.Hash(doc)
			hash := hex.EncodeToString(sum[:])
			if _, err := tx.ExecContext(ctx, `UPDATE policy_editions SET content = ?, sha256 = ? WHERE number = ?`, string(content), hash, number); err != nil {
				return err
			}
			c.Details = map[string]any{"from_sha256": cur.SHA256, "sha256": hash, "code": p.Code, "clause": p.Clause, "lang": string(p.Lang),
				"found": p.Found, "replacement": p.Fix.Text}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return w.PolicyEdition(ctx, number)
}

// SetPolicyReconsent sets a draft's «needs renewed consent» flag.
func (w *Workspace) SetPolicyReconsent(ctx context.Context, number int, needs bool, reason string) error {
	return w.change(ctx, Change{Perm: PermPolicyPublish, Action: "policy.reconsent", Object: fmt.Sprintf("policy:%d", number), Reason: reason},
		func(tx *sql.Tx, c *Change) error {
			if _, err := w.draft(ctx, tx, number); err != nil {
				return err
			}
			c.Details = map[string]any{"needs_reconsent": needs}
			_, err := tx.ExecContext(ctx, `UPDATE policy_editions SET needs_reconsent = ? WHERE number = ?`, needs, number)
			return err
		})
}

// PolicyNotice returns the notice of changes from edition from to edition
// to: the stored one (edited, or frozen at publication) with its items
// brought up to date for a draft, or the standard one.
func (w *Workspace) PolicyNotice(ctx context.Context, from, to int) (*policydoc.Notice, error) {
	return w.policyNotice(ctx, w.db, from, to)
}

func (w *Workspace) policyNotice(ctx context.Context, q querier, from, to int) (*policydoc.Notice, error) {
	a, err := w.policyEdition(ctx, q, from)
	if err != nil {
		return nil, err
	}
	b, err := w.policyEdition(ctx, q, to)
	if err != nil {
		return nil, err
	}
	var content string
	err = q.QueryRowContext(ctx, `SELECT content FROM policy_notices WHERE edition = ?`, to).Scan(&content)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if err == nil {
		n := &policydoc.Notice{}
		if err := json.Unmarshal([]byte(content), n); err != nil {
			return nil, fmt.Errorf("notice of edition %d: stored content unreadable: %w", to, err)
		}
		if n.From == from {
			if b.Status == EditionDraft {
				n.Items = policydoc.NoticeItems(a.Doc, b.Doc)
				n.NeedsReconsent = b.NeedsReconsent
			}
			return n, nil
		}
	}
	return policydoc.NewNotice(a.Doc, b.Doc, from, to, b.NeedsReconsent), nil
}

// SavePolicyNotice stores the edited texts of a draft's notice of changes
// (its items always follow the diff).
func (w *Workspace) SavePolicyNotice(ctx context.Context, n *policydoc.Notice, reason string) error {
	return w.change(ctx, Change{Perm: PermPolicyEdit, Action: "policy.notice", Object: fmt.Sprintf("policy:%d", n.To), Reason: reason},
		func(tx *sql.Tx, c *Change) error {
			if _, err := w.draft(ctx, tx, n.To); err != nil {
				return err
			}
			cur, err := w.policyNotice(ctx, tx, n.From, n.To)
			if err != nil {
				return err
			}
			cur.TitleRU, cur.TitleKK, cur.IntroRU, cur.IntroKK, cur.ClosingRU, cur.ClosingKK = n.TitleRU, n.TitleKK, n.IntroRU, n.IntroKK, n.ClosingRU, n.ClosingKK
			content, _ := json.Marshal(cur)
			c.Details = map[string]any{"from": n.From, "items": len(cur.Items)}
			_, err = tx.ExecContext(ctx, `INSERT INTO policy_notices(edition, content, updated_by, updated_at) VALUES (?, ?, ?, ?)
				ON CONFLICT(edition) DO UPDATE SET content = excluded.content, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
				n.To, string(content), w.me.Name, w.stamp())
			return err
		})
}

// freezeNotice stores, inside the publication's transaction, the notice
// that goes out with the edition.
func (w *Workspace) freezeNotice(ctx context.Context, tx *sql.Tx, ed *Edition, prev int) error {
	n, err := w.policyNotice(ctx, tx, prev, ed.Number)
	if err != nil {
		return err
	}
	content, _ := json.Marshal(n)
	_, err = tx.ExecContext(ctx, `INSERT INTO policy_notices(edition, content, updated_by, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT(edition) DO UPDATE SET content = excluded.content, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		ed.Number, string(content), w.me.Name, w.stamp())
	return err
}
