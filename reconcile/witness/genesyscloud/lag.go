package genesyscloud

import "sync"

// lag is the eventual consistency of Options.Lag: a new integration is
// not found by its first n GETs (of it or of its configuration), and a
// deleted one is still found by its first n GETs.
type lag struct {
	n int

	mu     sync.Mutex
	hidden map[string]int   // new integration id → 404s left
	ghosts map[string]ghost // deleted integration id → answers left
}

// ghost is a deleted integration still being served.
type ghost struct {
	was  Integration // with its configuration
	left int
}

func newLag(n int) *lag {
	l := &lag{n: n}
	l.reset()
	return l
}

func (l *lag) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hidden, l.ghosts = map[string]int{}, map[string]ghost{}
}

// created starts hiding a new integration.
func (l *lag) created(id string) {
	if l.n == 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hidden[id] = l.n
}

// deleted starts serving a deleted integration as it was.
func (l *lag) deleted(was Integration) {
	if l.n == 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.hidden, was.ID)
	l.ghosts[was.ID] = ghost{was: was, left: l.n}
}

// hide says whether this GET of integration id is answered 404, and
// counts it.
func (l *lag) hide(id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	left, ok := l.hidden[id]
	if !ok {
		return false
	}
	if left <= 1 {
		delete(l.hidden, id)
	} else {
		l.hidden[id] = left - 1
	}
	return true
}

// ghost returns the deleted integration id if this GET still finds it,
// and counts it.
func (l *lag) ghost(id string) (Integration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	g, ok := l.ghosts[id]
	if !ok {
		return Integration{}, false
	}
	if g.left <= 1 {
		delete(l.ghosts, id)
	} else {
		g.left--
		l.ghosts[id] = g
	}
	return g.was, true
}
