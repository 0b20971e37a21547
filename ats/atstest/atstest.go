// Package atstest runs Greenhouse- and Lever-like API servers in the test process, built to the
// vendors' public documentation (see package ats): the same paths, Basic auth with the API key
// as user name, On-Behalf-Of (Greenhouse) and perform_as (Lever), the request and answer shapes,
// the error bodies, and rate limits answered with 429. They keep what they create, so tests can
// count how often a person was created, and they can fail on purpose: answer 5xx, or create a
// record and then drop the connection before answering (the case that tempts a client into
// creating twice). Import it only from _test.go files.
package atstest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Request is one request the server received.
type Request struct {
	Method, Path, Query string
	Header              http.Header
	Body                map[string]any
}

// Server is a vendor API on 127.0.0.1.
type Server struct {
	*httptest.Server
	provider string
	key      string

	mu       sync.Mutex
	nextID   int64
	records  []record
	requests []Request
	drop     int // create, then close the connection without an answer
	failN    int
	failCode int
	limit    int // requests per window; 0: no limit
	window   time.Duration
	winStart time.Time
	winCount int
}

type record struct {
	id    string
	email string
	body  map[string]any
}

// Greenhouse starts a Harvest API server that accepts key.
func Greenhouse(t testing.TB, key string) *Server { return start(t, "greenhouse", key) }

// Lever starts a Lever API server that accepts key.
func Lever(t testing.TB, key string) *Server { return start(t, "lever", key) }

func start(t testing.TB, provider, key string) *Server {
	t.Helper()
	s := &Server{provider: provider, key: key, nextID: 29843268}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// DropAnswers makes the next n creates succeed on the server but close the connection before
// any answer is written.
func (s *Server) DropAnswers(n int) { s.mu.Lock(); s.drop = n; s.mu.Unlock() }

// Fail makes the next n requests answer status (500, 503, 401…) without doing anything.
func (s *Server) Fail(status, n int) { s.mu.Lock(); s.failCode, s.failN = status, n; s.mu.Unlock() }

// RateLimit allows n requests per window, then answers 429 until the window ends.
func (s *Server) RateLimit(n int, window time.Duration) {
	s.mu.Lock()
	s.limit, s.window, s.winStart, s.winCount = n, window, time.Now(), 0
	s.mu.Unlock()
}

// Created returns how many records were created with this email.
func (s *Server) Created(email string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.records {
		if strings.EqualFold(r.email, email) {
			n++
		}
	}
	return n
}

// Total returns how many records were created.
func (s *Server) Total() int { s.mu.Lock(); defer s.mu.Unlock(); return len(s.records) }

// Record returns the body a record with this email was created from.
func (s *Server) Record(email string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.records {
		if strings.EqualFold(r.email, email) {
			return r.body, true
		}
	}
	return nil, false
}

// Requests returns every request received.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// problem writes an error body the way the vendor does.
func (s *Server) problem(w http.ResponseWriter, status int, code, msg string) {
	if s.provider == "lever" {
		writeJSON(w, status, map[string]string{"code": code, "message": msg})
		return
	}
	writeJSON(w, status, map[string]any{"errors": []map[string]string{{"message": msg}}})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if r.Body != nil && r.Method == http.MethodPost {
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			s.problem(w, http.StatusBadRequest, "BadRequestError", "Invalid JSON")
			return
		}
	}
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})
	if s.limit > 0 {
		now := time.Now()
		if now.Sub(s.winStart) >= s.window {
			s.winStart, s.winCount = now, 0
		}
		s.winCount++
		if s.provider == "greenhouse" {
			w.Header().Set("X-RateLimit-Limit", strconv.Itoa(s.limit))
			w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(max(0, s.limit-s.winCount)))
		}
		if s.winCount > s.limit {
			reset := s.winStart.Add(s.window)
			s.mu.Unlock()
			if s.provider == "greenhouse" {
				w.Header().Set("Retry-After", strconv.Itoa(int(time.Until(reset).Seconds())+1))
				w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix()+1, 10))
			}
			s.problem(w, http.StatusTooManyRequests, "TooManyRequestsError", "Rate limit exceeded")
			return
		}
	}
	if s.failN > 0 {
		s.failN--
		code := s.failCode
		s.mu.Unlock()
		s.problem(w, code, "ServerError", http.StatusText(code))
		return
	}
	s.mu.Unlock()

	user, pass, ok := r.BasicAuth()
	if !ok || user != s.key || pass != "" {
		s.problem(w, http.StatusUnauthorized, "UnauthorizedError", "Invalid Basic Auth credentials")
		return
	}
	switch {
	case s.provider == "greenhouse" && r.Method == http.MethodPost && r.URL.Path == "/v1/prospects":
		s.greenhouseCreate(w, r, body)
	case s.provider == "greenhouse" && r.Method == http.MethodGet && r.URL.Path == "/v1/candidates":
		s.list(w, r.URL.Query().Get("email"), func(ids []map[string]any) any { return ids })
	case s.provider == "lever" && r.Method == http.MethodPost && r.URL.Path == "/v1/opportunities":
		s.leverCreate(w, r, body)
	case s.provider == "lever" && r.Method == http.MethodGet && r.URL.Path == "/v1/opportunities":
		s.list(w, r.URL.Query().Get("email"), func(ids []map[string]any) any {
			return map[string]any{"data": ids, "hasNext": false}
		})
	default:
		s.problem(w, http.StatusNotFound, "ResourceNotFound", "Resource not found")
	}
}

