package handlers

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
	"github.com/boothlead/boothlead/views/paths"
)

// The booth's loop in a real browser at tablet size, timed from the first keystroke to the next
// screen: scan → rate → note → save → next. Only the app's time is in it: the scripted steps
// wait for nothing but the app. Results in bench/README.md.
//
//	go test ./handlers -run '^$' -bench BenchmarkCaptureLoop -benchtime 50x

// benchBooth is an event with eight people checked in (each with the personal QR code a
// handheld scanner reads) and a tablet signed in on its board; offline puts the switch that
// drops every connection in front of the app.
func benchBooth(b *testing.B, sw *offlineSwitch) (*testApp, models.Event, []models.Lead, context.Context) {
	a := newTestApp(b)
	if sw != nil {
		sw.next = a.ts.Config.Handler
		a.ts.Config.Handler = sw
	}
	ev := modelstest.Event(b, a.db, "bench", "Backend", "Data", "Platform")
	leads := make([]models.Lead, 8)
	for i := range leads {
		leads[i] = checkInDirect(b, a, ev, fmt.Sprintf("Candidate %02d", i), fmt.Sprintf("c%02d@example.com", i), "Backend", "Platform")
	}
	modelstest.Staff(b, a.db, "sam@example.com", models.RoleStaff)
	tablet := newBrowser(b, tabletW, tabletH, false)
	run(b, tablet, "sign in, open the board", signInSteps(a.ts.URL, "sam@example.com"), chromedp.Navigate(a.ts.URL+paths.Event(ev.Slug)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="scan-form"]`)))
	return a, ev, leads, tablet
}

// waitJS evaluates js every 5 ms until it is true, across page loads.
func waitJS(b *testing.B, ctx context.Context, what, js string) {
	b.Helper()
	end := time.Now().Add(30 * time.Second)
	for time.Now().Before(end) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise)); err == nil && ok {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	st, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + ' | ' + ((document.querySelector('[data-sync-status]') || {}).textContent || '') + ' | pending ' + ((document.querySelector('[data-testid="pending-count"]') || {}).textContent || '')`))
	screenshot(b, ctx, "bench-failed")
	b.Fatalf("%s: not within 30 s (%s): %s", what, js, st)
}

// markPage tags the current document, so a wait can tell the next page from this one.
const markPage = `window.__benchOld = true`

