// Package static holds the stylesheet, scripts and vendored libraries, embedded into the binary
// and served under content-hashed URLs so browsers may cache them for a year.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
)

//go:embed *
var files embed.FS

// Prefix is the URL path under which assets are served.
const Prefix = "/static/"

type index struct {
	hashed map[string]string // "css/app.css" → "css/app.1a2b3c4d5e.css"
	byHash map[string]string // the reverse
}

var assets = sync.OnceValue(func() index {
	ix := index{hashed: map[string]string{}, byHash: map[string]string{}}
	_ = fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !served(p) {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(p)
		h := strings.TrimSuffix(p, ext) + "." + hex.EncodeToString(sum[:])[:10] + ext
		ix.hashed[p] = h
		ix.byHash[h] = p
		return nil
	})
	return ix
})

// served reports whether a file in this folder is an asset: not the Go code, the JS tests or the
// notes for developers.
func served(name string) bool {
	for _, suffix := range []string{".go", ".test.js", ".md"} {
		if strings.HasSuffix(name, suffix) {
			return false
		}
	}
	return true
}

// URL returns the content-hashed URL of an asset, e.g. URL("css/app.css") →
// "/static/css/app.1a2b3c4d5e.css". An unknown name panics: it is a programming error that every
// page test would catch.
func URL(name string) string {
	h, ok := assets().hashed[name]
	if !ok {
		panic("static: no asset " + name)
	}
	return Prefix + h
}

// Read returns an asset's bytes by its plain name.
func Read(name string) ([]byte, error) { return files.ReadFile(name) }

// Handler serves assets by their hashed names with a year-long immutable cache, and by their
// plain names with revalidation (for files whose URL must stay fixed, like the service worker).
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, Prefix)
		plain, hashed := assets().byHash[name]
		if !hashed {
			plain = name
		}
		if !served(plain) {
			http.NotFound(w, r)
			return
		}
		b, err := files.ReadFile(plain)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if hashed {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		ct := mime.TypeByExtension(path.Ext(plain))
		if ct == "" {
			ct = http.DetectContentType(b)
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("ETag", `"`+assets().hashed[plain]+`"`)
		if r.Header.Get("If-None-Match") == `"`+assets().hashed[plain]+`"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		_, _ = w.Write(b) //nolint:gosec // an embedded asset, served as its own Content-Type: no request data in it
	})
}
