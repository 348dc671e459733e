package store

import (
	"strings"
	"sync"
)

// wordCache keeps what an import works out of each name word (its sort
// key, its search keys): a million users have a few thousand name words
// over and over. It is bounded (wordCacheMax words; words past it are
// worked out without being kept), safe for concurrent use, and dropped
// at the end of an import (dropWordCaches) so that a long-running app
// does not keep an import's words.
type wordCache[V any] struct {
	mu sync.RWMutex
	m  map[string]V
}

// wordCacheMax bounds each cache: a word and what is kept of it are
// about a hundred bytes, so 1.6–2 MB at most.
const wordCacheMax = 1 << 14

func (c *wordCache[V]) get(w string) (V, bool) {
	c.mu.RLock()
	v, ok := c.m[w]
	c.mu.RUnlock()
	return v, ok
}

// put keeps v for w (a copy of w: a word is often a slice of a longer
// line) unless the cache is full. v must not be changed afterwards.
func (c *wordCache[V]) put(w string, v V) {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]V{}
	}
	if len(c.m) < wordCacheMax {
		c.m[strings.Clone(w)] = v
	}
	c.mu.Unlock()
}

func (c *wordCache[V]) drop() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

// dropWordCaches empties the caches of word keys (name keys and search
// keys), which an import fills.
func dropWordCaches() {
	wordKeys.drop()
	tokenKeyCache.drop()
}
