package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"legco.kz/compliance/assets"
	"legco.kz/compliance/store/policydoc"
)

// EditionStatus is where a policy edition stands.
type EditionStatus string

const (
	EditionDraft     EditionStatus = "draft"
	EditionPublished EditionStatus = "published"
	EditionRetired   EditionStatus = "retired"
)

// ErrEditionPublished is matched by attempts to change a published edition.
var ErrEditionPublished = errors.New("published policy editions cannot be changed; start a new draft")

// Edition is one edition of the privacy policy (clause 6.1).
type Edition struct {
	Number      int
	Status      EditionStatus
	BasedOn     int       // the edition a draft was copied from, 0 if imported
	UpdatedOn   time.Time // «Дата последнего обновления», date only
	EffectiveOn time.Time // takes effect (clause 6.1: on publication unless stated)
	PublishedAt time.Time
	PublishedBy string
	Author      string
	CreatedAt   time.Time
	Source      string // file it was imported from, or "edition N"
	SHA256      string // of policydoc.Canonical(Doc)
	Doc         *policydoc.Document
	// Supersedes is the edition this one replaced when it was published
	// (0 for the first, or while a draft).
	Supersedes int
	// NeedsReconsent: the legal team decided the changes need users'
	// renewed consent (the consents work builds its backlog from it).
	NeedsReconsent bool
}

const dateOnly = "2006-01-02"

func dateText(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(dateOnly)
}

// ImportPolicy parses a policy in the seed format (Russian<TAB>Kazakh
// rows of HTML fragments) and stores it as a new draft.
func (w *Workspace) ImportPolicy(ctx context.Context, r io.Reader, name string) (*Edition, error) {
	doc, err := policydoc.Parse(r, name)
	if err != nil {
		return nil, err
	}
	return w.insertEdition(ctx, doc, 0, name, "policy.import", "import of "+name)
}

// ImportBuiltinPolicy stores the edition shipped with the program (the
// policy as published before this tool) as a new draft.
func (w *Workspace) ImportBuiltinPolicy(ctx context.Context) (*Edition, error) {
	b, err := assets.FS.ReadFile(assets.SeedPolicyPath)
	if err != nil {
		return nil, err
	}
	return w.ImportPolicy(ctx, bytes.NewReader(b), "legco-privacy-policy.ru-kk.txt")
}

