// Package web is weekoffs' HTTP side: the JSON API and the HTML pages, side
// by side on one Gin engine, over the models.Store they share.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/klauspost/compress/gzhttp"

	"github.com/weekoffs/weekoffs/config"
	"github.com/weekoffs/weekoffs/docs"
	"github.com/weekoffs/weekoffs/models"
	"github.com/weekoffs/weekoffs/models/jobs"
	"github.com/weekoffs/weekoffs/static"
)

// Server answers weekoffs' HTTP requests.
type Server struct {
	cfg    config.Config
	store  *models.Store
	jobs   *jobs.Client // bulk changes and imports too large for a request; started by Jobs().Start
	log    *slog.Logger
	tokens tokens
	assets *static.Assets
	engine *gin.Engine
	// compress wraps the handler: gzip for clients that accept it (gzhttp).
	compress func(http.Handler) http.HandlerFunc

	sessions    *sessionStore
	crossOrigin *http.CrossOriginProtection // refuses cross-origin form posts (docs/SECURITY.md)
	figures     *coverageCache              // everyone's coverage figures, by range
	throttle    *throttle                   // names the sign-in allowances per account and address
	secHeaders  http.Header                 // sent with every response; never modified
	metrics     *metrics                    // GET /metrics; nil unless METRICS=on
	cssURL      string                      // the stylesheet's versioned address
	docsHTML    []byte                      // GET /docs
	openAPIJSON []byte                      // GET /openapi.json

	pageResponder responder // answers the errors of page routes (installed by the page wrappers)
	requestLines  sync.Pool // *requestLine, reused by logRequests
}

// Jobs returns the server's job runner, built on the store's pool: it
// queues jobs at once, and works them once started (weekoffs serve starts
// it, and stops it before the store closes).
func (s *Server) Jobs() *jobs.Client { return s.jobs }

// NewServer builds the server and its routes from its dependencies.
func NewServer(cfg config.Config, store *models.Store, log *slog.Logger) (*Server, error) {
	s := &Server{
		cfg:    cfg,
		store:  store,
		log:    log,
		assets: static.New(),
		engine: gin.New(),

		sessions:    newSessionStore(cfg),
		crossOrigin: http.NewCrossOriginProtection(),
		figures:     newCoverageCache(),
		throttle:    newThrottle(cfg.SecretKey),
		secHeaders:  newSecurityHeaders(),
	}
	s.cssURL = s.assets.URL("css/site.css")
	s.pageResponder = s.respondPage
	var err error
	s.jobs, err = jobs.New(store, jobs.Options{
		SyncMax: cfg.BulkSyncMax, ImportSyncMax: cfg.ImportSyncMax, BatchSize: cfg.BulkBatchSize, Parallel: cfg.BulkParallel,
		RescueAfter: cfg.JobsRescueAfter,
		// Statements unprepared mean PgBouncer in transaction mode
		// (docs/DEPLOY.md), where River's LISTEN would hear nothing.
		PollOnly: cfg.QueryExecMode == "exec" || cfg.QueryExecMode == "simple_protocol",
	}, log)
	if err != nil {
		return nil, err
	}
	if s.tokens, err = newTokens([]byte(cfg.SecretKey), cfg.TokenTTL); err != nil {
		return nil, err
	}
	if s.compress, err = newCompressor(); err != nil {
		return nil, err
	}
	if s.docsHTML, err = renderDocs(s.assets); err != nil {
		return nil, err
	}
	if s.openAPIJSON, err = docs.OpenAPIJSON(); err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	// Client addresses (sign-in throttling, logs) come from the connection,
	// or from X-Forwarded-For only when it was set by a proxy we trust.
	if err := s.engine.SetTrustedProxies(cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("TRUSTED_PROXIES: %w", err)
	}
	if cfg.Metrics {
		s.metrics = newMetrics(store, cfg.MetricsToken)
		s.metrics.reg.MustRegister(newShortDaysCollector(func(ctx context.Context) ([]models.ShortDay, error) {
			short, _, err := s.shortDaysSoon(ctx)
			return short, err
		}))
	}
	s.engine.HandleMethodNotAllowed = true
	// The contract accepts a trailing slash on every JSON route; Handler
	// strips it, so Gin must not redirect instead.
	s.engine.RedirectTrailingSlash = false
	s.engine.RedirectFixedPath = false
	s.engine.ContextWithFallback = true
	s.routes()
	return s, nil
}

// Handler returns the server as an http.Handler. It accepts a trailing slash
// on every path ("/admin/users/" is "/admin/users"), as the FastAPI service
// did, and compresses what clients accept compressed.
func (s *Server) Handler() http.Handler {
	return s.compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
			r.URL.Path = strings.TrimRight(p, "/")
			if r.URL.Path == "" {
				r.URL.Path = "/"
			}
			r.URL.RawPath = ""
		}
		s.engine.ServeHTTP(w, r)
	}))
}

// newCompressor gzips responses for clients that send Accept-Encoding: gzip.
// Bodies under gzhttp's DefaultMinSize (1 KiB, such as one user's JSON)
// stay plain: they fit a packet either way. A compressed response's ETag
// gets "-gzip" added ("5" becomes "5-gzip"), as a strong tag of another
// representation must differ; If-Match takes either (ifMatch). zstd stays
// off: clients asked for gzip, and it would be one more encoding to test.
func newCompressor() (func(http.Handler) http.HandlerFunc, error) {
	return gzhttp.NewWrapper(gzhttp.SuffixETag(gzipETagSuffix), gzhttp.EnableZstd(false))
}
