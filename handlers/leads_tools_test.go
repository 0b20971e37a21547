package handlers

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"github.com/boothlead/boothlead/export"
	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/models/modelstest"
)

type goqSelection = goquery.Selection

// toolsEvent seeds an event of 30 leads for the recruiter tools: every sixth an unresolved badge
// (no name, no email), every fifth of the others without a contact consent, one long email.
func toolsEvent(t *testing.T, a *testApp) (models.Event, models.LeadCounts) {
	t.Helper()
	ctx := context.Background()
	ev := exportEvent(t, a, "tools", "Tools Conf", "Go,Data")
	var seed []models.SeedLead
	for i := range 30 {
		at := exportUTC("2026-11-25 09:00").Add(time.Duration(i) * time.Minute)
		l := models.SeedLead{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), Name: fmt.Sprintf("Person %02d", i),
			Email: fmt.Sprintf("p%02d@example.com", i), Phone: "+49 170 555 " + fmt.Sprint(1000+i),
			Source: models.SourceSelfCheckIn, FirstSeen: at, LastSeen: at, Interests: []string{"Go"},
			Consents: []models.SeedConsent{{Purpose: models.PurposeContact, CapturedBy: models.CapturedByCandidate, At: at}}}
		switch {
		case i%6 == 0:
			l = models.SeedLead{ID: l.ID, Source: models.SourceBadgeScan, BadgeCode: fmt.Sprintf("TKT-%d", i), FirstSeen: at, LastSeen: at}
		case i%5 == 0:
			l.Consents = nil
		}
		if i == 7 {
			l.Email = "a.very.long.address.that.does.not.fit.in.the.column@subdomain.example-company.example.com"
		}
		seed = append(seed, l)
	}
	if err := a.store.SeedLeads(ctx, ev, seed); err != nil {
		t.Fatal(err)
	}
	counts, err := a.store.CountLeadsFiltered(ctx, ev.ID, models.LeadFilter{}.Normalize(ev))
	if err != nil {
		t.Fatal(err)
	}
	return ev, counts
}

// hx GETs path as htmx does from the leads page: trigger is the id of the element that asked.
func (c *client) hx(path, trigger string, extra ...string) page {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.abs(path), nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", "leads-results")
	if trigger != "" {
		req.Header.Set("HX-Trigger", trigger)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		req.Header.Set(extra[i], extra[i+1])
	}
	return c.do(req)
}

// TestLeadsTableFiltersInPlace: a filter change fetched by htmx answers the results only (the
// filter bar is left alone while the person types), with the canonical URL to push; a chip or a
// header also sends the filter bar out of band; a history restore gets the whole page.
func TestLeadsTableFiltersInPlace(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	toolsEvent(t, a)
	c := a.signedIn("rita@example.com", models.RoleRecruiter)

	p := c.hx("/events/tools/leads?q=Person&rating=&interest=Go&source=&staff=&pool=&from=&to=", "lead-filter")
	wantStatus(t, p, http.StatusOK)
	if strings.Contains(p.body, "<html") || p.testid("lead-filter").Length() != 0 {
		t.Fatal("a filter-bar request got the page or the filter bar back")
	}
	if p.testid("lead-row").Length() != 25 || p.testid("filter-chip").Length() != 2 {
		t.Errorf("%d rows, %d chips", p.testid("lead-row").Length(), p.testid("filter-chip").Length())
	}
	if got := p.header.Get("HX-Push-Url"); got != "/events/tools/leads?interest=Go&q=Person" {
		t.Errorf("pushed URL %q", got)
	}
	if !strings.Contains(strings.Join(p.header.Values("Vary"), ","), "HX-Request") {
		t.Error("no Vary: HX-Request")
	}

	chip := c.hx("/events/tools/leads?interest=Go", "")
	if form := chip.testid("lead-filter"); form.Length() != 1 || form.AttrOr("hx-swap-oob", "") != "true" {
		t.Fatal("a chip's request does not bring the filter bar out of band")
	}
	if chip.doc.Find(`#lead-filter input[name="q"]`).AttrOr("value", "x") != "" {
		t.Error("the out-of-band filter bar still shows the removed search")
	}

	bad := c.hx("/events/tools/leads?from=soon", "lead-filter")
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	if !strings.Contains(bad.testid("error-summary").Text(), "Enter a date and time") || bad.header.Get("HX-Push-Url") != "" {
		t.Errorf("an invalid filter in place: %q", bad.testid("error-summary").Text())
	}

	full := c.hx("/events/tools/leads", "", "HX-History-Restore-Request", "true")
	if !strings.Contains(full.body, "<html") {
		t.Error("a history restore must get the whole page")
	}
	if f := c.get("/events/tools/leads"); f.testid("lead-filter").AttrOr("hx-trigger", "") == "" ||
		f.testid("lead-filter").AttrOr("method", "") != "get" {
		t.Error("the filter bar is not both a GET form and an htmx form")
	}
}

