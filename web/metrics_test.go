package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/models"
)

func TestMetrics(t *testing.T) {
	t.Parallel()

	t.Run("OffByDefault", func(t *testing.T) {
		t.Parallel()
		a := newApp(t, nil)
		a.do(call{method: http.MethodGet, path: "/metrics", want: http.StatusNotFound})
	})

	t.Run("On", func(t *testing.T) {
		t.Parallel()
		a := newApp(t, func(c *config.Config) { c.Metrics = true })
		admin, tok := a.userWithToken("boss@example.com", models.RoleAdmin)
		a.do(call{method: http.MethodGet, path: "/health", want: http.StatusOK})
		a.do(call{method: http.MethodGet, path: fmt.Sprintf("/admin/users/%d", admin.ID), token: tok, want: http.StatusOK})
		a.do(call{method: http.MethodGet, path: "/no/such/page/12345", want: http.StatusNotFound})

		res := a.do(call{method: http.MethodGet, path: "/metrics"})
		wantStatus(t, res, http.StatusOK)
		body := res.Body.String()
		for _, want := range []string{
			`weekoffs_db_pool_max_connections 4`,
			`weekoffs_db_pool_acquires_total `,
			`weekoffs_db_pool_empty_acquires_total `,
			`weekoffs_db_pool_canceled_acquires_total 0`,
			`weekoffs_db_pool_acquire_wait_seconds_total `,
			`weekoffs_db_pool_acquired_connections `,
			`weekoffs_db_pool_idle_connections `,
			`weekoffs_http_request_duration_seconds_count{method="GET",route="/health",status="200"} 1`,
			// Route templates, never raw paths: ids and unknown paths add no series.
			`weekoffs_http_request_duration_seconds_count{method="GET",route="/admin/users/:id",status="200"} 1`,
			`weekoffs_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 1`,
			`weekoffs_build_info{`,
			`go_goroutines `,
			`process_resident_memory_bytes `,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("GET /metrics lacks %q", want)
			}
		}
		if strings.Contains(body, "/no/such/page") || strings.Contains(body, fmt.Sprintf("/admin/users/%d", admin.ID)) {
			t.Errorf("GET /metrics names a raw path")
		}
	})

	t.Run("Token", func(t *testing.T) {
		t.Parallel()
		const secret = "metrics-scraper-token-0123456789"
		a := newApp(t, func(c *config.Config) { c.Metrics, c.MetricsToken = true, secret })
		a.do(call{method: http.MethodGet, path: "/metrics", want: http.StatusUnauthorized})
		a.do(call{method: http.MethodGet, path: "/metrics", token: "wrong-token-0123456789", want: http.StatusUnauthorized})
		a.do(call{method: http.MethodGet, path: "/metrics", token: secret, want: http.StatusOK})
	})
}

func TestMetricsConfig(t *testing.T) {
	t.Parallel()
	base := map[string]string{"APP_ENV": "development"}
	load := func(extra map[string]string) (config.Config, error) {
		return config.Load(func(k string) string {
			if v, ok := extra[k]; ok {
				return v
			}
			return base[k]
		})
	}
	cases := []struct {
		name    string
		env     map[string]string
		wantErr string // "" for no error
		on      bool
	}{
		{"OffByDefault", nil, "", false},
		{"On", map[string]string{"METRICS": "on"}, "", true},
		{"OnWithToken", map[string]string{"METRICS": "on", "METRICS_TOKEN": "0123456789abcdef"}, "", true},
		{"TokenWithoutMetrics", map[string]string{"METRICS_TOKEN": "0123456789abcdef"}, "METRICS_TOKEN", false},
		{"ShortToken", map[string]string{"METRICS": "on", "METRICS_TOKEN": "short"}, "METRICS_TOKEN", false},
		{"BadValue", map[string]string{"METRICS": "maybe"}, "METRICS", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := load(tc.env)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("got error %v, want none", err)
			case tc.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.wantErr)):
				t.Fatalf("got error %v, want one naming %s", err, tc.wantErr)
			case err == nil && cfg.Metrics != tc.on:
				t.Fatalf("Metrics: got %v, want %v", cfg.Metrics, tc.on)
			}
		})
	}
}
