package handlers

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

// Viewports of the people who use each screen.
const (
	phoneW, phoneH   = 390, 844
	tabletW, tabletH = 1024, 768
)

func chromiumPath(t testing.TB) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	t.Fatal("chromium not found: `make test` installs it (scripts/need.sh), or set CHROMIUM")
	return ""
}

// newBrowser starts a headless Debian chromium with a fresh profile and returns a tab context
// at the given viewport. The browser ends with the test.
func newBrowser(t testing.TB, width, height int64, mobile bool) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test; skipped with -short")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	vp := []chromedp.EmulateViewportOption{}
	if mobile {
		vp = append(vp, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height, vp...)); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// newTab opens another tab (same browser, same cookies) with its own viewport.
//
//nolint:unused // a helper of the browser tests kept for journeys that need two tabs
func newTab(t testing.TB, parent context.Context, width, height int64) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatalf("new tab: %v", err)
	}
	return ctx
}

// run runs browser steps and fails the test with what was happening.
// A step that fails because the node it had found left the DOM before it acted (Chrome's
// "Could not find node with given id", seen about once in ten runs on a busy machine right after
// a page load) failed before doing anything, so it is tried again, up to three times.
func run(t testing.TB, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	for _, step := range steps {
		var err error
		for range 3 {
			if err = chromedp.Do(ctx, step); err == nil || !strings.Contains(err.Error(), "Could not find node with given id") {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
}

// screenshot saves the whole page as tmp/screenshots/<name>.png for a person to look at.
func screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	saveShot(t, name, buf)
}

// viewportShot saves what the screen shows (not the whole page), to look at the first screen
// at its real size.
func viewportShot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	saveShot(t, name, buf)
}

func saveShot(t testing.TB, name string, buf []byte) {
	t.Helper()
	dir := filepath.Join(moduleRoot(t), "tmp", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

func moduleRoot(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
	}
	return dir
}

// text returns the visible text of the first element matching a CSS selector, waiting for it.
func text(t testing.TB, ctx context.Context, css string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css), chromedp.NodeVisible))
	if err != nil {
		t.Fatalf("text of %s: %v", css, err)
	}
	return s
}

// imageLoaded waits (up to 10 s) for an img to finish loading at least minWidth pixels wide.
func imageLoaded(ctx context.Context, css string, minWidth int) bool {
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(
		`(() => { const i = document.querySelector(%q); return !!i && i.complete && i.naturalWidth >= %d })()`, css, minWidth),
		chromedp.WithPollingTimeout(10*time.Second)))
	return err == nil
}

// location returns the current URL of the tab.
func location(t testing.TB, ctx context.Context) string {
	t.Helper()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestJourneyAdminSetup walks the first run at tablet size: the setup page, the first admin,
// sign-out and sign-in, a new event, its poster.
func TestJourneyAdminSetup(t *testing.T) {
	a := newTestApp(t)
	ctx := newBrowser(t, tabletW, tabletH, false)
	u := a.ts.URL
	// The admin's browser is in Lisbon: the new-event form starts at that zone.
	if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Europe/Lisbon"}); err != nil {
		t.Fatal(err)
	}

	run(t, ctx, "open the app", chromedp.Navigate(u+"/"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="setup-form"]`)))
	screenshot(t, ctx, "tablet-01-setup")
	run(t, ctx, "create the admin",
		chromedp.SendKeys(chromedp.ID("f-name"), "Ada Admin"),
		chromedp.SendKeys(chromedp.ID("f-email"), "ada@example.com"),
		chromedp.SendKeys(chromedp.ID("f-password"), "a long enough secret"),
		chromedp.Submit(chromedp.CSS(`[data-testid="setup-form"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="event-form"]`)),
	)
	run(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`[data-testid="signed-in-as"]`)),
		chromedp.Click(chromedp.CSS(`form[data-signout] button`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="login-form"]`)))
	screenshot(t, ctx, "tablet-02-login")
	run(t, ctx, "sign in",
		chromedp.SendKeys(chromedp.ID("f-email"), "ada@example.com"),
		chromedp.SendKeys(chromedp.ID("f-password"), "a long enough secret\n"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="events-table"], [data-testid="new-event"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="new-event"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="event-form"]`)),
	)
	if zone, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('f-time_zone').value`)); err != nil || zone != "Europe/Lisbon" {
		t.Errorf("the time zone starts at %q (%v), want the browser's Europe/Lisbon", zone, err)
	}
	consent, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('f-contact_consent').value`))
	if !strings.Contains(consent, "I agree that") {
		t.Errorf("the default consent text is not shown: %q", consent)
	}
	run(t, ctx, "fill the event form",
		chromedp.SendKeys(chromedp.ID("f-name"), "PyCon Booth 2026"),
		chromedp.SetValue(chromedp.ID("f-starts_on"), "2026-11-25"),
		chromedp.SetValue(chromedp.ID("f-ends_on"), "2026-11-27"),
		chromedp.SendKeys(chromedp.ID("f-venue"), "Hall 3, Booth 12"),
		chromedp.SetValue(chromedp.ID("f-time_zone"), "Europe/Prague"),
		chromedp.SendKeys(chromedp.ID("f-interests"), "Backend\nData\nSRE\nInternships"),
	)
	screenshot(t, ctx, "tablet-03-event-form")
	run(t, ctx, "create the event", chromedp.Submit(chromedp.CSS(`[data-testid="event-form"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="checkin-link"]`)))
	if got := text(t, ctx, `[data-testid="flash"]`); got == "" {
		t.Error("no confirmation after creating the event")
	}
	run(t, ctx, "open the poster", chromedp.Navigate(u+"/events/pycon-booth-2026/poster"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="poster-qr"]`)))
	if !imageLoaded(ctx, `[data-testid="poster-qr"]`, 256) {
		t.Fatal("the poster QR did not load")
	}
	screenshot(t, ctx, "tablet-04-poster")

	// Staff page: each colleague's role is a select; the audit log says it in words.
	modelstest.Staff(t, a.db, "rita@example.com", models.RoleStaff)
	run(t, ctx, "open the staff page", chromedp.Navigate(u+"/staff"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="role-form"] select`)),
		chromedp.SetValue(chromedp.CSS(`[data-testid="role-form"] select`), "recruiter"),
	)
	screenshot(t, ctx, "tablet-05-staff")
	run(t, ctx, "change Rita's role", chromedp.Click(chromedp.CSS(`[data-testid="role-form"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="flash"]`)))
	if got := text(t, ctx, `[data-testid="flash"]`); got != "rita is now a recruiter." {
		t.Errorf("flash %q", got)
	}
	run(t, ctx, "open the audit log", chromedp.Navigate(u+"/audit"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="audit-row"]`)))
	if got := text(t, ctx, `[data-testid="audit-row"]`); !strings.Contains(got, "Ada Admin made rita a recruiter (was booth staff)") {
		t.Errorf("the newest audit entry says %q", got)
	}
	screenshot(t, ctx, "tablet-06-audit")
}
