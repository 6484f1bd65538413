// Package static embeds weekoffs' stylesheets, images and vendored scripts
// and serves them with long-lived caching that each release busts.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed all:files
var embedded embed.FS

// Assets serves the embedded files. URL gives each a version from its
// content, so a changed file gets a new URL and may be cached for a year.
type Assets struct {
	files    fs.FS
	versions map[string]string // file name → short content hash
}

// New indexes the embedded files.
func New() *Assets {
	files, err := fs.Sub(embedded, "files")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	a := &Assets{files: files, versions: map[string]string{}}
	err = fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.versions[p] = hex.EncodeToString(sum[:6])
		return nil
	})
	if err != nil {
		panic(err) // embedded files are always readable
	}
	return a
}

// URL is the address of the named file ("css/site.css") with its version.
// An unknown name panics, so a typo fails the first test that renders it.
func (a *Assets) URL(name string) string {
	v, ok := a.versions[name]
	if !ok {
		panic("static: no asset " + name)
	}
	return "/static/" + name + "?v=" + v
}

// Handler serves /static/<name>. A request that carries the file's current
// version is cached for a year; any other gets an ETag to revalidate.
func (a *Assets) Handler() http.Handler {
	files := http.FileServerFS(a.files)
	return http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Clean(strings.TrimPrefix(r.URL.Path, "/"))
		v, ok := a.versions[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("ETag", `"`+v+`"`)
		if r.URL.Query().Get("v") == v {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	}))
}
