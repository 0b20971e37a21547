package models

import (
	"context"
	"database/sql"
	"slices"
	"sync"
	"time"

	"gorm.io/gorm"
)

// The check-in reads the same few rows on every request: the event behind the booth QR's key,
// its current consent texts in the candidate's language, its questions. The Store keeps them in
// memory. Every write that changes them (changeEvent) drops the event's entries here at once and
// tells the other instances through Postgres (notifyConfig, heard by the Hub, which calls
// ForgetEvent); a listener that reconnected drops everything, since it may have missed a notice.
// A short time to live bounds what a lost notice could cost. What must be exact is checked in
// the check-in's own statement anyway: that the consent texts ticked are the current ones and
// that the event is live under that key (checkin_fast.go).

// DefaultCacheTTL is how long a cached lookup is used at most.
const DefaultCacheTTL = 10 * time.Second

// lookupCache holds the hot lookups of the check-in.
type lookupCache struct {
	ttl time.Duration
	now func() time.Time

	mu        sync.Mutex
	gen       uint64 // bumped by every forget: a load that began before it is not kept
	byKey     map[string]cached[Event]
	texts     map[textsKey]cached[ConsentTexts]
	questions map[int64]cached[[]Question]
}

type textsKey struct {
	event int64
	lang  string
}

type cached[T any] struct {
	v       T
	event   int64
	expires time.Time
}

func newLookupCache(ttl time.Duration) *lookupCache {
	return &lookupCache{ttl: ttl, now: time.Now, byKey: map[string]cached[Event]{},
		texts: map[textsKey]cached[ConsentTexts]{}, questions: map[int64]cached[[]Question]{}}
}

// forget drops what is cached of an event (0: of every event).
func (c *lookupCache) forget(eventID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if eventID == 0 {
		clear(c.byKey)
		clear(c.texts)
		clear(c.questions)
		return
	}
	for k, e := range c.byKey {
		if e.event == eventID {
			delete(c.byKey, k)
		}
	}
	for k := range c.texts {
		if k.event == eventID {
			delete(c.texts, k)
		}
	}
	delete(c.questions, eventID)
}

// lookup returns m[k] when it is cached and fresh; gen is the generation to store a fresh load
// under (see store).
func lookup[K comparable, T any](c *lookupCache, m map[K]cached[T], k K) (v T, ok bool, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := m[k]
	if ok && c.now().Before(e.expires) {
		return e.v, true, c.gen
	}
	return v, false, c.gen
}

// store keeps v unless something was forgotten since the load began (gen).
func store[K comparable, T any](c *lookupCache, m map[K]cached[T], k K, v T, eventID int64, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen && c.ttl > 0 {
		m[k] = cached[T]{v: v, event: eventID, expires: c.now().Add(c.ttl)}
	}
}

// ForgetEvent drops what this Store cached of an event (0: of every event). The Hub calls it
// when another instance changed one.
func (s *Store) ForgetEvent(eventID int64) { s.cache.forget(eventID) }

// changeEvent runs fn in a transaction that changes an event's settings, consent texts or
// questions, tells every instance (inside the transaction, so only once it committed), and
// drops this instance's cached copy right after the commit.
func (s *Store) changeEvent(ctx context.Context, eventID int64, fn func(tx *gorm.DB) error, opts ...*sql.TxOptions) error {
	err := s.write(ctx, func(tx *gorm.DB) error {
		if err := fn(tx); err != nil {
			return err
		}
		return notifyConfig(tx, eventID)
	}, opts...)
	s.cache.forget(eventID) // also after a failure: a commit that reported an error may still have happened
	return err
}

// cachedEventByKey is EventByCheckinKey through the cache.
func (s *Store) cachedEventByKey(ctx context.Context, key string) (Event, error) {
	ev, ok, gen := lookup(s.cache, s.cache.byKey, key)
	if ok {
		return ev, nil
	}
	ev, err := s.eventWhere(ctx, "checkin_key = ?", key)
	if err == nil {
		store(s.cache, s.cache.byKey, key, ev, ev.ID, gen)
	}
	return ev, err
}

// cachedConsentTexts is ConsentTextsIn through the cache.
func (s *Store) cachedConsentTexts(ctx context.Context, eventID int64, lang string) (ConsentTexts, error) {
	k := textsKey{eventID, lang}
	t, ok, gen := lookup(s.cache, s.cache.texts, k)
	if ok {
		return t, nil
	}
	t, err := currentConsentTexts(s.ctx(ctx), eventID, lang)
	if err == nil {
		store(s.cache, s.cache.texts, k, t, eventID, gen)
	}
	return t, err
}

// cachedQuestions is Questions through the cache; callers get a slice of their own.
func (s *Store) cachedQuestions(ctx context.Context, eventID int64) ([]Question, error) {
	qs, ok, gen := lookup(s.cache, s.cache.questions, eventID)
	if ok {
		return slices.Clone(qs), nil
	}
	qs, err := s.loadQuestions(ctx, eventID)
	if err == nil {
		store(s.cache, s.cache.questions, eventID, slices.Clone(qs), eventID, gen)
	}
	return qs, err
}
