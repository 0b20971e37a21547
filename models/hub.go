package models

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// Postgres NOTIFY channels. Lead changes are announced right after their transaction commits
// (notify.go); revocations and settings changes inside theirs. Either way listeners hear of a
// change only once it is committed, and on every app instance.
const (
	leadChannel    = "boothlead_leads"   // leads of an event were created or changed
	revokedChannel = "boothlead_revoked" // sessions or devices were ended: open streams re-check theirs
	configChannel  = "boothlead_config"  // an event's settings, consent texts or questions changed
)

// LeadNotice says that a lead of an event was created or changed; Seq numbers the change (the
// lead_changes row), so a board can say which changes it has seen.
type LeadNotice struct {
	EventID int64  `json:"event_id"`
	LeadID  string `json:"lead_id"`
	Seq     int64  `json:"seq"`
}

// notifyLead records a change of a lead in the change log and announces it: after commit when tx
// belongs to a Store.write, else (a write not converted yet) inside tx.
func notifyLead(tx *gorm.DB, eventID int64, leadID string) error {
	var seq int64
	if err := tx.Raw(`INSERT INTO lead_changes (event_id, lead_id) VALUES (?, ?) RETURNING id`, eventID, leadID).
		Row().Scan(&seq); err != nil {
		return fmt.Errorf("models: record lead change: %w", err)
	}
	if p := pendingFrom(tx); p != nil {
		p.add(LeadNotice{EventID: eventID, LeadID: leadID, Seq: seq})
		return nil
	}
	b, _ := json.Marshal(LeadNotice{EventID: eventID, LeadID: leadID, Seq: seq})
	if err := tx.Exec("SELECT pg_notify(?, ?)", leadChannel, string(b)).Error; err != nil {
		return fmt.Errorf("models: notify lead change: %w", err)
	}
	return nil
}

// notifyConfig tells every instance that an event's settings, consent texts or questions
// changed, so each drops what it cached of the event (cache.go).
func notifyConfig(tx *gorm.DB, eventID int64) error {
	if err := tx.Exec("SELECT pg_notify(?, ?)", configChannel, strconv.FormatInt(eventID, 10)).Error; err != nil {
		return fmt.Errorf("models: notify settings change: %w", err)
	}
	return nil
}

// notifyRevoked tells every instance that sessions ended, so open live streams check their own.
func notifyRevoked(tx *gorm.DB) error {
	if err := tx.Exec("SELECT pg_notify(?, '')", revokedChannel).Error; err != nil {
		return fmt.Errorf("models: notify revocation: %w", err)
	}
	return nil
}

// Listener reconnection: the first retry comes at once, then the pause doubles up to
// listenMaxPause, and it starts from the bottom again after every successful connection, so a
// listener that lost its database reconnects within listenMaxPause of the database answering.
// A failed attempt costs a refused TCP connection: trying twice a second during an outage is
// cheap, and boards catch up within half a second once the database is back.
const (
	listenMinPause = 100 * time.Millisecond
	listenMaxPause = 500 * time.Millisecond
	// listenIdle is how long the listener waits for a notification before it pings, so a
	// connection that died silently (no reset from the network) is noticed and replaced.
	listenIdle = 15 * time.Second
)

// Hub listens on Postgres for lead notices and revocations and fans them out to the open live
// streams of this instance. It reconnects by itself and, after a reconnection, tells every
// stream to catch up on what it may have missed.
type Hub struct {
	url    string
	log    *slog.Logger
	mu     sync.Mutex
	subs   map[int64]map[*Subscription]struct{}
	closed bool
	ready  chan struct{}
	once   sync.Once
	// onConfig hears of settings changes: an event's id, or 0 for "any event" after the listener
	// reconnected (it may have missed some)
	onConfig []func(eventID int64)
}

// OnConfigChange registers fn to hear of every event whose settings, consent texts or questions
// changed on any instance (eventID 0: any of them may have; after the listener reconnected).
func (h *Hub) OnConfigChange(fn func(eventID int64)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.onConfig = append(h.onConfig, fn)
}

func (h *Hub) configChanged(eventID int64) {
	h.mu.Lock()
	fns := append([]func(int64){}, h.onConfig...)
	h.mu.Unlock()
	for _, fn := range fns {
		fn(eventID)
	}
}

// NewHub returns a hub that will listen on the database at url once Run is called.
func NewHub(url string, log *slog.Logger) *Hub {
	return &Hub{url: url, log: log, subs: map[int64]map[*Subscription]struct{}{}, ready: make(chan struct{})}
}

