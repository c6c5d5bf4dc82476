package load

import (
	"crypto/sha256"
	"sync"

	"github.com/reconcile-dev/reconcile/reconcile/spec"
)

// Cache keeps the specs of files already loaded, by path and content, so
// that a daemon decrypts only the files whose bytes changed. Decrypted
// values stay in memory; nothing is written. Safe for concurrent use.
type Cache struct {
	mu      sync.Mutex
	entries map[string]cached
	misses  int
}

type cached struct {
	sum  [sha256.Size]byte
	spec *spec.Spec
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{entries: map[string]cached{}} }

// Misses counts the files loaded in full (read, decrypted, validated)
// rather than served from the cache.
func (c *Cache) Misses() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.misses
}

func (c *Cache) get(rel string, sum [sha256.Size]byte) *spec.Spec {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[rel]; ok && e.sum == sum {
		return e.spec
	}
	c.misses++
	return nil
}

func (c *Cache) put(rel string, sum [sha256.Size]byte, s *spec.Spec) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[rel] = cached{sum: sum, spec: s}
}

// keep forgets every file but those named.
func (c *Cache) keep(files []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	live := make(map[string]bool, len(files))
	for _, f := range files {
		live[f] = true
	}
	for f := range c.entries {
		if !live[f] {
			delete(c.entries, f)
		}
	}
}
