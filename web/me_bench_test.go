package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/modelstest"
	"github.com/weekoffs/weekoffs/web"
)

// BenchmarkGetMe is GET /me through the whole handler (middleware, JWT,
// the user query, JSON) without the network, logging at warn as `make
// bench` runs the server, for CPU profiles of the hot path:
//
//	go test -run '^$' -bench GetMe -cpuprofile cpu.out ./web
func BenchmarkGetMe(b *testing.B) {
	cfg := modelstest.Config(b)
	log := slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	store := modelstest.Open(b, cfg, log)
	email, name, role, pw := "me@example.com", "Me", "employee", "password1"
	if _, err := store.CreateUser(context.Background(), models.UserInput{Email: &email, FullName: &name, Role: &role, Password: &pw}); err != nil {
		b.Fatal(err)
	}
	srv, err := web.NewServer(cfg, store, log)
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()

	form := url.Values{"username": {email}, "password": {pw}}.Encode()
	req := httptest.NewRequest(http.MethodPost, "/auth/token", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	_, rest, _ := strings.Cut(rec.Body.String(), `"access_token":"`)
	token, _, _ := strings.Cut(rest, `"`)

	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}
