package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/weekoffs/weekoffs/models"
)

// recordCSPViolations runs in every document before the page's own scripts
// (DevTools scripts are not subject to the page's policy) and keeps what the
// Content-Security-Policy blocked.
const recordCSPViolations = `window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", e =>
	window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline")));`

// TestBrowserDocs opens /docs in headless Chromium, signed in to nothing, and
// wants Swagger UI to list every operation of the document, under the site's
// Content-Security-Policy without a single violation, and to call the API,
// first anonymously, then signed in through the document's OAuth2 password
// flow.
func TestBrowserDocs(t *testing.T) {
	spec := mustOpenAPI(t)
	a := newApp(t, nil)
	a.user("asha@example.com", models.RoleEmployee, "sat")
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

	if got := tryOperation(b, "#operations-health-health"); got != "200" {
		t.Errorf("GET /health from the page: status %q, want 200", got)
	}
	// Authorize with the password flow, whose tokenUrl is /auth/token, then
	// GET /me must carry the token.
	b.do(
		chromedp.Click(chromedp.CSS(`.swagger-ui .auth-wrapper .authorize`)),
		chromedp.SendKeys(chromedp.ID("oauth_username"), "asha@example.com"),
		chromedp.SendKeys(chromedp.ID("oauth_password"), "password1"),
		chromedp.Click(chromedp.CSS(`.swagger-ui .modal-ux .auth-btn-wrapper .authorize`)),
	)
	// Signed in, the scheme offers to log out instead.
	run(b, chromedp.Poll[bool](`Array.from(document.querySelectorAll(".swagger-ui .modal-ux button"))
		.some(btn => btn.textContent.trim() === "Logout")`))
	b.do(chromedp.Click(chromedp.CSS(`.swagger-ui .modal-ux .close-modal`)))
	if got := tryOperation(b, "#operations-me-getMe"); got != "200" {
		t.Errorf("GET /me from the page, authorized: status %q, want 200", got)
	}

	shot := b.screenshot("docs")
	if v := run(b, chromedp.Evaluate[[]string](`window.__cspViolations`)); len(v) > 0 {
		t.Errorf("the Content-Security-Policy blocked %v (screenshot %s)", v, shot)
	}
}

// tryOperation opens an operation of the page (a CSS selector of its block),
// sends it with "Try it out" and returns the status the page shows.
func tryOperation(b *browser, op string) string {
	b.t.Helper()
	status := op + ` .live-responses-table tr.response .response-col_status`
	b.do(
		chromedp.Click(chromedp.CSS(op+` .opblock-summary-control`)),
		chromedp.Click(chromedp.CSS(op+` .try-out__btn`)),
		chromedp.Click(chromedp.CSS(op+` .execute`)),
		chromedp.WaitVisible(chromedp.CSS(status)),
	)
	return b.text(status)
}
