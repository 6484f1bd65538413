package web

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/weekoffs/weekoffs/models"
)

// pendingRequestsCollector is weekoffs_pending_requests, counted when
// scraped (one count over the pending requests' partial index), so that
// every instance reports the same figure and nothing runs between scrapes.
type pendingRequestsCollector struct {
	store *models.Store
}

var pendingRequestsDesc = prometheus.NewDesc("weekoffs_pending_requests",
	"Change requests waiting for an admin's approval.", nil, nil)

// Describe sends the gauge's description.
func (pendingRequestsCollector) Describe(ch chan<- *prometheus.Desc) { ch <- pendingRequestsDesc }

// Collect counts the pending requests. A database that does not answer in
// time leaves the gauge out of this scrape (Prometheus reports it absent)
// rather than failing the whole page.
func (p pendingRequestsCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, err := p.store.PendingRequests(ctx)
	if err != nil {
		return
	}
	ch <- prometheus.MustNewConstMetric(pendingRequestsDesc, prometheus.GaugeValue, float64(n))
}
