package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// scheduleUsers is how many users the calendar and feed runs spread over.
const scheduleUsers = 50

// scheduleFixtures gives the first scheduleUsers users a planned change a
// month ahead (so a year's calendar crosses it, as the goal says)
// and a calendar feed, through the API, and returns the feeds' paths.
func scheduleFixtures(base string, tokens []string) ([]string, error) {
	change := time.Now().UTC().AddDate(0, 1, 0).Format(time.DateOnly)
	body := fmt.Sprintf(`{"effective_from":%q,"rules":[{"day":"saturday","weeks":[2,4]},{"day":"friday","part":"afternoon"}]}`, change)
	var feeds []string
	for _, tok := range tokens[:min(scheduleUsers, len(tokens))] {
		if _, err := call(http.MethodPut, base+"/me/schedule", tok, []byte(body)); err != nil {
			return nil, err
		}
		out, err := call(http.MethodPost, base+"/me/calendar-feed", tok, nil)
		if err != nil {
			return nil, err
		}
		var feed struct{ URL string }
		if err := json.Unmarshal(out, &feed); err != nil {
			return nil, fmt.Errorf("POST /me/calendar-feed: %w", err)
		}
		u, err := url.Parse(feed.URL)
		if err != nil {
			return nil, fmt.Errorf("POST /me/calendar-feed: %w", err)
		}
		feeds = append(feeds, u.Path)
	}
	return feeds, nil
}

// call sends one authenticated JSON request and returns the answer's body;
// anything but 2xx is an error.
func call(method, u, token string, body []byte) ([]byte, error) {
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var out bytes.Buffer
	if _, err := out.ReadFrom(res.Body); err != nil {
		return nil, err
	}
	if res.StatusCode/100 != 2 {
		return nil, fmt.Errorf("%s %s: %s: %s", method, u, res.Status, out.String())
	}
	return out.Bytes(), nil
}

// scheduleEndpoints are the calendar's runs: a year of days off as JSON,
// and the iCalendar feed, each over the users scheduleFixtures prepared,
// at throughput and at latency concurrency.
func scheduleEndpoints(o options, srv *server, fx *fixtures) []endpoint {
	if len(fx.feeds) == 0 {
		return nil
	}
	from := time.Now().UTC()
	year := fmt.Sprintf("/me/calendar?from=%s&to=%s", from.Format(time.DateOnly), from.AddDate(0, 0, 365).Format(time.DateOnly))
	pid := srv.cmd.Process.Pid
	var eps []endpoint
	for _, c := range []int{o.connections, o.latencyConns} {
		if c <= 0 {
			continue
		}
		eps = append(eps,
			endpoint{"GET /me/calendar (366 days)", c, pid, rotating(http.MethodGet, srv.base+year, fx.userTokens[:len(fx.feeds)], nil, gzip)},
			endpoint{"GET /calendar/<key>.ics", c, pid, eachPath(srv.base, fx.feeds)})
	}
	return eps
}

// eachPath asks for each path in turn, without credentials.
func eachPath(base string, paths []string) vegeta.Targeter {
	header := http.Header{"Accept-Encoding": {gzip}}
	var n atomic.Uint64
	return func(t *vegeta.Target) error {
		i := n.Add(1)
		t.Method, t.URL, t.Header, t.Body = http.MethodGet, base+paths[i%uint64(len(paths))], header, nil
		return nil
	}
}