// BenchmarkCaptureLoop/online: a keyboard-wedge scanner types the next person's personal QR into
// the focused scan field and Enter; the capture screen opens; hot, a note, Save; the saved
// result shows with the focus back in the scan field, ready for the next scan.
// BenchmarkCaptureLoop/offline: the network is off (browser and server); the person is tapped on
// the board the service worker serves, the capture screen comes from its cache, Save queues the
// conversation in the outbox (focus in the scan field), and back to the board. Back online, each
// queued conversation must be stored once.
func BenchmarkCaptureLoop(b *testing.B) {
	b.Run("online", func(b *testing.B) {
		a, _, leads, tablet := benchBooth(b, nil)
		u := a.ts.URL
		// typing is the scripted scanner's and the note's keystrokes (one DevTools call each, not
		// the app's time); enter-to-screen and save-to-next are the app's.
		var typing, toScreen, toSaved time.Duration
		i := 0
		for b.Loop() {
			l := leads[i%len(leads)]
			t0 := time.Now()
			run(b, tablet, "scan", chromedp.Evaluate[chromedp.Void](markPage), chromedp.KeyEvent(u+paths.Personal(l.PersonalToken)))
			t1 := time.Now()
			run(b, tablet, "enter", chromedp.KeyEvent("\n"))
			waitJS(b, tablet, "capture screen", `!window.__benchOld && document.readyState !== 'loading' &&
				(document.querySelector('[data-testid="lead-name"]') || {}).textContent === '`+l.Name+`'`)
			t2 := time.Now()
			run(b, tablet, "rate", chromedp.Click(chromedp.CSS(`label.r-hot`)))
			t3 := time.Now()
			run(b, tablet, "note", chromedp.SendKeys(chromedp.CSS(`[data-testid="conversation-form"] textarea[name="notes"]`), "Wants remote; send the platform job ad."))
			t4 := time.Now()
			run(b, tablet, "save", chromedp.Evaluate[chromedp.Void](markPage), chromedp.Click(chromedp.CSS(`[data-testid="save-conversation"]`)))
			waitJS(b, tablet, "saved", `!window.__benchOld && !!document.querySelector('[data-result="ok"]') &&
				document.activeElement && document.activeElement.id === 'scan-next-code'`)
			typing += t1.Sub(t0) + t4.Sub(t3)
			toScreen += t2.Sub(t1)
			toSaved += time.Since(t4)
			i++
		}
		b.ReportMetric(float64(typing.Milliseconds())/float64(i), "ms-typing/op")
		b.ReportMetric(float64(toScreen.Milliseconds())/float64(i), "ms-enter-to-screen/op")
		b.ReportMetric(float64(toSaved.Milliseconds())/float64(i), "ms-save-to-next/op")
		var n int64
		a.db.Gorm.Raw(`SELECT count(*) FROM conversations`).Scan(&n)
		if n != int64(i) {
			b.Fatalf("%d conversations stored after %d loops", n, i)
		}
	})

	b.Run("offline", func(b *testing.B) {
		sw := &offlineSwitch{}
		a, ev, leads, tablet := benchBooth(b, sw)
		u := a.ts.URL
		waitJS(b, tablet, "service worker", `(async () => { const r = await navigator.serviceWorker.getRegistration(); return !!(r && r.active) })()`)
		run(b, tablet, "reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`[data-testid="scan-form"]`)))
		waitJS(b, tablet, "service worker in control", `!!navigator.serviceWorker.controller`)
		for _, l := range leads { // the day's pages, opened once while online
			run(b, tablet, "open a lead", chromedp.Navigate(u+paths.Lead(l.ID)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="lead-name"]`)))
		}
		run(b, tablet, "back to the board", chromedp.Navigate(u+paths.Event(ev.Slug)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="scan-form"]`)))
		sw.on.Store(true)
		setOffline(b, tablet, true)
		var typing, toScreen, toSaved time.Duration
		i := 0
		for b.Loop() {
			l := leads[i%len(leads)]
			t0 := time.Now()
			run(b, tablet, "tap the row", chromedp.Evaluate[chromedp.Void](markPage),
				chromedp.Click(chromedp.CSS(`a[href="`+paths.Lead(l.ID)+`"]`)))
			waitJS(b, tablet, "capture screen (cached)", `!window.__benchOld && !!window.Boothlead &&
				(document.querySelector('[data-testid="lead-name"]') || {}).textContent === '`+l.Name+`'`)
			t1 := time.Now()
			run(b, tablet, "rate", chromedp.Click(chromedp.CSS(`label.r-hot`)))
			t2 := time.Now()
			run(b, tablet, "note", chromedp.SendKeys(chromedp.CSS(`[data-testid="conversation-form"] textarea[name="notes"]`), "Wants remote; send the platform job ad."))
			t3 := time.Now()
			run(b, tablet, "save", chromedp.Click(chromedp.CSS(`[data-testid="save-conversation"]`)))
			waitJS(b, tablet, "queued", fmt.Sprintf(`document.querySelector('[data-testid="pending-count"]').textContent.trim() === '%d' &&
				document.activeElement && document.activeElement.id === 'scan-next-code'`, i+1))
			run(b, tablet, "back to the board", chromedp.Evaluate[chromedp.Void](markPage),
				chromedp.Click(chromedp.CSS(`.capture-top a`)))
			waitJS(b, tablet, "board (cached)", `!window.__benchOld && !!window.Boothlead && !!document.querySelector('[data-testid="scan-form"]')`)
			typing += t3.Sub(t2)
			toScreen += t1.Sub(t0)
			toSaved += time.Since(t3)
			i++
		}
		b.StopTimer()
		b.ReportMetric(float64(typing.Milliseconds())/float64(i), "ms-typing/op")
		b.ReportMetric(float64(toScreen.Milliseconds())/float64(i), "ms-tap-to-screen/op")
		b.ReportMetric(float64(toSaved.Milliseconds())/float64(i), "ms-save-to-board/op")
		sw.on.Store(false)
		setOffline(b, tablet, false)
		run(b, tablet, "back online", chromedp.Evaluate[chromedp.Void](`window.dispatchEvent(new Event('online'))`))
		waitJS(b, tablet, "outbox sent", `window.Boothlead.counts().then((c) => c.total === 0)`)
		var n int64
		a.db.Gorm.Raw(`SELECT count(*) FROM conversations`).Scan(&n)
		if n != int64(i) {
			b.Fatalf("%d conversations stored after %d offline loops", n, i)
		}
	})
}