// TestExportMenuSaysWhatItExports: the menu names each file and its count, the ATS files how
// many leads they leave out and why, and each file holds exactly that.
func TestExportMenuSaysWhatItExports(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	_, counts := toolsEvent(t, a)
	// 30 leads: 0, 6, …, 24 unresolved (5); 5, 10, 15, 20, 25 without a contact consent (5)
	if counts.Matching != 30 || counts.NoEmail != 5 || counts.NoContactConsent != 5 || counts.Importable() != 20 {
		t.Fatalf("counts %+v", counts)
	}
	c := a.signedIn("rita@example.com", models.RoleRecruiter)
	p := c.get("/events/tools/leads")
	wantStatus(t, p, http.StatusOK)
	if got := p.doc.Find(`[data-testid="export-csv"][data-preset="generic"]`).Text(); !strings.HasPrefix(got, "Export 30 leads") {
		t.Errorf("menu %q", got)
	}
	gh := p.doc.Find(`[data-testid="export-csv"][data-preset="greenhouse"]`)
	text := strings.Join(strings.Fields(gh.Text()), " ")
	if !strings.Contains(text, "20 leads with a name, an email address and a contact consent") ||
		!strings.Contains(text, "10 left out: 5 without an email address, 5 without a contact consent.") {
		t.Errorf("greenhouse item %q", text)
	}
	for _, id := range []string{"export-csv-excel", "export-xlsx"} {
		if href := p.testid(id).AttrOr("href", ""); !strings.Contains(href, "preset=generic") {
			t.Errorf("%s links to %q", id, href)
		}
	}
	res := c.get(gh.AttrOr("href", ""))
	wantStatus(t, res, http.StatusOK)
	recs, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
	if err != nil || len(recs) != 21 {
		t.Fatalf("the Greenhouse file has %d rows (%v), the menu said 20", len(recs)-1, err)
	}
	if cd := res.header.Get("Content-Disposition"); !strings.Contains(cd, `filename="boothlead-tools-greenhouse-`) {
		t.Errorf("Content-Disposition %q", cd)
	}

	// an email is cut with an ellipsis in the table and whole in its title
	long := p.doc.Find(`[data-testid="lead-email"][title^="a.very.long"]`)
	if long.Length() != 1 || long.Text() != long.AttrOr("title", "") {
		t.Error("a long email is not whole in its title")
	}

	// nothing importable: the ATS items are disabled, not links
	none := c.get("/events/tools/leads?source=badge_scan")
	if none.doc.Find(`a[data-testid="export-csv"][data-preset="lever"]`).Length() != 0 ||
		none.doc.Find(`[aria-disabled="true"][data-preset="lever"]`).Length() != 1 {
		t.Error("an ATS export of unresolved badges only is offered")
	}
}

