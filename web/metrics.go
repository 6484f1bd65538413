package web

import (
	"crypto/subtle"
	"net/http"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/weekoffs/weekoffs/models"
)

// metrics is GET /metrics in Prometheus' text format: the pool's figures,
// request durations by route and status, the Go runtime and build info. It
// has a registry of its own, so two servers in one process (as in tests)
// never collide on the global one.
type metrics struct {
	reg      *prometheus.Registry
	token    []byte // METRICS_TOKEN; empty means no bearer is required
	duration *prometheus.HistogramVec
	handler  http.Handler
}

// requestBuckets reach from a cached page to a request near its deadline.
var requestBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

func newMetrics(store *models.Store, token string) *metrics {
	reg := prometheus.NewRegistry()
	m := &metrics{
		reg:   reg,
		token: []byte(token),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "weekoffs_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by method, route template and status.",
			Buckets: requestBuckets,
		}, []string{"method", "route", "status"}),
	}
	reg.MustRegister(
		m.duration,
		poolCollector{store: store},
		pendingRequestsCollector{store: store},
		buildInfo(),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
	return m
}

// observe times each request under its route template (c.FullPath), never
// the raw path, so ids and unknown paths cannot multiply the series.
func (m *metrics) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	m.duration.WithLabelValues(c.Request.Method, route, strconv.Itoa(c.Writer.Status())).
		Observe(time.Since(start).Seconds())
}

// serve answers GET /metrics, after checking the bearer token if one is set.
func (m *metrics) serve(c *gin.Context) error {
	if len(m.token) > 0 {
		got := []byte(c.GetHeader("Authorization"))
		want := append([]byte("Bearer "), m.token...)
		if subtle.ConstantTimeCompare(got, want) != 1 {
			return errNotAuthenticated()
		}
	}
	m.handler.ServeHTTP(c.Writer, c.Request)
	return nil
}

// buildInfo is weekoffs_build_info: always 1, labelled with the version,
// the commit and the Go release the binary was built from.
func buildInfo() prometheus.Collector {
	version, revision, goVersion := "(devel)", "unknown", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				revision = s.Value
			}
		}
	}
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "weekoffs_build_info",
		Help:        "Always 1; its labels say which build is running.",
		ConstLabels: prometheus.Labels{"version": version, "revision": revision, "goversion": goVersion},
	})
	g.Set(1)
	return g
}

// poolCollector reads Store.PoolStats at each scrape, so the figures are
// current and nothing runs between scrapes.
type poolCollector struct {
	store *models.Store
}

var (
	poolMax       = poolDesc("max_connections", "Most connections the pool may open.")
	poolTotal     = poolDesc("connections", "Connections open now, idle or in use.")
	poolIdle      = poolDesc("idle_connections", "Connections open and idle now.")
	poolInUse     = poolDesc("acquired_connections", "Connections in use by a query now.")
	poolWaiting   = poolDesc("waiting_acquires", "Requests waiting for a connection now.")
	poolAcquires  = poolDesc("acquires_total", "Connections handed out since start.")
	poolEmpty     = poolDesc("empty_acquires_total", "Acquires that found no idle connection and had to wait or connect.")
	poolCanceled  = poolDesc("canceled_acquires_total", "Acquires given up (deadline or cancellation) before a connection came free.")
	poolNewConns  = poolDesc("new_connections_total", "Connections opened since start.")
	poolWait      = poolDesc("acquire_wait_seconds_total", "Total time spent acquiring connections.")
	poolEmptyWait = poolDesc("empty_acquire_wait_seconds_total", "Total time spent waiting by acquires that found no idle connection.")
)

func poolDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc("weekoffs_db_pool_"+name, help, nil, nil)
}

// Describe sends the pool metrics' descriptions.
func (poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolMax, poolTotal, poolIdle, poolInUse, poolWaiting,
		poolAcquires, poolEmpty, poolCanceled, poolNewConns, poolWait, poolEmptyWait} {
		ch <- d
	}
}

// Collect sends one sample of each pool metric.
func (p poolCollector) Collect(ch chan<- prometheus.Metric) {
	st := p.store.PoolStats()
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(poolMax, float64(st.Max))
	gauge(poolTotal, float64(st.Total))
	gauge(poolIdle, float64(st.Idle))
	gauge(poolInUse, float64(st.InUse))
	gauge(poolWaiting, float64(st.Waiting))
	counter(poolAcquires, float64(st.AcquireCount))
	counter(poolEmpty, float64(st.EmptyAcquireCount))
	counter(poolCanceled, float64(st.CanceledAcquireCount))
	counter(poolNewConns, float64(st.NewConnsCount))
	counter(poolWait, st.AcquireDuration.Seconds())
	counter(poolEmptyWait, st.EmptyAcquireWaitTime.Seconds())
}
