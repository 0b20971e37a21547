package handlers

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/views/paths"
)

// BenchmarkLiveBoardLatency measures one check-in committed on one app instance until its row
// arrives on a board streamed by another instance (LISTEN/NOTIFY → SSE). ns/op is that latency
// plus the check-in itself.
func BenchmarkLiveBoardLatency(b *testing.B) {
	a := newTestApp(b)
	other := a.secondInstance(b)
	ev := modelstest.Event(b, a.db, "bench-live")
	staff := other.signedIn("sam@example.com", models.RoleStaff)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	lines := sseLines(b, ctx, staff, paths.Live(ev.Slug))
	waitFor(b, lines, ": connected", 5*time.Second)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		name := fmt.Sprintf("Bench Person %d", i)
		checkInDirect(b, a, ev, name, fmt.Sprintf("p%d@example.com", i))
		waitFor(b, lines, name, 5*time.Second)
	}
}
