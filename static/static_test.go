package static

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestHandlerServesAssetsNotDeveloperFiles(t *testing.T) {
	h := Handler()
	get := func(path string) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code
	}
	for _, path := range []string{URL("js/outbox.js"), URL("js/app.js"), Prefix + "sw.js", Prefix + "js/outbox.js"} {
		if code := get(path); code != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", path, code)
		}
	}
	for _, path := range []string{Prefix + "js/outbox.test.js", Prefix + "js/README.md", Prefix + "static.go", Prefix + "static_test.go"} {
		if code := get(path); code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, code)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("URL of a test file did not panic: it is not an asset")
		}
	}()
	URL("js/outbox.test.js")
}
