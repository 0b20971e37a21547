package models

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// leadChannel is the Postgres NOTIFY channel that announces new and updated leads. Notifying
// inside the write's transaction means listeners hear of it only once it is committed, and on
// every app instance.
const leadChannel = "boothlead_leads"

// LeadNotice says that a lead of an event was created or changed.
type LeadNotice struct {
	EventID int64  `json:"event_id"`
	LeadID  string `json:"lead_id"`
}

func notifyLead(tx *gorm.DB, eventID int64, leadID string) error {
	b, _ := json.Marshal(LeadNotice{EventID: eventID, LeadID: leadID})
	return tx.Exec("SELECT pg_notify(?, ?)", leadChannel, string(b)).Error
}

// Hub listens on Postgres for lead notices and fans them out to subscribers of each event (the
// open booth boards of this instance). It reconnects by itself.
type Hub struct {
	url    string
	log    *slog.Logger
	mu     sync.Mutex
	subs   map[int64]map[chan LeadNotice]struct{}
	closed bool
	ready  chan struct{}
	once   sync.Once
}

// NewHub returns a hub that will listen on the database at url once Run is called.
func NewHub(url string, log *slog.Logger) *Hub {
	return &Hub{url: url, log: log, subs: map[int64]map[chan LeadNotice]struct{}{}, ready: make(chan struct{})}
}

// Ready is closed once the hub listens for the first time.
func (h *Hub) Ready() <-chan struct{} { return h.ready }

// Run listens until ctx ends, reconnecting with a growing pause after failures.
func (h *Hub) Run(ctx context.Context) {
	pause := 200 * time.Millisecond
	for ctx.Err() == nil {
		err := h.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		h.log.Warn("live updates: listener lost, reconnecting", slog.String("err", err.Error()),
			slog.Duration("in", pause))
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		if pause < 5*time.Second {
			pause *= 2
		}
	}
}

func (h *Hub) listen(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, h.url)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+leadChannel); err != nil {
		return err
	}
	h.once.Do(func() { close(h.ready) })
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var notice LeadNotice
		if json.Unmarshal([]byte(n.Payload), &notice) != nil {
			continue
		}
		h.publish(notice)
	}
}

func (h *Hub) publish(n LeadNotice) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[n.EventID] {
		select {
		case ch <- n:
		default: // a slow board misses a notice rather than blocking everyone; it catches up on refresh
		}
	}
}

// Subscribe returns a channel of notices for one event and a function that ends the
// subscription. The channel is closed when the hub closes.
func (h *Hub) Subscribe(eventID int64) (<-chan LeadNotice, func()) {
	ch := make(chan LeadNotice, 32)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		close(ch)
		return ch, func() {}
	}
	if h.subs[eventID] == nil {
		h.subs[eventID] = map[chan LeadNotice]struct{}{}
	}
	h.subs[eventID][ch] = struct{}{}
	return ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.subs[eventID][ch]; ok {
			delete(h.subs[eventID], ch)
			close(ch)
		}
	}
}

// Close ends every subscription (at shutdown, so streams finish and the server can stop).
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for _, set := range h.subs {
		for ch := range set {
			close(ch)
		}
	}
	h.subs = map[int64]map[chan LeadNotice]struct{}{}
}
