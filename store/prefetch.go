package store

import (
	"errors"
	"sync/atomic"

	"legco.kz/compliance/store/exportfile"
)

// prefetch reads rows on its own goroutine, in batches, so that parsing
// and validating the export file runs on one core while SQLite inserts
// on the other.
type prefetch[T any] struct {
	ch    chan []fetched[T]
	stop  chan struct{}
	cur   []fetched[T]
	bytes atomic.Int64
	done  bool
}

type fetched[T any] struct {
	v     T
	err   error
	bytes int64
}

const (
	prefetchBatch = 512
	prefetchDepth = 96
)

func newPrefetch[T any](src rowSource[T]) *prefetch[T] {
	// About one users chunk ahead, so the reader keeps parsing while the
	// writer commits (a commit encrypts and writes the whole chunk).
	p := &prefetch[T]{ch: make(chan []fetched[T], prefetchDepth), stop: make(chan struct{})}
	go func() {
		defer close(p.ch)
		batch := make([]fetched[T], 0, prefetchBatch)
		for {
			v, err := src.Next()
			batch = append(batch, fetched[T]{v: v, err: err, bytes: src.BytesRead()})
			last := err != nil && isFinal(err)
			if len(batch) == prefetchBatch || last {
				select {
				case p.ch <- batch:
				case <-p.stop:
					return
				}
				if last {
					return
				}
				batch = make([]fetched[T], 0, prefetchBatch)
			}
		}
	}()
	return p
}

// isFinal tells the errors after which a source has nothing more: row
// errors are not final, the end of the file and read failures are.
func isFinal(err error) bool {
	var re *exportfile.RowError
	return !errors.As(err, &re)
}

// errPrefetchClosed means the reader stopped without a final error, which
// only happens after Close.
var errPrefetchClosed = errors.New("import reader closed")

func (p *prefetch[T]) Next() (T, error) {
	for len(p.cur) == 0 {
		b, ok := <-p.ch
		if !ok {
			var zero T
			return zero, errPrefetchClosed
		}
		p.cur = b
	}
	f := p.cur[0]
	p.cur = p.cur[1:]
	p.bytes.Store(f.bytes)
	return f.v, f.err
}

func (p *prefetch[T]) BytesRead() int64 { return p.bytes.Load() }

// Close stops the reader goroutine (it may be blocked on a full channel).
func (p *prefetch[T]) Close() {
	if !p.done {
		p.done = true
		close(p.stop)
	}
}
