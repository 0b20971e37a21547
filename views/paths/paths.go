// Package paths builds every URL the app links to, so views and handlers agree with the route
// table (handlers/routes_test.go checks each builder resolves to a route).
package paths

import (
	"net/url"
	"strconv"
)

func esc(s string) string { return url.PathEscape(s) }

// Home is the start page: the sign-in page or the staff's event list.
func Home() string { return "/" }

// Login is the sign-in page.
func Login() string { return "/login" }

// LoginNext is the sign-in page that returns to next afterwards.
func LoginNext(next string) string { return "/login?next=" + url.QueryEscape(next) }

// ForgotPassword asks for a password reset mail.
func ForgotPassword() string { return "/login/forgot" }

// Logout signs out (POST).
func Logout() string { return "/logout" }

// Setup is the one-time page that creates the first admin.
func Setup() string { return "/setup" }

// Account is the signed-in person's own page (change password).
func Account() string { return "/account" }

// Staff lists staff accounts (admin).
func Staff() string { return "/staff" }

// StaffReset makes a one-time password reset link for an account (POST).
func StaffReset(id int64) string { return "/staff/" + i64(id) + "/reset" }

// StaffRole changes an account's role (POST).
func StaffRole(id int64) string { return "/staff/" + i64(id) + "/role" }

// StaffActive activates or deactivates an account (POST).
func StaffActive(id int64) string { return "/staff/" + i64(id) + "/active" }

// ResetPassword is the page a reset link opens.
func ResetPassword(token string) string { return "/reset/" + esc(token) }

// Devices lists signed-in devices (admin).
func Devices() string { return "/devices" }

// EndDevice signs a device out (POST).
func EndDevice(id int64) string { return "/devices/" + i64(id) + "/end" }

// PairDevice shows a one-time QR that signs a tablet in.
func PairDevice(slug string) string { return "/events/" + esc(slug) + "/pair" }

// DeviceLogin is the URL inside the tablet sign-in QR.
func DeviceLogin(token string) string { return "/login/qr/" + esc(token) }

// Mail shows the mail queue (admin).
func Mail() string { return "/mail" }

// Audit shows the audit log (admin).
func Audit() string { return "/audit" }

// Events lists events.
func Events() string { return "/events" }

// NewEvent is the form that creates an event (admin).
func NewEvent() string { return "/events/new" }

// Event is the live booth board of an event.
func Event(slug string) string { return "/events/" + esc(slug) }

// EditEvent is the event's settings form (admin).
func EditEvent(slug string) string { return "/events/" + esc(slug) + "/edit" }

// RotateKey gives the event a new check-in key (POST, admin).
func RotateKey(slug string) string { return "/events/" + esc(slug) + "/rotate-key" }

// EventQR is the booth QR as PNG.
func EventQR(slug string) string { return "/events/" + esc(slug) + "/qr.png" }

// Poster is the printable booth poster.
func Poster(slug string) string { return "/events/" + esc(slug) + "/poster" }

// Live is the board's server-sent event stream.
func Live(slug string) string { return "/events/" + esc(slug) + "/live" }

// LiveFrom is the board's stream, replaying first what changed after change number after.
func LiveFrom(slug string, after int64) string { return Live(slug) + "?after=" + i64(after) }

// Scan resolves a scanned code (POST).
func Scan(slug string) string { return "/events/" + esc(slug) + "/scan" }

// QuickAdd adds a walk-in lead by hand.
func QuickAdd(slug string) string { return "/events/" + esc(slug) + "/walk-in" }

// Leads is the recruiters' leads table.
func Leads(slug string) string { return "/events/" + esc(slug) + "/leads" }

// Export downloads the leads as CSV (the query string carries the filter and preset).
func Export(slug string) string { return "/events/" + esc(slug) + "/export.csv" }

// ExportXLSX downloads the leads as an XLSX workbook (the query string as for Export).
func ExportXLSX(slug string) string { return "/events/" + esc(slug) + "/export.xlsx" }

// SavedViews saves the current filter of the leads table under a name (POST).
func SavedViews(slug string) string { return "/events/" + esc(slug) + "/views" }

// DeleteSavedView deletes a saved view (POST).
func DeleteSavedView(slug string, id int64) string {
	return "/events/" + esc(slug) + "/views/" + i64(id) + "/delete"
}

// BulkRate rates every lead of a filter (POST; the form carries the filter).
func BulkRate(slug string) string { return "/events/" + esc(slug) + "/leads/rate" }

// BulkTag tags or untags every lead of a filter (POST; the form carries the filter).
func BulkTag(slug string) string { return "/events/" + esc(slug) + "/leads/tag" }

// Charts shows the event in charts.
func Charts(slug string) string { return "/events/" + esc(slug) + "/charts" }

// Lead is a lead's page.
func Lead(id string) string { return "/leads/" + esc(id) }

// LeadConsent records a consent staff captured in person (POST).
func LeadConsent(id string) string { return "/leads/" + esc(id) + "/consent" }

// LeadPrivateLink mails a lead their private link (POST).
func LeadPrivateLink(id string) string { return "/leads/" + esc(id) + "/private-link" }

// Conversations records a conversation with a lead (POST).
func Conversations(id string) string { return "/leads/" + esc(id) + "/conversations" }

