package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// The ledger names an event's user agent by its id in consent_user_agents
// (migration 0014): each distinct text is stored once. n there counts the
// events that name it; the inserter moves it once per transaction by what
// it added, and the destruction of a user's events moves it back by
// trigger, deleting a user agent no event names.

// maxUserAgentIDs bounds the ids an inserter keeps (from chunk to chunk): an
// export's user agents are a few thousand, but a file may hold any text.
const maxUserAgentIDs = 1 << 15

// keepUserAgents starts a transaction's user agents: the ids met so far
// are kept when the transaction that read them committed and no user
// agent was released since; otherwise they are read afresh (a rolled-back
// transaction's new user agents are gone, and a destruction in between
// may have deleted one that no event names any more).
func (c *consentInserter) keepUserAgents(ctx context.Context, tx *sql.Tx) error {
	var released int64
	if err := tx.QueryRowContext(ctx, `SELECT n FROM consent_user_agents_released`).Scan(&released); err != nil {
		return fmt.Errorf("user agents: %w", err)
	}
	if c.uaIDs == nil || !c.uaKept || released != c.uaReleased {
		c.uaIDs = map[string]int64{}
		c.uaLast, c.uaLastID = "", 0
	}
	c.uaKept, c.uaReleased = false, released
	if c.uaNew == nil {
		c.uaNew = map[int64]int{}
	}
	clear(c.uaNew)
	c.uaAdded = c.uaAdded[:0]
	return nil
}

// userAgentsCommitted says that the transaction's user agents are
// committed: their ids stay good for the next one.
func (c *consentInserter) userAgentsCommitted() { c.uaKept = true }

func (c *consentInserter) prepareUserAgents(ctx context.Context, tx *sql.Tx) error {
	var err error
	if c.uaFind, err = tx.PrepareContext(ctx, `SELECT id FROM consent_user_agents WHERE text = ?`); err != nil {
		return err
	}
	c.uaAdd, err = tx.PrepareContext(ctx, `INSERT INTO consent_user_agents(text, n) VALUES (?, 0)`)
	return err
}

// userAgentID returns the id of the user agent text, storing it when it
// is new; 0 for no user agent.
func (c *consentInserter) userAgentID(ctx context.Context, text string) (int64, error) {
	if text == "" {
		return 0, nil
	}
	if text == c.uaLast {
		return c.uaLastID, nil
	}
	if id, ok := c.uaIDs[text]; ok {
		c.uaLast, c.uaLastID = text, id
		return id, nil
	}
	if len(c.uaIDs) >= maxUserAgentIDs {
		clear(c.uaIDs)
	}
	var id int64
	err := c.uaFind.QueryRowContext(ctx, text).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		res, err := c.uaAdd.ExecContext(ctx, text)
		if err != nil {
			return 0, fmt.Errorf("user agent: %w", err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return 0, err
		}
		c.uaAdded = append(c.uaAdded, id)
	} else if err != nil {
		return 0, fmt.Errorf("user agent: %w", err)
	}
	// A clone: the text may be a slice of a whole line of the file.
	text = strings.Clone(text)
	c.uaIDs[text] = id
	c.uaLast, c.uaLastID = text, id
	return id, nil
}

// uaArg is the value bound for a user agent id: NULL for none.
func uaArg(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// flushUserAgents adds the new events of the transaction to their user
// agents' n, and deletes the user agents it stored that no event names
// after all (every event that named one was already in the ledger, under
// another user agent).
func (c *consentInserter) flushUserAgents(ctx context.Context, tx *sql.Tx) error {
	if len(c.uaNew) > 0 {
		st, err := tx.PrepareContext(ctx, `UPDATE consent_user_agents SET n = n + ? WHERE id = ?`)
		if err != nil {
			return err
		}
		defer st.Close()
		for id, n := range c.uaNew {
			if _, err := st.ExecContext(ctx, n, id); err != nil {
				return fmt.Errorf("user agent %d: %w", id, err)
			}
		}
	}
	for _, id := range c.uaAdded {
		if c.uaNew[id] > 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM consent_user_agents WHERE id = ? AND n = 0`, id); err != nil {
			return fmt.Errorf("user agent %d: %w", id, err)
		}
		for text, known := range c.uaIDs {
			if known == id {
				delete(c.uaIDs, text)
			}
		}
		if c.uaLastID == id {
			c.uaLast, c.uaLastID = "", 0
		}
	}
	clear(c.uaNew)
	c.uaAdded = c.uaAdded[:0]
	return nil
}