// TestXLSXExport: the workbook of a filter holds exactly its leads, every cell text, and is
// audited as XLSX.
func TestXLSXExport(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	toolsEvent(t, a)
	c := a.signedIn("rita@example.com", models.RoleRecruiter)
	res := c.get("/events/tools/export.xlsx?preset=generic&interest=Go&sort=name")
	wantStatus(t, res, http.StatusOK)
	day := time.Now().In(time.UTC).Format("2006")
	if ct, cd := res.header.Get("Content-Type"), res.header.Get("Content-Disposition"); ct != export.XLSXContentType ||
		!strings.Contains(cd, `filename="boothlead-tools-generic-`+day) || !strings.HasSuffix(cd, `.xlsx"`) {
		t.Errorf("headers %q %q", ct, cd)
	}
	f, err := excelize.OpenReader(strings.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(export.SheetName)
	if len(rows) != 26 || rows[1][4] != "Person 01" || rows[1][6] != "+49 170 555 1001" {
		t.Fatalf("%d rows; first %q", len(rows), rows[1][:7])
	}
	if typ, _ := f.GetCellType(export.SheetName, "G2"); typ != excelize.CellTypeInlineString {
		t.Errorf("the phone number is a %v cell", typ)
	}
	var details string
	a.db.Gorm.Raw(`SELECT details::text FROM audit_log WHERE action = 'export'`).Scan(&details)
	if !strings.Contains(details, `"format": "xlsx"`) || !strings.Contains(details, `"rows": 25`) {
		t.Errorf("audit %s", details)
	}
	wantStatus(t, c.get("/events/tools/export.xlsx?preset=workday"), http.StatusBadRequest)
}

// TestSavedViews: a recruiter names the current filter, finds it on the page, returns to it and
// deletes it; a bad name is said next to the field and kept; nobody else sees or deletes it.
func TestSavedViews(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	toolsEvent(t, a)
	rita := a.signedIn("rita@example.com", models.RoleRecruiter)
	res := rita.submit("/events/tools/views", url.Values{"view_name": {"Go, by name"}, "interest": {"Go"}, "sort": {"name"},
		"q": {"Person"}})
	wantStatus(t, res, http.StatusSeeOther)
	if res.location() != "/events/tools/leads?interest=Go&q=Person&sort=name" {
		t.Errorf("back to %q", res.location())
	}
	p := rita.get(res.location())
	view := p.testid("saved-view")
	if view.Length() != 1 || view.Text() != "Go, by name" || view.AttrOr("aria-current", "") != "true" {
		t.Fatalf("saved views on the page: %q", view.Text())
	}
	if !strings.Contains(p.testid("flash").Text(), "Saved the view") {
		t.Error("no confirmation")
	}
	other := rita.get("/events/tools/leads")
	if v := other.testid("saved-view"); v.AttrOr("href", "") != "/events/tools/leads?interest=Go&q=Person&sort=name" ||
		v.AttrOr("aria-current", "") != "" {
		t.Errorf("the view from another filter: %q", v.AttrOr("href", ""))
	}

	bad := rita.submit("/events/tools/views", url.Values{"view_name": {strings.Repeat("x", 61)}, "interest": {"Go"}})
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	if bad.doc.Find("#view-name").AttrOr("value", "") != strings.Repeat("x", 61) ||
		!strings.Contains(bad.testid("save-view").Text(), "too long") {
		t.Error("a too long name: the error or the typed name is missing")
	}

	sam := a.signedIn("sam@example.com", models.RoleRecruiter)
	if sam.get("/events/tools/leads").testid("saved-view").Length() != 0 {
		t.Error("Sam sees Rita's views")
	}
	del := view.Parent().Find("form").AttrOr("action", "")
	wantStatus(t, sam.submit(del, nil), http.StatusNotFound)
	wantStatus(t, rita.post(del, url.Values{}), http.StatusForbidden) // no CSRF token
	wantStatus(t, rita.submit(del, nil), http.StatusSeeOther)
	if rita.get("/events/tools/leads").testid("saved-view").Length() != 0 {
		t.Error("the view is still there")
	}
}

// TestBulkRateAndTag: the bulk forms act on exactly the filter they carry, say what they did,
// refuse a set that changed meanwhile, and show a bad tag next to its field.
func TestBulkRateAndTag(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	toolsEvent(t, a)
	c := a.signedIn("rita@example.com", models.RoleRecruiter)
	p := c.get("/events/tools/leads?source=badge_scan")
	form := p.testid("bulk-rate")
	fields := url.Values{}
	form.Find("input[type=hidden]").Each(func(_ int, s *goqSelection) {
		if n := s.AttrOr("name", ""); n != "_csrf" {
			fields.Add(n, s.AttrOr("value", ""))
		}
	})
	if fields.Get("source") != "badge_scan" || fields.Get("expect") != "5" {
		t.Fatalf("the bulk form carries %v", fields)
	}
	fields.Set("set_rating", "cold")
	res := c.submit(form.AttrOr("action", ""), fields)
	wantStatus(t, res, http.StatusSeeOther)
	after := c.get(res.location())
	if !strings.Contains(after.testid("flash").Text(), "Rated 5 leads Cold.") || after.testid("rating-counts").Text() == "" {
		t.Errorf("flash %q", after.testid("flash").Text())
	}
	cold := c.get("/events/tools/leads?rating=cold")
	if cold.testid("lead-row").Length() != 5 {
		t.Errorf("%d cold leads", cold.testid("lead-row").Length())
	}

	fields.Set("expect", "4") // someone else changed the set
	res = c.submit("/events/tools/leads/rate", fields)
	if msg := c.get(res.location()).testid("flash").Text(); !strings.Contains(msg, "Nothing was rated") {
		t.Errorf("a stale set: %q", msg)
	}

	tag := url.Values{"interest": {"Go"}, "set_tag": {"follow up"}, "op": {"add"}, "expect": {"25"}}
	res = c.submit("/events/tools/leads/tag", tag)
	wantStatus(t, res, http.StatusSeeOther)
	tagged := c.get("/events/tools/leads?tag=follow+up")
	if tagged.testid("lead-row").Length() != 25 || !strings.Contains(tagged.testid("leads-table").Text(), "#follow up") {
		t.Errorf("%d tagged leads", tagged.testid("lead-row").Length())
	}
	if tagged.doc.Find(`#f-tag option[value="follow up"]`).Length() != 1 {
		t.Error("the tag filter does not offer the tag")
	}
	if href, ok := tagged.testid("lead-row").First().Find("a[href^='/leads/']").First().Attr("href"); !ok {
		t.Error("a tagged row links to no lead page")
	} else if got := c.get(href).testid("lead-tags").Text(); !strings.Contains(got, "follow up") {
		t.Errorf("the lead page shows tags %q, want the new tag", got)
	}
	gen := c.get("/events/tools/export.csv?tag=follow+up")
	if !strings.Contains(gen.body, ",follow up,") {
		t.Error("the generic export has no tags")
	}

	bad := c.submit("/events/tools/leads/tag", url.Values{"interest": {"Go"}, "set_tag": {"a, b"}, "expect": {"25"}})
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	if bad.doc.Find("#bulk-tag").AttrOr("value", "") != "a, b" || !strings.Contains(bad.testid("bulk-tag").Text(), "comma") {
		t.Error("a bad tag: no error next to the field, or the typed tag lost")
	}
	tag.Del("_csrf") // submit added this client's token
	wantStatus(t, c.post("/events/tools/leads/tag", tag), http.StatusForbidden)
	staff := a.signedIn("sam@example.com", models.RoleStaff)
	wantStatus(t, staff.submit("/events/tools/leads/rate", fields), http.StatusForbidden)
}

// TestStaffRoles: an admin changes a colleague's role on the staff page; the new role applies
// at once; an admin cannot change their own, and a role that does not exist is refused.
func TestStaffRoles(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	exportEvent(t, a, "roles", "Roles", "Go")
	adm := a.signedIn("ada@example.com", models.RoleAdmin)
	sam := a.signedIn("sam@example.com", models.RoleStaff)
	wantStatus(t, sam.get("/events/roles/leads"), http.StatusForbidden)
	p := adm.get("/staff")
	var action string
	p.testid("role-form").Each(func(_ int, s *goqSelection) {
		if s.Find(`option[selected]`).AttrOr("value", "") == "staff" {
			action = s.AttrOr("action", "")
		}
	})
	if action == "" || p.testid("role-form").Length() != 1 {
		t.Fatalf("%d role forms (the admin's own row has none)", p.testid("role-form").Length())
	}
	res := adm.submit(action, url.Values{"role": {"recruiter"}})
	wantStatus(t, res, http.StatusSeeOther)
	if msg := adm.get("/staff").testid("flash").Text(); msg != "sam is now a recruiter." {
		t.Errorf("flash %q", msg)
	}
	wantStatus(t, sam.get("/events/roles/leads"), http.StatusOK)
	wantStatus(t, adm.submit(action, url.Values{"role": {"boss"}}), http.StatusUnprocessableEntity)
	var adaID int64
	a.db.Gorm.Raw(`SELECT id FROM staff_users WHERE email = 'ada@example.com'`).Scan(&adaID)
	wantStatus(t, adm.submit(fmt.Sprintf("/staff/%d/role", adaID), url.Values{"role": {"staff"}}), http.StatusUnprocessableEntity)
}

// TestAuditLogInPlainWords: the audit page says who did what in words, in the event's time zone,
// without any candidate data.
func TestAuditLogInPlainWords(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	toolsEvent(t, a)
	rita := a.signedIn("rita@example.com", models.RoleRecruiter)
	wantStatus(t, rita.get("/events/tools/export.csv?preset=greenhouse&interest=Go"), http.StatusOK)
	rita.submit("/events/tools/leads/tag", url.Values{"source": {"badge_scan"}, "set_tag": {"later"}, "expect": {"5"}})
	adm := a.signedIn("ada@example.com", models.RoleAdmin)
	var samID int64
	sam := modelstest.Staff(t, a.db, "sam@example.com", models.RoleStaff)
	samID = sam.ID
	adm.submit(fmt.Sprintf("/staff/%d/role", samID), url.Values{"role": {"recruiter"}})
	p := adm.get("/audit")
	wantStatus(t, p, http.StatusOK)
	var lines []string
	p.testid("audit-row").Each(func(_ int, s *goqSelection) {
		when := s.Find("time").Text()
		zone := when[strings.LastIndexByte(when, ' ')+1:]
		lines = append(lines, zone+" | "+strings.Join(strings.Fields(s.Find("td").Last().Text()), " "))
	})
	all := strings.Join(lines, "\n")
	for _, want := range []string{
		"UTC | ada made sam a recruiter (was booth staff)",
		"| rita tagged 5 leads of Tools Conf “later”",
		"| rita exported 20 leads of Tools Conf as Greenhouse prospects (CSV) (a filtered selection; 5 left out for lack of a name, an email address or a contact consent)",
		"UTC | rita signed in",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the audit log lacks %q:\n%s", want, all)
		}
	}
	if !strings.Contains(all, "CET | rita exported") && !strings.Contains(all, "CEST | rita exported") {
		t.Errorf("an export of a Berlin event is not in Berlin time:\n%s", all)
	}
	for _, pii := range []string{"p01@example.com", "Person 01", "+49 170"} {
		if strings.Contains(p.body, pii) {
			t.Errorf("the audit page shows candidate data %q", pii)
		}
	}
}

