package web

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/weekoffs/weekoffs/models"
)

// shortDaysCollector is weekoffs_short_team_days: how many team-dates of
// the next four weeks fall below their team's minimum on duty. It is
// counted when scraped, through the coverage cache (kept up to 30 seconds,
// counted afresh after any change heard of), and counts only the members
// of teams that have a minimum; a scrape that cannot count leaves the
// gauge out rather than report a wrong 0.
type shortDaysCollector struct {
	count func(context.Context) ([]models.ShortDay, error)
	desc  *prometheus.Desc
}

func newShortDaysCollector(count func(context.Context) ([]models.ShortDay, error)) shortDaysCollector {
	return shortDaysCollector{count: count, desc: prometheus.NewDesc("weekoffs_short_team_days",
		"Team-days in the next 4 weeks (today included) on which fewer of the team work than its min_on_duty.", nil, nil)}
}

func (c shortDaysCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c shortDaysCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	short, err := c.count(ctx)
	if err != nil {
		return
	}
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(len(short)))
}
