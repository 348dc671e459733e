package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// An import's WAL checkpoints run beside it, not in its commits.
//
// SQLite checkpoints in the commit that takes the WAL past 1,000 pages:
// with an import's chunk of thousands of pages, every chunk's commit
// copied its pages into the main file and waited for two fsyncs before
// the next chunk could start. The writer is the import's bottleneck and
// the second core is mostly idle, so an import runs its chunks on one
// connection with automatic checkpoints off, and a goroutine with a
// connection of its own checkpoints (PASSIVE: it never blocks the writer)
// after each commit. Every importCatchUp chunks the writer waits until
// the checkpoints have caught up before it starts the next chunk: a
// transaction that starts with the WAL wholly copied restarts the WAL
// from its beginning, so the file stays at a few chunks' size.
//
// Durability is unchanged: a commit is in the WAL, which a crash or kill
// keeps and the next open replays, checkpointed or not.

// importCatchUp is how many chunks the WAL may hold before the writer
// waits for the checkpoints.
const importCatchUp = 4

// writeConnKey carries the connection a change must write on
// (beginWrite): an import's chunks all go through one.
type writeConnKey struct{}

type importCheckpoints struct {
	writer, conn *sql.Conn
	req          chan chan struct{}
	stopped      chan struct{}
	commits      int
}

// startImportCheckpoints pins a connection for an import's chunks with
// automatic checkpoints off and starts the checkpointing goroutine. The
// returned context makes the import's changes use that connection. With
// an error the import simply runs as any change does.
func (w *Workspace) startImportCheckpoints(ctx context.Context) (*importCheckpoints, context.Context, error) {
	// Two connections pinned, and at least two left for what a chunk
	// reads outside its transaction and for other screens.
	if n := w.db.Stats().MaxOpenConnections; n > 0 && n < 4 {
		return nil, ctx, fmt.Errorf("import checkpoints: a pool of %d connections is too small", n)
	}
	if writeConn(ctx) != nil {
		return nil, ctx, errors.New("import checkpoints: the context already names a connection")
	}
	writer, err := w.db.Conn(ctx)
	if err != nil {
		return nil, ctx, err
	}
	conn, err := w.db.Conn(ctx)
	if err != nil {
		writer.Close()
		return nil, ctx, err
	}
	if _, err := writer.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 0`); err != nil {
		writer.Close()
		conn.Close()
		return nil, ctx, err
	}
	c := &importCheckpoints{writer: writer, conn: conn, req: make(chan chan struct{}, 1), stopped: make(chan struct{})}
	go func() {
		defer close(c.stopped)
		for reply := range c.req {
			// A checkpoint that cannot finish (a reader of another program
			// holds old pages) copies what it can; the next one goes on.
			conn.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
			if reply != nil {
				close(reply)
			}
		}
	}()
	return c, context.WithValue(ctx, writeConnKey{}, writer), nil
}

// committed follows a chunk's commit: it asks for a checkpoint, and every
// importCatchUp chunks waits until the checkpoints have caught up.
func (c *importCheckpoints) committed() {
	if c.commits++; c.commits%importCatchUp != 0 {
		select {
		case c.req <- nil:
		default: // one is already asked for; it will copy this chunk too
		}
		return
	}
	c.catchUp()
}

func (c *importCheckpoints) catchUp() {
	reply := make(chan struct{})
	c.req <- reply
	<-reply
}

// stop checkpoints what the import left in the WAL, ends the goroutine
// and gives the writer's connection back with automatic checkpoints on.
func (c *importCheckpoints) stop() {
	c.catchUp()
	close(c.req)
	<-c.stopped
	c.writer.ExecContext(context.Background(), `PRAGMA wal_autocheckpoint = 1000`)
	// The writer goes back last: the pool hands out the connection
	// returned last first, so the next import writes through the same
	// page cache instead of filling a second one (128 MB each).
	c.conn.Close()
	c.writer.Close()
}

// writeConn is the connection ctx asks changes to write on, nil for any.
func writeConn(ctx context.Context) *sql.Conn {
	c, _ := ctx.Value(writeConnKey{}).(*sql.Conn)
	return c
}
