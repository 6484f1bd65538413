package schedule_test

import (
	"fmt"
	"strings"
)

// fmtPath writes a problem's path as [1 weeks].
func fmtPath(p []any) string {
	parts := make([]string, len(p))
	for i, x := range p {
		parts[i] = fmt.Sprint(x)
	}
	return "[" + strings.Join(parts, " ") + "]"
}