func (s *Server) list(w http.ResponseWriter, email string, wrap func([]map[string]any) any) {
	s.mu.Lock()
	out := []map[string]any{}
	for _, rec := range s.records {
		if email == "" || strings.EqualFold(rec.email, email) {
			out = append(out, map[string]any{"id": s.idValue(rec.id)})
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, wrap(out))
}

func (s *Server) idValue(id string) any {
	if s.provider == "greenhouse" {
		n, _ := strconv.ParseInt(id, 10, 64)
		return n
	}
	return id
}

// create keeps the record, and drops the answer when asked to; it returns false then.
func (s *Server) create(w http.ResponseWriter, email string, body map[string]any) (string, bool) {
	s.mu.Lock()
	s.nextID++
	id := strconv.FormatInt(s.nextID, 10)
	if s.provider == "lever" {
		id = fmt.Sprintf("250d8f03-738a-4bba-a671-%012d", s.nextID)
	}
	s.records = append(s.records, record{id: id, email: email, body: body})
	drop := s.drop > 0
	if drop {
		s.drop--
	}
	s.mu.Unlock()
	if drop {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
			}
		}
		return id, false
	}
	return id, true
}

// greenhouseCreate is POST /v1/prospects: On-Behalf-Of is required, first_name and last_name
// too; the answer is the candidate with its id (201).
func (s *Server) greenhouseCreate(w http.ResponseWriter, r *http.Request, body map[string]any) {
	if _, err := strconv.ParseInt(r.Header.Get("On-Behalf-Of"), 10, 64); err != nil {
		s.problem(w, http.StatusForbidden, "", "Missing or invalid On-Behalf-Of header")
		return
	}
	for _, f := range []string{"first_name", "last_name"} {
		if v, _ := body[f].(string); strings.TrimSpace(v) == "" {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Validation error",
				"errors": []map[string]string{{"message": "Missing required field: " + f, "field": f}}})
			return
		}
	}
	if app, ok := body["application"].(map[string]any); ok {
		if _, isNum := app["source_id"].(float64); app["source_id"] != nil && !isNum {
			s.problem(w, http.StatusUnprocessableEntity, "", "source_id must be an integer")
			return
		}
	}
	email := ""
	if list, ok := body["email_addresses"].([]any); ok && len(list) > 0 {
		if m, ok := list[0].(map[string]any); ok {
			email, _ = m["value"].(string)
		}
	}
	id, ok := s.create(w, email, body)
	if !ok {
		return
	}
	n, _ := strconv.ParseInt(id, 10, 64)
	out := map[string]any{"id": n, "first_name": body["first_name"], "last_name": body["last_name"],
		"company": body["company"], "title": body["title"], "email_addresses": body["email_addresses"],
		"tags": body["tags"], "application_ids": []int64{n + 9000000}, "created_at": time.Now().UTC().Format(time.RFC3339)}
	writeJSON(w, http.StatusCreated, out)
}

var leverOrigins = map[string]bool{"agency": true, "applied": true, "internal": true, "referred": true, "sourced": true, "university": true}

// leverCreate is POST /v1/opportunities?perform_as=: perform_as is required, name too, origin is
// one of Lever's; the answer is the opportunity in "data" (201).
func (s *Server) leverCreate(w http.ResponseWriter, r *http.Request, body map[string]any) {
	if r.URL.Query().Get("perform_as") == "" {
		s.problem(w, http.StatusBadRequest, "BadRequestError", "perform_as is required")
		return
	}
	if v, _ := body["name"].(string); strings.TrimSpace(v) == "" {
		s.problem(w, http.StatusBadRequest, "BadRequestError", "name is required")
		return
	}
	if o, ok := body["origin"].(string); ok && !leverOrigins[o] {
		s.problem(w, http.StatusBadRequest, "BadRequestError", "invalid origin")
		return
	}
	email := ""
	if list, ok := body["emails"].([]any); ok && len(list) > 0 {
		email, _ = list[0].(string)
	}
	id, ok := s.create(w, email, body)
	if !ok {
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"data": map[string]any{"id": id, "name": body["name"],
		"emails": body["emails"], "origin": body["origin"], "sources": body["sources"], "tags": body["tags"],
		"createdAt": time.Now().UnixMilli()}})
}
