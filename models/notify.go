package models

import (
	"context"
	"database/sql"
	"encoding/json"
	"sync"
	"time"

	"gorm.io/gorm"
)

// Lead changes are announced after their transaction commits, not inside it. A NOTIFY inside a
// transaction takes a lock that every committing transaction which notified shares, one at a
// time, and holds it through commit: under a rush of check-ins those commits queue behind each
// other. So a write records its changes in the change log (lead_changes, in its transaction:
// what boards replay from, so nothing committed is lost to them) and collects the notices;
// once it has committed, the Store's notifier sends them, coalesced: whatever piled up while the
// previous NOTIFY was on its way goes out in the next one, one message per event (split when it
// would pass Postgres's 8,000-byte payload limit). If the process dies between a commit and its
// NOTIFY, boards see the change when they next catch up from the change log (a reconnect, or the
// listener reconnecting).

// pendingKey is the context key under which a write collects its lead notices.
type pendingKey struct{}

// pendingNotices are the lead notices one write's transaction recorded.
type pendingNotices struct {
	mu   sync.Mutex
	list []LeadNotice
}

func (p *pendingNotices) add(n LeadNotice) {
	p.mu.Lock()
	p.list = append(p.list, n)
	p.mu.Unlock()
}

// pendingFrom returns the collector of the write tx belongs to, or nil outside one.
func pendingFrom(tx *gorm.DB) *pendingNotices {
	if tx.Statement == nil || tx.Statement.Context == nil {
		return nil
	}
	p, _ := tx.Statement.Context.Value(pendingKey{}).(*pendingNotices)
	return p
}

// write runs fn in a transaction and, once it has committed, announces the lead changes fn
// recorded (leadChanged). Every transaction that changes a lead runs through it.
func (s *Store) write(ctx context.Context, fn func(tx *gorm.DB) error, opts ...*sql.TxOptions) error {
	p := &pendingNotices{}
	err := s.ctx(context.WithValue(ctx, pendingKey{}, p)).Transaction(fn, opts...)
	if err == nil {
		s.notifier.send(p.list...)
	}
	return err
}

// Notifier limits.
const (
	// notifyPayloadMax keeps one NOTIFY's payload under Postgres's 8,000 bytes.
	notifyPayloadMax = 7000
	// notifyBacklogMax bounds the notices waiting while the database is away; boards catch up on
	// older ones from the change log when the listener reconnects.
	notifyBacklogMax = 10000
	notifyTimeout    = 5 * time.Second
)

// notifier sends lead notices after commit, one NOTIFY statement at a time, coalescing what
// arrives meanwhile. It runs a goroutine only while it has something to send.
type notifier struct {
	db      *gorm.DB
	mu      sync.Mutex
	pending []LeadNotice
	running bool
	idle    *sync.Cond // signalled when the notifier has nothing left to send
}

func newNotifier(db *gorm.DB) *notifier {
	n := &notifier{db: db}
	n.idle = sync.NewCond(&n.mu)
	return n
}

// send queues notices and makes sure a sender runs.
func (n *notifier) send(notices ...LeadNotice) {
	if len(notices) == 0 {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.pending = append(n.pending, notices...)
	if over := len(n.pending) - notifyBacklogMax; over > 0 {
		n.pending = append(n.pending[:0], n.pending[over:]...)
	}
	if !n.running {
		n.running = true
		go n.run()
	}
}

func (n *notifier) run() {
	for {
		n.mu.Lock()
		batch := n.pending
		n.pending = nil
		if len(batch) == 0 {
			n.running = false
			n.idle.Broadcast()
			n.mu.Unlock()
			return
		}
		n.mu.Unlock()
		payloads := noticePayloads(batch)
		for attempt := range 3 {
			ctx, cancel := context.WithTimeout(context.Background(), notifyTimeout)
			err := n.db.WithContext(ctx).Exec(`SELECT pg_notify(?, p) FROM unnest(?::text[]) p`, leadChannel,
				StringList(payloads)).Error
			cancel()
			if err == nil {
				break
			}
			// the database is away: boards replay from the change log once the listener is back
			time.Sleep(time.Duration(attempt+1) * 100 * time.Millisecond)
		}
	}
}

// flush waits until every notice queued so far has been sent (or given up on).
func (n *notifier) flush() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for n.running {
		n.idle.Wait()
	}
}

// leadNotices is the payload of one NOTIFY: an event's changed leads with their change numbers.
type leadNotices struct {
	EventID int64            `json:"event_id"`
	Changes []leadNoticeItem `json:"changes"`
}

type leadNoticeItem struct {
	LeadID string `json:"lead_id"`
	Seq    int64  `json:"seq"`
}

// noticePayloads groups notices by event, in order, into payloads of at most notifyPayloadMax bytes.
func noticePayloads(batch []LeadNotice) []string {
	var order []int64
	byEvent := map[int64][]leadNoticeItem{}
	for _, n := range batch {
		if _, ok := byEvent[n.EventID]; !ok {
			order = append(order, n.EventID)
		}
		byEvent[n.EventID] = append(byEvent[n.EventID], leadNoticeItem{LeadID: n.LeadID, Seq: n.Seq})
	}
	// an item is at most ~80 bytes (a UUID, a 19-digit number and the keys)
	const perPayload = notifyPayloadMax / 80
	var out []string
	for _, ev := range order {
		items := byEvent[ev]
		for len(items) > 0 {
			k := min(len(items), perPayload)
			b, _ := json.Marshal(leadNotices{EventID: ev, Changes: items[:k]})
			out = append(out, string(b))
			items = items[k:]
		}
	}
	return out
}

// parseLeadNotices reads a NOTIFY payload: the coalesced form, or one notice (as instances of
// an older version send it during a rolling update).
func parseLeadNotices(payload string) []LeadNotice {
	var many leadNotices
	if json.Unmarshal([]byte(payload), &many) != nil {
		return nil
	}
	if len(many.Changes) == 0 {
		var one LeadNotice
		if json.Unmarshal([]byte(payload), &one) != nil || one.LeadID == "" {
			return nil
		}
		return []LeadNotice{one}
	}
	out := make([]LeadNotice, 0, len(many.Changes))
	for _, c := range many.Changes {
		out = append(out, LeadNotice{EventID: many.EventID, LeadID: c.LeadID, Seq: c.Seq})
	}
	return out
}
