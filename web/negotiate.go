package web

import (
	"mime"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// byAccept answers with the page when the request's Accept prefers
// text/html and with JSON otherwise (application/json, */*, or no Accept).
func (s *Server) byAccept(page, api gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Vary", "Accept")
		if prefersHTML(c.GetHeader("Accept")) {
			page(c)
			return
		}
		api(c)
	}
}

// prefersHTML reports whether text/html has a higher quality in accept than
// application/json. Each type takes the quality of its most specific match
// ("text/html" over "text/*" over "*/*"); a tie goes to JSON.
func prefersHTML(accept string) bool {
	html, json := acceptQuality(accept, "text", "html"), acceptQuality(accept, "application", "json")
	return html > json
}

func acceptQuality(accept, typ, sub string) float64 {
	best, bestSpecific := 0.0, -1
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		t, st, _ := strings.Cut(mt, "/")
		specific := -1
		switch {
		case t == typ && st == sub:
			specific = 2
		case t == typ && st == "*":
			specific = 1
		case t == "*" && st == "*":
			specific = 0
		}
		if specific < bestSpecific || specific < 0 {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 1 {
				q = f
			}
		}
		if specific > bestSpecific || q > best {
			best, bestSpecific = q, specific
		}
	}
	return best
}
