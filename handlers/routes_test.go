package handlers

import (
	"net/url"
	"testing"

	"github.com/boothlead/boothlead/views/paths"
)

// The routes anyone may use without a session. A route added to the table is private unless it
// is listed here on purpose (security_test.go walks the table against it).
var publicRoutes = []string{
	"GET /", "GET /healthz", "GET /readyz", "GET /static/*", "GET /sw.js",
	"GET /setup", "POST /setup", "GET /login", "POST /login", "POST /logout",
	"GET /reset/:token", "POST /reset/:token", "GET /login/qr/:token", "POST /login/qr/:token",
	"GET /c/:key", "POST /c/:key", "GET /thanks/:token", "GET /p/:token", "GET /p/:token/qr.png",
	"GET /me/:token", "POST /me/:token", "GET /me/:token/export.json", "POST /me/:token/withdraw", "POST /me/:token/delete",
	"GET /confirm/:token", "POST /confirm/:token", "GET /login/forgot", "POST /login/forgot",
	"GET /u/:token", "POST /u/:token", "GET /api/v1/openapi.json",
}

// TestPathBuildersResolve checks every URL builder in views/paths lands on a route.
func TestPathBuildersResolve(t *testing.T) {
	t.Parallel()
	s := newServer(Deps{Store: nil, SQL: nil, BaseURL: "http://x"})
	e := s.router()
	id := "7c9e6679-7425-40de-944b-e07fc1f8a4b0"
	cases := map[string]string{
		paths.Home(): "GET", paths.Login(): "GET", paths.LoginNext("/x"): "GET", paths.Logout(): "POST",
		paths.Setup(): "GET", paths.Account(): "GET", paths.Staff(): "GET", paths.StaffReset(3): "POST",
		paths.StaffActive(3): "POST", paths.ResetPassword("t"): "GET", paths.Devices(): "GET",
		paths.EndDevice(4): "POST", paths.PairDevice("s"): "GET", paths.DeviceLogin("t"): "POST", paths.Audit(): "GET",
		paths.Events(): "GET", paths.NewEvent(): "GET", paths.Event("s"): "GET", paths.EditEvent("s"): "POST",
		paths.RotateKey("s"): "POST", paths.EventQR("s"): "GET", paths.Poster("s"): "GET", paths.Live("s"): "GET", paths.LiveFrom("s", 7): "GET",
		paths.Scan("s"): "POST", paths.QuickAdd("s"): "POST", paths.Leads("s"): "GET", paths.Export("s"): "GET",
		paths.Charts("s"): "GET", paths.Lead(id): "GET", paths.Conversations(id): "POST", paths.CheckIn("k"): "POST",
		paths.Thanks("t"): "GET", paths.Personal("t"): "GET", paths.PersonalQR("t"): "GET",
		paths.SelfService("t"): "POST", paths.SelfServiceExport("t"): "GET", paths.SelfServiceDelete("t"): "POST",
		paths.SelfServiceWithdraw("t"): "POST", paths.Confirm("t"): "POST", paths.ForgotPassword(): "POST",
		paths.LeadConsent(id): "POST", paths.LeadPrivateLink(id): "POST", paths.Mail(): "GET",
		paths.Integrations(): "GET", paths.TokenCreate(): "POST", paths.TokenRevoke(2): "POST", paths.WebhookCreate(): "POST",
		paths.Webhook(2): "GET", paths.WebhookState(2): "POST", paths.WebhookDelete(2): "POST", paths.ATS("s"): "GET",
		paths.ATSSave("s", "lever"): "POST", paths.ATSDelete("s", "lever"): "POST", paths.ATSPush("s", "greenhouse"): "POST",
		paths.FollowUps("s", url.Values{"rating": {"hot"}}): "GET", paths.FollowUpSave("s"): "POST",
		paths.FollowUpTest("s", 3): "POST", paths.FollowUpSend("s", 3): "POST", paths.Unsubscribe("1.abc"): "POST",
		paths.APIOpenAPI():    "GET",
		paths.ExportXLSX("s"): "GET", paths.SavedViews("s"): "POST", paths.DeleteSavedView("s", 5): "POST",
		paths.BulkRate("s"): "POST", paths.BulkTag("s"): "POST", paths.StaffRole(3): "POST",
		paths.Kiosk("s"): "POST", paths.KioskDone("s"): "GET", paths.KioskExit("s"): "POST",
		paths.Questions("s"): "POST", paths.Question("s", 3): "POST", paths.QuestionMove("s", 3): "POST",
		paths.QuestionDelete("s", 3): "POST",
	}
	for p, method := range cases {
		u, _ := url.Parse(p)
		c := e.NewContext(nil, nil)
		e.Router().Find(method, u.Path, c)
		if c.Path() == "" || c.Path() == "/*" {
			t.Errorf("%s %s matches no route", method, p)
		}
	}
}
