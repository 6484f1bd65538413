package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/weekoffs/weekoffs/static"
)

var docsTemplate = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>weekoffs API reference</title>
<link rel="stylesheet" href="{{.CSS}}">
<script src="{{.Bundle}}" defer></script>
<script src="{{.Init}}" defer></script>
</head>
<body>
<div id="swagger-ui" data-openapi-url="{{.Document}}"></div>
<noscript>The interactive reference needs JavaScript; the document itself is at <a href="{{.Document}}">{{.Document}}</a>.</noscript>
</body>
</html>
`))

// renderDocs draws the page of GET /docs, the interactive reference of the
// OpenAPI document: Swagger UI, vendored under static/files/vendor/swagger-ui.
// Its scripts are files of this site, none inline, so the page works under
// the site's Content-Security-Policy (securityHeaders). It only changes with
// the assets, so NewServer draws it once.
func renderDocs(assets *static.Assets) ([]byte, error) {
	var page bytes.Buffer
	err := docsTemplate.Execute(&page, struct{ CSS, Bundle, Init, Document string }{
		CSS:      assets.URL("vendor/swagger-ui/swagger-ui.css"),
		Bundle:   assets.URL("vendor/swagger-ui/swagger-ui-bundle.js"),
		Init:     assets.URL("js/docs.js"),
		Document: "/openapi.json",
	})
	if err != nil {
		return nil, fmt.Errorf("docs page: %w", err)
	}
	return page.Bytes(), nil
}

// docsPage serves GET /docs.
func (s *Server) docsPage(c *gin.Context) {
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "text/html; charset=utf-8", s.docsHTML)
}