// TestNewEventForm: the time zone is a list that starts at the browser's zone, the status a
// single choice, the default consent texts are there to read; kept as shown, they are written
// for the event as saved.
func TestNewEventForm(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	adm := a.signedIn("ada@example.com", models.RoleAdmin)
	p := adm.get("/events/new")
	wantStatus(t, p, http.StatusOK)
	tz := p.doc.Find(`select#f-time_zone[data-browser-zone]`)
	if tz.Length() != 1 || tz.Find(`option[value="Europe/Berlin"]`).Length() != 1 || tz.Find("option[selected]").AttrOr("value", "") != "UTC" {
		t.Fatal("the time zone is not a list starting at UTC for the browser to change")
	}
	if p.doc.Find(`input[type=radio][name=status]`).Length() != 3 {
		t.Error("status is not a single choice")
	}
	contact := p.doc.Find("#f-contact_consent").Text()
	if !strings.Contains(contact, "Acme Robotics") || !strings.Contains(contact, "90 days") {
		t.Fatalf("the default consent text is not shown: %q", contact)
	}
	form := url.Values{"name": {"DevOpsDays Kyiv"}, "company": {"Globex"}, "starts_on": {"2026-11-25"},
		"ends_on": {"2026-11-26"}, "time_zone": {"Europe/Kyiv"}, "status": {"live"}, "retention_days": {"30"},
		"contact_consent": {strings.ReplaceAll(contact, "\n", "\r\n")}, "talent_pool_consent": {"My own words."}}
	p.doc.Find(`input[type=hidden][name$="_default"]`).Each(func(_ int, s *goqSelection) {
		form.Set(s.AttrOr("name", ""), s.AttrOr("value", ""))
	})
	res := adm.submit("/events", form)
	wantStatus(t, res, http.StatusSeeOther)
	ev, err := a.store.EventBySlug(context.Background(), "devopsdays-kyiv")
	if err != nil {
		t.Fatal(err)
	}
	texts, _ := a.store.CurrentConsentTexts(context.Background(), ev.ID)
	if want := models.DefaultConsentText(ev, models.PurposeContact); texts.Contact.Body != want {
		t.Errorf("the untouched default was stored as shown, not for the event:\n%q\nwant\n%q", texts.Contact.Body, want)
	}
	if texts.TalentPool.Body != "My own words." || ev.TimeZone != "Europe/Kyiv" {
		t.Errorf("talent pool %q, zone %q", texts.TalentPool.Body, ev.TimeZone)
	}
	edit := adm.get("/events/devopsdays-kyiv/edit")
	if edit.doc.Find(`select#f-time_zone option[selected]`).AttrOr("value", "") != "Europe/Kyiv" ||
		edit.doc.Find(`select#f-time_zone[data-browser-zone]`).Length() != 0 {
		t.Error("the edit form does not show the event's zone, or lets the browser change it")
	}
}
