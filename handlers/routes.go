package handlers

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/static"
)

// route is one line of the route table: who may use it (its access level) is part of the line.
type route struct {
	method string
	path   string
	access access
	h      echo.HandlerFunc
	mw     []echo.MiddlewareFunc
}

// routes is the one route table of the app.
func (s *Server) routes() []route {
	return []route{
		// probes and assets
		{http.MethodGet, "/healthz", public, s.healthz, nil},
		{http.MethodGet, "/readyz", public, s.readyz, nil},
		{http.MethodGet, "/metrics", operator, s.metricsHandler(), nil},
		{http.MethodGet, "/static/*", public, echo.WrapHandler(static.Handler()), nil},
		{http.MethodGet, "/sw.js", public, s.serviceWorker, nil},

		// sign-in, setup, own account
		{http.MethodGet, "/", public, s.home, nil},
		{http.MethodGet, "/setup", public, s.setupForm, nil},
		{http.MethodPost, "/setup", public, s.setup, nil},
		{http.MethodGet, "/login", public, s.loginForm, nil},
		{http.MethodPost, "/login", public, s.login, nil},
		{http.MethodGet, "/login/forgot", public, s.forgotForm, nil},
		{http.MethodPost, "/login/forgot", public, s.forgot, nil},
		{http.MethodPost, "/logout", public, s.logout, nil},
		{http.MethodGet, "/reset/:token", public, s.resetForm, nil},
		{http.MethodPost, "/reset/:token", public, s.reset, nil},
		{http.MethodGet, "/account", signedIn, s.account, nil},
		{http.MethodPost, "/account", signedIn, s.changePassword, nil},

		// staff accounts and devices (admin)
		{http.MethodGet, "/staff", admin, s.staffList, nil},
		{http.MethodPost, "/staff", admin, s.staffCreate, nil},
		{http.MethodPost, "/staff/:id/reset", admin, s.staffReset, nil},
		{http.MethodPost, "/staff/:id/active", admin, s.staffActive, nil},
		{http.MethodPost, "/staff/:id/role", admin, s.staffRole, nil},
		{http.MethodGet, "/devices", admin, s.deviceList, nil},
		{http.MethodPost, "/devices/:id/end", admin, s.deviceEnd, nil},
		{http.MethodGet, "/mail", admin, s.mailStatus, nil},
		{http.MethodGet, "/audit", admin, s.auditList, nil},

		// events
		{http.MethodGet, "/events", signedIn, s.eventList, nil},
		{http.MethodGet, "/events/new", admin, s.eventNew, nil},
		{http.MethodPost, "/events", admin, s.eventCreate, nil},
		{http.MethodGet, "/events/:slug/edit", admin, s.eventEdit, nil},
		{http.MethodPost, "/events/:slug/edit", admin, s.eventUpdate, nil},
		{http.MethodPost, "/events/:slug/rotate-key", admin, s.eventRotateKey, nil},
		{http.MethodGet, "/events/:slug/questions", admin, s.questionList, nil},
		{http.MethodPost, "/events/:slug/questions", admin, s.questionCreate, nil},
		{http.MethodGet, "/events/:slug/questions/:id", admin, s.questionEdit, nil},
		{http.MethodPost, "/events/:slug/questions/:id", admin, s.questionUpdate, nil},
		{http.MethodPost, "/events/:slug/questions/:id/move", admin, s.questionMove, nil},
		{http.MethodPost, "/events/:slug/questions/:id/delete", admin, s.questionDelete, nil},
		{http.MethodGet, "/events/:slug/qr.png", booth, s.eventQR, nil},
		{http.MethodGet, "/events/:slug/poster", booth, s.eventPoster, nil},
		{http.MethodGet, "/events/:slug", booth, s.board, nil},

		// the booth: live board, scanning, walk-ins, leads, conversations (paired tablets too,
		// for their own event), and pairing a tablet (people only)
		{http.MethodGet, "/events/:slug/live", booth, s.boardLive, nil},
		{http.MethodPost, "/events/:slug/scan", booth, s.scan, nil},
		{http.MethodGet, "/events/:slug/walk-in", booth, s.walkInForm, nil},
		{http.MethodPost, "/events/:slug/walk-in", booth, s.walkIn, nil},
		{http.MethodGet, "/events/:slug/pair", signedIn, s.pairForm, nil},
		{http.MethodPost, "/events/:slug/pair", signedIn, s.pairDevice, nil},
		{http.MethodGet, "/login/qr/:token", public, s.deviceLoginForm, nil},
		{http.MethodPost, "/login/qr/:token", public, s.deviceLogin, nil},
		{http.MethodGet, "/leads/:id", booth, s.leadShow, nil},
		{http.MethodPost, "/leads/:id", booth, s.leadUpdate, nil},
		{http.MethodPost, "/leads/:id/conversations", booth, s.conversationCreate, nil},
		{http.MethodPost, "/leads/:id/consent", booth, s.leadConsent, nil},
		{http.MethodPost, "/leads/:id/private-link", booth, s.leadPrivateLink, nil},

		// the recruiters' workspace
		{http.MethodGet, "/events/:slug/leads", recruiter, s.leadsTable, nil},
		{http.MethodGet, "/events/:slug/export.csv", recruiter, s.exportCSV, []echo.MiddlewareFunc{exportGzip()}},
		{http.MethodGet, "/events/:slug/export.xlsx", recruiter, s.exportXLSX, nil},
		{http.MethodPost, "/events/:slug/views", recruiter, s.viewSave, nil},
		{http.MethodPost, "/events/:slug/views/:id/delete", recruiter, s.viewDelete, nil},
		{http.MethodPost, "/events/:slug/leads/rate", recruiter, s.bulkRate, nil},
		{http.MethodPost, "/events/:slug/leads/tag", recruiter, s.bulkTag, nil},
		{http.MethodGet, "/events/:slug/charts", recruiter, s.charts, nil},

		// candidates (public, capability URLs)
		{http.MethodGet, "/c/:key", public, s.checkInForm, []echo.MiddlewareFunc{s.keepTypingWhenDown}},
		{http.MethodPost, "/c/:key", public, s.checkIn, []echo.MiddlewareFunc{s.keepTypingWhenDown}},
		{http.MethodGet, "/thanks/:token", public, s.thanks, nil},
		{http.MethodGet, "/confirm/:token", public, s.visitConfirmForm, nil},
		{http.MethodPost, "/confirm/:token", public, s.visitConfirm, nil},
		{http.MethodGet, "/p/:token", public, s.personal, nil},
		{http.MethodGet, "/p/:token/qr.png", public, s.personalQR, nil},
		{http.MethodGet, "/me/:token", public, s.selfService, nil},
		{http.MethodPost, "/me/:token", public, s.selfServiceUpdate, nil},
		{http.MethodGet, "/me/:token/export.json", public, s.selfServiceExport, nil},
		{http.MethodPost, "/me/:token/withdraw", public, s.selfServiceWithdraw, nil},
		{http.MethodPost, "/me/:token/delete", public, s.selfServiceDelete, nil},
		{http.MethodGet, "/u/:token", public, s.unsubscribeForm, nil},
		{http.MethodPost, "/u/:token", public, s.unsubscribe, nil}, // RFC 8058 one-click: no CSRF token (the link is the capability)

		// integrations (admin): API tokens, webhooks; per event: ATS connections (admin), pushes
		// and follow-up mail (recruiter)
		{http.MethodGet, "/integrations", admin, s.integrations, nil},
		{http.MethodPost, "/integrations/tokens", admin, s.tokenCreate, nil},
		{http.MethodPost, "/integrations/tokens/:id/revoke", admin, s.tokenRevoke, nil},
		{http.MethodPost, "/integrations/webhooks", admin, s.webhookCreate, nil},
		{http.MethodGet, "/integrations/webhooks/:id", admin, s.webhookShow, nil},
		{http.MethodPost, "/integrations/webhooks/:id/state", admin, s.webhookState, nil},
		{http.MethodPost, "/integrations/webhooks/:id/delete", admin, s.webhookDelete, nil},
		{http.MethodGet, "/events/:slug/ats", admin, s.atsSettings, nil},
		{http.MethodPost, "/events/:slug/ats/:provider", admin, s.atsSave, nil},
		{http.MethodPost, "/events/:slug/ats/:provider/delete", admin, s.atsDelete, nil},
		{http.MethodPost, "/events/:slug/ats/:provider/push", recruiter, s.atsPush, nil},
		{http.MethodGet, "/events/:slug/follow-up", recruiter, s.followUps, nil},
		{http.MethodPost, "/events/:slug/follow-up/templates", recruiter, s.followUpSave, nil},
		{http.MethodPost, "/events/:slug/follow-up/templates/:id/test", recruiter, s.followUpTest, nil},
		{http.MethodPost, "/events/:slug/follow-up/templates/:id/send", recruiter, s.followUpSend, nil},

		// the REST API: bearer tokens, JSON (api.go, api_auth.go)
		{http.MethodGet, "/api/v1/openapi.json", public, s.apiOpenAPI, nil},
		{http.MethodGet, "/api/v1/events", apiRecruiter, s.apiEvents, nil},
		{http.MethodGet, "/api/v1/events/:slug/leads", apiRecruiter, s.apiLeads, nil},
		{http.MethodGet, "/api/v1/leads/:id", apiRecruiter, s.apiLead, nil},
		{http.MethodGet, "/api/v1/webhooks", apiAdmin, s.apiWebhooks, nil},

		// a self check-in kiosk: started by staff, then a candidate's screen with no staff rights
		{http.MethodGet, "/events/:slug/kiosk", kioskStart, s.kiosk, nil},
		{http.MethodPost, "/events/:slug/kiosk", kioskOnly, s.kioskCheckIn, nil},
		{http.MethodGet, "/events/:slug/kiosk/done", kioskOnly, s.kioskDone, nil},
		{http.MethodGet, "/events/:slug/kiosk/exit", kioskOnly, s.kioskExitForm, nil},
		{http.MethodPost, "/events/:slug/kiosk/exit", kioskOnly, s.kioskExit, nil},
	}
}

func (s *Server) router() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.errorHandler
	e.IPExtractor = echo.ExtractIPDirect()
	if s.trustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	}
	e.Pre(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: http.StatusMovedPermanently}))
	e.Use(middleware.RequestID())
	e.Use(s.requestLogger())
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("panic", slog.String("request_id", requestID(c)), slog.String("err", models.SafeErrorText(err)),
				slog.String("stack", string(stack)))
			return err
		},
	}))
	e.Use(s.measure)
	e.Use(s.securityHeaders)
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{Level: 5, MinLength: 512, Skipper: func(c echo.Context) bool {
		p := c.Request().URL.Path
		return strings.HasSuffix(p, "/live") || strings.HasSuffix(p, ".png") || compressedElsewhere(p)
	}}))
	e.Use(bodyLimits()...)
	e.Use(rejectUnreadableAddress)
	e.Use(s.sessionsMW())
	e.Use(s.csrf())
	for _, r := range s.routes() {
		guard := s.require(r)
		if r.access.isAPI() {
			guard = s.apiAuth(r.access)
		}
		mw := append([]echo.MiddlewareFunc{guard}, r.mw...)
		e.Add(r.method, r.path, r.h, mw...)
	}
	return e
}
