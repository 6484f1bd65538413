package docs

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/weekoffs/weekoffs/"

// rule is one row of ARCHITECTURE.md's package table.
type rule struct {
	imports, testImports []string
}

// TestImportsFollowArchitecture holds every package's imports of ours
// against the table in ARCHITECTURE.md, and every package to a row of it.
func TestImportsFollowArchitecture(t *testing.T) {
	rules := readRules(t)
	out, err := exec.Command("go", "list", "-f",
		`{{.ImportPath}}|{{join .Imports " "}}|{{join .TestImports " "}} {{join .XTestImports " "}}`, "../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for line := range strings.Lines(string(out)) {
		parts := strings.Split(strings.TrimSpace(line), "|")
		pkg := strings.TrimPrefix(parts[0], module)
		r, ok := rules[pkg]
		if !ok {
			t.Errorf("package %s has no row in ARCHITECTURE.md's table", pkg)
			continue
		}
		for _, imp := range ours(parts[1]) {
			if !slices.Contains(r.imports, imp) {
				t.Errorf("%s imports %s, which ARCHITECTURE.md does not allow", pkg, imp)
			}
		}
		for _, imp := range ours(parts[2]) {
			if imp != pkg && !slices.Contains(r.imports, imp) && !slices.Contains(r.testImports, imp) {
				t.Errorf("the tests of %s import %s, which ARCHITECTURE.md does not allow", pkg, imp)
			}
		}
	}
}

var backticked = regexp.MustCompile("`([^`]+)`")

// readRules reads the table's rows: | `package` | holds | may import | tests may also import |.
func readRules(t *testing.T) map[string]rule {
	t.Helper()
	doc, err := os.ReadFile("ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]rule{}
	sc := bufio.NewScanner(bytes.NewReader(doc))
	for sc.Scan() {
		cells := strings.Split(sc.Text(), "|")
		if len(cells) != 6 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		name := backticked.FindStringSubmatch(cells[1])[1]
		rules[name] = rule{imports: names(cells[3]), testImports: names(cells[4])}
	}
	if len(rules) == 0 {
		t.Fatal("ARCHITECTURE.md has no package table")
	}
	return rules
}

func names(cell string) []string {
	var out []string
	for _, m := range backticked.FindAllStringSubmatch(cell, -1) {
		out = append(out, m[1])
	}
	return out
}

// ours keeps the module's own packages of a space-separated import list.
func ours(list string) []string {
	var out []string
	for _, imp := range strings.Fields(list) {
		if p, ok := strings.CutPrefix(imp, module); ok {
			out = append(out, p)
		}
	}
	return out
}
