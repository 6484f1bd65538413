package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportCommand: `weekoffs import --dry-run` says what a file would do
// and writes nothing; a file with a problem fails with the problem's row
// and writes nothing; `weekoffs import` applies a good file (flags before
// or after its name, or the file on stdin); and an exported file imported
// back changes nobody.
func TestImportCommand(t *testing.T) {
	t.Parallel()
	env, _ := testEnv(t)
	if _, logs, err := runCmd(t, env, "", "migrate"); err != nil {
		t.Fatalf("migrate: %v\n%s", err, logs)
	}
	if out, logs, err := runCmd(t, env, "", "seed", "--users", "10", "--password", "demo-password"); err != nil {
		t.Fatalf("seed: %v\n%s%s", err, out, logs)
	}
	dbOnly := map[string]string{"DATABASE_URL": env["DATABASE_URL"]}
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	exported := func() string {
		out, logs, err := runCmd(t, dbOnly, "", "export", "--sort", "email")
		if err != nil {
			t.Fatalf("export: %v\n%s", err, logs)
		}
		return out
	}
	before := exported()

	good := write("good.csv", "\uFEFFemail,full_name,weekoffs\r\nnew@example.com,\"Müller, José\",sat sun\r\nuser1@example.com,Renamed One,\r\n")
	out, logs, err := runCmd(t, dbOnly, "", "import", good, "--dry-run")
	if err != nil || !strings.Contains(out, "2 rows checked (dry run: nothing written)") || !strings.Contains(out, "1 new, 1 changed, 0 unchanged") {
		t.Fatalf("dry run: %v\n%s%s", err, out, logs)
	}
	if exported() != before {
		t.Fatal("the dry run changed the users")
	}

	bad := write("bad.csv", "email,role\nnew@example.com,boss\n")
	out, logs, err = runCmd(t, dbOnly, "", "import", bad)
	if err == nil || !strings.Contains(err.Error(), "has 1 problem; nothing was imported") || !strings.Contains(out, "row 2, role: Choose admin or employee") {
		t.Fatalf("a bad file: got %v\n%s%s", err, out, logs)
	}
	if exported() != before {
		t.Fatal("a refused file changed the users")
	}

	out, logs, err = runCmd(t, dbOnly, "", "import", good)
	if err != nil || !strings.Contains(out, "2 rows imported") {
		t.Fatalf("import: %v\n%s%s", err, out, logs)
	}
	after := exported()
	if !strings.Contains(after, `"Müller, José"`) || !strings.Contains(after, "Renamed One") {
		t.Errorf("the export after the import lacks its changes:\n%s", after)
	}
	out, logs, err = runCmd(t, dbOnly, after, "import", "-")
	if err != nil || !strings.Contains(out, "0 new, 0 changed, 11 unchanged") {
		t.Fatalf("the export imported back from stdin: %v\n%s%s", err, out, logs)
	}
	if exported() != after {
		t.Error("importing the export changed the users")
	}
}
