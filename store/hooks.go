package store

import (
	"context"
	"database/sql"
	"time"
)

// queryer is what *sql.DB and *sql.Tx share for reads, so a rule can be
// checked inside the transaction that acts on it.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// consentValidAt answers whether accountID's consent to purpose (a
// consent-catalog code such as "counterparty_disclosure") was in force at
// t. The consent ledger (consents.go) sets it; requests (grounds 3.2.1 and
// 1.6) call it. Nil means the build has no ledger: such disclosures are
// refused.
var consentValidAt func(ctx context.Context, q queryer, accountID, purpose string, at time.Time) (bool, error)

type requestKey struct{}

// WithRequest marks the changes made with ctx as carried out under a
// data-subject or disclosure request: their audit entries record the
// request id (details "request"), and acts name it.
func WithRequest(ctx context.Context, requestID string) context.Context {
	if requestID == "" {
		return ctx
	}
	return context.WithValue(ctx, requestKey{}, requestID)
}

// RequestFrom returns the request id WithRequest put in ctx, if any.
func RequestFrom(ctx context.Context) string {
	s, _ := ctx.Value(requestKey{}).(string)
	return s
}