func (w *Workspace) insertEdition(ctx context.Context, doc *policydoc.Document, basedOn int, source, action, reason string) (*Edition, error) {
	content, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	sum := policydoc.Hash(doc)
	e := &Edition{Status: EditionDraft, BasedOn: basedOn, Author: w.me.Name, CreatedAt: w.now(), Source: source, SHA256: hex.EncodeToString(sum[:]), Doc: doc}
	err = w.change(ctx, Change{Perm: PermPolicyEdit, Action: action, Reason: reason}, func(tx *sql.Tx, c *Change) error {
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(number), 0) + 1 FROM policy_editions`).Scan(&e.Number); err != nil {
			return err
		}
		var based any
		if basedOn > 0 {
			based = basedOn
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO policy_editions(number, status, based_on, author, created_at, source, content, sha256)
			VALUES (?, 'draft', ?, ?, ?, ?, ?, ?)`, e.Number, based, e.Author, w.stamp(), source, string(content), e.SHA256); err != nil {
			return err
		}
		c.Object = fmt.Sprintf("policy:%d", e.Number)
		c.Details = map[string]any{"sha256": e.SHA256, "clauses": len(doc.Clauses), "source": source}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// PolicyEditions lists editions, newest first, without their content.
func (w *Workspace) PolicyEditions(ctx context.Context) ([]Edition, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT `+editionCols+` FROM policy_editions ORDER BY number DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Edition
	for rows.Next() {
		e, err := scanEdition(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

const editionCols = `number, status, coalesce(based_on, 0), coalesce(updated_on, ''), coalesce(effective_on, ''), coalesce(published_at, ''),
	coalesce(published_by, ''), author, created_at, source, sha256, coalesce(supersedes, 0), needs_reconsent`

// scanEdition reads the editionCols of a row, then any extra columns
// into extra.
func scanEdition(s scanner, extra ...any) (Edition, error) {
	var e Edition
	var status, upd, eff, pub, created string
	dest := append([]any{&e.Number, &status, &e.BasedOn, &upd, &eff, &pub, &e.PublishedBy, &e.Author, &created, &e.Source, &e.SHA256, &e.Supersedes, &e.NeedsReconsent}, extra...)
	if err := s.Scan(dest...); err != nil {
		return e, err
	}
	e.Status = EditionStatus(status)
	e.UpdatedOn, _ = time.Parse(dateOnly, upd)
	e.EffectiveOn, _ = time.Parse(dateOnly, eff)
	e.PublishedAt, _ = time.Parse(time.RFC3339Nano, pub)
	e.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	return e, nil
}

// PolicyEdition loads one edition with its content, and checks that the
// content still matches its recorded SHA-256.
func (w *Workspace) PolicyEdition(ctx context.Context, number int) (*Edition, error) {
	return w.policyEdition(ctx, w.db, number)
}

func (w *Workspace) policyEdition(ctx context.Context, q querier, number int) (*Edition, error) {
	var content string
	row := q.QueryRowContext(ctx, `SELECT `+editionCols+`, content FROM policy_editions WHERE number = ?`, number)
	e, err := scanEdition(row, &content)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("policy edition %d: %w", number, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	e.Doc = &policydoc.Document{}
	if err := json.Unmarshal([]byte(content), e.Doc); err != nil {
		return nil, fmt.Errorf("policy edition %d: stored content unreadable: %w", number, err)
	}
	sum := policydoc.Hash(e.Doc)
	if got := hex.EncodeToString(sum[:]); got != e.SHA256 {
		return nil, fmt.Errorf("policy edition %d: content hash %s does not match the recorded %s", number, got[:16], e.SHA256[:16])
	}
	return &e, nil
}

// draft loads an edition that is still a draft, for a change to it.
func (w *Workspace) draft(ctx context.Context, q querier, number int) (*Edition, error) {
	cur, err := w.policyEdition(ctx, q, number)
	if err != nil {
		return nil, err
	}
	if cur.Status != EditionDraft {
		return nil, fmt.Errorf("policy edition %d is %s: %w", number, cur.Status, ErrEditionPublished)
	}
	return cur, nil
}

// LatestPolicy returns the newest edition in the given status (any status
// when status is "").
func (w *Workspace) LatestPolicy(ctx context.Context, status EditionStatus) (*Edition, error) {
	var n int
	q := `SELECT coalesce(max(number), 0) FROM policy_editions`
	var args []any
	if status != "" {
		q, args = q+` WHERE status = ?`, append(args, string(status))
	}
	if err := w.db.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("no %s policy edition: %w", status, ErrNotFound)
	}
	return w.PolicyEdition(ctx, n)
}

// NewPolicyDraft starts a draft as a copy of the newest edition.
func (w *Workspace) NewPolicyDraft(ctx context.Context, reason string) (*Edition, error) {
	if err := w.can(PermPolicyEdit); err != nil {
		return nil, err
	}
	latest, err := w.LatestPolicy(ctx, "")
	if err != nil {
		return nil, err
	}
	return w.insertEdition(ctx, latest.Doc.Clone(), latest.Number, fmt.Sprintf("edition %d", latest.Number), "policy.draft", reason)
}

// SavePolicyDraft replaces a draft's content.
func (w *Workspace) SavePolicyDraft(ctx context.Context, number int, doc *policydoc.Document, reason string) (*Edition, error) {
	content, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	sum := policydoc.Hash(doc)
	hash := hex.EncodeToString(sum[:])
	err = w.change(ctx, Change{Perm: PermPolicyEdit, Action: "policy.edit", Object: fmt.Sprintf("policy:%d", number), Reason: reason},
		func(tx *sql.Tx, c *Change) error {
			cur, err := w.draft(ctx, tx, number)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE policy_editions SET content = ?, sha256 = ? WHERE number = ?`, string(content), hash, number); err != nil {
				return err
			}
			c.Details = map[string]any{"from_sha256": cur.SHA256, "sha256": hash, "changes": len(policydoc.Diff(cur.Doc, doc))}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return w.PolicyEdition(ctx, number)
}

// DeletePolicyDraft removes a draft; published editions stay for ever.
func (w *Workspace) DeletePolicyDraft(ctx context.Context, number int, reason string) error {
	return w.change(ctx, Change{Perm: PermPolicyEdit, Action: "policy.delete", Object: fmt.Sprintf("policy:%d", number), Reason: reason},
		func(tx *sql.Tx, c *Change) error {
			cur, err := w.draft(ctx, tx, number)
			if err != nil {
				return err
			}
			c.Details = map[string]any{"sha256": cur.SHA256}
			_, err = tx.ExecContext(ctx, `DELETE FROM policy_editions WHERE number = ?`, number)
			return err
		})
}

// PublishPolicy publishes a draft with its «last updated» date and the
// date it takes effect (clause 6.1: on publication unless the edition
// says otherwise; zero effective means the publication date). The
// previously published edition is retired. Legal or admin only.
func (w *Workspace) PublishPolicy(ctx context.Context, number int, updatedOn, effectiveOn time.Time, reason string) (*Edition, error) {
	if updatedOn.IsZero() {
		return nil, &ValidationError{Field: "updated", Reason: "the «last updated» date is required (clause 6.1)"}
	}
	now := w.now()
	if effectiveOn.IsZero() {
		effectiveOn = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	}
	if effectiveOn.Before(updatedOn) {
		return nil, &ValidationError{Field: "effective", Reason: "cannot be before the «last updated» date"}
	}
	if reason == "" {
		reason = "publication"
	}
	err := w.change(ctx, Change{Perm: PermPolicyPublish, Action: "policy.publish", Object: fmt.Sprintf("policy:%d", number), Reason: reason},
		func(tx *sql.Tx, c *Change) error {
			cur, err := w.draft(ctx, tx, number)
			if err != nil {
				return err
			}
			if len(cur.Doc.Clauses) == 0 {
				return &ValidationError{Field: "content", Reason: "an empty edition cannot be published"}
			}
			var prev int
			tx.QueryRowContext(ctx, `SELECT coalesce(max(number), 0) FROM policy_editions WHERE status = 'published'`).Scan(&prev)
			if _, err := tx.ExecContext(ctx, `UPDATE policy_editions SET status = 'retired' WHERE status = 'published'`); err != nil {
				return err
			}
			var supersedes any
			if prev > 0 {
				supersedes = prev
				// The notice of changes goes out with the edition: freeze
				// the one edited, or the standard one.
				if err := w.freezeNotice(ctx, tx, cur, prev); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE policy_editions SET status = 'published', updated_on = ?, effective_on = ?, published_at = ?, published_by = ?, supersedes = ?
				WHERE number = ?`, dateText(updatedOn), dateText(effectiveOn), w.stamp(), w.me.Name, supersedes, number); err != nil {
				return err
			}
			c.Details = map[string]any{"sha256": cur.SHA256, "updated_on": updatedOn.Format(dateOnly), "effective_on": effectiveOn.Format(dateOnly), "retired": prev,
				"supersedes": prev, "needs_reconsent": cur.NeedsReconsent}
			if prev > 0 {
				c.Seal = append(c.Seal, fmt.Sprintf("policy:%d", prev)) // retired by this entry (seal.go)
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	return w.PolicyEdition(ctx, number)
}
