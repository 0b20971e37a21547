package ats

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// lever creates opportunities (sourced leads) through the Lever API.
type lever struct{ base }

type leverPhone struct {
	Value string `json:"value"`
	Type  string `json:"type,omitempty"`
}

type leverOpportunity struct {
	Name     string       `json:"name"`
	Headline string       `json:"headline,omitempty"`
	Emails   []string     `json:"emails,omitempty"`
	Phones   []leverPhone `json:"phones,omitempty"`
	Links    []string     `json:"links,omitempty"`
	Tags     []string     `json:"tags,omitempty"`
	Sources  []string     `json:"sources,omitempty"`
	Origin   string       `json:"origin"`
}

// Create posts the lead as a sourced opportunity (POST /v1/opportunities?perform_as=…).
func (l *lever) Create(ctx context.Context, ld Lead) (string, error) {
	o := leverOpportunity{Name: ld.Name, Headline: headline(ld), Tags: joinTags(l.s.Tags, ld.Tags), Origin: "sourced"}
	if ld.Email != "" {
		o.Emails = []string{ld.Email}
	}
	if ld.Phone != "" {
		o.Phones = []leverPhone{{Value: ld.Phone, Type: "mobile"}}
	}
	for _, s := range []string{ld.LinkedIn, ld.GitHub, ld.Website} {
		if s != "" {
			o.Links = append(o.Links, s)
		}
	}
	if src := strings.TrimSpace(l.s.Source); src != "" {
		o.Sources = []string{src}
	}
	q := url.Values{"perform_as": {strings.TrimSpace(l.s.OnBehalfOf)}}
	var out struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := l.do(ctx, http.MethodPost, "/v1/opportunities?"+q.Encode(), nil, o, &out); err != nil {
		return "", err
	}
	if out.Data.ID == "" {
		return "", &Error{Status: http.StatusCreated, Uncertain: true, Retry: true, Message: "the answer holds no opportunity id"}
	}
	return out.Data.ID, nil
}

// Find looks for an opportunity with this email (GET /v1/opportunities?email=).
func (l *lever) Find(ctx context.Context, email string) (string, bool, error) {
	var out struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	q := url.Values{"email": {email}, "limit": {"1"}}
	if err := l.do(ctx, http.MethodGet, "/v1/opportunities?"+q.Encode(), nil, nil, &out); err != nil {
		return "", false, err
	}
	if len(out.Data) == 0 || out.Data[0].ID == "" {
		return "", false, nil
	}
	return out.Data[0].ID, true, nil
}

// headline is Lever's one line under the name: title and company.
func headline(l Lead) string {
	switch {
	case l.Title != "" && l.Company != "":
		return l.Title + ", " + l.Company
	case l.Company != "":
		return l.Company
	}
	return l.Title
}
