package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// recordCSPViolations runs in every document before the page's own scripts
// (DevTools scripts are not subject to the page's policy) and keeps what the
// Content-Security-Policy blocked.
const recordCSPViolations = `window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", e =>
	window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline")));`

// TestBrowserDocs opens /docs in headless Chromium, signed in to nothing, and
// wants Swagger UI to list every operation of the document, under the site's
// Content-Security-Policy without a single violation, and to call the API.
func TestBrowserDocs(t *testing.T) {
	spec := mustOpenAPI(t)
	a := newApp(t, nil)
	b := newBrowser(t, a)
	if _, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: recordCSPViolations}); err != nil {
		t.Fatalf("install the CSP recorder: %v", err)
	}

	if status := b.open("/docs"); status != http.StatusOK {
		b.fatal("GET /docs: status %d", status)
	}
	b.do(chromedp.WaitVisible(chromedp.CSS(".swagger-ui .opblock")))
	if title := b.text(".swagger-ui .info .title"); !strings.Contains(title, "weekoffs") {
		t.Errorf("title: got %q, want the document's", title)
	}

	var want []string
	for path, item := range spec.doc.Paths.Map() {
		for method := range item.Operations() {
			want = append(want, method+" "+path)
		}
	}
	listed := run(b, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(".swagger-ui .opblock"), op =>
		op.querySelector(".opblock-summary-method").textContent.trim() + " " +
		op.querySelector(".opblock-summary-path").getAttribute("data-path"))`))
	slices.Sort(want)
	slices.Sort(listed)
	if !slices.Equal(listed, want) {
		t.Errorf("operations listed:\n got %v\nwant %v", listed, want)
	}
	if !b.present(".swagger-ui .auth-wrapper .authorize") {
		t.Error("no Authorize button: the security schemes are not shown")
	}

	// Try GET /health from the page: Swagger UI's request must reach the API.
	b.do(
		chromedp.Click(chromedp.CSS(`#operations-health-health .opblock-summary-control`)),
		chromedp.Click(chromedp.CSS(`#operations-health-health .try-out__btn`)),
		chromedp.Click(chromedp.CSS(`#operations-health-health .execute`)),
		chromedp.WaitVisible(chromedp.CSS(`#operations-health-health .live-responses-table tr.response .response-col_status`)),
	)
	if got := b.text(`#operations-health-health .live-responses-table tr.response .response-col_status`); got != "200" {
		t.Errorf("GET /health from the page: status %q, want 200", got)
	}

	shot := b.screenshot("docs")
	if v := run(b, chromedp.Evaluate[[]string](`window.__cspViolations`)); len(v) > 0 {
		t.Errorf("the Content-Security-Policy blocked %v (screenshot %s)", v, shot)
	}
}
