// Package docs holds weekoffs' OpenAPI document, docs/openapi.yaml, embedded
// so that the binary serves the same text the repository keeps.
package docs

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/goccy/go-yaml"
)

//go:embed openapi.yaml
var openAPIYAML []byte

// OpenAPIJSON returns the OpenAPI document converted to indented JSON, with
// its members in the order the YAML gives them.
func OpenAPIJSON() ([]byte, error) {
	compact, err := yaml.YAMLToJSON(openAPIYAML)
	if err != nil {
		return nil, fmt.Errorf("docs/openapi.yaml: %w", err)
	}
	out, err := json.MarshalIndent(json.RawMessage(compact), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("docs/openapi.yaml as JSON: %w", err)
	}
	return out, nil
}
