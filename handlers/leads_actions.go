package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/models"
	"github.com/boothlead/boothlead/views/pages"
)

// The forms of the leads table that act on its current filter (saved views, bulk rating and
// tagging) carry the filter as hidden fields, in the table's query-string form; what they set
// has names of its own (set_rating, set_tag), never a filter parameter's.

// filterForm reads the filter a leads-table form carries, and the count of leads the recruiter
// saw (-1 when the form has none).
func filterForm(c echo.Context) (url.Values, int64, error) {
	form, err := c.FormParams()
	if err != nil {
		return nil, 0, echo.NewHTTPError(http.StatusBadRequest, "Could not read the form.")
	}
	q := url.Values{}
	for _, k := range []string{"q", "rating", "interest", "tag", "source", "staff", "pool", "from", "to", "sort", "dir"} {
		if vs, ok := form[k]; ok {
			q[k] = vs
		}
	}
	for k, vs := range form { // the answer filters of the event's questions: a.<key>, t.<key>
		if strings.HasPrefix(k, "a.") || strings.HasPrefix(k, "t.") {
			q[k] = vs
		}
	}
	want := int64(-1)
	if s := form.Get("expect"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return nil, 0, echo.NewHTTPError(http.StatusBadRequest, "Could not read the form.")
		}
		want = n
	}
	return q, want, nil
}

// parsedFilter parses q for ev; an invalid filter (only a tampered form has one) is a 400.
func parsedFilter(q url.Values, ev models.Event) (models.LeadFilter, error) {
	f, err := models.ParseLeadFilter(q, ev)
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return f, echo.NewHTTPError(http.StatusBadRequest,
			"This form holds a filter that is not valid. Open the leads table, check the filter and try again.")
	}
	return f, err
}

// filterAction is what every leads-table form that acts on its filter starts from: the event,
// the filter as the form carried it (q) and parsed (f), and the count the recruiter saw (want).
type filterAction struct {
	ev   models.Event
	q    url.Values
	f    models.LeadFilter
	want int64
}

func (s *Server) filterAction(c echo.Context) (filterAction, error) {
	var a filterAction
	ev, err := s.event(c)
	if err != nil {
		return a, err
	}
	q, want, err := filterForm(c)
	if err != nil {
		return a, err
	}
	f, err := parsedFilter(q, ev)
	if err != nil {
		return a, err
	}
	return filterAction{ev: ev, q: q, f: f, want: want}, nil
}

// viewSave saves the current filter under the name typed; the same name replaces the filter.
func (s *Server) viewSave(c echo.Context) error {
	a, err := s.filterAction(c)
	if err != nil {
		return err
	}
	ev, q, f := a.ev, a.q, a.f
	name := c.FormValue("view_name")
	v, err := models.NewSavedView(ev.ID, currentUser(c).ID, name, f)
	if err == nil {
		v, err = s.store.SaveView(c.Request().Context(), v)
	}
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		return s.renderLeads(c, ev, q, pages.LeadsInput{ViewName: name, ViewErr: ve.Fields["view_name"]})
	}
	if err != nil {
		return err
	}
	s.flash(c, "Saved the view “"+v.Name+"”.")
	return seeOther(c, pages.LeadsHref(ev.Slug, v.Values()))
}

// viewDelete deletes one of the signed-in person's saved views.
func (s *Server) viewDelete(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.store.DeleteSavedView(c.Request().Context(), ev.ID, currentUser(c).ID, id)
	if errors.Is(err, models.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound, "This saved view does not exist (any more).")
	}
	if err != nil {
		return err
	}
	s.flash(c, "Deleted the view “"+v.Name+"”.")
	return seeOther(c, pages.LeadsHref(ev.Slug, nil))
}

// bulkRate rates every lead of the filter the form carries.
func (s *Server) bulkRate(c echo.Context) error {
	a, err := s.filterAction(c)
	if err != nil {
		return err
	}
	ev, f := a.ev, a.f
	rating := c.FormValue("set_rating")
	n, err := s.store.BulkRate(c.Request().Context(), ev, currentUser(c).ID, f, rating, a.want)
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "Choose hot, warm or cold.")
	case errors.Is(err, models.ErrSetChanged):
		s.flash(c, "Nothing was rated: the leads of this filter changed since the page was shown. Check them and try again.")
	case err != nil:
		return err
	default:
		s.flash(c, "Rated "+strconv.FormatInt(n, 10)+" "+pluralWord(n, "lead", "leads")+" "+pages.LeadsRatingLabel(rating)+".")
	}
	return seeOther(c, pages.LeadsHref(ev.Slug, f.Values()))
}

// bulkTag adds a tag to, or removes it from, every lead of the filter the form carries.
func (s *Server) bulkTag(c echo.Context) error {
	a, err := s.filterAction(c)
	if err != nil {
		return err
	}
	ev, q, f := a.ev, a.q, a.f
	tag, op := c.FormValue("set_tag"), c.FormValue("op")
	remove := op == "remove"
	n, err := s.store.BulkTag(c.Request().Context(), ev, currentUser(c).ID, f, tag, remove, a.want)
	var ve *models.ValidationError
	switch {
	case errors.As(err, &ve):
		return s.renderLeads(c, ev, q, pages.LeadsInput{BulkTag: tag, BulkOp: op, BulkErr: ve.Fields["tag"]})
	case errors.Is(err, models.ErrSetChanged):
		s.flash(c, "Nothing was tagged: the leads of this filter changed since the page was shown. Check them and try again.")
	case err != nil:
		return err
	case remove:
		clean, _ := models.CleanTag(tag)
		s.flash(c, "Removed the tag “"+clean+"” from "+strconv.FormatInt(n, 10)+" "+pluralWord(n, "lead", "leads")+".")
	default:
		clean, _ := models.CleanTag(tag)
		s.flash(c, "Tagged "+strconv.FormatInt(n, 10)+" "+pluralWord(n, "lead", "leads")+" “"+clean+"”.")
	}
	return seeOther(c, pages.LeadsHref(ev.Slug, f.Values()))
}

// pluralWord picks the word for n.
func pluralWord(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
