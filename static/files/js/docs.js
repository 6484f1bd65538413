// docs.js starts Swagger UI on the /docs page. It is a file of its own, not
// an inline script, so that the page works under a Content-Security-Policy
// of script-src 'self'. The page gives the document's address in
// data-openapi-url.
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: node.dataset.openapiUrl,
    domNode: node,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    // No call to validator.swagger.io: the page stays on this origin.
    validatorUrl: null,
    displayRequestDuration: true,
    defaultModelsExpandDepth: 0,
  });
})();
