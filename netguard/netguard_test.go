package netguard_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/boothlead/boothlead/netguard"
)

func TestCheckRefusesWhatIsNotPublic(t *testing.T) {
	strict := netguard.Policy{}
	for _, a := range []string{"127.0.0.1", "127.8.9.10", "::1", "10.1.2.3", "172.16.0.1", "172.31.255.255",
		"192.168.1.1", "169.254.169.254", "fe80::1", "fc00::1", "fd12:3456::1", "0.0.0.0", "::", "100.64.0.1",
		"224.0.0.1", "255.255.255.255", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "ff02::1"} {
		ip := netip.MustParseAddr(a)
		err := strict.Check(ip)
		var re *netguard.RefusedError
		if !errors.As(err, &re) {
			t.Errorf("Check(%s) = %v, want a refusal", a, err)
		}
		if err := (netguard.Policy{AllowPrivate: true}).Check(ip); err != nil {
			t.Errorf("with AllowPrivate, Check(%s) = %v", a, err)
		}
	}
	for _, a := range []string{"93.184.215.14", "8.8.8.8", "172.32.0.1", "2a00:1450:4001:80b::200e", "1.1.1.1"} {
		if err := strict.Check(netip.MustParseAddr(a)); err != nil {
			t.Errorf("Check(%s) = %v, want allowed", a, err)
		}
	}
}

func TestCheckURL(t *testing.T) {
	strict := netguard.Policy{}
	for _, bad := range []string{"", "hooks.example.com/x", "ftp://example.com/x", "https://user:pw@example.com/x",
		"http://127.0.0.1:8080/hook", "http://localhost/hook", "http://LOCALHOST./hook", "http://[::1]/hook",
		"http://169.254.169.254/latest/meta-data", "http://10.0.0.5/hook", "https://example.com/x#frag", "javascript:alert(1)"} {
		if _, err := strict.CheckURL(bad); err == nil {
			t.Errorf("CheckURL(%q) accepted", bad)
		}
	}
	for _, good := range []string{"https://hooks.example.com/boothlead", "http://receiver.example.org:8443/in?x=1"} {
		if _, err := strict.CheckURL(good); err != nil {
			t.Errorf("CheckURL(%q) = %v", good, err)
		}
	}
	if _, err := (netguard.Policy{AllowPrivate: true}).CheckURL("http://127.0.0.1:9/hook"); err != nil {
		t.Errorf("with AllowPrivate: %v", err)
	}
}

// The address dialled is what counts: the literal 127.0.0.1 and the name localhost (which
// resolves to it) are refused before a byte is sent, and the receiver hears nothing.
func TestClientRefusesLoopbackByAddressAndByName(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	port := srv.URL[strings.LastIndexByte(srv.URL, ':'):]
	c := netguard.Policy{}.Client(5 * time.Second)
	for _, u := range []string{srv.URL, "http://localhost" + port + "/hook"} {
		res, err := c.Post(u, "application/json", strings.NewReader("{}"))
		if err == nil {
			res.Body.Close()
			t.Fatalf("POST %s went through (%d)", u, res.StatusCode)
		}
		if !netguard.Refused(err) {
			t.Errorf("POST %s: %v, want a refusal", u, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the loopback receiver got %d requests", n)
	}
	res, err := netguard.Policy{AllowPrivate: true}.Client(5*time.Second).Post(srv.URL, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatalf("with AllowPrivate: %v", err)
	}
	res.Body.Close()
	if hits.Load() != 1 {
		t.Fatalf("with AllowPrivate the receiver got %d requests, want 1", hits.Load())
	}
}

// A redirect is an answer, not an instruction: the client never follows it, so a public
// receiver cannot bounce a delivery onto an internal address.
func TestClientFollowsNoRedirect(t *testing.T) {
	var inner atomic.Int32
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { inner.Add(1) }))
	defer internal.Close()
	outer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, internal.URL+"/admin", http.StatusTemporaryRedirect)
	}))
	defer outer.Close()
	res, err := netguard.Policy{AllowPrivate: true}.Client(5*time.Second).Post(outer.URL, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusTemporaryRedirect || inner.Load() != 0 {
		t.Fatalf("status %d, internal hits %d: the redirect was followed", res.StatusCode, inner.Load())
	}
}
