package handlers

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"strings"
	"time"
)

// The check-in form carries a stamp: when it was shown, which consent texts it showed, signed
// with an HMAC key that all instances share (app_secrets). A form sent back faster than a
// person can fill it is most likely a bot (ASVS V2.4.2 "realistic human timing").
const (
	stampSecretName = "checkin_form_stamp" //nolint:gosec // the name the key is stored under, not the key
	minFillTime     = 2 * time.Second
	maxFormAge      = 24 * time.Hour
	stampMACBytes   = 16
)

// stampProblem says what is wrong with a form's stamp; stampOK when nothing is.
type stampProblem int

const (
	stampOK stampProblem = iota
	stampMissing
	stampTooFast
	stampExpired
)

// stamp is what a valid form stamp says.
type stamp struct {
	shown                 time.Time
	contactText, poolText int64
	raw                   string
}

// stampKey returns the form-stamp HMAC key, loading (or creating) it on first use.
func (s *Server) stampKey(ctx context.Context) ([]byte, error) {
	return s.store.Secret(ctx, stampSecretName)
}

func stampMAC(key []byte, parts ...string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strings.Join(parts, "|")))
	return m.Sum(nil)[:stampMACBytes]
}

// newStamp signs "shown at t, with these consent texts, for this event".
func newStamp(key []byte, eventID int64, t time.Time, contactText, poolText int64) string {
	body := "1." + strconv.FormatInt(t.UnixMilli(), 36) + "." + strconv.FormatInt(contactText, 36) + "." +
		strconv.FormatInt(poolText, 36)
	return body + "." + base64.RawURLEncoding.EncodeToString(stampMAC(key, "stamp", strconv.FormatInt(eventID, 10), body))
}

// checkStamp reads and verifies a stamp at time now.
func checkStamp(key []byte, eventID int64, raw string, now time.Time) (stamp, stampProblem) {
	if len(raw) > 200 {
		return stamp{}, stampMissing
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 5 || parts[0] != "1" {
		return stamp{}, stampMissing
	}
	body := strings.Join(parts[:4], ".")
	got, err := base64.RawURLEncoding.DecodeString(parts[4])
	if err != nil || !hmac.Equal(got, stampMAC(key, "stamp", strconv.FormatInt(eventID, 10), body)) {
		return stamp{}, stampMissing
	}
	ms, err1 := strconv.ParseInt(parts[1], 36, 64)
	ct, err2 := strconv.ParseInt(parts[2], 36, 64)
	pt, err3 := strconv.ParseInt(parts[3], 36, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return stamp{}, stampMissing
	}
	st := stamp{shown: time.UnixMilli(ms), contactText: ct, poolText: pt, raw: raw}
	age := now.Sub(st.shown)
	switch {
	case age < -time.Minute: // signed by an instance whose clock runs ahead: treat as unknown
		return st, stampMissing
	case age < minFillTime:
		return st, stampTooFast
	case age > maxFormAge:
		return st, stampExpired
	}
	return st, stampOK
}

// decoyToken returns a token shaped like a real one (n random-looking bytes, URL-safe base64)
// that the server can later recognise as its own decoy: what a bot that filled the honeypot
// gets instead of a lead's token. It carries the event id, hidden, so the decoy confirmation
// can look like the event's real one.
func decoyToken(key []byte, kind string, n int, eventID int64) string {
	b := make([]byte, n)
	_, _ = rand.Read(b[:8])
	binary.BigEndian.PutUint64(b[8:16], uint64(eventID)^binary.BigEndian.Uint64(stampMAC(key, "decoy-id", string(b[:8]))))
	copy(b[16:], stampMAC(key, "decoy", kind, string(b[:16]))) // the first n-16 bytes of the MAC
	return base64.RawURLEncoding.EncodeToString(b)
}

// decoyEvent reports whether token came from decoyToken with the same kind and size, and the
// event id it carries.
func decoyEvent(key []byte, kind string, n int, token string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != n || n < 24 || n > 16+stampMACBytes {
		return 0, false
	}
	if !hmac.Equal(b[16:], stampMAC(key, "decoy", kind, string(b[:16]))[:n-16]) {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(b[8:16]) ^ binary.BigEndian.Uint64(stampMAC(key, "decoy-id", string(b[:8])))), true
}
