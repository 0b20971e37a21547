package ats

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// greenhouse creates prospects through the Harvest API.
type greenhouse struct{ base }

type ghValue struct {
	Value string `json:"value"`
	Type  string `json:"type,omitempty"`
}

type ghApplication struct {
	SourceID int64 `json:"source_id,omitempty"`
}

type ghProspect struct {
	FirstName   string         `json:"first_name"`
	LastName    string         `json:"last_name"`
	Company     string         `json:"company,omitempty"`
	Title       string         `json:"title,omitempty"`
	Phones      []ghValue      `json:"phone_numbers,omitempty"`
	Emails      []ghValue      `json:"email_addresses,omitempty"`
	Websites    []ghValue      `json:"website_addresses,omitempty"`
	Social      []ghValue      `json:"social_media_addresses,omitempty"`
	Tags        []string       `json:"tags,omitempty"`
	Application *ghApplication `json:"application,omitempty"`
}

func (g *greenhouse) headers() http.Header {
	return http.Header{"On-Behalf-Of": {strings.TrimSpace(g.s.OnBehalfOf)}}
}

// Create posts the lead as a prospect (POST /v1/prospects) and returns its candidate id.
func (g *greenhouse) Create(ctx context.Context, l Lead) (string, error) {
	p := ghProspect{FirstName: l.FirstName, LastName: l.LastName, Company: l.Company, Title: l.Title,
		Tags: joinTags(g.s.Tags, l.Tags)}
	if l.Email != "" {
		p.Emails = []ghValue{{Value: l.Email, Type: "personal"}}
	}
	if l.Phone != "" {
		p.Phones = []ghValue{{Value: l.Phone, Type: "mobile"}}
	}
	if l.Website != "" {
		p.Websites = []ghValue{{Value: l.Website, Type: "portfolio"}}
	}
	for _, s := range []string{l.LinkedIn, l.GitHub} {
		if s != "" {
			p.Social = append(p.Social, ghValue{Value: s})
		}
	}
	if id, err := strconv.ParseInt(strings.TrimSpace(g.s.Source), 10, 64); err == nil && id > 0 {
		p.Application = &ghApplication{SourceID: id}
	}
	var out struct {
		ID int64 `json:"id"`
	}
	if err := g.do(ctx, http.MethodPost, "/v1/prospects", g.headers(), p, &out); err != nil {
		return "", err
	}
	if out.ID == 0 {
		return "", &Error{Status: http.StatusCreated, Uncertain: true, Retry: true, Message: "the answer holds no prospect id"}
	}
	return strconv.FormatInt(out.ID, 10), nil
}

// Find looks for a candidate or prospect with this email (GET /v1/candidates?email=).
func (g *greenhouse) Find(ctx context.Context, email string) (string, bool, error) {
	var out []struct {
		ID int64 `json:"id"`
	}
	q := url.Values{"email": {email}, "per_page": {"1"}, "skip_count": {"true"}}
	if err := g.do(ctx, http.MethodGet, "/v1/candidates?"+q.Encode(), nil, nil, &out); err != nil {
		return "", false, err
	}
	if len(out) == 0 || out[0].ID == 0 {
		return "", false, nil
	}
	return strconv.FormatInt(out[0].ID, 10), true, nil
}

// joinTags returns the connection's tags then the lead's, without repeats or empty ones.
func joinTags(lists ...[]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range lists {
		for _, t := range l {
			t = strings.TrimSpace(t)
			if t == "" || seen[strings.ToLower(t)] {
				continue
			}
			seen[strings.ToLower(t)] = true
			out = append(out, t)
		}
	}
	return out
}