// Ready is closed once the hub listens for the first time.
func (h *Hub) Ready() <-chan struct{} { return h.ready }

// Run listens until ctx ends, reconnecting promptly after failures.
func (h *Hub) Run(ctx context.Context) {
	pause := listenMinPause
	for ctx.Err() == nil {
		connected, err := h.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		if connected {
			pause = listenMinPause
		}
		wait := pause/2 + rand.N(pause/2+1) //nolint:gosec // jitter, so instances do not reconnect in lockstep: no secret
		h.log.Warn("live updates: listener lost, reconnecting", slog.String("err", SafeErrorText(err)),
			slog.Duration("in", wait))
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		pause = min(pause*2, listenMaxPause)
	}
}

// listen holds one listening connection until it fails; connected reports whether it got as far
// as listening.
func (h *Hub) listen(ctx context.Context) (connected bool, err error) {
	conn, err := pgx.Connect(ctx, h.url)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+leadChannel+"; LISTEN "+revokedChannel+"; LISTEN "+configChannel); err != nil {
		return false, err
	}
	h.configChanged(0) // settings changed while nobody listened would go unnoticed
	h.once.Do(func() { close(h.ready) })
	// Whatever was announced while no connection listened is lost: every stream catches up from
	// the change log, and re-checks its session in case a revocation was among it.
	h.broadcast(func(s *Subscription) { signal(s.resync); signal(s.recheck) })
	for {
		wctx, cancel := context.WithTimeout(ctx, listenIdle)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		if err != nil {
			if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
				pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				err = conn.Ping(pctx)
				cancel()
				if err == nil {
					continue
				}
			}
			return true, err
		}
		switch n.Channel {
		case revokedChannel:
			h.broadcast(func(s *Subscription) { signal(s.recheck) })
		case leadChannel:
			for _, notice := range parseLeadNotices(n.Payload) {
				h.publish(notice)
			}
		case configChannel:
			if id, err := strconv.ParseInt(n.Payload, 10, 64); err == nil {
				h.configChanged(id)
			}
		}
	}
}

func (h *Hub) publish(n LeadNotice) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs[n.EventID] {
		select {
		case s.notices <- n:
		default: // a slow board misses a notice rather than blocking everyone, and catches up
			signal(s.resync)
		}
	}
}

func (h *Hub) broadcast(fn func(*Subscription)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, set := range h.subs {
		for s := range set {
			fn(s)
		}
	}
}

// signal wakes whoever waits on ch; signals that were not taken yet coalesce.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Subscription is one open live stream's feed from the hub.
type Subscription struct {
	eventID int64
	notices chan LeadNotice
	resync  chan struct{}
	recheck chan struct{}
	hub     *Hub
}

// Notices delivers the event's lead changes; it is closed when the hub closes.
func (s *Subscription) Notices() <-chan LeadNotice { return s.notices }

// Resync fires when notices may have been missed (the listener reconnected, or this stream fell
// behind): the stream should replay the change log from the last change it sent.
func (s *Subscription) Resync() <-chan struct{} { return s.resync }

// Recheck fires when sessions or devices were ended somewhere: the stream should check that its
// own is still valid.
func (s *Subscription) Recheck() <-chan struct{} { return s.recheck }

// Close ends the subscription.
func (s *Subscription) Close() {
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s.eventID][s]; ok {
		delete(h.subs[s.eventID], s)
		if len(h.subs[s.eventID]) == 0 {
			delete(h.subs, s.eventID)
		}
		close(s.notices)
	}
}

// Subscribe returns a feed of one event's notices. Its Notices channel is closed when the hub
// closes.
func (h *Hub) Subscribe(eventID int64) *Subscription {
	s := &Subscription{eventID: eventID, notices: make(chan LeadNotice, 64), resync: make(chan struct{}, 1),
		recheck: make(chan struct{}, 1), hub: h}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		close(s.notices)
		return s
	}
	if h.subs[eventID] == nil {
		h.subs[eventID] = map[*Subscription]struct{}{}
	}
	h.subs[eventID][s] = struct{}{}
	return s
}

// Close ends every subscription (at shutdown, so streams finish and the server can stop).
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for _, set := range h.subs {
		for s := range set {
			close(s.notices)
		}
	}
	h.subs = map[int64]map[*Subscription]struct{}{}
}