// CheckIn is the candidate's check-in page that the booth QR opens.
func CheckIn(key string) string { return "/c/" + esc(key) }

// Thanks is the confirmation page of one check-in (its token is that submission's own).
func Thanks(token string) string { return "/thanks/" + esc(token) }

// Confirm is the mailed link that confirms what a repeat check-in asked for.
func Confirm(token string) string { return "/confirm/" + esc(token) }

// Personal is the URL inside a candidate's personal QR.
func Personal(token string) string { return "/p/" + esc(token) }

// PersonalQR is a candidate's personal QR as PNG.
func PersonalQR(token string) string { return "/p/" + esc(token) + "/qr.png" }

// SelfService is the candidate's private page.
func SelfService(selfToken string) string { return "/me/" + esc(selfToken) }

// SelfServiceExport downloads the candidate's own data as JSON.
func SelfServiceExport(selfToken string) string { return "/me/" + esc(selfToken) + "/export.json" }

// SelfServiceDelete erases the candidate's data (POST).
func SelfServiceDelete(selfToken string) string { return "/me/" + esc(selfToken) + "/delete" }

// SelfServiceWithdraw withdraws the candidate's consents (POST).
func SelfServiceWithdraw(selfToken string) string { return "/me/" + esc(selfToken) + "/withdraw" }

// Kiosk turns a browser into the event's self check-in kiosk (staff), then is its check-in form.
func Kiosk(slug string) string { return "/events/" + esc(slug) + "/kiosk" }

// KioskDone is a kiosk's confirmation of its latest check-in.
func KioskDone(slug string) string { return "/events/" + esc(slug) + "/kiosk/done" }

// KioskExit is the staff sign-in that ends kiosk mode.
func KioskExit(slug string) string { return "/events/" + esc(slug) + "/kiosk/exit" }

// Questions lists and adds an event's custom questions (admin).
func Questions(slug string) string { return "/events/" + esc(slug) + "/questions" }

// Question edits one custom question (admin).
func Question(slug string, id int64) string { return "/events/" + esc(slug) + "/questions/" + i64(id) }

// QuestionMove moves a question up or down the form (POST, admin).
func QuestionMove(slug string, id int64) string { return Question(slug, id) + "/move" }

// QuestionDelete removes a question and its answers (POST, admin).
func QuestionDelete(slug string, id int64) string { return Question(slug, id) + "/delete" }

func i64(n int64) string { return strconv.FormatInt(n, 10) }

// Unsubscribe is the page (GET) and one-click endpoint (POST) of a follow-up's unsubscribe link.
func Unsubscribe(token string) string { return "/u/" + esc(token) }

// Integrations is the admins' page of API tokens and webhooks.
func Integrations() string { return "/integrations" }

// TokenCreate makes an API token (POST, admin).
func TokenCreate() string { return "/integrations/tokens" }

// TokenRevoke ends an API token (POST, admin).
func TokenRevoke(id int64) string { return "/integrations/tokens/" + i64(id) + "/revoke" }

// WebhookCreate registers a webhook (POST, admin).
func WebhookCreate() string { return "/integrations/webhooks" }

// Webhook is a webhook's page with its delivery log (admin).
func Webhook(id int64) string { return "/integrations/webhooks/" + i64(id) }

// WebhookState pauses or resumes a webhook (POST, admin).
func WebhookState(id int64) string { return "/integrations/webhooks/" + i64(id) + "/state" }

// WebhookDelete removes a webhook (POST, admin).
func WebhookDelete(id int64) string { return "/integrations/webhooks/" + i64(id) + "/delete" }

// ATS is an event's ATS connections (admin).
func ATS(slug string) string { return "/events/" + esc(slug) + "/ats" }

// ATSSave saves an event's connection to provider (POST, admin).
func ATSSave(slug, provider string) string { return "/events/" + esc(slug) + "/ats/" + esc(provider) }

// ATSDelete removes an event's connection to provider (POST, admin).
func ATSDelete(slug, provider string) string {
	return "/events/" + esc(slug) + "/ats/" + esc(provider) + "/delete"
}

// ATSPush queues the filtered leads for provider (POST, recruiter).
func ATSPush(slug, provider string) string {
	return "/events/" + esc(slug) + "/ats/" + esc(provider) + "/push"
}

// FollowUps is an event's follow-up mail page (recruiter); query holds the leads filter and the
// template chosen.
func FollowUps(slug string, query url.Values) string {
	p := "/events/" + esc(slug) + "/follow-up"
	if len(query) > 0 {
		p += "?" + query.Encode()
	}
	return p
}

// FollowUpSave creates or updates a follow-up template (POST, recruiter).
func FollowUpSave(slug string) string { return "/events/" + esc(slug) + "/follow-up/templates" }

// FollowUpTest mails a template to the signed-in staff member (POST, recruiter).
func FollowUpTest(slug string, id int64) string {
	return "/events/" + esc(slug) + "/follow-up/templates/" + i64(id) + "/test"
}

// FollowUpSend queues a template for the filtered leads (POST, recruiter).
func FollowUpSend(slug string, id int64) string {
	return "/events/" + esc(slug) + "/follow-up/templates/" + i64(id) + "/send"
}

// APIOpenAPI is the OpenAPI document of the REST API.
func APIOpenAPI() string { return "/api/v1/openapi.json" }
