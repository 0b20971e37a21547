package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/boothlead/boothlead/badge"
	"github.com/boothlead/boothlead/models"
)

// scan resolves the text a camera or keyboard-wedge scanner read into a lead, and opens it.
func (s *Server) scan(c echo.Context) error {
	ev, err := s.event(c)
	if err != nil {
		return err
	}
	raw := c.FormValue("code")
	r := badge.Parse(raw, s.baseURL)
	in := models.ScanInput{ClientID: c.FormValue("client_id"), Raw: raw, Kind: string(r.Kind),
		PersonalToken: r.PersonalToken, Name: r.Name, Email: r.Email, Phone: r.Phone, Company: r.Company,
		Title: r.Title, LinkedIn: r.LinkedIn, GitHub: r.GitHub, Website: r.Website}
	if r.Kind != badge.KindPersonal {
		in.IdentityKind, in.IdentityValue = r.Identity()
	}
	lead, created, err := s.store.ResolveScan(c.Request().Context(), ev, currentUser(c).ID, in)
	var ve *models.ValidationError
	if errors.As(err, &ve) {
		msg := ve.Fields["code"]
		if msg == "" {
			msg = "That code could not be read. Try again or type the person's email."
		}
		return s.boardPage(c, ev, http.StatusUnprocessableEntity, typedValue(raw), msg)
	}
	if err != nil {
		return err
	}
	done := "scan-found"
	switch {
	case !lead.Resolved():
		done = "scan-unresolved"
	case created:
		done = "scan-new"
	}
	return seeOther(c, leadDone(lead.ID, done))
}
