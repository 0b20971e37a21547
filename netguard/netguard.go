// Package netguard keeps the requests Boothlead makes to addresses someone typed (webhook
// receivers, ATS endpoints) away from this machine and its private networks (SSRF). The address
// is checked when it is dialled, after DNS, so a name that resolves to 127.0.0.1 is refused as
// surely as the literal, and so is a name whose DNS answer changes between a check and the
// connection. Redirects are never followed: a receiver that answers 3xx has not taken the
// delivery. WEBHOOK_ALLOW_PRIVATE=on lifts the rule, for tests and on-premises receivers.
package netguard

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Policy says which addresses may be dialled.
type Policy struct {
	// AllowPrivate lets requests reach loopback, private and link-local addresses.
	AllowPrivate bool
}

// RefusedError is a request to an address the policy keeps out of reach.
type RefusedError struct {
	Addr   netip.Addr
	Reason string // "loopback", "private", "link-local", …
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("refused: %s is a %s address (set WEBHOOK_ALLOW_PRIVATE=on to allow it)", e.Addr, e.Reason)
}

// special lists address blocks that are never a public receiver, besides what netip classifies.
var special = []struct {
	prefix netip.Prefix
	reason string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (carrier-grade NAT)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "local NAT64"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
}

// Check reports whether ip may be dialled: nil, or a *RefusedError.
func (p Policy) Check(ip netip.Addr) error {
	if p.AllowPrivate {
		return nil
	}
	ip = ip.Unmap() // ::ffff:127.0.0.1 is 127.0.0.1
	reason := ""
	switch {
	case !ip.IsValid():
		reason = "invalid"
	case ip.IsLoopback():
		reason = "loopback"
	case ip.IsPrivate():
		reason = "private"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		reason = "link-local"
	case ip.IsUnspecified():
		reason = "unspecified"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		reason = "multicast"
	case ip.Is4() && ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		reason = "broadcast"
	}
	if reason == "" {
		for _, s := range special {
			if s.prefix.Contains(ip) {
				reason = s.reason
				break
			}
		}
	}
	if reason != "" {
		return &RefusedError{Addr: ip, Reason: reason}
	}
	return nil
}

// control is the dialer's last word before a connection is made: it sees the address actually
// dialled, whatever name led there.
func (p Policy) control(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("netguard: %w", err)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("netguard: not an IP address: %q", host)
	}
	return p.Check(ip)
}

// Client returns an HTTP client whose every connection passes Check, that uses no proxy from
// the environment (a proxy would be the address checked, not the receiver) and follows no
// redirect (the 3xx answer is returned as it is). timeout bounds a whole request.
func (p Policy) Client(timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: p.control}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          20,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       60 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// CheckURL validates an address typed for a receiver: http or https, a host, no credentials in
// it, and, when the host is an IP literal or localhost, one the policy allows. A host name is
// checked again on every connection (names can change what they resolve to).
func (p Policy) CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return nil, errors.New("enter a full address such as https://hooks.example.com/boothlead")
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, errors.New("the address must start with https:// (or http://)")
	}
	if u.User != nil {
		return nil, errors.New("put no user name or password in the address: the secret signs every delivery")
	}
	if u.Fragment != "" {
		return nil, errors.New("the address cannot have a #fragment")
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		host = "127.0.0.1"
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if err := p.Check(ip); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// Refused reports whether err is (or wraps) a refusal by the policy.
func Refused(err error) bool {
	var re *RefusedError
	return errors.As(err, &re)
}
